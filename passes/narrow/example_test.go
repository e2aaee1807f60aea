package narrow_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// Example narrows a one-kernel program to fixed<12,4>: the literal 0.5
// keeps its exact type and max compares in a type holding both sides;
// 1 + exp(−x), a function of x alone, becomes a table over [−2, 2) with a
// step of 1/8 (its 33 edges; the first, 1 + e² ≈ 8.39, saturates at
// 7.99609375, the largest fixed<12,4>), read by linear interpolation
// between the two edges around x (t has the 5 fraction bits x has below
// the step); the division of b by it has two inputs and falls back to
// f32, and so does the sum that takes its result (a value of no known
// range) before the store rounds it to fixed<12,4>; the f32 model inputs
// and output convert at the kernel's boundary.
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
	np, rep, err := narrow.Apply(p, narrow.Options{Spec: spec, LUTSize: 32, LUTLo: -2, LUTHi: 2})
	if err != nil {
		panic(err)
	}
	fmt.Print(np.Kernels[0], "\n", rep)
	// Output:
	// kernel gate(in x: f32[4], in b: f32[4], out y: f32[4]) {
	//   const lut: fixed<12,4>[33] rom = {7.99609375, 7.51953125, 6.75390625, 6.078125, 5.48046875, 4.953125, 4.4921875, 4.08203125, 3.71875, 3.3984375, 3.1171875, 2.8671875, 2.6484375, 2.453125, 2.28515625, 2.1328125, 2, 1.8828125, 1.77734375, 1.6875, 1.60546875, 1.53515625, 1.47265625, 1.41796875, 1.3671875, 1.32421875, 1.28515625, 1.25390625, 1.22265625, 1.1953125, 1.171875, 1.15234375, 1.13671875}
	//   for i in 0..4 {
	//     y[i] = cast<f32>(cast<fixed<12,4>>(cast<f32>(max(cast<fixed<12,4>>(x[i]), 0:fixed<12,4>) * 0.5:fixed<2,1>) + cast<f32>(cast<fixed<12,4>>(b[i])) / cast<f32>(cast<fixed<12,4>>(lut[min(max(cast<i64>((cast<fixed<10,2,trn,sat>>(cast<fixed<12,4>>(x[i])) - -2:fixed<2,2>) * 8:fixed<5,5>), 0), 31)] + (lut[1 + min(max(cast<i64>((cast<fixed<10,2,trn,sat>>(cast<fixed<12,4>>(x[i])) - -2:fixed<2,2>) * 8:fixed<5,5>), 0), 31)] - lut[min(max(cast<i64>((cast<fixed<10,2,trn,sat>>(cast<fixed<12,4>>(x[i])) - -2:fixed<2,2>) * 8:fixed<5,5>), 0), 31)]) * min(cast<ufixed<6,1,trn,sat>>((cast<fixed<10,2,trn,sat>>(cast<fixed<12,4>>(x[i])) - -2:fixed<2,2>) * 8:fixed<5,5> - cast<fixed<6,6>>(min(max(cast<i64>((cast<fixed<10,2,trn,sat>>(cast<fixed<12,4>>(x[i])) - -2:fixed<2,2>) * 8:fixed<5,5>), 0), 31))), 1:ufixed<6,1,trn,sat>)))))
	//   }
	// }
	//
	// narrow-precision fixed<12,4>: 1 kernels, 1 lookup tables, 2 float fallbacks
	//   gate [gate]: weights fixed<12,4>, act fixed<12,4>, acc fixed<12,4>; 1 tables for 1 non-linear subexpressions; f32 fallback for /, +
	//     const lut: fixed<12,4>
}
