package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// elemKernels is the kernel table of the element-wise and reduction family.
// Float kinds narrower than elemF32 are computed in float32 (f64 in float64) and
// rounded to their kind once at the end; integer results wrap to their
// kind's width.
var elemKernels = []KernelDef{
	{graph.OpAbs, elemUnary(absFns)},
	{graph.OpNeg, elemUnary(negFns)},
	{graph.OpExp, elemUnary(elemFloatFn(elemExp))},
	{graph.OpLog, elemUnary(elemFloatFn(elemLog))},
	{graph.OpSqrt, elemUnary(elemFloatFn(elemSqrt))},
	{graph.OpReciprocal, elemUnary(elemFloatFn(func(x float64) float64 { return 1 / x }))},
	{graph.OpFloor, elemUnary(elemFloatFn(elemFloor))},
	{graph.OpCeil, elemUnary(elemFloatFn(elemCeil))},
	{graph.OpErf, elemUnary(erfFns)},
	{graph.OpSign, elemUnary(signFns)},
	{graph.OpSigmoid, elemUnary(elemFloatFn(elemSigmoid))},
	{graph.OpTanh, elemUnary(elemFloatFn(elemTanh))},
	{graph.OpRelu, elemUnary(reluFns)},
	{graph.OpLeakyRelu, elemUnaryAttr(leakyReluFns)},
	{graph.OpElu, elemUnaryAttr(eluFns)},
	{graph.OpSelu, elemUnaryAttr(seluFns)},
	{graph.OpHardSigmoid, elemUnaryAttr(hardSigmoidFns)},
	{graph.OpSoftplus, elemUnary(elemFloatFn(elemSoftplus))},
	{graph.OpPRelu, elemBinary(preluFns)},
	{graph.OpNot, elemUnary(elemUnaryFns{b: func(x bool) bool { return !x }})},
	{graph.OpIdentity, elemIdentity},
	{graph.OpDropout, elemDropout},
	{graph.OpClip, elemClip},
	{graph.OpAdd, elemBinary(addFns)},
	{graph.OpSub, elemBinary(subFns)},
	{graph.OpMul, elemBinary(mulFns)},
	{graph.OpDiv, elemDiv},
	{graph.OpPow, elemPow},
	{graph.OpMax, elemVariadic(maxFns, false)},
	{graph.OpMin, elemVariadic(minFns, false)},
	{graph.OpSum, elemVariadic(addFns, false)},
	{graph.OpMean, elemVariadic(addFns, true)},
	{graph.OpEqual, elemCompare(eqFns)},
	{graph.OpGreater, elemCompare(gtFns)},
	{graph.OpLess, elemCompare(ltFns)},
	{graph.OpGreaterOrEqual, elemCompare(geFns)},
	{graph.OpLessOrEqual, elemCompare(leFns)},
	{graph.OpAnd, elemCompare(elemCmpFns{b: func(x, y bool) bool { return x && y }})},
	{graph.OpOr, elemCompare(elemCmpFns{b: func(x, y bool) bool { return x || y }})},
	{graph.OpWhere, elemWhere},
	{graph.OpSoftmax, elemSoftmax(false)},
	{graph.OpLogSoftmax, elemSoftmax(true)},
	{graph.OpReduceSum, elemReduce(elemRedSum)},
	{graph.OpReduceMean, elemReduce(elemRedMean)},
	{graph.OpReduceMax, elemReduce(elemRedMax)},
	{graph.OpReduceMin, elemReduce(elemRedMin)},
	{graph.OpReduceProd, elemReduce(elemRedProd)},
	{graph.OpCumSum, elemCumSum},
}

// elemIdx is BroadcastIndex, or nil when in already has the output's shape.
func elemIdx(out, in []int) []int {
	if graph.SameShape(out, in) {
		return nil
	}
	return BroadcastIndex(out, in)
}

// elemAt maps output element i through an elemIdx index.
func elemAt(idx []int, i int) int {
	if idx == nil {
		return i
	}
	return idx[i]
}

// elemFinish rounds narrow float kinds and wraps narrow integer kinds in place.
func elemFinish(a *dtype.Array) {
	k := a.Kind
	switch k.Class() {
	case dtype.ClassFloat:
		if k != dtype.F32 {
			for i, v := range a.F32 {
				a.F32[i] = float32(dtype.RoundFloat(k, float64(v), false))
			}
		}
	case dtype.ClassInt:
		if k.Bits() < 64 {
			for i, v := range a.I64 {
				a.I64[i] = dtype.WrapInt(k, v)
			}
		}
	case dtype.ClassUint:
		if k.Bits() < 64 {
			for i, v := range a.U64 {
				a.U64[i] = dtype.WrapUint(k, v)
			}
		}
	}
}

func elemNoKernel(op graph.Op, k dtype.Kind) error {
	return fmt.Errorf("%v has no kernel for %v", op, k)
}

func elemIdentity(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	return []*dtype.Array{in[0].Clone()}, nil
}

// elemDropout is inference-mode Dropout (shape inference rejects training mode).
func elemDropout(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	res := []*dtype.Array{in[0].Clone()}
	if len(out) > 1 {
		mask := dtype.New(dtype.Bool, out[1].Shape)
		for i := range mask.Bool {
			mask.Bool[i] = true
		}
		res = append(res, mask)
	}
	return res, nil
}
