package eval_test

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// elOf is an array of kind k holding v (rounded and wrapped by Set).
func elOf(k dtype.Kind, shape []int, v ...float64) *dtype.Array {
	a := dtype.New(k, shape)
	for i, x := range v {
		a.Set(i, x)
	}
	return a
}

func elF32(shape []int, v ...float32) *dtype.Array { return dtype.FromF32(shape, v) }

func elU64(shape []int, v ...uint64) *dtype.Array {
	return &dtype.Array{Kind: dtype.U64, Shape: shape, U64: v}
}

func elBool(shape []int, v ...bool) *dtype.Array {
	return &dtype.Array{Kind: dtype.Bool, Shape: shape, Bool: v}
}

var elNaN = float32(math.NaN())

type elCase struct {
	name  string
	op    graph.Op
	attrs graph.Attrs
	in    []*dtype.Array // nil: absent optional input
	nOut  int            // 0 means 1
	want  []*dtype.Array
	err   string
}

func elRun(t *testing.T, cases []elCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &graph.Node{Op: c.op, Name: c.name, Attrs: c.attrs, In: make([]graph.TensorID, len(c.in)), Out: make([]graph.TensorID, max(c.nOut, 1))}
			for i := range n.Out {
				n.Out[i] = graph.TensorID(100 + i)
			}
			got, err := eval.Node(n, c.in, 0)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			require.Len(t, got, len(c.want))
			for i, w := range c.want {
				elEqual(t, w, got[i])
			}
		})
	}
}

// elEqual compares kinds and shapes exactly and elements within 1e-6
// relative (NaN equals NaN).
func elEqual(t *testing.T, want, got *dtype.Array) {
	t.Helper()
	require.Equal(t, want.Kind, got.Kind, "kind")
	require.Equal(t, want.Shape, got.Shape, "shape")
	if !want.Kind.IsFloat() {
		assert.Equal(t, want, got)
		return
	}
	for i := range want.Len() {
		w, g := want.At(i), got.At(i)
		if math.IsNaN(w) || math.IsInf(w, 0) {
			assert.Equal(t, math.IsNaN(w), math.IsNaN(g), "element %d: got %v want %v", i, g, w)
			assert.Equal(t, math.IsInf(w, 1), math.IsInf(g, 1), "element %d: got %v want %v", i, g, w)
			continue
		}
		assert.InDelta(t, w, g, 1e-6*max(1, math.Abs(w)), "element %d", i)
	}
}

