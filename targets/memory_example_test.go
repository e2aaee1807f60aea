package targets_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/targets"
)

// The Alveo U280's default off-chip memory is its HBM2: at 5 ns a random
// read takes 28 cycles (137.8 ns, Shuhai's page miss), and its 32 AXI
// ports of 256 bits carry 32 bytes a cycle each, 1024 together, well
// under the 2300 the 460 GB/s would allow; one request moves at most
// 512 bytes (16 AXI3 beats), any access at least 32 (an HBM2 burst). Its
// on-chip RAM is 2,016 block RAMs, 960 UltraRAMs and 36 Mb of
// distributed RAM.
func ExampleDevice_OffChip() {
	d, err := targets.Lookup("xcu280-2Lfsvh2892-VVD")
	if err != nil {
		panic(err)
	}
	c, err := d.OffChip(5)
	if err != nil {
		panic(err)
	}
	fmt.Println(c.Memory, c.LatencyCycles, c.BytesPerCycle, c.ChannelBytesPerCycle, c.BurstBytes, c.AccessBytes)
	fmt.Println(d.OnChipBits())
	// Output:
	// HBM2 28 1024 32 512 32
	// 74317824 283115520 37748736
}
