package onnx

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// Every Cast, QuantizeLinear and DequantizeLinear case of the ONNX backend
// tests: the single node is parsed with this family's parser and evaluated
// with eval.Node, and the result must match the expected output within the
// backend tests' tolerance (|got-want| <= 1e-7 + 1e-3*|want|, NaN = NaN).
func TestQuantConformance(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join(nodeCases, "test_*"))
	require.NoError(t, err)
	if len(dirs) == 0 {
		t.Skip("no conformance data")
	}
	ran := 0
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, "model.onnx"))
		require.NoError(t, err)
		var m onnxpb.ModelProto
		require.NoError(t, proto.Unmarshal(b, &m))
		nodes := m.GetGraph().GetNode()
		if len(nodes) != 1 {
			continue
		}
		op, ok := graph.OpByName(nodes[0].GetOpType())
		if !ok || (op != graph.OpCast && op != graph.OpQuantizeLinear && op != graph.OpDequantizeLinear) {
			continue
		}
		ran++
		t.Run(filepath.Base(dir), func(t *testing.T) { runQuantCase(t, dir, &m, op) })
	}
	assert.Equal(t, 58, ran)
}

func runQuantCase(t *testing.T, dir string, m *onnxpb.ModelProto, op graph.Op) {
	np := m.GetGraph().GetNode()[0]
	opset := 0
	for _, o := range m.GetOpsetImport() {
		if o.GetDomain() == "" || o.GetDomain() == "ai.onnx" {
			opset = int(o.GetVersion())
		}
	}
	c := &NodeCtx{opset: opset, node: np, attrs: map[string]*onnxpb.AttributeProto{}, used: map[string]bool{},
		nIn: len(np.GetInput()), consts: map[int]*dtype.Array{},
		tensor: func(tp *onnxpb.TensorProto) (*dtype.Array, error) { return DecodeTensor(tp, dir, 0) }}
	for _, a := range np.GetAttribute() {
		c.attrs[a.GetName()] = a
	}
	attrs, err := parsers[op](c)
	require.NoError(t, err)
	require.Empty(t, c.unread())

	data := filepath.Join(dir, "test_data_set_0")
	byName := map[string]*dtype.Array{}
	for i, gi := range m.GetGraph().GetInput() {
		a, err := ReadTensorFile(filepath.Join(data, fmt.Sprintf("input_%d.pb", i)), 0)
		require.NoError(t, err)
		byName[gi.GetName()] = a
	}
	in := make([]*dtype.Array, len(np.GetInput()))
	ids := make([]graph.TensorID, len(np.GetInput()))
	for i, name := range np.GetInput() {
		ids[i] = graph.TensorID(i)
		if name == "" {
			ids[i] = graph.None
			continue
		}
		in[i] = byName[name]
		require.NotNil(t, in[i], "input %q", name)
	}
	n := &graph.Node{Op: op, Name: np.GetName(), In: ids, Out: []graph.TensorID{graph.TensorID(len(ids))}, Attrs: attrs}
	got, err := eval.Node(n, in, 0)
	require.NoError(t, err)
	want, err := ReadTensorFile(filepath.Join(data, "output_0.pb"), 0)
	require.NoError(t, err)
	requireClose(t, want, got[0])
}

func requireClose(t *testing.T, want, got *dtype.Array) {
	require.Equal(t, want.Kind, got.Kind)
	require.Equal(t, want.Shape, got.Shape)
	var bad []string
	for i := 0; i < want.Len(); i++ {
		w, g := want.At(i), got.At(i)
		if math.IsNaN(w) && math.IsNaN(g) || w == g {
			continue
		}
		if math.IsInf(w, 0) || math.IsNaN(w) || math.IsNaN(g) || math.Abs(g-w) > 1e-7+1e-3*math.Abs(w) {
			bad = append(bad, fmt.Sprintf("[%d] want %v got %v", i, w, g))
		}
	}
	require.Empty(t, bad, "want %v\ngot  %v\n%s", want, got, strings.Join(bad, "\n"))
}