func TestElemUnary(t *testing.T) {
	v3 := []int{3}
	elRun(t, []elCase{
		{name: "abs i8 wraps -128", op: graph.OpAbs, in: []*dtype.Array{elOf(dtype.I8, v3, -128, -5, 7)}, want: []*dtype.Array{elOf(dtype.I8, v3, -128, 5, 7)}},
		{name: "neg f64", op: graph.OpNeg, in: []*dtype.Array{elOf(dtype.F64, v3, 1, -2, 0)}, want: []*dtype.Array{elOf(dtype.F64, v3, -1, 2, 0)}},
		{name: "neg rejects unsigned", op: graph.OpNeg, in: []*dtype.Array{elOf(dtype.U8, v3)}, err: "takes float, signed integer kinds"},
		{name: "exp rejects ints", op: graph.OpExp, in: []*dtype.Array{elOf(dtype.I32, v3)}, err: "Exp takes float kinds"},
		{name: "exp log sqrt", op: graph.OpExp, in: []*dtype.Array{elF32(v3, 0, 1, -1)}, want: []*dtype.Array{elF32(v3, 1, math.E, 1/math.E)}},
		{name: "log", op: graph.OpLog, in: []*dtype.Array{elF32(v3, 1, math.E, 0)}, want: []*dtype.Array{elF32(v3, 0, 1, float32(math.Inf(-1)))}},
		{name: "sqrt", op: graph.OpSqrt, in: []*dtype.Array{elF32(v3, 4, 2, -1)}, want: []*dtype.Array{elF32(v3, 2, math.Sqrt2, elNaN)}},
		{name: "reciprocal", op: graph.OpReciprocal, in: []*dtype.Array{elF32(v3, 4, -0.5, 0)}, want: []*dtype.Array{elF32(v3, 0.25, -2, float32(math.Inf(1)))}},
		{name: "floor ceil", op: graph.OpFloor, in: []*dtype.Array{elF32(v3, 1.5, -1.5, 2)}, want: []*dtype.Array{elF32(v3, 1, -2, 2)}},
		{name: "ceil", op: graph.OpCeil, in: []*dtype.Array{elF32(v3, 1.5, -1.5, 2)}, want: []*dtype.Array{elF32(v3, 2, -1, 2)}},
		// erf(1) = 0.8427007929497149 (Abramowitz & Stegun table 7.1)
		{name: "erf", op: graph.OpErf, in: []*dtype.Array{elF32(v3, 0, 1, -1)}, want: []*dtype.Array{elF32(v3, 0, 0.8427008, -0.8427008)}},
		{name: "sign f32", op: graph.OpSign, in: []*dtype.Array{elF32(v3, -3, 0, 2)}, want: []*dtype.Array{elF32(v3, -1, 0, 1)}},
		{name: "sign u8", op: graph.OpSign, in: []*dtype.Array{elOf(dtype.U8, v3, 0, 7, 255)}, want: []*dtype.Array{elOf(dtype.U8, v3, 0, 1, 1)}},
		{name: "sigmoid stable", op: graph.OpSigmoid, in: []*dtype.Array{elF32(v3, 0, -1000, 1000)}, want: []*dtype.Array{elF32(v3, 0.5, 0, 1)}},
		{name: "tanh", op: graph.OpTanh, in: []*dtype.Array{elF32(v3, 0, 1, -1)}, want: []*dtype.Array{elF32(v3, 0, 0.7615942, -0.7615942)}},
		{name: "relu i32", op: graph.OpRelu, in: []*dtype.Array{elOf(dtype.I32, v3, -3, 0, 4)}, want: []*dtype.Array{elOf(dtype.I32, v3, 0, 0, 4)}},
		{name: "leaky relu", op: graph.OpLeakyRelu, attrs: graph.ActAttrs{Alpha: 0.1}, in: []*dtype.Array{elF32(v3, -1, 0, 2)}, want: []*dtype.Array{elF32(v3, -0.1, 0, 2)}},
		// e^-1 - 1 = -0.6321205588
		{name: "elu", op: graph.OpElu, attrs: graph.ActAttrs{Alpha: 2}, in: []*dtype.Array{elF32(v3, -1, 0, 2)}, want: []*dtype.Array{elF32(v3, -1.2642411, 0, 2)}},
		// 1.0507·1.67326·(e^-1 - 1) = -1.1113307
		{name: "selu", op: graph.OpSelu, attrs: graph.ActAttrs{Alpha: 1.67326319217681884765625, Gamma: 1.05070102214813232421875}, in: []*dtype.Array{elF32(v3, -1, 0, 2)}, want: []*dtype.Array{elF32(v3, -1.1113307, 0, 2.101402)}},
		{name: "hard sigmoid", op: graph.OpHardSigmoid, attrs: graph.ActAttrs{Alpha: 0.2, Beta: 0.5}, in: []*dtype.Array{elF32(v3, -3, 1, 3)}, want: []*dtype.Array{elF32(v3, 0, 0.7, 1)}},
		// ln 2 = 0.6931472
		{name: "softplus stable", op: graph.OpSoftplus, in: []*dtype.Array{elF32(v3, 0, 1000, -1000)}, want: []*dtype.Array{elF32(v3, 0.6931472, 1000, 0)}},
		{name: "not", op: graph.OpNot, in: []*dtype.Array{elBool([]int{2}, true, false)}, want: []*dtype.Array{elBool([]int{2}, false, true)}},
		{name: "identity u64", op: graph.OpIdentity, in: []*dtype.Array{elU64([]int{1}, math.MaxUint64)}, want: []*dtype.Array{elU64([]int{1}, math.MaxUint64)}},
		// f16 has 10 fraction bits: 1 + 2^-10 = 1.0009765625 is the next value after 1
		{name: "f16 rounds", op: graph.OpSqrt, in: []*dtype.Array{elOf(dtype.F16, []int{1}, 2)}, want: []*dtype.Array{elOf(dtype.F16, []int{1}, 1.4140625)}},
	})
}

