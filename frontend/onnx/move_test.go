package onnx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func mvAttr(name string, typ onnxpb.AttributeProto_AttributeType) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: &typ}
}

func mvInt(name string, v int64) *onnxpb.AttributeProto {
	a := mvAttr(name, onnxpb.AttributeProto_INT)
	a.I = &v
	return a
}

func mvInts(name string, v ...int64) *onnxpb.AttributeProto {
	a := mvAttr(name, onnxpb.AttributeProto_INTS)
	a.Ints = v
	return a
}

func mvFloat(name string, v float32) *onnxpb.AttributeProto {
	a := mvAttr(name, onnxpb.AttributeProto_FLOAT)
	a.F = &v
	return a
}

func mvString(name, v string) *onnxpb.AttributeProto {
	a := mvAttr(name, onnxpb.AttributeProto_STRING)
	a.S = []byte(v)
	return a
}

func mvTensor(name string, v *dtype.Array) *onnxpb.AttributeProto {
	a := mvAttr(name, onnxpb.AttributeProto_TENSOR)
	a.T = EncodeTensor(name, v)
	return a
}

// mvCtx is the NodeCtx of a node with the given inputs ("" for absent) and
// attributes, in a model of the given opset.
func mvCtx(opset int, inputs []string, attrs ...*onnxpb.AttributeProto) *NodeCtx {
	np := &onnxpb.NodeProto{Input: inputs, Attribute: attrs}
	m := map[string]*onnxpb.AttributeProto{}
	for _, a := range attrs {
		m[a.GetName()] = a
	}
	return &NodeCtx{opset: opset, node: np, attrs: m, used: map[string]bool{}, nIn: len(inputs), consts: map[int]*dtype.Array{},
		tensor: func(tp *onnxpb.TensorProto) (*dtype.Array, error) { return DecodeTensor(tp, "", 0) }}
}

