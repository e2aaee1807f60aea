package dtype_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
)

func Example() {
	a := dtype.New(dtype.F16, []int{3})
	a.Set(0, 0.1)   // rounds to the nearest f16
	a.Set(1, 70000) // beyond f16's largest finite value: +Inf
	a.Set(2, 1.0/3)
	fmt.Println(a.F32)
	fmt.Printf("%#04x\n", dtype.EncodeBits(dtype.F16, a.F32[0]))
	fmt.Println(dtype.RoundFloat(dtype.F8E4M3FN, 1000, true)) // saturates at 448
	// Output:
	// [0.099975586 +Inf 0.33325195]
	// 0x2e66
	// 448
}
