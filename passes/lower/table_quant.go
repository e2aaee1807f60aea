package lower

import "github.com/kiln-hls/kiln/ir/graph"

// quantLowerings: Quantisation and integer operators.
var quantLowerings = map[graph.Op]lowerFunc{}
