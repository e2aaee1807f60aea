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

func mvF32(shape []int, v ...float32) *dtype.Array { return dtype.FromF32(shape, v) }
func mvI64(shape []int, v ...int64) *dtype.Array   { return dtype.FromI64(shape, v) }
func mvVec(v ...int64) *dtype.Array                { return dtype.FromI64([]int{len(v)}, v) }

// mvSeq is an f32 array of the given shape holding 0, 1, 2, …
func mvSeq(shape ...int) *dtype.Array {
	a := dtype.New(dtype.F32, shape)
	for i := range a.F32 {
		a.F32[i] = float32(i)
	}
	return a
}

func mvOfKind(k dtype.Kind, shape []int, v ...float64) *dtype.Array {
	a := dtype.New(k, shape)
	for i, x := range v {
		a.Set(i, x)
	}
	return a
}

type mvCase struct {
	name  string
	op    graph.Op
	attrs graph.Attrs
	in    []*dtype.Array // nil: absent optional input
	nOut  int            // 0 means 1
	want  []*dtype.Array
	err   string
}

func mvRun(t *testing.T, cases []mvCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			nOut := max(c.nOut, 1)
			n := &graph.Node{Op: c.op, Name: c.name, Attrs: c.attrs, In: make([]graph.TensorID, len(c.in)), Out: make([]graph.TensorID, nOut)}
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
				assert.Equal(t, w.Kind, got[i].Kind, "output %d kind", i)
				assert.Equal(t, w.Shape, got[i].Shape, "output %d shape", i)
				assert.Equal(t, w.Len(), got[i].Len(), "output %d length", i)
				for j := 0; j < w.Len() && j < got[i].Len(); j++ {
					assert.Equal(t, w.At(j), got[i].At(j), "output %d element %d", i, j)
				}
			}
		})
	}
}

func TestReshapeFamily(t *testing.T) {
	x := mvSeq(2, 3, 4)
	mvRun(t, []mvCase{
		{name: "reshape zero and -1", op: graph.OpReshape, attrs: graph.ReshapeAttrs{}, in: []*dtype.Array{x, mvVec(4, 0, -1)}, want: []*dtype.Array{mvSeq(4, 3, 2)}},
		{name: "reshape to scalar", op: graph.OpReshape, in: []*dtype.Array{mvF32([]int{1, 1}, 5), mvVec()}, want: []*dtype.Array{mvF32(nil, 5)}},
		{name: "reshape allowzero", op: graph.OpReshape, attrs: graph.ReshapeAttrs{AllowZero: true}, in: []*dtype.Array{mvSeq(0, 3, 4), mvVec(3, 4, 0)}, want: []*dtype.Array{mvSeq(3, 4, 0)}},
		{name: "reshape zero copies", op: graph.OpReshape, in: []*dtype.Array{mvSeq(0, 3, 4), mvVec(0, 12)}, want: []*dtype.Array{mvSeq(0, 12)}},
		{name: "reshape two -1", op: graph.OpReshape, in: []*dtype.Array{x, mvVec(-1, -1)}, err: "more than one -1"},
		{name: "reshape allowzero with -1", op: graph.OpReshape, attrs: graph.ReshapeAttrs{AllowZero: true}, in: []*dtype.Array{x, mvVec(0, -1)}, err: "both 0 and -1"},
		{name: "reshape size mismatch", op: graph.OpReshape, in: []*dtype.Array{x, mvVec(5, -1)}, err: "cannot reshape"},
		{name: "reshape copies missing dim", op: graph.OpReshape, in: []*dtype.Array{mvSeq(24), mvVec(24, 0)}, err: "copies dimension 1"},
		{name: "flatten negative axis", op: graph.OpFlatten, attrs: graph.AxisAttrs{Axis: -1}, in: []*dtype.Array{x}, want: []*dtype.Array{mvSeq(6, 4)}},
		{name: "flatten axis 0", op: graph.OpFlatten, attrs: graph.AxisAttrs{Axis: 0}, in: []*dtype.Array{x}, want: []*dtype.Array{mvSeq(1, 24)}},
		{name: "flatten axis rank", op: graph.OpFlatten, attrs: graph.AxisAttrs{Axis: 3}, in: []*dtype.Array{x}, want: []*dtype.Array{mvSeq(24, 1)}},
		{name: "flatten axis out of range", op: graph.OpFlatten, attrs: graph.AxisAttrs{Axis: 4}, in: []*dtype.Array{x}, err: "out of range"},
		{name: "squeeze all", op: graph.OpSqueeze, in: []*dtype.Array{mvSeq(1, 3, 1, 2)}, want: []*dtype.Array{mvSeq(3, 2)}},
		{name: "squeeze absent axes", op: graph.OpSqueeze, in: []*dtype.Array{mvSeq(1, 3, 1, 2), nil}, want: []*dtype.Array{mvSeq(3, 2)}},
		{name: "squeeze negative axis", op: graph.OpSqueeze, in: []*dtype.Array{mvSeq(1, 3, 1, 2), mvVec(-2)}, want: []*dtype.Array{mvSeq(1, 3, 2)}},
		{name: "squeeze size 3", op: graph.OpSqueeze, in: []*dtype.Array{mvSeq(1, 3), mvVec(1)}, err: "cannot squeeze axis 1 of size 3"},
		{name: "squeeze repeated", op: graph.OpSqueeze, in: []*dtype.Array{mvSeq(1, 3), mvVec(0, -2)}, err: "repeated"},
		// test_unsqueeze_unsorted_axes, test_unsqueeze_negative_axes
		{name: "unsqueeze unsorted", op: graph.OpUnsqueeze, in: []*dtype.Array{mvSeq(3, 4, 5), mvVec(5, 4, 2)}, want: []*dtype.Array{mvSeq(3, 4, 1, 5, 1, 1)}},
		{name: "unsqueeze negative", op: graph.OpUnsqueeze, in: []*dtype.Array{mvSeq(1, 3, 1, 5), mvVec(-2)}, want: []*dtype.Array{mvSeq(1, 3, 1, 1, 5)}},
		{name: "unsqueeze out of range", op: graph.OpUnsqueeze, in: []*dtype.Array{mvSeq(3), mvVec(2)}, err: "out of range"},
	})
}