func TestElemBinary(t *testing.T) {
	v3 := []int{3}
	elRun(t, []elCase{
		{name: "add i8 wraps", op: graph.OpAdd, in: []*dtype.Array{elOf(dtype.I8, v3, 100, -100, 1), elOf(dtype.I8, v3, 100, -100, 2)}, want: []*dtype.Array{elOf(dtype.I8, v3, -56, 56, 3)}},
		{name: "add u8 wraps", op: graph.OpAdd, in: []*dtype.Array{elOf(dtype.U8, v3, 200, 0, 1), elOf(dtype.U8, v3, 100, 0, 2)}, want: []*dtype.Array{elOf(dtype.U8, v3, 44, 0, 3)}},
		{name: "sub u32 wraps", op: graph.OpSub, in: []*dtype.Array{elOf(dtype.U32, v3, 1, 5, 0), elOf(dtype.U32, v3, 2, 3, 0)}, want: []*dtype.Array{elOf(dtype.U32, v3, 4294967295, 2, 0)}},
		{name: "mul i16 wraps", op: graph.OpMul, in: []*dtype.Array{elOf(dtype.I16, v3, 300, -2, 3), elOf(dtype.I16, v3, 300, 3, 3)}, want: []*dtype.Array{elOf(dtype.I16, v3, 24464, -6, 9)}},
		{name: "div i8 truncates", op: graph.OpDiv, in: []*dtype.Array{elOf(dtype.I8, v3, -7, 7, -128), elOf(dtype.I8, v3, 2, -2, -1)}, want: []*dtype.Array{elOf(dtype.I8, v3, -3, -3, -128)}},
		{name: "div u64", op: graph.OpDiv, in: []*dtype.Array{elU64([]int{1}, math.MaxUint64), elU64([]int{1}, 2)}, want: []*dtype.Array{elU64([]int{1}, math.MaxInt64)}},
		{name: "div by zero", op: graph.OpDiv, in: []*dtype.Array{elOf(dtype.I32, v3, 1, 2, 3), elOf(dtype.I32, v3, 1, 0, 1)}, err: "division by zero"},
		{name: "div f32 by zero", op: graph.OpDiv, in: []*dtype.Array{elF32(v3, 1, -1, 0), elF32(v3, 0, 0, 0)}, want: []*dtype.Array{elF32(v3, float32(math.Inf(1)), float32(math.Inf(-1)), elNaN)}},
		{name: "broadcast", op: graph.OpAdd, in: []*dtype.Array{elF32([]int{2, 3}, 1, 2, 3, 4, 5, 6), elF32([]int{3}, 10, 20, 30)}, want: []*dtype.Array{elF32([]int{2, 3}, 11, 22, 33, 14, 25, 36)}},
		{name: "broadcast both", op: graph.OpSub, in: []*dtype.Array{elF32([]int{2, 1}, 1, 2), elF32([]int{1, 3}, 10, 20, 30)}, want: []*dtype.Array{elF32([]int{2, 3}, -9, -19, -29, -8, -18, -28)}},
		{name: "legacy axis 0", op: graph.OpAdd, attrs: graph.BinaryAttrs{Aligned: true, Axis: 0}, in: []*dtype.Array{elF32([]int{2, 3}, 1, 2, 3, 4, 5, 6), elF32([]int{2}, 10, 20)}, want: []*dtype.Array{elF32([]int{2, 3}, 11, 12, 13, 24, 25, 26)}},
		{name: "legacy does not fit", op: graph.OpAdd, attrs: graph.BinaryAttrs{Aligned: true, Axis: 1}, in: []*dtype.Array{elF32([]int{2, 3}), elF32([]int{3, 1})}, err: "does not fit"},
		{name: "clash", op: graph.OpMul, in: []*dtype.Array{elF32([]int{2}), elF32([]int{3})}, err: "cannot be broadcast"},
		{name: "mixed kinds", op: graph.OpAdd, in: []*dtype.Array{elF32([]int{1}), elOf(dtype.F64, []int{1})}, err: "input 1 is f64, input 0 is f32"},
		{name: "f16 add rounds", op: graph.OpAdd, in: []*dtype.Array{elOf(dtype.F16, []int{1}, 1), elOf(dtype.F16, []int{1}, 0.0001)}, want: []*dtype.Array{elOf(dtype.F16, []int{1}, 1)}},
		{name: "prelu numpy", op: graph.OpPRelu, in: []*dtype.Array{elF32([]int{2, 2}, -1, 2, -3, -4), elF32([]int{2}, 0.5, 0.25)}, want: []*dtype.Array{elF32([]int{2, 2}, -0.5, 2, -1.5, -1)}},
		{name: "prelu opset 6 per channel", op: graph.OpPRelu, attrs: graph.BinaryAttrs{Aligned: true, Axis: 1}, in: []*dtype.Array{elF32([]int{1, 2, 2}, -1, -2, -3, 4), elF32([]int{2}, 0.5, 0.25)}, want: []*dtype.Array{elF32([]int{1, 2, 2}, -0.5, -1, -0.75, 4)}},
		{name: "prelu opset 6 single slope", op: graph.OpPRelu, attrs: graph.BinaryAttrs{Aligned: true, Axis: 1}, in: []*dtype.Array{elF32([]int{2}, -1, 2), elF32([]int{1}, 0.5)}, want: []*dtype.Array{elF32([]int{2}, -0.5, 2)}},
		{name: "prelu slope bigger than x", op: graph.OpPRelu, in: []*dtype.Array{elF32([]int{2}), elF32([]int{2, 2})}, err: "does not broadcast"},
	})
}

