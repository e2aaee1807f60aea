package targets_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/targets"
)

// An f32 multiply on the Virtex-7 of SODA's PolyBench runs at 10 ns is
// Bambu's soft-float unit: 3 cycles, 94 LUTs and 2 DSP slices
// (softfloat_libm.csv); a 32-bit integer add chains within the period.
func ExampleDevice_OpCost() {
	d, err := targets.Lookup("xc7vx690t-3ffg1930-VVD")
	if err != nil {
		panic(err)
	}
	fmul, _ := d.OpCost(targets.OpKey{Op: "mul", Type: "float", Bits: 32}, 10)
	add, _ := d.OpCost(targets.OpKey{Op: "add", Type: "int", Bits: 32}, 10)
	fmt.Println(fmul.Cycles, fmul.LUT, fmul.DSP)
	fmt.Println(add.Cycles, add.DelayNS)
	fmt.Println(d.Resources.DSP, d.MinClockNS())
	// Output:
	// 3 94 2
	// 0 1.216
	// 3600 1.932
}