func TestTransposeConcatSplit(t *testing.T) {
	bools := &dtype.Array{Kind: dtype.Bool, Shape: []int{2, 2}, Bool: []bool{true, false, false, false}}
	row := mvSeq(2, 8)
	mvRun(t, []mvCase{
		{name: "transpose default", op: graph.OpTranspose, in: []*dtype.Array{mvSeq(2, 3)}, want: []*dtype.Array{mvF32([]int{3, 2}, 0, 3, 1, 4, 2, 5)}},
		// out[k][i][0] = x[i][0][k] = 3i + k
		{name: "transpose perm", op: graph.OpTranspose, attrs: graph.TransposeAttrs{Perm: []int{2, 0, 1}}, in: []*dtype.Array{mvSeq(2, 1, 3)}, want: []*dtype.Array{mvF32([]int{3, 2, 1}, 0, 3, 1, 4, 2, 5)}},
		{name: "transpose bool", op: graph.OpTranspose, in: []*dtype.Array{bools}, want: []*dtype.Array{{Kind: dtype.Bool, Shape: []int{2, 2}, Bool: []bool{true, false, false, false}}}},
		{name: "transpose u64", op: graph.OpTranspose, in: []*dtype.Array{mvOfKind(dtype.U64, []int{1, 2}, 7, 9)}, want: []*dtype.Array{mvOfKind(dtype.U64, []int{2, 1}, 7, 9)}},
		{name: "transpose bad perm", op: graph.OpTranspose, attrs: graph.TransposeAttrs{Perm: []int{0, 0}}, in: []*dtype.Array{mvSeq(2, 3)}, err: "not a permutation"},
		{name: "concat last axis", op: graph.OpConcat, attrs: graph.AxisAttrs{Axis: -1}, in: []*dtype.Array{mvF32([]int{2, 2}, 1, 2, 3, 4), mvF32([]int{2, 1}, 5, 6)}, want: []*dtype.Array{mvF32([]int{2, 3}, 1, 2, 5, 3, 4, 6)}},
		{name: "concat axis 0", op: graph.OpConcat, in: []*dtype.Array{mvF32([]int{1, 2}, 1, 2), mvF32([]int{0, 2}), mvF32([]int{1, 2}, 3, 4)}, want: []*dtype.Array{mvF32([]int{2, 2}, 1, 2, 3, 4)}},
		{name: "concat i8", op: graph.OpConcat, in: []*dtype.Array{mvOfKind(dtype.I8, []int{1}, -3), mvOfKind(dtype.I8, []int{2}, 4, 5)}, want: []*dtype.Array{mvOfKind(dtype.I8, []int{3}, -3, 4, 5)}},
		{name: "concat shape clash", op: graph.OpConcat, attrs: graph.AxisAttrs{Axis: 0}, in: []*dtype.Array{mvSeq(1, 2), mvSeq(1, 3)}, err: "may differ only on axis 0"},
		{name: "concat kind clash", op: graph.OpConcat, in: []*dtype.Array{mvSeq(1), mvVec(1)}, err: "input 1 is i64"},
		// test_split_2d_uneven_split_opset18
		{name: "split num_outputs uneven", op: graph.OpSplit, attrs: graph.SplitAttrs{Axis: 1, NumOutputs: 3}, in: []*dtype.Array{row}, nOut: 3, want: []*dtype.Array{
			mvF32([]int{2, 3}, 0, 1, 2, 8, 9, 10), mvF32([]int{2, 3}, 3, 4, 5, 11, 12, 13), mvF32([]int{2, 2}, 6, 7, 14, 15)}},
		{name: "split sizes", op: graph.OpSplit, attrs: graph.SplitAttrs{Axis: -1}, in: []*dtype.Array{row, mvVec(2, 0, 6)}, nOut: 3, want: []*dtype.Array{
			mvF32([]int{2, 2}, 0, 1, 8, 9), mvF32([]int{2, 0}), mvF32([]int{2, 6}, 2, 3, 4, 5, 6, 7, 10, 11, 12, 13, 14, 15)}},
		{name: "split equal", op: graph.OpSplit, in: []*dtype.Array{mvSeq(6)}, nOut: 3, want: []*dtype.Array{mvF32([]int{2}, 0, 1), mvF32([]int{2}, 2, 3), mvF32([]int{2}, 4, 5)}},
		{name: "split zero size", op: graph.OpSplit, in: []*dtype.Array{mvSeq(0), mvVec(0, 0, 0)}, nOut: 3, want: []*dtype.Array{mvSeq(0), mvSeq(0), mvSeq(0)}},
		{name: "split uneven without num_outputs", op: graph.OpSplit, in: []*dtype.Array{mvSeq(5)}, nOut: 2, err: "2 equal parts"},
		{name: "split bad sum", op: graph.OpSplit, in: []*dtype.Array{mvSeq(5), mvVec(2, 2)}, nOut: 2, err: "sums to 4"},
		{name: "split count mismatch", op: graph.OpSplit, in: []*dtype.Array{mvSeq(6), mvVec(2, 2, 2)}, nOut: 2, err: "3 sizes for 2 outputs"},
	})
}