func TestElemPow(t *testing.T) {
	v3 := []int{3}
	elRun(t, []elCase{
		{name: "f32", op: graph.OpPow, in: []*dtype.Array{elF32(v3, 2, 4, -2), elF32([]int{}, 2)}, want: []*dtype.Array{elF32(v3, 4, 16, 4)}},
		{name: "f32 ^ u64", op: graph.OpPow, in: []*dtype.Array{elF32(v3, 2, 4, 3), elU64(v3, 3, 0, 1)}, want: []*dtype.Array{elF32(v3, 8, 1, 3)}},
		{name: "i64 ^ i64", op: graph.OpPow, in: []*dtype.Array{elOf(dtype.I64, v3, 2, -3, 7), elOf(dtype.I64, v3, 10, 3, 0)}, want: []*dtype.Array{elOf(dtype.I64, v3, 1024, -27, 1)}},
		{name: "i32 ^ f32 truncates", op: graph.OpPow, in: []*dtype.Array{elOf(dtype.I32, v3, 3, 2, 4), elF32(v3, 0.5, -1, 1.5)}, want: []*dtype.Array{elOf(dtype.I32, v3, 1, 0, 8)}},
		{name: "i8 wraps", op: graph.OpPow, in: []*dtype.Array{elOf(dtype.I8, []int{1}, 2), elOf(dtype.I8, []int{1}, 7)}, want: []*dtype.Array{elOf(dtype.I8, []int{1}, -128)}},
		{name: "negative integer exponent", op: graph.OpPow, in: []*dtype.Array{elOf(dtype.I64, v3, 2, -1, 1), elOf(dtype.I64, v3, -1, -3, -5)}, want: []*dtype.Array{elOf(dtype.I64, v3, 0, -1, 1)}},
		{name: "zero to negative", op: graph.OpPow, in: []*dtype.Array{elOf(dtype.I64, []int{1}, 0), elOf(dtype.I64, []int{1}, -1)}, err: "zero to the negative power"},
		{name: "bool base", op: graph.OpPow, in: []*dtype.Array{elBool([]int{1}, true), elF32([]int{1}, 1)}, err: "input 0 is bool"},
	})
}

func TestElemCompareLogic(t *testing.T) {
	v3 := []int{3}
	big := uint64(1) << 63
	elRun(t, []elCase{
		{name: "greater u64 unsigned", op: graph.OpGreater, in: []*dtype.Array{elU64(v3, big, 1, 2), elU64(v3, 1, big, 2)}, want: []*dtype.Array{elBool(v3, true, false, false)}},
		{name: "less i8", op: graph.OpLess, in: []*dtype.Array{elOf(dtype.I8, v3, -1, 1, 2), elOf(dtype.I8, v3, 0, 0, 2)}, want: []*dtype.Array{elBool(v3, true, false, false)}},
		{name: "ge f32 nan", op: graph.OpGreaterOrEqual, in: []*dtype.Array{elF32(v3, 1, 2, elNaN), elF32(v3, 1, 3, elNaN)}, want: []*dtype.Array{elBool(v3, true, false, false)}},
		{name: "le broadcast", op: graph.OpLessOrEqual, in: []*dtype.Array{elF32(v3, 1, 2, 3), elF32([]int{}, 2)}, want: []*dtype.Array{elBool(v3, true, true, false)}},
		{name: "equal bool", op: graph.OpEqual, in: []*dtype.Array{elBool(v3, true, false, true), elBool(v3, true, true, false)}, want: []*dtype.Array{elBool(v3, true, false, false)}},
		{name: "equal u64", op: graph.OpEqual, in: []*dtype.Array{elU64([]int{1}, math.MaxUint64), elU64([]int{1}, math.MaxUint64)}, want: []*dtype.Array{elBool([]int{1}, true)}},
		{name: "and", op: graph.OpAnd, in: []*dtype.Array{elBool([]int{2, 1}, true, false), elBool([]int{2}, true, false)}, want: []*dtype.Array{elBool([]int{2, 2}, true, false, false, false)}},
		{name: "or", op: graph.OpOr, in: []*dtype.Array{elBool([]int{2}, true, false), elBool([]int{2}, false, false)}, want: []*dtype.Array{elBool([]int{2}, true, false)}},
		{name: "and rejects f32", op: graph.OpAnd, in: []*dtype.Array{elF32([]int{1}), elF32([]int{1})}, err: "And takes bool kinds"},
		{name: "greater rejects bool", op: graph.OpGreater, in: []*dtype.Array{elBool([]int{1}, true), elBool([]int{1}, true)}, err: "input 0 is bool"},
		{name: "where 3-way broadcast", op: graph.OpWhere, in: []*dtype.Array{elBool([]int{2, 1}, true, false), elOf(dtype.I16, []int{2}, 1, 2), elOf(dtype.I16, []int{}, -1)}, want: []*dtype.Array{elOf(dtype.I16, []int{2, 2}, 1, 2, -1, -1)}},
		{name: "where bool values", op: graph.OpWhere, in: []*dtype.Array{elBool([]int{2}, true, false), elBool([]int{2}, true, true), elBool([]int{2}, false, false)}, want: []*dtype.Array{elBool([]int{2}, true, false)}},
		{name: "where value kinds", op: graph.OpWhere, in: []*dtype.Array{elBool([]int{1}, true), elF32([]int{1}), elOf(dtype.F64, []int{1})}, err: "input 2 is f64, input 1 is f32"},
		{name: "where cond kind", op: graph.OpWhere, in: []*dtype.Array{elF32([]int{1}), elF32([]int{1}), elF32([]int{1})}, err: "condition is f32"},
	})
}

