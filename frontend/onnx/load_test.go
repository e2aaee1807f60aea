package onnx

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/graph"
)

// The protos below are built in Go on purpose: they are malformed models
// that no exporter writes.

func vi(name string, et onnxpb.TensorProto_DataType, dims ...any) *onnxpb.ValueInfoProto {
	var ds []*onnxpb.TensorShapeProto_Dimension
	for _, d := range dims {
		switch d := d.(type) {
		case int:
			ds = append(ds, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: int64(d)}})
		case string:
			ds = append(ds, &onnxpb.TensorShapeProto_Dimension{Value: &onnxpb.TensorShapeProto_Dimension_DimParam{DimParam: d}})
		}
	}
	return &onnxpb.ValueInfoProto{Name: proto.String(name), Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
		TensorType: &onnxpb.TypeProto_Tensor{ElemType: proto.Int32(int32(et)), Shape: &onnxpb.TensorShapeProto{Dim: ds}}}}}
}

func node(op, name string, in, out []string) *onnxpb.NodeProto {
	return &onnxpb.NodeProto{OpType: proto.String(op), Name: proto.String(name), Input: in, Output: out}
}

func model(opset int64, g *onnxpb.GraphProto) *onnxpb.ModelProto {
	return &onnxpb.ModelProto{IrVersion: proto.Int64(8), Graph: g,
		OpsetImport: []*onnxpb.OperatorSetIdProto{{Domain: proto.String(""), Version: proto.Int64(opset)}}}
}

func reluGraph() *onnxpb.GraphProto {
	return &onnxpb.GraphProto{Name: proto.String("g"),
		Input:  []*onnxpb.ValueInfoProto{vi("x", onnxpb.TensorProto_FLOAT, "batch_size", 3)},
		Output: []*onnxpb.ValueInfoProto{vi("y", onnxpb.TensorProto_FLOAT, "batch_size", 3)},
		Node:   []*onnxpb.NodeProto{node("Relu", "r", []string{"x"}, []string{"y"})}}
}

func decode(t *testing.T, m *onnxpb.ModelProto, opt Options) (*Model, error) {
	t.Helper()
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	return Decode(data, t.TempDir(), opt)
}

func TestDecodeBindsBatch(t *testing.T) {
	m, err := decode(t, model(13, reluGraph()), Options{Batch: 4})
	require.NoError(t, err)
	g := m.Graph
	assert.Equal(t, []int{4, 3}, g.Tensors[g.Outputs[0]].Shape)
	assert.Equal(t, map[string]int{"batch_size": 4}, m.SymbolDims)
}

