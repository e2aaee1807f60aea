package loop_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
)

// A kernel written as text, checked, and printed back. The padded
// convolution's reads of x are in bounds only under the If.
func Example() {
	src := `kernel conv(in x: f32[8], const w: f32[3] = {0.25, 0.5, 0.25}, out y: f32[8]) {
  temp acc: f32 reg
  for t in 0..8 parallel {
    acc = 0.0
    for k in 0..3 unroll(full) {
      if t + k >= 1 && t + k <= 8 {
        acc = acc + x[t + k - 1] * w[k]
      }
    }
    y[t] = acc
  }
}
`
	k, err := loop.Parse(src, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(loop.Verify(k))
	fmt.Println(k.String() == src)

	// Without the guard, the first and last taps read outside x.
	body := k.Body[0].(*loop.For).Body[1].(*loop.For)
	body.Body = body.Body[0].(*loop.If).Then
	fmt.Println(loop.Verify(k))
	// Output:
	// <nil>
	// true
	// kernel conv: acc = acc + x[t + k - 1] * w[k]: x index 0: t + k - 1 ranges over [-1, 8], outside [0, 8)
}
