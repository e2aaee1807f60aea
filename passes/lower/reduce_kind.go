package lower

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// The reductions, Softmax, CumSum and the normalisations compute in the
// kind ir/graph/eval computes them in where that costs nothing in hardware
// (arith: narrow floats in f32, rounded once when stored; f64 in f64;
// integers in their own kind, whose wrapping is modular and so equals
// eval's int64 sums wrapped at the end). Where eval computes float32
// statistics in float64 (Softmax, BatchNormalization,
// InstanceNormalization) the loop IR keeps f32, within ONNX's tolerance:
// f64 arithmetic costs several times the area in HLS.

// bufKind is the element kind of buffer id.
func (b *builder) bufKind(id loop.BufID) dtype.Kind { return b.k.Buffers[id].Kind }

// freshVarsLike adds one fresh variable per variable of vs, named alike,
// for a sibling loop nest over the same axes (a variable is bound once).
func (b *builder) freshVarsLike(vs []loop.VarID) []loop.VarID {
	out := make([]loop.VarID, len(vs))
	for i, v := range vs {
		out[i] = b.k.NewVar(b.k.Vars[v].Name)
	}
	return out
}

// splitAxes is the variables and extents of the axes d of shape for which
// keep(d), in order.
func splitAxes(vs []loop.VarID, shape []int, keep func(d int) bool) ([]loop.VarID, []int) {
	var ov []loop.VarID
	var oe []int
	for d := range vs {
		if keep(d) {
			ov, oe = append(ov, vs[d]), append(oe, shape[d])
		}
	}
	return ov, oe
}

// goMinMax is min or max (op) of floats x and y as Go's built-in min and
// max compute them, and so eval's Reduce* and Softmax: NaN when either is
// NaN, even against an infinity (loop.Min and Max are C's fmin and fmax,
// which drop a NaN; math.Max, which the element-wise Max follows, lets
// +Inf win); −0 below +0. Integers need no guard.
func goMinMax(op loop.BinOp, k dtype.Kind, x, y loop.Expr) loop.Expr {
	if !k.IsFloat() {
		return bin(op, x, y)
	}
	nan := bin(loop.Or, bin(loop.Ne, x, x), bin(loop.Ne, y, y))
	return sel(nan, bin(loop.Add, x, y), bin(op, x, y))
}
