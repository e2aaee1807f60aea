package eval_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

func Example() {
	g := &graph.Graph{Name: "relu"}
	x := g.AddTensor("x", dtype.F32, []int{4}, nil)
	y := g.AddTensor("y", dtype.F32, []int{4}, nil)
	g.Inputs, g.Outputs = []graph.TensorID{x}, []graph.TensorID{y}
	g.AddNode(graph.OpRelu, "r", []graph.TensorID{x}, []graph.TensorID{y}, graph.NoAttrs{})

	out, err := eval.Run(g, []*dtype.Array{dtype.FromF32([]int{4}, []float32{-2, -0.5, 0.5, 2})}, eval.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Println(out[0].F32)
	// Output: [0 0 0.5 2]
}