func TestSliceGather(t *testing.T) {
	spec := mvF32([]int{2, 4}, 1, 2, 3, 4, 5, 6, 7, 8)
	ten := mvSeq(10)
	f16 := mvOfKind(dtype.F16, []int{3}, 0.5, 1.5, 2.5)
	mvRun(t, []mvCase{
		// Operators.md Slice examples 1 and 2
		{name: "spec example 1", op: graph.OpSlice, in: []*dtype.Array{spec, mvVec(1, 0), mvVec(2, 3), mvVec(0, 1), mvVec(1, 2)}, want: []*dtype.Array{mvF32([]int{1, 2}, 5, 7)}},
		{name: "spec example 2", op: graph.OpSlice, in: []*dtype.Array{spec, mvVec(0, 1), mvVec(-1, 1000)}, want: []*dtype.Array{mvF32([]int{1, 3}, 2, 3, 4)}},
		{name: "negative step to INT64_MIN", op: graph.OpSlice, in: []*dtype.Array{ten, mvVec(-1), mvVec(math.MinInt64), nil, mvVec(-3)}, want: []*dtype.Array{mvF32([]int{4}, 9, 6, 3, 0)}},
		{name: "step INT64_MIN", op: graph.OpSlice, in: []*dtype.Array{ten, mvVec(100), mvVec(-100), mvVec(0), mvVec(math.MinInt64)}, want: []*dtype.Array{mvF32([]int{1}, 9)}},
		{name: "INT64_MAX end", op: graph.OpSlice, in: []*dtype.Array{ten, mvVec(7), mvVec(math.MaxInt64), mvVec(-1), mvVec(math.MaxInt64)}, want: []*dtype.Array{mvF32([]int{1}, 7)}},
		{name: "start out of bounds", op: graph.OpSlice, in: []*dtype.Array{ten, mvVec(1000), mvVec(1000)}, want: []*dtype.Array{mvF32([]int{0})}},
		{name: "i32 starts f16 data", op: graph.OpSlice, in: []*dtype.Array{f16, mvOfKind(dtype.I32, []int{1}, 2), mvOfKind(dtype.I32, []int{1}, -4), nil, mvOfKind(dtype.I32, []int{1}, -1)}, want: []*dtype.Array{mvOfKind(dtype.F16, []int{3}, 2.5, 1.5, 0.5)}},
		{name: "zero step", op: graph.OpSlice, in: []*dtype.Array{ten, mvVec(0), mvVec(1), nil, mvVec(0)}, err: "step of axis 0 is 0"},
		{name: "too many starts", op: graph.OpSlice, in: []*dtype.Array{ten, mvVec(0, 0), mvVec(1, 1)}, err: "2 starts for an input of rank 1"},
		// Operators.md Gather examples
		{name: "gather axis 0", op: graph.OpGather, in: []*dtype.Array{mvF32([]int{3, 2}, 1, 1.2, 2.3, 3.4, 4.5, 5.7), mvI64([]int{2, 2}, 0, 1, 1, 2)}, want: []*dtype.Array{mvF32([]int{2, 2, 2}, 1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7)}},
		{name: "gather axis 1", op: graph.OpGather, attrs: graph.AxisAttrs{Axis: 1}, in: []*dtype.Array{mvF32([]int{3, 3}, 1, 1.2, 1.9, 2.3, 3.4, 3.9, 4.5, 5.7, 5.9), mvI64([]int{1, 2}, 0, 2)}, want: []*dtype.Array{mvF32([]int{3, 1, 2}, 1, 1.9, 2.3, 3.9, 4.5, 5.9)}},
		{name: "gather negative indices", op: graph.OpGather, in: []*dtype.Array{ten, mvVec(0, -9, -10)}, want: []*dtype.Array{mvF32([]int{3}, 0, 1, 0)}},
		{name: "gather scalar index", op: graph.OpGather, attrs: graph.AxisAttrs{Axis: -1}, in: []*dtype.Array{mvSeq(2, 3), mvOfKind(dtype.I32, nil, 2)}, want: []*dtype.Array{mvF32([]int{2}, 2, 5)}},
		{name: "gather out of range", op: graph.OpGather, in: []*dtype.Array{ten, mvVec(10)}, err: "index 10 out of range"},
		{name: "gather float indices", op: graph.OpGather, in: []*dtype.Array{ten, mvF32([]int{1}, 0)}, err: "want i32 or i64"},
	})
}

