package graph_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func mvNode(op graph.Op, attrs graph.Attrs, nIn, nOut int) *graph.Node {
	n := &graph.Node{Op: op, Name: "n", Attrs: attrs, In: make([]graph.TensorID, nIn), Out: make([]graph.TensorID, nOut)}
	return n
}

func mvMeta(k dtype.Kind, shape ...int) graph.Meta { return graph.Meta{Kind: k, Shape: shape} }

func mvConst(v ...int64) graph.Meta {
	a := dtype.FromI64([]int{len(v)}, v)
	return graph.Meta{Kind: dtype.I64, Shape: a.Shape, Value: a}
}

func TestMoveInferNeedsConstants(t *testing.T) {
	x := mvMeta(dtype.F32, 2, 3)
	shape := mvMeta(dtype.I64, 2)
	cases := []struct {
		name string
		op   graph.Op
		in   []graph.Meta
	}{
		{"reshape", graph.OpReshape, []graph.Meta{x, shape}},
		{"squeeze", graph.OpSqueeze, []graph.Meta{x, mvMeta(dtype.I64, 1)}},
		{"unsqueeze", graph.OpUnsqueeze, []graph.Meta{x, mvMeta(dtype.I64, 1)}},
		{"slice ends", graph.OpSlice, []graph.Meta{x, mvConst(0), mvMeta(dtype.I64, 1)}},
		{"slice steps", graph.OpSlice, []graph.Meta{x, mvConst(0), mvConst(1), {}, mvMeta(dtype.I64, 1)}},
		{"tile", graph.OpTile, []graph.Meta{x, shape}},
		{"expand", graph.OpExpand, []graph.Meta{x, shape}},
		{"pad", graph.OpPad, []graph.Meta{x, mvMeta(dtype.I64, 4)}},
		{"pad axes", graph.OpPad, []graph.Meta{x, mvConst(1, 1), {}, mvMeta(dtype.I64, 1)}},
		{"constant of shape", graph.OpConstantOfShape, []graph.Meta{shape}},
		{"range", graph.OpRange, []graph.Meta{mvMeta(dtype.I64), mvMeta(dtype.I64), mvMeta(dtype.I64)}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := graph.Infer(mvNode(c.op, nil, len(c.in), 1), c.in)
			require.Error(t, err)
			assert.True(t, errors.Is(err, graph.ErrNotConstant), "%v", err)
			assert.Contains(t, err.Error(), `node "n"`)
		})
	}
	t.Run("split", func(t *testing.T) {
		_, err := graph.Infer(mvNode(graph.OpSplit, graph.SplitAttrs{}, 2, 2), []graph.Meta{x, mvMeta(dtype.I64, 2)})
		assert.True(t, errors.Is(err, graph.ErrNotConstant), "%v", err)
	})
}

func TestMoveInferValues(t *testing.T) {
	i64 := func(v int64) graph.Meta {
		a := dtype.FromI64(nil, []int64{v})
		return graph.Meta{Kind: dtype.I64, Value: a}
	}
	cases := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		in    []graph.Meta
		shape []int
		value []int64 // nil: no value expected
	}{
		{"shape of a non-constant", graph.OpShape, graph.ShapeAttrs{Start: 1}, []graph.Meta{mvMeta(dtype.F32, 2, 3, 4)}, []int{2}, []int64{3, 4}},
		{"shape of a scalar", graph.OpShape, nil, []graph.Meta{mvMeta(dtype.F32)}, []int{0}, []int64{}},
		{"constant of shape", graph.OpConstantOfShape, graph.ConstantOfShapeAttrs{Value: dtype.FromI64([]int{1}, []int64{5})}, []graph.Meta{mvConst(2)}, []int{2}, []int64{5, 5}},
		{"range", graph.OpRange, nil, []graph.Meta{i64(0), i64(5), i64(2)}, []int{3}, []int64{0, 2, 4}},
		{"large constant of shape has no value", graph.OpConstantOfShape, nil, []graph.Meta{mvConst(1 << 20)}, []int{1 << 20}, nil},
		{"slice gives no value", graph.OpSlice, nil, []graph.Meta{mvConst(1, 2, 3), mvConst(1), mvConst(3)}, []int{2}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := graph.Infer(mvNode(c.op, c.attrs, len(c.in), 1), c.in)
			require.NoError(t, err)
			assert.Equal(t, c.shape, out[0].Shape)
			if c.value == nil {
				assert.Nil(t, out[0].Value)
				return
			}
			require.NotNil(t, out[0].Value)
			assert.Equal(t, c.shape, out[0].Value.Shape)
			assert.Equal(t, c.value, out[0].Value.Ints())
		})
	}
}

