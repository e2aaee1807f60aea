package hls_test

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/ir/loop"
)

// A ReLU kernel in C: the function and its loop.
func ExampleEmitC() {
	k, err := loop.Parse(`kernel relu(in x: f32[4], out y: f32[4]) {
  for i in 0..4 unroll(full) {
    y[i] = max(x[i], 0.0)
  }
}
`, nil)
	if err != nil {
		panic(err)
	}
	f, err := hls.EmitC(k)
	if err != nil {
		panic(err)
	}
	fmt.Println(f.Name)
	fmt.Print(f.C[strings.LastIndex(f.C, "void "):])
	// Output:
	// relu
	// void relu(const float *restrict x, float *restrict y)
	// {
	// 	#pragma HLS unroll
	// 	for (int32_t i = 0; i < 4; i++) {
	// 		y[i] = kiln_fmaxf(x[i], 0.0f);
	// 	}
	// }
}
