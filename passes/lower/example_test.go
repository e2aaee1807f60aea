package lower_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes/lower"
)

func Example() {
	g := &graph.Graph{}
	x := g.AddTensor("x", dtype.F32, []int{2, 3}, nil)
	b := g.AddTensor("b", dtype.F32, []int{3}, dtype.FromF32([]int{3}, []float32{1, 2, 3}))
	y := g.AddTensor("y", dtype.F32, []int{2, 3}, nil)
	n := g.AddNode(graph.OpAdd, "bias", []graph.TensorID{x, b}, []graph.TensorID{y}, graph.NoAttrs{})
	k, err := lower.Node(g, n, lower.Options{})
	if err != nil {
		panic(err)
	}
	fmt.Print(k)
	// Output:
	// kernel bias(in x: f32[2,3], out y: f32[2,3]) {
	//   const b: f32[3] = {1.0, 2.0, 3.0}
	//   for i0 in 0..2 {
	//     for i1 in 0..3 {
	//       y[i0, i1] = x[i0, i1] + b[i1]
	//     }
	//   }
	// }
}
