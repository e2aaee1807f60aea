package graph_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func Example() {
	g := &graph.Graph{Name: "tiny"}
	x := g.AddTensor("x", dtype.F32, []int{2, 3}, nil)
	wv := dtype.New(dtype.F32, []int{3, 4})
	for i := range wv.F32 {
		wv.F32[i] = float32(i)
	}
	w := g.AddTensor("w", dtype.F32, []int{3, 4}, wv)
	y := g.AddTensor("y", dtype.Invalid, nil, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	n := g.AddNode(graph.OpMatMul, "mm", []graph.TensorID{x, w}, []graph.TensorID{y}, graph.NoAttrs{})

	out, err := graph.Infer(n, g.InMetas(n))
	if err != nil {
		panic(err)
	}
	g.Tensors[y].Kind, g.Tensors[y].Shape = out[0].Kind, out[0].Shape
	fmt.Print(g)
	fmt.Println(graph.Verify(g), g.NodeMACs(n))
	// Output:
	// graph "tiny"
	//   input  %x: f32[2,3]
	//   const  %w: f32[3,4]
	//   %y: f32[2,4] = MatMul(%x, %w)  # node "mm"
	//   output %y
	// <nil> 24
}
