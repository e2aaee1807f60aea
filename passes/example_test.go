package passes_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/passes"
)

func Example() {
	m, err := onnx.Load("../frontend/onnx/testdata/torch/lstm_opset17/model.onnx", onnx.Options{Batch: 1})
	if err != nil {
		panic(err)
	}
	if err := passes.RunGraph(&passes.Context{VerifyEach: true}, m.Graph, passes.CleanupPipeline); err != nil {
		panic(err)
	}
	for _, n := range m.Graph.Nodes {
		fmt.Print(n.Op, " ")
	}
	fmt.Println()
	// Output: Transpose LSTM Squeeze Transpose Gather Gemm Reshape
}
