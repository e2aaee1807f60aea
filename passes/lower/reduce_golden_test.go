package lower

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// reduceGoldens are the kernels of testdata/reduce_<name>.kir.
var reduceGoldens = []redCase{
	{name: "mean_keepdims", op: graph.OpReduceMean, attrs: graph.ReduceAttrs{KeepDims: true}, out: dtype.F32, shape: []int{2, 1, 4},
		ins: []kinded{f32s(2, 3, 4), {kind: dtype.I64, shape: []int{1}, init: axesOf(-2)}}},
	{name: "max_f16", op: graph.OpReduceMax, attrs: graph.ReduceAttrs{}, out: dtype.F16, shape: []int{3},
		ins: []kinded{{kind: dtype.F16, shape: []int{3, 5}}, {kind: dtype.I64, shape: []int{1}, init: axesOf(1)}}},
	{name: "softmax", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 1}, out: dtype.F32, shape: []int{2, 3, 4},
		ins: []kinded{f32s(2, 3, 4)}},
	{name: "logsoftmax_legacy", op: graph.OpLogSoftmax, attrs: graph.SoftmaxAttrs{Axis: 1, Legacy: true}, out: dtype.F32, shape: []int{2, 3, 4},
		ins: []kinded{f32s(2, 3, 4)}},
	{name: "cumsum_exclusive_reverse", op: graph.OpCumSum, attrs: graph.CumSumAttrs{Exclusive: true, Reverse: true}, out: dtype.I32, shape: []int{2, 5},
		ins: []kinded{{kind: dtype.I32, shape: []int{2, 5}}, {kind: dtype.I32, shape: []int{}, init: i32Scalar(-1)}}},
	{name: "cumsum_runtime_axis", op: graph.OpCumSum, attrs: graph.CumSumAttrs{}, out: dtype.F64, shape: []int{2, 3},
		ins: []kinded{{kind: dtype.F64, shape: []int{2, 3}}, {kind: dtype.I64, shape: []int{1}}}},
	{name: "batchnorm", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 1e-5}, out: dtype.F32, shape: []int{1, 2, 3},
		ins: []kinded{f32s(1, 2, 3), f32s(2), f32s(2), f32s(2), f32s(2)}},
	{name: "batchnorm_const", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{Epsilon: 1e-5}, out: dtype.F32, shape: []int{1, 2, 3},
		ins: []kinded{f32s(1, 2, 3), {kind: dtype.F32, shape: []int{2}, init: dtype.FromF32([]int{2}, []float32{0.5, 2})}, f32s(2), f32s(2),
			{kind: dtype.F32, shape: []int{2}, init: dtype.FromF32([]int{2}, []float32{4, 0.25})}}},
	{name: "instancenorm", op: graph.OpInstanceNormalization, attrs: graph.NormAttrs{Epsilon: 1e-5}, out: dtype.F32, shape: []int{1, 2, 3, 4},
		ins: []kinded{f32s(1, 2, 3, 4), f32s(2), f32s(2)}},
}

// TestReduceGolden: the loop IR of the reduction family's kernels is
// testdata/reduce_<name>.kir, reviewed like code; -update rewrites it. The
// text parses back to itself.
func TestReduceGolden(t *testing.T) {
	for _, c := range reduceGoldens {
		t.Run(c.name, func(t *testing.T) {
			g := c.graph()
			require.NoError(t, graph.Verify(g))
			k, err := Node(g, g.Nodes[0], Options{})
			require.NoError(t, err)
			checkKirGolden(t, "reduce_"+c.name, k)
		})
	}
}

