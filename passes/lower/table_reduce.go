package lower

import "github.com/kiln-hls/kiln/ir/graph"

// reduceLowerings: Reductions, Softmax, CumSum and normalisations.
var reduceLowerings = map[graph.Op]lowerFunc{}
