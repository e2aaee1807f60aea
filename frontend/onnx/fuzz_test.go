package onnx

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/kiln-hls/kiln/ir/graph"
)

// FuzzDecode feeds arbitrary bytes to the reader: it must return a model
// that verifies or an error, never panic. The seed corpus is real models:
// a sample of ONNX's node tests and kiln's PyTorch exports. `go test` runs
// the seeds; `go test ./frontend/onnx -fuzz FuzzDecode` explores.
func FuzzDecode(f *testing.F) {
	seeds, _ := filepath.Glob("../../../shared/testdata/onnx-node/test_*/model.onnx")
	torch, _ := filepath.Glob("testdata/torch/*/model.onnx")
	for i, p := range seeds {
		if i%8 == 0 { // a sample keeps the seed run short
			torch = append(torch, p)
		}
	}
	for _, p := range torch {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		if len(data) > 64<<10 {
			continue // large seeds make mutation and minimisation crawl
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Decode(data, "", Options{MaxTensorBytes: 1 << 20, Batch: 2})
		if err != nil {
			return
		}
		if err := graph.Verify(m.Graph); err != nil {
			t.Fatalf("decoded a graph that does not verify: %v", err)
		}
		_ = m.Graph.String()
	})
}
