package passes_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/passes"
)

// BenchmarkLoadFold reads the study-size LSTM as PyTorch 1.13 exports it
// (1.27 MB, 316,912 parameters), binds the batch, infers every shape and runs
// the clean-up passes: what every kiln command does before its real work.
func BenchmarkLoadFold(b *testing.B) {
	dir := filepath.Join(torchDir, "lstm_study_opset17")
	data, err := os.ReadFile(filepath.Join(dir, "model.onnx"))
	require.NoError(b, err)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		m, err := onnx.Decode(data, dir, onnx.Options{Batch: 1})
		if err != nil {
			b.Fatal(err)
		}
		if err := passes.RunGraph(&passes.Context{}, m.Graph, passes.CleanupPipeline); err != nil {
			b.Fatal(err)
		}
	}
}
