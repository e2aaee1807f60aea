package backend_test

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
)

// Run lowers ONNX's Relu node test and interprets the loop IR.
func Example() {
	dir := filepath.Join(nodeTests, "test_ReLU")
	inputs, err := conform.ReadSet(os.DirFS(dir), "test_data_set_0", "input", onnx.DefaultMaxTensorBytes)
	if err != nil {
		fmt.Println(err)
		return
	}
	m, inputs, err := conform.Prepare(conform.File(filepath.Join(dir, "model.onnx")), inputs, conform.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := backend.Run("loop", m.Graph, inputs, backend.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	relu := true
	for i, x := range inputs[0].F32 {
		relu = relu && out[0].F32[i] == max(x, 0)
	}
	fmt.Println(backend.Names(), out[0].Kind, out[0].Shape, relu)
	// Output: [loop llvm c] f32 [2 3 4 5] true
}
