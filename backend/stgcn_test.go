package backend_test

import (
	"encoding/json"
	"io/fs"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/passes"
)

// TestSTGCNLoopWindow: the built-in STGCN, lowered (its graph convolution
// as a loop over Ŝ's non-zeros) and interpreted, reproduces PyTorch's
// output on the first validation window within the model's data.json
// tolerance. (All 16 windows take about 100 s in the interpreter; `kiln
// eval stgcn --backend loop` runs them, and the llvm and c back ends run
// them in cmd/kiln's tests.)
func TestSTGCNLoopWindow(t *testing.T) {
	z, err := zoo.Lookup("stgcn")
	require.NoError(t, err)
	m, err := z.Load(onnx.Options{Batch: 1})
	require.NoError(t, err)
	require.NoError(t, passes.RunGraph(&passes.Context{}, m.Graph, passes.CleanupPipeline))
	in, err := conform.ReadSet(z.Data(), "test_data_set_0", "input", onnx.DefaultMaxTensorBytes)
	require.NoError(t, err)
	want, err := conform.ReadSet(z.Data(), "test_data_set_0", "output", onnx.DefaultMaxTensorBytes)
	require.NoError(t, err)
	first := func(a *dtype.Array) *dtype.Array { // window 0 of a batch
		idx := make([]int, a.Len()/a.Shape[0])
		for i := range idx {
			idx[i] = i
		}
		return a.Take(idx, append([]int{1}, a.Shape[1:]...))
	}
	raw, err := fs.ReadFile(z.Data(), "data.json")
	require.NoError(t, err)
	var tol conform.Tolerance
	require.NoError(t, json.Unmarshal(raw, &tol))
	require.NotZero(t, tol.Atol)

	got, err := backend.Run("loop", m.Graph, []*dtype.Array{first(in[0])}, backend.Options{})
	require.NoError(t, err)
	assert.Empty(t, conform.CompareTol(got[0], first(want[0]), tol))
}
