package lower

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// kinded is one input of a test graph of any kind: a constant when init is
// set, else a graph input filled by fill (or a default ramp).
type kinded struct {
	kind  dtype.Kind
	shape []int
	init  *dtype.Array
	fill  []float64 // repeated over the input
}

// redCase is one node of a reduction-family operator.
type redCase struct {
	name  string
	op    graph.Op
	attrs graph.Attrs
	out   dtype.Kind
	shape []int // the output's
	ins   []kinded
	exact bool // the loop IR computes what eval computes to the bit
}

func axesOf(v ...int64) *dtype.Array { return dtype.FromI64([]int{len(v)}, v) }

func i32Scalar(v int64) *dtype.Array {
	a := dtype.FromI64([]int{}, []int64{v})
	a.Kind = dtype.I32
	return a
}

func f32s(shape ...int) kinded { return kinded{kind: dtype.F32, shape: shape} }

func (c redCase) graph() *graph.Graph {
	g := &graph.Graph{Name: c.name}
	var in []graph.TensorID
	for i, o := range c.ins {
		id := g.AddTensor(string(rune('a'+i)), o.kind, o.shape, o.init)
		if o.init == nil {
			g.Inputs = append(g.Inputs, id)
		}
		in = append(in, id)
	}
	y := g.AddTensor("y", c.out, c.shape, nil)
	g.Outputs = []graph.TensorID{y}
	g.AddNode(c.op, c.name, in, []graph.TensorID{y}, c.attrs)
	return g
}

// inputs fills every graph input: its fill values repeated, or the ramp
// (5j+3i) mod 11 − 5, over 4 for floats.
func (c redCase) inputs() []*dtype.Array {
	var out []*dtype.Array
	for i, o := range c.ins {
		if o.init != nil {
			continue
		}
		a := dtype.New(o.kind, o.shape)
		for j := range a.Len() {
			v := float64((5*j+3*i)%11 - 5)
			if o.kind.IsFloat() {
				v /= 4
			}
			if o.fill != nil {
				v = o.fill[j%len(o.fill)]
			}
			setElem(a, j, v)
		}
		out = append(out, a)
	}
	return out
}

func setElem(a *dtype.Array, j int, v float64) {
	switch a.Kind.Class() {
	case dtype.ClassInt:
		a.I64[j] = dtype.WrapInt(a.Kind, int64(v))
	case dtype.ClassUint:
		a.U64[j] = dtype.WrapUint(a.Kind, uint64(v))
	case dtype.ClassBool:
		a.Bool[j] = v != 0
	default:
		a.Set(j, dtype.RoundFloat(a.Kind, v, false))
	}
}

