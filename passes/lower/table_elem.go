package lower

import "github.com/kiln-hls/kiln/ir/graph"

// elemLowerings: element-wise operators beyond the first ones (elem.go).
var elemLowerings = map[graph.Op]lowerFunc{
	graph.OpMean: binary,
	graph.OpLog:  unary, graph.OpReciprocal: unary, graph.OpElu: unary, graph.OpSelu: unary,
	graph.OpHardSigmoid: unary, graph.OpSoftplus: unary,
	graph.OpFloor: unary, graph.OpCeil: unary, graph.OpErf: unary, graph.OpSign: unary,
	graph.OpEqual: compare, graph.OpLess: compare, graph.OpGreater: compare,
	graph.OpLessOrEqual: compare, graph.OpGreaterOrEqual: compare,
	graph.OpAnd: compare, graph.OpOr: compare, graph.OpNot: not,
	graph.OpWhere: where, graph.OpPRelu: prelu, graph.OpClip: clip,
	graph.OpIdentity: identity, graph.OpDropout: identity, graph.OpCast: cast,
	graph.OpPow:            pow,
	graph.OpQuantizeLinear: quantize, graph.OpDequantizeLinear: dequantize,
}