func TestElemVariadic(t *testing.T) {
	elRun(t, []elCase{
		{name: "max broadcast", op: graph.OpMax, in: []*dtype.Array{elF32([]int{3}, 1, 5, 3), elF32([]int{2, 1}, 2, 4), elF32([]int{}, 0)}, want: []*dtype.Array{elF32([]int{2, 3}, 2, 5, 3, 4, 5, 4)}},
		{name: "max nan", op: graph.OpMax, in: []*dtype.Array{elF32([]int{2}, 1, elNaN), elF32([]int{2}, elNaN, 1)}, want: []*dtype.Array{elF32([]int{2}, elNaN, elNaN)}},
		{name: "min u64", op: graph.OpMin, in: []*dtype.Array{elU64([]int{2}, math.MaxUint64, 3), elU64([]int{2}, 1<<63, 4)}, want: []*dtype.Array{elU64([]int{2}, 1<<63, 3)}},
		{name: "max one input", op: graph.OpMax, in: []*dtype.Array{elOf(dtype.I8, []int{2}, -1, 1)}, want: []*dtype.Array{elOf(dtype.I8, []int{2}, -1, 1)}},
		{name: "sum", op: graph.OpSum, in: []*dtype.Array{elF32([]int{2}, 1, 2), elF32([]int{2}, 3, 4), elF32([]int{1}, 10)}, want: []*dtype.Array{elF32([]int{2}, 14, 16)}},
		{name: "mean", op: graph.OpMean, in: []*dtype.Array{elF32([]int{2}, 1, 2), elF32([]int{2}, 3, 5)}, want: []*dtype.Array{elF32([]int{2}, 2, 3.5)}},
		{name: "sum rejects ints", op: graph.OpSum, in: []*dtype.Array{elOf(dtype.I32, []int{1})}, err: "Sum takes float kinds"},
	})
}

