package place_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes/place"
)

// Example places a dense layer on a part with two block RAMs: the
// accumulator is a register, the bias (8 × f32 = 256 bits) LUT RAM, the
// weight (read once per inference, 64 × 8 × f32 = 16 Kb) one RAMB36, and
// the model's input and output stay off chip. Forcing the input on chip
// as well takes the second block.
func Example() {
	k, err := loop.Parse(`kernel dense(in x: f32[64], out y: f32[8]) {
  const w: f32[64,8] = data(512, 0xe9a92ac55f284aae)
  const b: f32[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0}
  temp acc: f32
  for j in 0..8 {
    acc = b[j]
    for i in 0..64 {
      acc = acc + x[i] * w[i, j]
    }
    y[j] = acc
  }
}`, map[string]*dtype.Array{"w": dtype.FromF32([]int{64, 8}, make([]float32, 512))})
	if err != nil {
		panic(err)
	}
	p := &loop.Program{Name: "top", Kernels: []*loop.Kernel{k}, Params: []loop.BufID{0, 1},
		Buffers: []*loop.Buffer{copyOf(k.Buffers[0]), copyOf(k.Buffers[1])},
		Calls:   []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}}}
	ov, err := place.ParseOverrides("x=ram", "--place")
	if err != nil {
		panic(err)
	}
	for _, opt := range []place.Options{
		{Capacity: place.Capacity{BRAM36: 2, Ports: 2}},
		{Capacity: place.Capacity{BRAM36: 2, Ports: 2}, Overrides: ov},
	} {
		_, r, err := place.Apply(p, opt)
		if err != nil {
			panic(err)
		}
		fmt.Println(r)
	}
	// Output:
	// place-memory auto on 2 BRAM36 + 0 URAM (2 ports per block), registers unlimited: 1 BRAM36, 0 URAM, 288 bytes off chip
	//   reg        1 buffers           32 bits
	//   ram        0 buffers            0 bits
	//   rom        2 buffers        16640 bits (1 BRAM36, 0 URAM, 256 bits in LUT RAM)
	//   offchip    2 buffers         2304 bits
	//   dense.w const f32[64,8] 16384 bits: rom (1 bram), reuse 1: fits by reuse
	//   dense.b const f32[8] 256 bits: rom (lutram), reuse 1: fits by reuse
	//   dense.acc temp f32 32 bits: reg (ff), reuse 1040: scalar
	//   x in f32[64] 2048 bits: offchip (external), reuse 8: model input/output
	//   y out f32[8] 256 bits: offchip (external), reuse 1: model input/output
	//
	// place-memory auto on 2 BRAM36 + 0 URAM (2 ports per block), registers unlimited: 2 BRAM36, 0 URAM, 32 bytes off chip
	//   reg        1 buffers           32 bits
	//   ram        1 buffers         2048 bits (1 BRAM36, 0 URAM, 0 bits in LUT RAM)
	//   rom        2 buffers        16640 bits (1 BRAM36, 0 URAM, 256 bits in LUT RAM)
	//   offchip    1 buffers          256 bits
	//   dense.w const f32[64,8] 16384 bits: rom (1 bram), reuse 1: fits by reuse
	//   dense.b const f32[8] 256 bits: rom (lutram), reuse 1: fits by reuse
	//   dense.acc temp f32 32 bits: reg (ff), reuse 1040: scalar
	//   x in f32[64] 2048 bits: ram (1 bram), reuse 8: --place x=ram
	//   y out f32[8] 256 bits: offchip (external), reuse 1: model input/output
}

func copyOf(b *loop.Buffer) *loop.Buffer { c := *b; return &c }
