package lower

import "github.com/kiln-hls/kiln/ir/graph"

// moveLowerings: Data movement: Concat, Split, Slice, Gather, Expand, Tile, Pad, Einsum.
var moveLowerings = map[graph.Op]lowerFunc{}