// TestReduceErrors: bad nodes are errors naming the node, never panics.
func TestReduceErrors(t *testing.T) {
	for _, tt := range []struct {
		c    redCase
		want string
	}{
		{redCase{name: "axes_input", op: graph.OpReduceSum, attrs: graph.ReduceAttrs{}, out: dtype.F32, shape: []int{2},
			ins: []kinded{f32s(2, 3), {kind: dtype.I64, shape: []int{1}}}},
			`lower: node "axes_input" (ReduceSum): input 1 (axes) is not a constant: not yet (kiln lowers static axes)`},
		{redCase{name: "axis_twice", op: graph.OpReduceMax, attrs: graph.ReduceAttrs{}, out: dtype.F32, shape: []int{2},
			ins: []kinded{f32s(2, 3), {kind: dtype.I64, shape: []int{2}, init: axesOf(1, -1)}}},
			`lower: node "axis_twice" (ReduceMax): axes: axis -1 given twice`},
		{redCase{name: "sum_bool", op: graph.OpReduceSum, attrs: graph.ReduceAttrs{}, out: dtype.Bool, shape: []int{},
			ins: []kinded{{kind: dtype.Bool, shape: []int{3}}}},
			`lower: node "sum_bool" (ReduceSum): ReduceSum of bool: no lowering`},
		{redCase{name: "mean_empty_int", op: graph.OpReduceMean, attrs: graph.ReduceAttrs{}, out: dtype.I32, shape: []int{3},
			ins: []kinded{{kind: dtype.I32, shape: []int{0, 3}, init: dtype.New(dtype.I32, []int{0, 3})}, {kind: dtype.I64, shape: []int{1}, init: axesOf(0)}}},
			`lower: node "mean_empty_int" (ReduceMean): mean of an empty set of i32`},
		{redCase{name: "softmax_axis", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: 2}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3)}},
			`lower: node "softmax_axis" (Softmax): axis 2 out of range for rank 2`},
		{redCase{name: "cumsum_axis", op: graph.OpCumSum, attrs: graph.CumSumAttrs{}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3), {kind: dtype.I64, shape: []int{}, init: dtype.FromI64([]int{}, []int64{-3})}}},
			`lower: node "cumsum_axis" (CumSum): axis -3 out of range for rank 2`},
		{redCase{name: "cumsum_float_axis", op: graph.OpCumSum, attrs: graph.CumSumAttrs{}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3), f32s()}},
			`lower: node "cumsum_float_axis" (CumSum): axis is f32[], want an integer scalar`},
		{redCase{name: "cumsum_bool", op: graph.OpCumSum, attrs: graph.CumSumAttrs{}, out: dtype.Bool, shape: []int{3},
			ins: []kinded{{kind: dtype.Bool, shape: []int{3}}, {kind: dtype.I64, shape: []int{}, init: dtype.FromI64([]int{}, []int64{0})}}},
			`lower: node "cumsum_bool" (CumSum): CumSum of bool: no lowering`},
		{redCase{name: "instancenorm_rank2", op: graph.OpInstanceNormalization, attrs: graph.NormAttrs{}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3), f32s(3), f32s(3)}},
			`lower: node "instancenorm_rank2" (InstanceNormalization): input has rank 2, want at least 3 (N x C x D1…)`},
		{redCase{name: "layernorm_stash", op: graph.OpLayerNormalization, attrs: graph.NormAttrs{Axis: 1, StashType: dtype.F16}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3), f32s(3)}},
			`lower: node "layernorm_stash" (LayerNormalization): stash_type f16: not yet (f32 and f64 are lowered)`},
		{redCase{name: "batchnorm_no_var", op: graph.OpBatchNormalization, attrs: graph.NormAttrs{}, out: dtype.F32, shape: []int{2, 3},
			ins: []kinded{f32s(2, 3), f32s(3), f32s(3), f32s(3)}},
			`lower: node "batchnorm_no_var" (BatchNormalization): input 4 is absent`},
	} {
		t.Run(tt.c.name, func(t *testing.T) {
			g := tt.c.graph()
			_, err := Node(g, g.Nodes[0], Options{})
			assert.EqualError(t, err, tt.want)
		})
	}
}