func TestElemClipDropout(t *testing.T) {
	v3 := []int{3}
	s := []int{}
	elRun(t, []elCase{
		{name: "clip", op: graph.OpClip, in: []*dtype.Array{elF32(v3, -2, 0, 2), elF32(s, -1), elF32(s, 1)}, want: []*dtype.Array{elF32(v3, -1, 0, 1)}},
		{name: "clip min > max gives max", op: graph.OpClip, in: []*dtype.Array{elF32(v3, -2, 0, 2), elF32(s, 2), elF32(s, 1)}, want: []*dtype.Array{elF32(v3, 1, 1, 1)}},
		{name: "clip no bounds", op: graph.OpClip, in: []*dtype.Array{elF32(v3, -2, 0, 2)}, want: []*dtype.Array{elF32(v3, -2, 0, 2)}},
		{name: "clip max only i8", op: graph.OpClip, in: []*dtype.Array{elOf(dtype.I8, v3, -128, 0, 127), nil, elOf(dtype.I8, s, 5)}, want: []*dtype.Array{elOf(dtype.I8, v3, -128, 0, 5)}},
		{name: "clip u64", op: graph.OpClip, in: []*dtype.Array{elU64(v3, 0, 5, math.MaxUint64), elU64(s, 1), nil}, want: []*dtype.Array{elU64(v3, 1, 5, math.MaxUint64)}},
		{name: "clip f64 with f32 bound", op: graph.OpClip, in: []*dtype.Array{elOf(dtype.F64, v3, -2, 0, 2), elF32(s, -0.5)}, want: []*dtype.Array{elOf(dtype.F64, v3, -0.5, 0, 2)}},
		{name: "clip nan stays", op: graph.OpClip, in: []*dtype.Array{elF32([]int{1}, elNaN), elF32(s, 0)}, want: []*dtype.Array{elF32([]int{1}, elNaN)}},
		{name: "clip bound not scalar", op: graph.OpClip, in: []*dtype.Array{elF32(v3), elF32([]int{2})}, err: "want a scalar"},
		{name: "clip int bound kind", op: graph.OpClip, in: []*dtype.Array{elOf(dtype.I8, v3), elOf(dtype.I16, s)}, err: "bound 1 is i16"},
		{name: "dropout mask", op: graph.OpDropout, nOut: 2, in: []*dtype.Array{elF32([]int{2}, 1, -2), elF32(s, 0.3)}, want: []*dtype.Array{elF32([]int{2}, 1, -2), elBool([]int{2}, true, true)}},
		{name: "dropout training false", op: graph.OpDropout, in: []*dtype.Array{elF32([]int{1}, 3), nil, elBool(s, false)}, want: []*dtype.Array{elF32([]int{1}, 3)}},
		{name: "dropout training true", op: graph.OpDropout, in: []*dtype.Array{elF32([]int{1}, 3), nil, elBool(s, true)}, err: "training_mode must be a constant false"},
	})
}

// TestElemDropoutTrainingInput: a training_mode that is not a constant is
// rejected by shape inference, whatever its value will be.
func TestElemDropoutTrainingInput(t *testing.T) {
	n := &graph.Node{Op: graph.OpDropout, In: []graph.TensorID{0, graph.None, 1}, Out: []graph.TensorID{2}}
	_, err := graph.Infer(n, []graph.Meta{{Kind: dtype.F32, Shape: []int{2}}, {}, {Kind: dtype.Bool, Shape: []int{}}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "training_mode must be a constant false")
}

func TestElemSoftmax(t *testing.T) {
	// softmax([1,2,3]) = [0.09003057, 0.24472847, 0.66524096]; its log is
	// [1,2,3] - 3.40760596 (numpy).
	sm := []float32{0.09003057, 0.24472847, 0.66524096}
	lsm := []float32{-2.40760596, -1.40760596, -0.40760596}
	elRun(t, []elCase{
		{name: "softmax last axis", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: -1}, in: []*dtype.Array{elF32([]int{2, 3}, 1, 2, 3, 11, 12, 13)}, want: []*dtype.Array{elF32([]int{2, 3}, append(sm, sm...)...)}},
		{name: "softmax axis 0", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 0}, in: []*dtype.Array{elF32([]int{3, 1}, 1, 2, 3)}, want: []*dtype.Array{elF32([]int{3, 1}, sm...)}},
		{name: "softmax middle axis", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 1}, in: []*dtype.Array{elF32([]int{1, 3, 2}, 1, 5, 2, 5, 3, 5)}, want: []*dtype.Array{elF32([]int{1, 3, 2}, sm[0], 1.0/3, sm[1], 1.0/3, sm[2], 1.0/3)}},
		{name: "softmax stable", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: -1}, in: []*dtype.Array{elF32([]int{2}, 1000, 1000)}, want: []*dtype.Array{elF32([]int{2}, 0.5, 0.5)}},
		{name: "softmax legacy coerces to 2-D", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 0, Legacy: true}, in: []*dtype.Array{elF32([]int{3, 1}, 1, 2, 3)}, want: []*dtype.Array{elF32([]int{3, 1}, sm...)}},
		{name: "softmax legacy axis 1", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 1, Legacy: true}, in: []*dtype.Array{elF32([]int{1, 3, 1}, 1, 2, 3)}, want: []*dtype.Array{elF32([]int{1, 3, 1}, sm...)}},
		{name: "logsoftmax", op: graph.OpLogSoftmax, attrs: graph.SoftmaxAttrs{Axis: -1}, in: []*dtype.Array{elF32([]int{3}, 1, 2, 3)}, want: []*dtype.Array{elF32([]int{3}, lsm...)}},
		{name: "logsoftmax stable", op: graph.OpLogSoftmax, attrs: graph.SoftmaxAttrs{Axis: -1}, in: []*dtype.Array{elF32([]int{2}, 1000, -1000)}, want: []*dtype.Array{elF32([]int{2}, 0, -2000)}},
		{name: "softmax f64", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 0}, in: []*dtype.Array{elOf(dtype.F64, []int{3}, 1, 2, 3)}, want: []*dtype.Array{elOf(dtype.F64, []int{3}, 0.09003057317038046, 0.24472847105479767, 0.6652409557748219)}},
		{name: "axis out of range", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 2}, in: []*dtype.Array{elF32([]int{3, 1})}, err: "axis 2 out of range for rank 2"},
	})
}

