package exec_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// A gathered sum accumulated in float32: 2^24 absorbs the ones that follow
// it, as the hardware's float32 adder does (float64 would give 16777219).
// Nothing bounds idx, so Run checks each access.
func Example() {
	k, err := loop.Parse(`kernel sum(in x: f32[4], in idx: i32[4], out y: f32) {
  temp acc: f32 reg
  acc = 0.0
  for i in 0..4 unroll(2) {
    acc = acc + x[idx[i]]
  }
  y = acc
}
`, nil)
	if err != nil {
		panic(err)
	}
	x := dtype.FromF32([]int{4}, []float32{16777216, 1, 1, 1})
	idx := &dtype.Array{Kind: dtype.I32, Shape: []int{4}, I64: []int64{0, 1, 2, 3}}
	y := dtype.New(dtype.F32, nil)
	fmt.Println(exec.Run(k, []*dtype.Array{x, idx, y}), y.F32[0])

	idx.I64[2] = 5
	fmt.Println(exec.Run(k, []*dtype.Array{x, idx, y}))
	// Output:
	// <nil> 1.6777216e+07
	// exec: kernel sum: load of x: index 0 is 5, outside [0, 4)
}
