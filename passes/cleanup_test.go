package passes_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/passes"
)

var update = flag.Bool("update", false, "rewrite the golden files")

const torchDir = "../frontend/onnx/testdata/torch"

// TestCleanupTorchExports: PyTorch 1.13's exports (opsets 13 and 17) fold to
// clean graphs — for the LSTM, the Shape→Gather→Unsqueeze→Concat→
// ConstantOfShape chain of its zero initial state disappears once the batch
// is fixed — and still compute PyTorch's outputs within ONNX's tolerance.
// The folded IR is compared with testdata/<case>.golden (-update rewrites).
func TestCleanupTorchExports(t *testing.T) {
	want := map[string]string{
		"lstm":         "Transpose LSTM Squeeze Transpose Gather Gemm Reshape",
		"cnn1d":        "Conv Relu Conv Flatten Gemm",
		"cnn2d":        "Conv Relu MaxPool Conv Relu",
		"cnn2d_keepbn": "Conv BatchNormalization Relu MaxPool Conv Relu",
		"gcn":          "Conv Relu Transpose MatMul MatMul Add Relu Transpose Conv",
	}
	for name, ops := range want {
		for _, opset := range []string{"13", "17"} {
			c := name + "_opset" + opset
			t.Run(c, func(t *testing.T) {
				dir := filepath.Join(torchDir, c)
				inputs, err := conform.ReadSet(os.DirFS(dir), "test_data_set_0", "input", 1<<30)
				require.NoError(t, err)
				expect, err := conform.ReadSet(os.DirFS(dir), "test_data_set_0", "output", 1<<30)
				require.NoError(t, err)
				m, err := onnx.Load(filepath.Join(dir, "model.onnx"), onnx.Options{Batch: 2})
				require.NoError(t, err)
				ctx := &passes.Context{VerifyEach: true}
				require.NoError(t, passes.RunGraph(ctx, m.Graph, passes.CleanupPipeline))
				var got []string
				for _, n := range m.Graph.Nodes {
					got = append(got, n.Op.String())
				}
				assert.Equal(t, ops, strings.Join(got, " "))
				golden(t, filepath.Join("testdata", c+".golden"), m.Graph.String())
				out, err := eval.Run(m.Graph, inputs, eval.Options{})
				require.NoError(t, err)
				require.Len(t, out, len(expect))
				for i := range out {
					assert.Empty(t, conform.Compare(out[i], expect[i]), "output %d", i)
				}
			})
		}
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), got, "(-want +got) IR differs from %s; review, then -update", path)
}

// TestPassOrder checks the pipeline against the ordering constraints.
func TestPassOrder(t *testing.T) {
	require.NoError(t, passes.CheckOrder(passes.CleanupPipeline))
}

func TestCheckOrderCatchesSwaps(t *testing.T) {
	p := passes.CleanupPipeline
	swapped := []passes.GraphPass{p[2], p[1], p[0]}
	assert.Error(t, passes.CheckOrder(swapped))
}