func TestElemReduce(t *testing.T) {
	x := elF32([]int{2, 3}, 1, 2, 3, 4, 5, 6)
	ax := func(v ...int64) *dtype.Array { return dtype.FromI64([]int{len(v)}, v) }
	keep := graph.ReduceAttrs{KeepDims: true}
	empty := elF32([]int{2, 0, 2})
	inf := float32(math.Inf(1))
	elRun(t, []elCase{
		{name: "sum axis 1", op: graph.OpReduceSum, in: []*dtype.Array{x, ax(1)}, want: []*dtype.Array{elF32([]int{2}, 6, 15)}},
		{name: "sum axis -2 keepdims", op: graph.OpReduceSum, attrs: keep, in: []*dtype.Array{x, ax(-2)}, want: []*dtype.Array{elF32([]int{1, 3}, 5, 7, 9)}},
		{name: "sum all (absent axes)", op: graph.OpReduceSum, attrs: keep, in: []*dtype.Array{x}, want: []*dtype.Array{elF32([]int{1, 1}, 21)}},
		{name: "sum all (empty axes)", op: graph.OpReduceSum, in: []*dtype.Array{x, ax()}, want: []*dtype.Array{elF32([]int{}, 21)}},
		{name: "noop with empty axes", op: graph.OpReduceSum, attrs: graph.ReduceAttrs{NoopWithEmptyAxes: true}, in: []*dtype.Array{x, ax()}, want: []*dtype.Array{x}},
		{name: "mean", op: graph.OpReduceMean, in: []*dtype.Array{x, ax(0, 1)}, want: []*dtype.Array{elF32([]int{}, 3.5)}},
		{name: "mean ints truncate", op: graph.OpReduceMean, in: []*dtype.Array{elOf(dtype.I32, []int{2}, 1, 2), ax(0)}, want: []*dtype.Array{elOf(dtype.I32, []int{}, 1)}},
		{name: "max", op: graph.OpReduceMax, in: []*dtype.Array{x, ax(1)}, want: []*dtype.Array{elF32([]int{2}, 3, 6)}},
		{name: "min", op: graph.OpReduceMin, in: []*dtype.Array{x, ax(0)}, want: []*dtype.Array{elF32([]int{3}, 1, 2, 3)}},
		{name: "prod", op: graph.OpReduceProd, in: []*dtype.Array{x, ax(1)}, want: []*dtype.Array{elF32([]int{2}, 6, 120)}},
		{name: "sum i8 wraps", op: graph.OpReduceSum, in: []*dtype.Array{elOf(dtype.I8, []int{2}, 100, 100), ax(0)}, want: []*dtype.Array{elOf(dtype.I8, []int{}, -56)}},
		{name: "max u64", op: graph.OpReduceMax, in: []*dtype.Array{elU64([]int{2}, 1<<63, 5), ax(0)}, want: []*dtype.Array{elU64([]int{}, 1<<63)}},
		{name: "max bool", op: graph.OpReduceMax, attrs: keep, in: []*dtype.Array{elBool([]int{2, 2}, true, false, false, false), ax(1)}, want: []*dtype.Array{elBool([]int{2, 1}, true, false)}},
		{name: "min bool", op: graph.OpReduceMin, in: []*dtype.Array{elBool([]int{2, 2}, true, true, true, false), ax(1)}, want: []*dtype.Array{elBool([]int{2}, true, false)}},
		{name: "max nan", op: graph.OpReduceMax, in: []*dtype.Array{elF32([]int{3}, 1, elNaN, 2), ax(0)}, want: []*dtype.Array{elF32([]int{}, elNaN)}},
		{name: "empty sum", op: graph.OpReduceSum, attrs: keep, in: []*dtype.Array{empty, ax(1)}, want: []*dtype.Array{elF32([]int{2, 1, 2}, 0, 0, 0, 0)}},
		{name: "empty max", op: graph.OpReduceMax, attrs: keep, in: []*dtype.Array{empty, ax(1)}, want: []*dtype.Array{elF32([]int{2, 1, 2}, -inf, -inf, -inf, -inf)}},
		{name: "empty min", op: graph.OpReduceMin, in: []*dtype.Array{empty, ax(1)}, want: []*dtype.Array{elF32([]int{2, 2}, inf, inf, inf, inf)}},
		{name: "empty prod", op: graph.OpReduceProd, in: []*dtype.Array{empty, ax(1)}, want: []*dtype.Array{elF32([]int{2, 2}, 1, 1, 1, 1)}},
		{name: "empty mean", op: graph.OpReduceMean, in: []*dtype.Array{empty, ax(1)}, want: []*dtype.Array{elF32([]int{2, 2}, elNaN, elNaN, elNaN, elNaN)}},
		{name: "empty max i8", op: graph.OpReduceMax, in: []*dtype.Array{elOf(dtype.I8, []int{0}), ax(0)}, want: []*dtype.Array{elOf(dtype.I8, []int{}, -128)}},
		{name: "empty min u16", op: graph.OpReduceMin, in: []*dtype.Array{elOf(dtype.U16, []int{0}), ax(0)}, want: []*dtype.Array{elOf(dtype.U16, []int{}, 65535)}},
		{name: "empty int mean", op: graph.OpReduceMean, in: []*dtype.Array{elOf(dtype.I32, []int{0}), ax(0)}, err: "mean of an empty set"},
		{name: "non-reduced zero axis", op: graph.OpReduceSum, attrs: keep, in: []*dtype.Array{elF32([]int{2, 0, 4}), ax(1)}, want: []*dtype.Array{elF32([]int{2, 1, 4}, 0, 0, 0, 0, 0, 0, 0, 0)}},
		{name: "axis twice", op: graph.OpReduceSum, in: []*dtype.Array{x, ax(1, -1)}, err: "axis -1 given twice"},
		{name: "axis out of range", op: graph.OpReduceSum, in: []*dtype.Array{x, ax(2)}, err: "axis 2 out of range for rank 2"},
		{name: "sum rejects bool", op: graph.OpReduceSum, in: []*dtype.Array{elBool([]int{1}, true)}, err: "input 0 is bool"},
	})
}