func TestTileExpand(t *testing.T) {
	mvRun(t, []mvCase{
		{name: "tile", op: graph.OpTile, in: []*dtype.Array{mvSeq(2, 2), mvVec(2, 2)}, want: []*dtype.Array{mvF32([]int{4, 4}, 0, 1, 0, 1, 2, 3, 2, 3, 0, 1, 0, 1, 2, 3, 2, 3)}},
		{name: "tile zero", op: graph.OpTile, in: []*dtype.Array{mvSeq(2, 2), mvVec(1, 0)}, want: []*dtype.Array{mvSeq(2, 0)}},
		{name: "tile rank mismatch", op: graph.OpTile, in: []*dtype.Array{mvSeq(2, 2), mvVec(2)}, err: "1 repeats for an input of rank 2"},
		{name: "tile negative", op: graph.OpTile, in: []*dtype.Array{mvSeq(2), mvVec(-1)}, err: "invalid repeat count -1"},
		{name: "expand column", op: graph.OpExpand, in: []*dtype.Array{mvF32([]int{2, 1}, 1, 2), mvVec(2, 3)}, want: []*dtype.Array{mvF32([]int{2, 3}, 1, 1, 1, 2, 2, 2)}},
		{name: "expand bidirectional", op: graph.OpExpand, in: []*dtype.Array{mvF32([]int{1, 3}, 1, 2, 3), mvVec(2, 1)}, want: []*dtype.Array{mvF32([]int{2, 3}, 1, 2, 3, 1, 2, 3)}},
		{name: "expand rank up", op: graph.OpExpand, in: []*dtype.Array{mvF32([]int{2, 1}, 1, 2), mvVec(2, 1, 2)}, want: []*dtype.Array{mvF32([]int{2, 2, 2}, 1, 1, 2, 2, 1, 1, 2, 2)}},
		{name: "expand clash", op: graph.OpExpand, in: []*dtype.Array{mvSeq(3), mvVec(2)}, err: "cannot be broadcast"},
	})
}