func TestMoveParsers(t *testing.T) {
	i64 := func(v ...int64) *dtype.Array { return dtype.FromI64([]int{len(v)}, v) }
	x, xy := []string{"x"}, []string{"x", "y"}
	cases := []struct {
		name   string
		op     graph.Op
		opset  int
		inputs []string
		attrs  []*onnxpb.AttributeProto
		want   graph.Attrs
		consts map[int]*dtype.Array
		unread []string
		err    string
	}{
		{name: "reshape-1 shape attribute", op: graph.OpReshape, opset: 1, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("shape", 2, -1), mvInts("consumed_inputs", 0)},
			want: graph.ReshapeAttrs{}, consts: map[int]*dtype.Array{1: i64(2, -1)}},
		{name: "reshape-14 allowzero", op: graph.OpReshape, opset: 14, inputs: xy, attrs: []*onnxpb.AttributeProto{mvInt("allowzero", 1)}, want: graph.ReshapeAttrs{AllowZero: true}},
		{name: "reshape-13 has no allowzero", op: graph.OpReshape, opset: 13, inputs: xy, attrs: []*onnxpb.AttributeProto{mvInt("allowzero", 1)}, want: graph.ReshapeAttrs{}, unread: []string{"allowzero"}},
		{name: "flatten default", op: graph.OpFlatten, opset: 9, inputs: x, want: graph.AxisAttrs{Axis: 1}},
		{name: "flatten-9 negative", op: graph.OpFlatten, opset: 9, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("axis", -1)}, want: graph.AxisAttrs{Axis: -1}},
		{name: "flatten-11 negative", op: graph.OpFlatten, opset: 11, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("axis", -1)}, want: graph.AxisAttrs{Axis: -1}},
		{name: "squeeze-1 axes", op: graph.OpSqueeze, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("axes", 0, 2)}, want: graph.NoAttrs{}, consts: map[int]*dtype.Array{1: i64(0, 2)}},
		{name: "squeeze-1 no axes", op: graph.OpSqueeze, opset: 6, inputs: x, want: graph.NoAttrs{}},
		{name: "squeeze-11 negative axes", op: graph.OpSqueeze, opset: 11, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("axes", -1)}, want: graph.NoAttrs{}, consts: map[int]*dtype.Array{1: i64(-1)}},
		{name: "squeeze-13 axes attribute", op: graph.OpSqueeze, opset: 13, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("axes", 0)}, want: graph.NoAttrs{}, unread: []string{"axes"}},
		{name: "unsqueeze-1 requires axes", op: graph.OpUnsqueeze, opset: 6, inputs: x, err: `"axes" is required`},
		{name: "unsqueeze-1 negative axes", op: graph.OpUnsqueeze, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("axes", -1)}, want: graph.NoAttrs{}, consts: map[int]*dtype.Array{1: i64(-1)}},
		{name: "transpose perm", op: graph.OpTranspose, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("perm", 1, 0)}, want: graph.TransposeAttrs{Perm: []int{1, 0}}},
		{name: "transpose default", op: graph.OpTranspose, opset: 6, inputs: x, want: graph.TransposeAttrs{}},
		{name: "concat-1 default axis", op: graph.OpConcat, opset: 1, inputs: xy, want: graph.AxisAttrs{Axis: 1}},
		{name: "concat-4 requires axis", op: graph.OpConcat, opset: 6, inputs: xy, err: `"axis" is required`},
		{name: "concat-13", op: graph.OpConcat, opset: 13, inputs: xy, attrs: []*onnxpb.AttributeProto{mvInt("axis", -2)}, want: graph.AxisAttrs{Axis: -2}},
		{name: "split-2 attribute", op: graph.OpSplit, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("split", 2, 1), mvInt("axis", 1)},
			want: graph.SplitAttrs{Axis: 1}, consts: map[int]*dtype.Array{1: i64(2, 1)}},
		{name: "split-18 num_outputs", op: graph.OpSplit, opset: 18, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("num_outputs", 3)}, want: graph.SplitAttrs{NumOutputs: 3}},
		{name: "split-18 bad num_outputs", op: graph.OpSplit, opset: 18, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("num_outputs", 0)}, err: "num_outputs is 0"},
		{name: "split-13 has no num_outputs", op: graph.OpSplit, opset: 13, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("num_outputs", 3)}, want: graph.SplitAttrs{}, unread: []string{"num_outputs"}},
		{name: "slice-1 attributes", op: graph.OpSlice, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("starts", 0), mvInts("ends", -1), mvInts("axes", 1)},
			want: graph.NoAttrs{}, consts: map[int]*dtype.Array{1: i64(0), 2: i64(-1), 3: i64(1)}},
		{name: "slice-1 without axes", op: graph.OpSlice, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("starts", 0), mvInts("ends", 1)},
			want: graph.NoAttrs{}, consts: map[int]*dtype.Array{1: i64(0), 2: i64(1)}},
		{name: "slice-1 requires ends", op: graph.OpSlice, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("starts", 0)}, err: `"ends" is required`},
		{name: "slice-1 attribute and input", op: graph.OpSlice, opset: 6, inputs: xy, attrs: []*onnxpb.AttributeProto{mvInts("starts", 0), mvInts("ends", 1)}, err: "given both"},
		{name: "gather negative axis", op: graph.OpGather, opset: 6, inputs: xy, attrs: []*onnxpb.AttributeProto{mvInt("axis", -1)}, want: graph.AxisAttrs{Axis: -1}},
		{name: "tile-1", op: graph.OpTile, opset: 5, inputs: []string{"x", "t", "a"}, err: "Tile-1"},
		{name: "tile-6", op: graph.OpTile, opset: 6, inputs: xy, want: graph.NoAttrs{}},
		{name: "pad-2 attributes", op: graph.OpPad, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("pads", 0, 1, 0, 1), mvString("mode", "constant"), mvFloat("value", 1.5)},
			want: graph.PadAttrs{Mode: "constant"}, consts: map[int]*dtype.Array{1: i64(0, 1, 0, 1), 2: dtype.FromF32(nil, []float32{1.5})}},
		{name: "pad-2 edge", op: graph.OpPad, opset: 6, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("pads", 1, 1), mvString("mode", "edge")},
			want: graph.PadAttrs{Mode: "edge"}, consts: map[int]*dtype.Array{1: i64(1, 1)}},
		{name: "pad-1 paddings", op: graph.OpPad, opset: 1, inputs: x, attrs: []*onnxpb.AttributeProto{mvInts("paddings", 1, 1)},
			want: graph.PadAttrs{Mode: "constant"}, consts: map[int]*dtype.Array{1: i64(1, 1)}},
		{name: "pad-2 requires pads", op: graph.OpPad, opset: 6, inputs: x, err: `"pads" is required`},
		{name: "pad-18 wrap", op: graph.OpPad, opset: 18, inputs: xy, attrs: []*onnxpb.AttributeProto{mvString("mode", "wrap")}, err: `mode "wrap" is not a Pad mode at opset 18`},
		{name: "pad-19 wrap", op: graph.OpPad, opset: 19, inputs: xy, attrs: []*onnxpb.AttributeProto{mvString("mode", "wrap")}, want: graph.PadAttrs{Mode: "wrap"}},
		{name: "pad-11 pads attribute", op: graph.OpPad, opset: 11, inputs: xy, attrs: []*onnxpb.AttributeProto{mvInts("pads", 1, 1)}, want: graph.PadAttrs{Mode: "constant"}, unread: []string{"pads"}},
		{name: "shape-15 start end", op: graph.OpShape, opset: 15, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("start", 1), mvInt("end", -1)}, want: graph.ShapeAttrs{Start: 1, End: -1, HasEnd: true}},
		{name: "shape-15 huge end", op: graph.OpShape, opset: 15, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("end", 1<<40)}, want: graph.ShapeAttrs{End: 1 << 30, HasEnd: true}},
		{name: "shape-13 has no start", op: graph.OpShape, opset: 13, inputs: x, attrs: []*onnxpb.AttributeProto{mvInt("start", 1)}, want: graph.ShapeAttrs{}, unread: []string{"start"}},
		{name: "constant of shape value", op: graph.OpConstantOfShape, opset: 9, inputs: x, attrs: []*onnxpb.AttributeProto{mvTensor("value", dtype.FromI64([]int{1}, []int64{7}))},
			want: graph.ConstantOfShapeAttrs{Value: dtype.FromI64([]int{1}, []int64{7})}},
		{name: "constant of shape default", op: graph.OpConstantOfShape, opset: 9, inputs: x, want: graph.ConstantOfShapeAttrs{}},
		{name: "constant of shape two values", op: graph.OpConstantOfShape, opset: 9, inputs: x, attrs: []*onnxpb.AttributeProto{mvTensor("value", i64(1, 2))}, err: "value has 2 elements"},
		{name: "range-27 stash_type", op: graph.OpRange, opset: 27, inputs: []string{"a", "b", "c"}, attrs: []*onnxpb.AttributeProto{mvInt("stash_type", 10)}, err: "stash_type 10"},
		{name: "range-11", op: graph.OpRange, opset: 11, inputs: []string{"a", "b", "c"}, want: graph.NoAttrs{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			parse := parsers[c.op]
			require.NotNil(t, parse)
			ctx := mvCtx(c.opset, c.inputs, c.attrs...)
			got, err := parse(ctx)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, c.unread, ctx.unread())
			assert.Len(t, ctx.consts, len(c.consts))
			for i, w := range c.consts {
				require.Contains(t, ctx.consts, i)
				assert.Equal(t, w, ctx.consts[i], "constant input %d", i)
			}
		})
	}
}
