package graph_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func TestLegacyAlign(t *testing.T) {
	cases := []struct {
		name    string
		a, b    []int
		axis    int
		want    []int
		wantErr string
	}{
		{name: "axis 0", a: []int{2, 3, 4}, b: []int{2}, axis: 0, want: []int{2, 1, 1}},
		{name: "axis 1 two dims", a: []int{2, 3, 4, 5}, b: []int{3, 4}, axis: 1, want: []int{1, 3, 4, 1}},
		{name: "negative axis", a: []int{2, 3}, b: []int{3}, axis: -1, want: []int{1, 3}},
		{name: "one element stays", a: []int{2}, b: []int{1}, axis: 1, want: []int{1}},
		{name: "too long", a: []int{2, 3}, b: []int{3, 4}, axis: 1, wantErr: "does not fit"},
		{name: "axis out of range", a: []int{2, 3}, b: []int{2}, axis: 2, wantErr: "axis 2 out of range for rank 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := graph.LegacyAlign(c.a, c.b, c.axis)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func elemMeta(k dtype.Kind, shape ...int) graph.Meta {
	return graph.Meta{Kind: k, Shape: append([]int{}, shape...)}
}

func TestElemInfer(t *testing.T) {
	f32 := func(shape ...int) graph.Meta { return elemMeta(dtype.F32, shape...) }
	axes := func(v ...int64) graph.Meta {
		a := dtype.FromI64([]int{len(v)}, v)
		return graph.Meta{Kind: dtype.I64, Shape: a.Shape, Value: a}
	}
	cases := []struct {
		name    string
		op      graph.Op
		attrs   graph.Attrs
		in      []graph.Meta
		nOut    int
		want    []graph.Meta
		wantErr string
	}{
		{name: "add broadcast", op: graph.OpAdd, in: []graph.Meta{f32(2, 1, 4), f32(3, 1)}, want: []graph.Meta{f32(2, 3, 4)}},
		{name: "equal gives bool", op: graph.OpEqual, in: []graph.Meta{elemMeta(dtype.U64, 2), elemMeta(dtype.U64)}, want: []graph.Meta{elemMeta(dtype.Bool, 2)}},
		{name: "pow keeps base kind", op: graph.OpPow, in: []graph.Meta{elemMeta(dtype.I32, 3), f32(1)}, want: []graph.Meta{elemMeta(dtype.I32, 3)}},
		{name: "max variadic", op: graph.OpMax, in: []graph.Meta{f32(3), f32(2, 1), f32()}, want: []graph.Meta{f32(2, 3)}},
		{name: "where", op: graph.OpWhere, in: []graph.Meta{elemMeta(dtype.Bool, 2, 1), elemMeta(dtype.I8, 3), elemMeta(dtype.I8)}, want: []graph.Meta{elemMeta(dtype.I8, 2, 3)}},
		{name: "dropout mask", op: graph.OpDropout, in: []graph.Meta{f32(2, 3)}, nOut: 2, want: []graph.Meta{f32(2, 3), elemMeta(dtype.Bool, 2, 3)}},
		{name: "reduce keepdims", op: graph.OpReduceMean, attrs: graph.ReduceAttrs{KeepDims: true}, in: []graph.Meta{f32(2, 3, 4), axes(0, 2)}, want: []graph.Meta{f32(1, 3, 1)}},
		{name: "reduce drop", op: graph.OpReduceMean, in: []graph.Meta{f32(2, 3, 4), axes(-1)}, want: []graph.Meta{f32(2, 3)}},
		{name: "reduce all", op: graph.OpReduceProd, in: []graph.Meta{f32(2, 3)}, want: []graph.Meta{f32()}},
		// an axes operand with no elements is known to be empty even when
		// it is not a constant
		{name: "reduce empty axes input", op: graph.OpReduceSum, attrs: graph.ReduceAttrs{KeepDims: true}, in: []graph.Meta{f32(2, 3), elemMeta(dtype.I64, 0)}, want: []graph.Meta{f32(1, 1)}},
		{name: "reduce axes not constant", op: graph.OpReduceSum, in: []graph.Meta{f32(2, 3), elemMeta(dtype.I64, 1)}, wantErr: "input 1 (axes): input must be a constant"},
		{name: "reduce axes not int", op: graph.OpReduceSum, in: []graph.Meta{f32(2, 3), {Kind: dtype.F32, Shape: []int{1}, Value: dtype.FromF32([]int{1}, []float32{0})}}, wantErr: "want a 1-D integer tensor"},
		{name: "softmax", op: graph.OpSoftmax, attrs: graph.SoftmaxAttrs{Axis: -3}, in: []graph.Meta{f32(2, 3, 4)}, want: []graph.Meta{f32(2, 3, 4)}},
		{name: "cumsum axis checked when constant", op: graph.OpCumSum, in: []graph.Meta{f32(2, 3), axes(2)}, wantErr: "axis 2 out of range for rank 2"},
		{name: "cumsum axis free when not", op: graph.OpCumSum, in: []graph.Meta{f32(2, 3), elemMeta(dtype.I32)}, want: []graph.Meta{f32(2, 3)}},
		{name: "clip", op: graph.OpClip, in: []graph.Meta{elemMeta(dtype.U8, 2), {}, elemMeta(dtype.U8)}, want: []graph.Meta{elemMeta(dtype.U8, 2)}},
		{name: "sum of none", op: graph.OpSum, in: nil, wantErr: "has 0 inputs"},
		{name: "not on f32", op: graph.OpNot, in: []graph.Meta{f32(1)}, wantErr: "input 0 is f32, Not takes bool kinds"},
		{name: "identity on bool", op: graph.OpIdentity, in: []graph.Meta{elemMeta(dtype.Bool, 1)}, want: []graph.Meta{elemMeta(dtype.Bool, 1)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &graph.Node{Op: c.op, Attrs: c.attrs, In: make([]graph.TensorID, len(c.in)), Out: make([]graph.TensorID, max(c.nOut, 1))}
			got, err := graph.Infer(n, c.in)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
		})
	}
}

func TestSoftmaxAxis(t *testing.T) {
	shape := []int{2, 3, 4}
	outer, n, inner, err := graph.SoftmaxAxis(graph.SoftmaxAttrs{Axis: 1}, shape)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 3, 4}, []int{outer, n, inner})
	outer, n, inner, err = graph.SoftmaxAxis(graph.SoftmaxAttrs{Axis: 1, Legacy: true}, shape)
	require.NoError(t, err)
	assert.Equal(t, []int{2, 12, 1}, []int{outer, n, inner})
}
