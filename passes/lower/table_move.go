package lower

import "github.com/kiln-hls/kiln/ir/graph"

// moveLowerings: data movement (move_*.go) and Einsum (einsum.go). Reshape,
// Flatten, Squeeze, Unsqueeze and Transpose are in coreLowerings (move.go).
var moveLowerings = map[graph.Op]lowerFunc{
	graph.OpConcat: concat, graph.OpSplit: split,
	graph.OpSlice: slice, graph.OpGather: gather,
	graph.OpExpand: expand, graph.OpTile: tile,
	graph.OpPad: pad, graph.OpEinsum: einsum,
}
