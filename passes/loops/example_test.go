package loops_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/loops"
)

// Tiling a loop of 5 iterations by 2: two full tiles, then the remainder.
func ExampleTile() {
	k, err := loop.Parse(`kernel scale(in x: f32[5], out y: f32[5]) {
  for i in 0..5 {
    y[i] = 2.0 * x[i]
  }
}
`, nil)
	if err != nil {
		panic(err)
	}
	t, err := loops.Tile(k, "i", 2)
	if err != nil {
		panic(err)
	}
	u, err := loops.Unroll(t, "i.inner", 2, false)
	if err != nil {
		panic(err)
	}
	fmt.Print(u)
	// Output:
	// kernel scale(in x: f32[5], out y: f32[5]) {
	//   for i.outer in 0..4 step 2 {
	//     for i.inner in 0..2 unroll(2) {
	//       y[i.outer + i.inner] = 2.0 * x[i.outer + i.inner]
	//     }
	//   }
	//   for i.inner in 0..1 {
	//     y[i.inner + 4] = 2.0 * x[i.inner + 4]
	//   }
	// }
}