func TestMoveInferErrors(t *testing.T) {
	x := mvMeta(dtype.F32, 2, 3)
	cases := []struct {
		name  string
		op    graph.Op
		attrs graph.Attrs
		in    []graph.Meta
		nOut  int
		err   string
	}{
		{"wrong attrs", graph.OpReshape, graph.AxisAttrs{}, []graph.Meta{x, mvConst(6)}, 1, "attributes are graph.AxisAttrs, want graph.ReshapeAttrs"},
		{"float shape", graph.OpReshape, nil, []graph.Meta{x, mvMeta(dtype.F32, 1)}, 1, "input 1 (shape) is f32"},
		{"2-D shape", graph.OpExpand, nil, []graph.Meta{x, mvMeta(dtype.I64, 1, 2)}, 1, "want 1-D"},
		{"concat scalar", graph.OpConcat, graph.AxisAttrs{}, []graph.Meta{mvMeta(dtype.F32)}, 1, "axis 0 out of range for rank 0"},
		{"gather rank 0", graph.OpGather, nil, []graph.Meta{mvMeta(dtype.F32), mvConst(0)}, 1, "out of range for rank 0"},
		{"split num_outputs mismatch", graph.OpSplit, graph.SplitAttrs{NumOutputs: 3}, []graph.Meta{mvMeta(dtype.F32, 6)}, 2, "num_outputs is 3"},
		{"split num_outputs too many", graph.OpSplit, graph.SplitAttrs{NumOutputs: 4}, []graph.Meta{mvMeta(dtype.F32, 5)}, 4, "cannot be split into 4 parts"},
		{"split both", graph.OpSplit, graph.SplitAttrs{NumOutputs: 2}, []graph.Meta{mvMeta(dtype.F32, 6), mvConst(3, 3)}, 2, "both the split input and num_outputs"},
		{"slice repeated axis", graph.OpSlice, nil, []graph.Meta{x, mvConst(0, 0), mvConst(1, 1), mvConst(1, -1)}, 1, "repeated"},
		{"pad value not scalar", graph.OpPad, nil, []graph.Meta{x, mvConst(0, 0, 0, 0), mvMeta(dtype.F32, 2)}, 1, "want one element"},
		{"tile overflow", graph.OpTile, nil, []graph.Meta{x, mvConst(1<<32, 1<<32)}, 1, "too many elements"},
		{"range u8", graph.OpRange, nil, []graph.Meta{mvMeta(dtype.U8), mvMeta(dtype.U8), mvMeta(dtype.U8)}, 1, "want a signed integer or float kind"},
		{"range vector", graph.OpRange, nil, []graph.Meta{mvConst(1, 2), mvConst(1, 2), mvConst(1, 2)}, 1, "want a scalar"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := graph.Infer(mvNode(c.op, c.attrs, len(c.in), c.nOut), c.in)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.err)
		})
	}
}

func TestSliceParams(t *testing.T) {
	// test_slice_neg_steps: x[20,10,5], starts [20,10,4], ends [0,0,1],
	// axes [0,1,2], steps [-1,-3,-2] gives y[19,3,2].
	start, step, out, err := graph.SliceParams([]int{20, 10, 5}, []int64{20, 10, 4}, []int64{0, 0, 1}, []int64{0, 1, 2}, []int64{-1, -3, -2})
	require.NoError(t, err)
	assert.Equal(t, []int{19, 3, 2}, out)
	assert.Equal(t, []int{19, 9, 4}, start)
	assert.Equal(t, []int{-1, -3, -2}, step)
	// test_slice_default_axes: starts [0,0,3], ends [20,10,4] gives y[20,10,1].
	_, _, out, err = graph.SliceParams([]int{20, 10, 5}, []int64{0, 0, 3}, []int64{20, 10, 4}, nil, nil)
	require.NoError(t, err)
	assert.Equal(t, []int{20, 10, 1}, out)
}