func TestElemCumSum(t *testing.T) {
	x := elOf(dtype.F64, []int{5}, 1, 2, 3, 4, 5)
	a0 := elOf(dtype.I32, []int{}, 0)
	m := elOf(dtype.I32, []int{2, 3}, 1, 2, 3, 4, 5, 6)
	elRun(t, []elCase{
		{name: "inclusive", op: graph.OpCumSum, in: []*dtype.Array{x, a0}, want: []*dtype.Array{elOf(dtype.F64, []int{5}, 1, 3, 6, 10, 15)}},
		{name: "exclusive", op: graph.OpCumSum, attrs: graph.CumSumAttrs{Exclusive: true}, in: []*dtype.Array{x, a0}, want: []*dtype.Array{elOf(dtype.F64, []int{5}, 0, 1, 3, 6, 10)}},
		{name: "reverse", op: graph.OpCumSum, attrs: graph.CumSumAttrs{Reverse: true}, in: []*dtype.Array{x, a0}, want: []*dtype.Array{elOf(dtype.F64, []int{5}, 15, 14, 12, 9, 5)}},
		{name: "reverse exclusive", op: graph.OpCumSum, attrs: graph.CumSumAttrs{Exclusive: true, Reverse: true}, in: []*dtype.Array{x, a0}, want: []*dtype.Array{elOf(dtype.F64, []int{5}, 14, 12, 9, 5, 0)}},
		{name: "axis 0", op: graph.OpCumSum, in: []*dtype.Array{m, elOf(dtype.I64, []int{}, 0)}, want: []*dtype.Array{elOf(dtype.I32, []int{2, 3}, 1, 2, 3, 5, 7, 9)}},
		{name: "axis -1 u8 axis kind", op: graph.OpCumSum, in: []*dtype.Array{m, elOf(dtype.I8, []int{1}, -1)}, want: []*dtype.Array{elOf(dtype.I32, []int{2, 3}, 1, 3, 6, 4, 9, 15)}},
		{name: "u8 wraps", op: graph.OpCumSum, in: []*dtype.Array{elOf(dtype.U8, []int{2}, 200, 100), a0}, want: []*dtype.Array{elOf(dtype.U8, []int{2}, 200, 44)}},
		{name: "axis out of range", op: graph.OpCumSum, in: []*dtype.Array{x, elOf(dtype.I32, []int{}, 1)}, err: "axis 1 out of range for rank 1"},
		{name: "axis not int", op: graph.OpCumSum, in: []*dtype.Array{x, elF32([]int{}, 0)}, err: "want an integer scalar"},
	})
}
