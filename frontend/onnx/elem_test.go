package onnx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func elemInt(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func elemFloat(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}
}

func elemInts(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

// elemParse runs op's parser on a node with the given inputs, outputs and
// attributes at opset, and returns the attrs, the constant inputs and the
// attributes left unread.
func elemParse(op graph.Op, opset int, in, out []string, attrs ...*onnxpb.AttributeProto) (graph.Attrs, map[int]*dtype.Array, []string, error) {
	np := &onnxpb.NodeProto{Input: in, Output: out, Attribute: attrs}
	am := map[string]*onnxpb.AttributeProto{}
	for _, a := range attrs {
		am[a.GetName()] = a
	}
	c := &NodeCtx{opset: opset, node: np, attrs: am, used: map[string]bool{}, nIn: len(in), consts: map[int]*dtype.Array{}}
	a, err := parsers[op](c)
	return a, c.consts, c.unread(), err
}

func TestElemParsers(t *testing.T) {
	x, y := []string{"x"}, []string{"y"}
	xy := []string{"x", "y"}
	f32 := func(v float32) *dtype.Array { return &dtype.Array{Kind: dtype.F32, Shape: []int{}, F32: []float32{v}} }
	cases := []struct {
		name    string
		op      graph.Op
		opset   int
		in, out []string
		attrs   []*onnxpb.AttributeProto
		want    graph.Attrs
		consts  map[int]*dtype.Array
		unread  []string
		wantErr string
	}{
		{name: "add opset 6 broadcast axis", op: graph.OpAdd, opset: 6, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInt("broadcast", 1), elemInt("axis", 1)}, want: graph.BinaryAttrs{Aligned: true, Axis: 1}},
		{name: "add opset 6 broadcast suffix", op: graph.OpAdd, opset: 6, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInt("broadcast", 1)}, want: graph.BinaryAttrs{}},
		{name: "add opset 14 rejects broadcast", op: graph.OpAdd, opset: 14, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInt("broadcast", 1)}, want: graph.BinaryAttrs{}, unread: []string{"broadcast"}},
		{name: "prelu opset 6 per channel", op: graph.OpPRelu, opset: 6, in: xy, out: y, want: graph.BinaryAttrs{Aligned: true, Axis: 1}},
		{name: "prelu opset 16", op: graph.OpPRelu, opset: 16, in: xy, out: y, want: graph.BinaryAttrs{}},
		{name: "leaky relu default", op: graph.OpLeakyRelu, opset: 16, in: x, out: y, want: graph.ActAttrs{Alpha: 0.01}},
		{name: "hard sigmoid", op: graph.OpHardSigmoid, opset: 22, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemFloat("beta", 0.6)}, want: graph.ActAttrs{Alpha: 0.2, Beta: 0.6}},
		{name: "selu opset 6 defaults", op: graph.OpSelu, opset: 6, in: x, out: y, want: graph.ActAttrs{Alpha: 1.67326319217681884765625, Gamma: 1.05070102214813232421875}},
		{name: "clip opset 6 attrs become inputs", op: graph.OpClip, opset: 6, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemFloat("min", -0.5), elemFloat("max", 0.5)}, want: graph.NoAttrs{}, consts: map[int]*dtype.Array{1: f32(-0.5), 2: f32(0.5)}},
		{name: "clip opset 6 max only", op: graph.OpClip, opset: 6, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemFloat("max", 2)}, want: graph.NoAttrs{}, consts: map[int]*dtype.Array{2: f32(2)}},
		{name: "clip opset 13 rejects min attr", op: graph.OpClip, opset: 13, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemFloat("min", 0)}, want: graph.NoAttrs{}, unread: []string{"min"}},
		{name: "softmax opset 6 legacy default", op: graph.OpSoftmax, opset: 6, in: x, out: y, want: graph.SoftmaxAttrs{Axis: 1, Legacy: true}},
		{name: "softmax opset 13 default", op: graph.OpLogSoftmax, opset: 13, in: x, out: y, want: graph.SoftmaxAttrs{Axis: -1}},
		{name: "reduce sum opset 6 axes", op: graph.OpReduceSum, opset: 6, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemInts("axes", 2), elemInt("keepdims", 0)}, want: graph.ReduceAttrs{}, consts: map[int]*dtype.Array{1: dtype.FromI64([]int{1}, []int64{2})}},
		{name: "reduce sum opset 13 noop", op: graph.OpReduceSum, opset: 13, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInt("noop_with_empty_axes", 1)}, want: graph.ReduceAttrs{KeepDims: true, NoopWithEmptyAxes: true}},
		{name: "reduce mean opset 13 axes attr", op: graph.OpReduceMean, opset: 13, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemInts("axes", 0, 1)}, want: graph.ReduceAttrs{KeepDims: true}, consts: map[int]*dtype.Array{1: dtype.FromI64([]int{2}, []int64{0, 1})}},
		{name: "reduce max opset 18 rejects axes attr", op: graph.OpReduceMax, opset: 18, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInts("axes", 0)}, want: graph.ReduceAttrs{KeepDims: true}, unread: []string{"axes"}},
		{name: "reduce axes twice", op: graph.OpReduceSum, opset: 11, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInts("axes", 0)}, wantErr: "given both as an attribute and as an input"},
		{name: "cumsum", op: graph.OpCumSum, opset: 14, in: xy, out: y, attrs: []*onnxpb.AttributeProto{elemInt("exclusive", 1), elemInt("reverse", 1)}, want: graph.CumSumAttrs{Exclusive: true, Reverse: true}},
		{name: "dropout opset 6 is_test", op: graph.OpDropout, opset: 6, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemInt("is_test", 1), elemFloat("ratio", 0.3)}, want: graph.NoAttrs{}},
		{name: "dropout opset 6 training", op: graph.OpDropout, opset: 6, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemInt("is_test", 0)}, wantErr: "training-mode"},
		{name: "dropout opset 6 default is training", op: graph.OpDropout, opset: 6, in: x, out: y, wantErr: "training-mode"},
		{name: "dropout opset 7 typed mask", op: graph.OpDropout, opset: 7, in: x, out: []string{"y", "m"}, wantErr: "mask output"},
		{name: "dropout opset 22 seed", op: graph.OpDropout, opset: 22, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemInt("seed", 0)}, want: graph.NoAttrs{}},
		{name: "dropout opset 22 rejects ratio attr", op: graph.OpDropout, opset: 22, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemFloat("ratio", 0.1)}, want: graph.NoAttrs{}, unread: []string{"ratio"}},
		{name: "abs opset 1 consumed_inputs", op: graph.OpAbs, opset: 1, in: x, out: y, attrs: []*onnxpb.AttributeProto{elemInts("consumed_inputs", 0)}, want: graph.NoAttrs{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a, consts, unread, err := elemParse(c.op, c.opset, c.in, c.out, c.attrs...)
			if c.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, a)
			if c.consts == nil {
				c.consts = map[int]*dtype.Array{}
			}
			assert.Equal(t, c.consts, consts)
			assert.Equal(t, c.unread, unread)
		})
	}
}

// TestElemParsersComplete: every operator of the family has a parser.
func TestElemParsersComplete(t *testing.T) {
	for op := graph.OpAbs; op <= graph.OpCumSum; op++ {
		assert.NotNil(t, parsers[op], "%v", op)
	}
}
