package onnx_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/frontend/onnx"
)

func Example() {
	m, err := onnx.Load("testdata/torch/lstm_opset13/model.onnx", onnx.Options{Batch: 2})
	if err != nil {
		panic(err)
	}
	g := m.Graph
	fmt.Println(m.Opset, m.SymbolDims, len(g.Nodes), "nodes")
	out := g.Tensors[g.Outputs[0]]
	fmt.Println(out.Name, out.Kind, out.Shape)
	// Output:
	// 13 map[batch_size:2] 12 nodes
	// y f32 [2 3 8]
}
