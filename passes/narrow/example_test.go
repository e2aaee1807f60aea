package narrow_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// Example narrows a one-kernel program to fixed<12,4>: the literal 0.5
// keeps its exact type and max compares in a type holding both sides;
// 1 + exp(−x), a function of x alone, becomes a table of 16 entries over
// [−8, 8); the division of b by it has two inputs and falls back to f32;
// the f32 model inputs and output convert at the kernel's boundary.
func Example() {
	k, err := loop.Parse(`kernel gate(in x: f32[4], in b: f32[4], out y: f32[4]) {
  for i in 0..4 {
    y[i] = max(x[i], 0.0) * 0.5 + b[i] / (1.0 + exp(-x[i]))
  }
}`, nil)
	if err != nil {
		panic(err)
	}
	p := &loop.Program{Name: loop.TopName, Params: []loop.BufID{0, 1, 2},
		Kernels: []*loop.Kernel{k}, Calls: []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1, 2}}},
		KernelNodes: [][]string{{"gate"}}, BufferTensors: []string{"x", "b", "y"}}
	for _, id := range k.Params {
		b := *k.Buffers[id]
		p.Buffers = append(p.Buffers, &b)
	}
	spec, err := passes.ParsePrecisionSpec("fixed<12,4>")
	if err != nil {
		panic(err)
	}
	np, rep, err := narrow.Apply(p, narrow.Options{Spec: spec, LUTSize: 16})
	if err != nil {
		panic(err)
	}
	fmt.Print(np.Kernels[0], "\n", rep)
	// Output:
	// kernel gate(in x: f32[4], in b: f32[4], out y: f32[4]) {
	//   const lut: fixed<12,4>[16] rom = {7.99609375, 7.99609375, 7.99609375, 7.99609375, 7.99609375, 7.99609375, 5.48046875, 2.6484375, 1.60546875, 1.22265625, 1.08203125, 1.02734375, 1.0078125, 1.00390625, 1, 1}
	//   for i in 0..4 {
	//     y[i] = cast<f32>(cast<fixed<12,4>>(max(cast<fixed<12,4>>(x[i]), 0:fixed<12,4>) * 0.5:fixed<2,1> + cast<fixed<12,4>>(cast<f32>(cast<fixed<12,4>>(b[i])) / cast<f32>(lut[min(max(cast<i64>((cast<fixed<4,4,trn,sat>>(cast<fixed<12,4>>(x[i])) - -8:fixed<4,4>) * 1:fixed<2,2>), 0), 15)]))))
	//   }
	// }
	//
	// narrow-precision fixed<12,4>: 1 kernels, 1 lookup tables, 1 float fallbacks
	//   gate [gate]: weights fixed<12,4>, act fixed<12,4>, acc fixed<12,4>; 1 tables for 1 non-linear subexpressions; f32 fallback for /
	//     const lut: fixed<12,4>
}