func TestDecodeRejects(t *testing.T) {
	cycle := &onnxpb.GraphProto{Name: proto.String("g"),
		Input:  []*onnxpb.ValueInfoProto{vi("x", onnxpb.TensorProto_FLOAT, 2)},
		Output: []*onnxpb.ValueInfoProto{vi("b", onnxpb.TensorProto_FLOAT, 2)},
		Node: []*onnxpb.NodeProto{
			node("Add", "a", []string{"x", "b"}, []string{"a"}),
			node("Relu", "r", []string{"a"}, []string{"b"}),
		}}
	unknown := reluGraph()
	unknown.Node = []*onnxpb.NodeProto{
		node("FancyOp", "f1", []string{"x"}, []string{"t"}),
		node("Relu", "r", []string{"t"}, []string{"u"}),
		node("OtherOp", "f2", []string{"u"}, []string{"y"}),
	}
	contradicts := reluGraph()
	contradicts.Output = []*onnxpb.ValueInfoProto{vi("y", onnxpb.TensorProto_FLOAT, "batch_size", 5)}
	symbolic := reluGraph()
	symbolic.Input = []*onnxpb.ValueInfoProto{vi("x", onnxpb.TensorProto_FLOAT, 1, "width")}
	symbolic.Output = nil
	undefined := reluGraph()
	undefined.Node[0].Input = []string{"nope"}
	twice := reluGraph()
	twice.Node = append(twice.Node, node("Relu", "r2", []string{"x"}, []string{"y"}))
	noOutputs := reluGraph()
	noOutputs.Output = nil
	badAttr := reluGraph()
	badAttr.Node[0].Attribute = []*onnxpb.AttributeProto{{Name: proto.String("alpha"), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(1)}}
	otherDomain := reluGraph()
	otherDomain.Node[0].Domain = proto.String("com.microsoft")
	// Expand's data left empty, its shape a constant: the kernel ran on a
	// nil input at import
	absent := reluGraph()
	absent.Initializer = []*onnxpb.TensorProto{{Name: proto.String("s"), DataType: proto.Int32(int32(onnxpb.TensorProto_INT64)), Dims: []int64{2}, Int64Data: []int64{1, 3}}}
	absent.Node = []*onnxpb.NodeProto{node("Expand", "e", []string{"", "s"}, []string{"y"})}

	tests := []struct {
		name  string
		model *onnxpb.ModelProto
		opt   Options
		want  []string
	}{
		{"cycle", model(13, cycle), Options{}, []string{"cycle", `node "a" (Add)`}},
		{"every unsupported op at once", model(13, unknown), Options{}, []string{"FancyOp", "OtherOp"}},
		{"declared shape contradicts", model(13, contradicts), Options{}, []string{`"y"`, "[1 3]"}},
		{"unbound symbol", model(13, symbolic), Options{}, []string{`"width"`, "--dim width=N"}},
		{"undefined input", model(13, undefined), Options{}, []string{`"nope"`, "not defined"}},
		{"tensor produced twice", model(13, twice), Options{}, []string{`"y"`, "more than once"}},
		{"no outputs", model(13, noOutputs), Options{}, []string{"no outputs"}},
		{"unknown attribute", model(13, badAttr), Options{}, []string{`"alpha"`}},
		{"other domain", model(13, otherDomain), Options{}, []string{"com.microsoft"}},
		{"required input absent", model(13, absent), Options{}, []string{`node "e" (Expand)`, "input 0", "required"}},
		{"opset too new", model(99, reluGraph()), Options{}, []string{"opset 99"}},
		{"opset too old", model(3, reluGraph()), Options{}, []string{"opset 3"}},
		{"tensor over the limit", model(13, reluGraph()), Options{Batch: 1 << 20, MaxTensorBytes: 1 << 20}, []string{"limit"}},
		{"no graph", &onnxpb.ModelProto{IrVersion: proto.Int64(8)}, Options{}, []string{"not an ONNX model"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := decode(t, tc.model, tc.opt)
			require.Error(t, err)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestUnsupportedOpsAreTyped(t *testing.T) {
	g := reluGraph()
	g.Node = []*onnxpb.NodeProto{node("FancyOp", "f1", []string{"x"}, []string{"t"}), node("OtherOp", "f2", []string{"t"}, []string{"y"})}
	_, err := decode(t, model(13, g), Options{})
	var un *UnsupportedOpError
	require.True(t, errors.As(err, &un), "error %v", err)
	assert.Equal(t, 2, strings.Count(err.Error(), "is not supported"))
}

func TestLoadRejectsFiles(t *testing.T) {
	dir := t.TempDir()
	good, err := proto.Marshal(model(13, reluGraph()))
	require.NoError(t, err)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, data, 0o644))
		return p
	}
	tests := []struct{ name, path, want string }{
		{"missing", filepath.Join(dir, "absent.onnx"), "no such file"},
		{"folder", dir, "is a folder"},
		{"empty", write("empty.onnx", nil), "not an ONNX model"},
		{"text", write("text.onnx", []byte("this is not a model\n")), "not an ONNX model"},
		{"truncated", write("trunc.onnx", good[:len(good)/2]), "not an ONNX model"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(tc.path, Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestIRv3InitializersAreConstants: inputs that have initializers (IR
// version 3 exports) are constants, not graph inputs.
func TestIRv3InitializersAreConstants(t *testing.T) {
	m, err := Load("../../../shared/testdata/onnx-node/test_Conv1d/model.onnx", Options{Batch: 2})
	require.NoError(t, err)
	g := m.Graph
	require.Len(t, g.Inputs, 1)
	var consts int
	for _, tt := range g.Tensors {
		if tt.Init != nil {
			consts++
		}
	}
	assert.GreaterOrEqual(t, consts, 1)
	require.NoError(t, graph.Verify(g))
}
