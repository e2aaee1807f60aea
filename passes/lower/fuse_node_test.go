package lower_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/passes/lower"
)

const nodeTests = "../../../shared/testdata/onnx-node"

// TestFusedNodeTests: every ONNX node test that passes lowered passes
// lowered with fusion too (the expanded cases are chains of element-wise
// nodes), so fusion could be on for conformance runs.
func TestFusedNodeTests(t *testing.T) {
	if _, err := os.Stat(nodeTests); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ONNX node tests missing: %v", err)
		}
		t.Skipf("ONNX node tests not found at %s", nodeTests)
	}
	fused := 0
	for _, name := range lower.PassingCases() {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(nodeTests, name)
			data := os.DirFS(dir)
			inputs, err := conform.ReadSet(data, "test_data_set_0", "input", onnx.DefaultMaxTensorBytes)
			require.NoError(t, err)
			want, err := conform.ReadSet(data, "test_data_set_0", "output", onnx.DefaultMaxTensorBytes)
			require.NoError(t, err)
			m, inputs, err := conform.Prepare(conform.File(filepath.Join(dir, "model.onnx")), inputs, conform.Options{Raw: true})
			require.NoError(t, err)
			p, err := lower.FusedProgram(m.Graph, lower.Options{})
			require.NoError(t, err)
			if len(p.Kernels) < len(m.Graph.Nodes) {
				fused++
			}
			var args []*dtype.Array
			for i, t := range m.Graph.Inputs {
				if m.Graph.Tensors[t].Init == nil {
					args = append(args, inputs[i])
				}
			}
			got, err := run(p, m.Graph, args)
			require.NoError(t, err)
			for i := range want {
				assert.Empty(t, conform.Compare(got[i], want[i]), "output %d", i)
			}
		})
	}
	t.Logf("%d of %d cases have fewer kernels than nodes fused", fused, len(lower.PassingCases()))
}