func TestPad(t *testing.T) {
	// Operators.md Pad examples 1-4
	x := mvF32([]int{3, 2}, 1, 1.2, 2.3, 3.4, 4.5, 5.7)
	five := mvF32([]int{5}, 1, 2, 3, 4, 5)
	pads := mvVec(0, 2, 0, 0)
	mvRun(t, []mvCase{
		{name: "constant", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "constant"}, in: []*dtype.Array{x, pads, mvF32(nil, 0)}, want: []*dtype.Array{mvF32([]int{3, 4}, 0, 0, 1, 1.2, 0, 0, 2.3, 3.4, 0, 0, 4.5, 5.7)}},
		{name: "reflect", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "reflect"}, in: []*dtype.Array{x, pads}, want: []*dtype.Array{mvF32([]int{3, 4}, 1, 1.2, 1, 1.2, 2.3, 3.4, 2.3, 3.4, 4.5, 5.7, 4.5, 5.7)}},
		{name: "edge", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "edge"}, in: []*dtype.Array{x, pads}, want: []*dtype.Array{mvF32([]int{3, 4}, 1, 1, 1, 1.2, 2.3, 2.3, 2.3, 3.4, 4.5, 4.5, 4.5, 5.7)}},
		{name: "wrap", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "wrap"}, in: []*dtype.Array{x, mvVec(2, 1, 1, 1)}, want: []*dtype.Array{mvF32([]int{6, 4},
			3.4, 2.3, 3.4, 2.3, 5.7, 4.5, 5.7, 4.5, 1.2, 1, 1.2, 1, 3.4, 2.3, 3.4, 2.3, 5.7, 4.5, 5.7, 4.5, 1.2, 1, 1.2, 1)}},
		{name: "default mode value", op: graph.OpPad, in: []*dtype.Array{five, mvVec(1, 1)}, want: []*dtype.Array{mvF32([]int{7}, 0, 1, 2, 3, 4, 5, 0)}},
		{name: "constant value", op: graph.OpPad, in: []*dtype.Array{five, mvVec(1, 0), mvF32(nil, 9)}, want: []*dtype.Array{mvF32([]int{6}, 9, 1, 2, 3, 4, 5)}},
		{name: "negative crops", op: graph.OpPad, in: []*dtype.Array{five, mvVec(-1, 2)}, want: []*dtype.Array{mvF32([]int{6}, 2, 3, 4, 5, 0, 0)}},
		{name: "wrap after crop", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "wrap"}, in: []*dtype.Array{five, mvVec(-1, 2)}, want: []*dtype.Array{mvF32([]int{6}, 2, 3, 4, 5, 2, 3)}},
		{name: "reflect beyond the axis", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "reflect"}, in: []*dtype.Array{mvF32([]int{3}, 1, 2, 3), mvVec(4, 0)}, want: []*dtype.Array{mvF32([]int{7}, 1, 2, 3, 2, 1, 2, 3)}},
		{name: "edge i32", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "edge"}, in: []*dtype.Array{mvOfKind(dtype.I32, []int{2}, -4, 6), mvVec(2, 1)}, want: []*dtype.Array{mvOfKind(dtype.I32, []int{5}, -4, -4, -4, 6, 6)}},
		{name: "axes negative", op: graph.OpPad, in: []*dtype.Array{mvSeq(2, 2), mvVec(1, 0), mvF32(nil, 7), mvVec(-1)}, want: []*dtype.Array{mvF32([]int{2, 3}, 7, 0, 1, 7, 2, 3)}},
		{name: "absent value with axes", op: graph.OpPad, in: []*dtype.Array{mvSeq(2, 2), mvVec(0, 1), nil, mvVec(0)}, want: []*dtype.Array{mvF32([]int{3, 2}, 0, 1, 2, 3, 0, 0)}},
		{name: "bool value", op: graph.OpPad, in: []*dtype.Array{{Kind: dtype.Bool, Shape: []int{1}, Bool: []bool{false}}, mvVec(1, 0), {Kind: dtype.Bool, Bool: []bool{true}}}, want: []*dtype.Array{{Kind: dtype.Bool, Shape: []int{2}, Bool: []bool{true, false}}}},
		{name: "legacy f32 value on i64 data", op: graph.OpPad, in: []*dtype.Array{mvVec(1), mvVec(0, 1), mvF32(nil, 3)}, want: []*dtype.Array{mvVec(1, 3)}},
		{name: "wrong pad count", op: graph.OpPad, in: []*dtype.Array{five, mvVec(1)}, err: "1 pads for 1 axes, want 2"},
		{name: "over-crop", op: graph.OpPad, in: []*dtype.Array{five, mvVec(-6, 3)}, err: "remove more than"},
		{name: "edge of empty", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "edge"}, in: []*dtype.Array{mvSeq(0), mvVec(1, 0)}, err: "which is empty"},
		{name: "unknown mode", op: graph.OpPad, attrs: graph.PadAttrs{Mode: "mirror"}, in: []*dtype.Array{five, mvVec(1, 0)}, err: `unknown mode "mirror"`},
	})
}

