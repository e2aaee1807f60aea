package passes_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/passes"
)

func tensorVI(name string, dims ...int64) *onnxpb.ValueInfoProto {
	var ds []*onnxpb.TensorShapeProto_Dimension
	for _, d := range dims {
		ds = append(ds, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: d}})
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(onnxpb.TensorProto_FLOAT)), Shape: &onnxpb.TensorShapeProto{Dim: ds}}}}}
}

// TestRemoveNoOps: Identity and inference Dropout disappear, the graph
// output keeps its name, and an Identity from input to output stays.
func TestRemoveNoOps(t *testing.T) {
	nodes := []*onnxpb.NodeProto{
		{OpType: proto.String("Relu"), Name: proto.String("r"), Input: []string{"x"}, Output: []string{"a"}},
		{OpType: proto.String("Identity"), Name: proto.String("i1"), Input: []string{"a"}, Output: []string{"b"}},
		{OpType: proto.String("Dropout"), Name: proto.String("d"), Input: []string{"b"}, Output: []string{"c"}},
		{OpType: proto.String("Identity"), Name: proto.String("i2"), Input: []string{"c"}, Output: []string{"y"}},
		{OpType: proto.String("Identity"), Name: proto.String("pass"), Input: []string{"x"}, Output: []string{"z"}},
	}
	mp := &onnxpb.ModelProto{IrVersion: proto.Int64(8),
		OpsetImport: []*onnxpb.OperatorSetIdProto{{Version: proto.Int64(17)}},
		Graph: &onnxpb.GraphProto{Name: proto.String("g"), Node: nodes,
			Input:  []*onnxpb.ValueInfoProto{tensorVI("x", 2, 3)},
			Output: []*onnxpb.ValueInfoProto{tensorVI("y", 2, 3), tensorVI("z", 2, 3)}}}
	data, err := proto.Marshal(mp)
	require.NoError(t, err)
	m, err := onnx.Decode(data, "", onnx.Options{})
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(&passes.Context{VerifyEach: true}, m.Graph, passes.CleanupPipeline))
	want := `graph "g"
  input  %x: f32[2,3]
  %y: f32[2,3] = Relu(%x)  # node "r"
  %z: f32[2,3] = Identity(%x)  # node "pass"
  output %y
  output %z
`
	assert.Equal(t, want, m.Graph.String())
}