// TestReduceAgainstEval: each lowered node, interpreted, gives what eval
// gives: to the bit where the lowering claims so, else within ONNX's
// tolerance.
func TestReduceAgainstEval(t *testing.T) {
	nan := math.NaN()
	big := float64(math.MaxInt32 - 1)
	for _, tt := range []redCase{
		{name: "sum f16 in f32", op: graph.OpReduceSum, attrs: graph.ReduceAttrs{KeepDims: true}, out: dtype.F16, shape: []int{3, 1},
			ins: []kinded{{kind: dtype.F16, shape: []int{3, 50}, fill: []float64{1, 0.001, 0.3}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(1)}}, exact: true},
		{name: "mean i32 past i32", op: graph.OpReduceMean, attrs: graph.ReduceAttrs{}, out: dtype.I32, shape: []int{2},
			ins: []kinded{{kind: dtype.I32, shape: []int{2, 3}, fill: []float64{big, big, -7, 5}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(-1)}}, exact: true},
		{name: "min u8 all axes to rank 0", op: graph.OpReduceMin, attrs: graph.ReduceAttrs{}, out: dtype.U8, shape: []int{},
			ins: []kinded{{kind: dtype.U8, shape: []int{2, 3}, fill: []float64{200, 255, 3, 90}}}, exact: true},
		{name: "max f32 NaN, zeros, inf", op: graph.OpReduceMax, attrs: graph.ReduceAttrs{}, out: dtype.F32, shape: []int{4},
			ins: []kinded{{kind: dtype.F32, shape: []int{4, 2}, fill: []float64{1, nan, math.Copysign(0, -1), 0, -3, -2, math.Inf(1), nan}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(1)}}, exact: true},
		{name: "prod f64 two axes", op: graph.OpReduceProd, attrs: graph.ReduceAttrs{KeepDims: true}, out: dtype.F64, shape: []int{1, 3, 1},
			ins: []kinded{{kind: dtype.F64, shape: []int{2, 3, 4}}, {kind: dtype.I64, shape: []int{2}, init: axesOf(0, 2)}}, exact: true},
		{name: "min bool", op: graph.OpReduceMin, attrs: graph.ReduceAttrs{}, out: dtype.Bool, shape: []int{2},
			ins: []kinded{{kind: dtype.Bool, shape: []int{2, 3}, fill: []float64{1, 1, 1, 1, 0, 1}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(1)}}, exact: true},
		{name: "max i64 min values", op: graph.OpReduceMax, attrs: graph.ReduceAttrs{}, out: dtype.I64, shape: []int{4},
			ins: []kinded{{kind: dtype.I64, shape: []int{3, 4}, fill: []float64{math.MinInt64, -5}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(-2)}}, exact: true},
		{name: "sum noop with empty axes", op: graph.OpReduceSum, attrs: graph.ReduceAttrs{NoopWithEmptyAxes: true}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3)}, exact: true},
		{name: "max of an empty constant", op: graph.OpReduceMax, attrs: graph.ReduceAttrs{KeepDims: true}, out: dtype.F32, shape: []int{2, 1, 3},
			ins: []kinded{{kind: dtype.F32, shape: []int{2, 0, 3}, init: dtype.New(dtype.F32, []int{2, 0, 3})}, {kind: dtype.I64, shape: []int{1}, init: axesOf(1)}}, exact: true},
		{name: "mean of an empty constant", op: graph.OpReduceMean, attrs: graph.ReduceAttrs{}, out: dtype.F16, shape: []int{3},
			ins: []kinded{{kind: dtype.F16, shape: []int{0, 3}, init: dtype.New(dtype.F16, []int{0, 3})}, {kind: dtype.I64, shape: []int{1}, init: axesOf(0)}}, exact: true},
		{name: "min of an empty u16 constant", op: graph.OpReduceMin, attrs: graph.ReduceAttrs{}, out: dtype.U16, shape: []int{},
			ins: []kinded{{kind: dtype.U16, shape: []int{0}, init: dtype.New(dtype.U16, []int{0})}}, exact: true},
		{name: "softmax f16 legacy", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 1, Legacy: true}, out: dtype.F16, shape: []int{2, 3, 4},
			ins: []kinded{{kind: dtype.F16, shape: []int{2, 3, 4}}}},
		{name: "softmax f32 large", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: -1}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{{kind: dtype.F32, shape: []int{2, 3}, fill: []float64{1000, 999, -1000}}}},
		{name: "log softmax f64 axis 0", op: graph.OpLogSoftmax, attrs: graph.SoftmaxAttrs{Axis: 0}, out: dtype.F64, shape: []int{3, 4},
			ins: []kinded{{kind: dtype.F64, shape: []int{3, 4}}}},
		{name: "cumsum exclusive reverse", op: graph.OpCumSum, attrs: graph.CumSumAttrs{Exclusive: true, Reverse: true}, out: dtype.F32, shape: []int{2, 3, 4},
			ins: []kinded{f32s(2, 3, 4), {kind: dtype.I32, shape: []int{}, init: i32Scalar(1)}}, exact: true},
		{name: "cumsum i8 wraps", op: graph.OpCumSum, attrs: graph.CumSumAttrs{}, out: dtype.I8, shape: []int{5},
			ins: []kinded{{kind: dtype.I8, shape: []int{5}, fill: []float64{100, 100, -128, 7}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(0)}}, exact: true},
		{name: "cumsum f16 sums in f32", op: graph.OpCumSum, attrs: graph.CumSumAttrs{Reverse: true}, out: dtype.F16, shape: []int{40},
			ins: []kinded{{kind: dtype.F16, shape: []int{40}, fill: []float64{1000, 0.25}}, {kind: dtype.I64, shape: []int{}, init: dtype.FromI64([]int{}, []int64{-1})}}, exact: true},
		{name: "cumsum axis read at run time", op: graph.OpCumSum, attrs: graph.CumSumAttrs{}, out: dtype.U16, shape: []int{2, 3},
			ins: []kinded{{kind: dtype.U16, shape: []int{2, 3}, fill: []float64{65535, 2, 3}}, {kind: dtype.I64, shape: []int{}, fill: []float64{-1}}}, exact: true},
		{name: "batchnorm rank 1", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 1e-5}, out: dtype.F32, shape: []int{5},
			ins: []kinded{f32s(5), f32s(1), f32s(1), f32s(1), {kind: dtype.F32, shape: []int{1}, fill: []float64{0.5}}}},
		{name: "batchnorm f16 with f32 statistics", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 0.01}, out: dtype.F16, shape: []int{2, 3, 4},
			ins: []kinded{{kind: dtype.F16, shape: []int{2, 3, 4}}, f32s(3), f32s(3), f32s(3), {kind: dtype.F32, shape: []int{3}, fill: []float64{0.5, 2, 1}}}},
		{name: "batchnorm constant scale and var", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 1e-3}, out: dtype.F32, shape: []int{2, 3, 5},
			ins: []kinded{f32s(2, 3, 5), {kind: dtype.F32, shape: []int{3}, init: dtype.FromF32([]int{3}, []float32{0.7, -1.5, 2})}, f32s(3), f32s(3),
				{kind: dtype.F32, shape: []int{3}, init: dtype.FromF32([]int{3}, []float32{0.5, 2, 0.01})}}},
		{name: "batchnorm rank 2", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 1e-5}, out: dtype.F32, shape: []int{4, 3},
			ins: []kinded{f32s(4, 3), f32s(3), f32s(3), f32s(3), {kind: dtype.F32, shape: []int{3}, fill: []float64{0.5, 2, 1}}}},
		{name: "layernorm f16, f32 statistics", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: 1, Epsilon: 1e-5}, out: dtype.F16, shape: []int{2, 3, 4},
			ins: []kinded{{kind: dtype.F16, shape: []int{2, 3, 4}}, {kind: dtype.F16, shape: []int{4}}, {kind: dtype.F16, shape: []int{3, 1}}}},
		{name: "layernorm f64, f64 statistics", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: -1, Epsilon: 1e-5, StashType: dtype.F64}, out: dtype.F64, shape: []int{3, 5},
			ins: []kinded{{kind: dtype.F64, shape: []int{3, 5}}, {kind: dtype.F64, shape: []int{5}}}},
		{name: "instancenorm f64 rank 3", op: graph.OpInstanceNormalization, attrs: graph.NormAttrs{Epsilon: 1e-5}, out: dtype.F64, shape: []int{2, 3, 7},
			ins: []kinded{{kind: dtype.F64, shape: []int{2, 3, 7}}, {kind: dtype.F64, shape: []int{3}}, {kind: dtype.F64, shape: []int{3}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g := tt.graph()
			require.NoError(t, graph.Verify(g))
			inputs := tt.inputs()
			want, err := eval.Run(g, inputs, eval.Options{})
			require.NoError(t, err)
			got, err := runLowered(g, inputs)
			require.NoError(t, err)
			tol := conform.ONNXTolerance
			if tt.exact {
				tol = conform.Tolerance{}
			}
			assert.Empty(t, conform.CompareTol(got[0], want[0], tol))
		})
	}
}