func TestShapeGenerators(t *testing.T) {
	x := mvSeq(3, 4, 5)
	i32 := func(v float64) *dtype.Array { return mvOfKind(dtype.I32, nil, v) }
	f32 := func(v float32) *dtype.Array { return mvF32(nil, v) }
	mvRun(t, []mvCase{
		{name: "shape", op: graph.OpShape, in: []*dtype.Array{x}, want: []*dtype.Array{mvVec(3, 4, 5)}},
		{name: "shape clip start", op: graph.OpShape, attrs: graph.ShapeAttrs{Start: -10}, in: []*dtype.Array{x}, want: []*dtype.Array{mvVec(3, 4, 5)}},
		{name: "shape clip end", op: graph.OpShape, attrs: graph.ShapeAttrs{End: 10, HasEnd: true}, in: []*dtype.Array{x}, want: []*dtype.Array{mvVec(3, 4, 5)}},
		{name: "shape start 1 end -1", op: graph.OpShape, attrs: graph.ShapeAttrs{Start: 1, End: -1, HasEnd: true}, in: []*dtype.Array{x}, want: []*dtype.Array{mvVec(4)}},
		{name: "shape end 0", op: graph.OpShape, attrs: graph.ShapeAttrs{End: 0, HasEnd: true}, in: []*dtype.Array{x}, want: []*dtype.Array{mvVec()}},
		{name: "shape start after end", op: graph.OpShape, attrs: graph.ShapeAttrs{Start: 2, End: 1, HasEnd: true}, in: []*dtype.Array{x}, want: []*dtype.Array{mvVec()}},
		{name: "constant of shape default", op: graph.OpConstantOfShape, in: []*dtype.Array{mvVec(2, 1)}, want: []*dtype.Array{mvF32([]int{2, 1}, 0, 0)}},
		{name: "constant of shape i32", op: graph.OpConstantOfShape, attrs: graph.ConstantOfShapeAttrs{Value: mvOfKind(dtype.I32, []int{1}, 7)}, in: []*dtype.Array{mvVec(3)}, want: []*dtype.Array{mvOfKind(dtype.I32, []int{3}, 7, 7, 7)}},
		{name: "constant of shape scalar", op: graph.OpConstantOfShape, attrs: graph.ConstantOfShapeAttrs{Value: mvF32([]int{1}, 2)}, in: []*dtype.Array{mvVec()}, want: []*dtype.Array{mvF32(nil, 2)}},
		{name: "constant of shape negative", op: graph.OpConstantOfShape, in: []*dtype.Array{mvVec(2, -1)}, err: "negative dimension -1"},
		{name: "constant of shape two values", op: graph.OpConstantOfShape, attrs: graph.ConstantOfShapeAttrs{Value: mvSeq(2)}, in: []*dtype.Array{mvVec(2)}, err: "value has 2 elements"},
		// Operators.md Range examples 1 and 2
		{name: "range example 1", op: graph.OpRange, in: []*dtype.Array{i32(3), i32(9), i32(3)}, want: []*dtype.Array{mvOfKind(dtype.I32, []int{2}, 3, 6)}},
		{name: "range example 2", op: graph.OpRange, in: []*dtype.Array{i32(10), i32(4), i32(-2)}, want: []*dtype.Array{mvOfKind(dtype.I32, []int{3}, 10, 8, 6)}},
		{name: "range empty", op: graph.OpRange, in: []*dtype.Array{i32(10), i32(4), i32(2)}, want: []*dtype.Array{mvOfKind(dtype.I32, []int{0})}},
		// ceil((2-1)/0.25) = 4 elements
		{name: "range f32", op: graph.OpRange, in: []*dtype.Array{f32(1), f32(2), f32(0.25)}, want: []*dtype.Array{mvF32([]int{4}, 1, 1.25, 1.5, 1.75)}},
		// (MaxInt64 - MinInt64) / MaxInt64 = 2 + 1/(2^63-1): 3 elements, no overflow
		{name: "range i64 extremes", op: graph.OpRange, in: []*dtype.Array{mvI64(nil, math.MinInt64), mvI64(nil, math.MaxInt64), mvI64(nil, math.MaxInt64)}, want: []*dtype.Array{{Kind: dtype.I64, Shape: []int{3}, I64: []int64{math.MinInt64, -1, math.MaxInt64 - 1}}}},
		{name: "range zero delta", op: graph.OpRange, in: []*dtype.Array{i32(1), i32(2), i32(0)}, err: "delta is 0"},
		{name: "range kind clash", op: graph.OpRange, in: []*dtype.Array{i32(1), f32(2), i32(1)}, err: "limit is f32, start is i32"},
	})
}

func TestMoveIndexLarge(t *testing.T) {
	// A 4-D transpose checked element by element against the definition.
	x := mvSeq(3, 4, 5, 6)
	n := &graph.Node{Op: graph.OpTranspose, Attrs: graph.TransposeAttrs{Perm: []int{3, 1, 0, 2}}, In: []graph.TensorID{0}, Out: []graph.TensorID{1}}
	got, err := eval.Node(n, []*dtype.Array{x}, 0)
	require.NoError(t, err)
	require.Equal(t, []int{6, 4, 3, 5}, got[0].Shape)
	j := 0
	for l := range 6 {
		for b := range 4 {
			for a := range 3 {
				for c := range 5 {
					want := float32(((a*4+b)*5+c)*6 + l)
					if got[0].F32[j] != want {
						t.Fatalf("element %d = %v, want %v", j, got[0].F32[j], want)
					}
					j++
				}
			}
		}
	}
}
