package place

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/targets"
)

// CapacityOf is what placement may use on device d: an FPGA's block RAMs
// and UltraRAMs (targets' memory hierarchy: counts and ports from AMD
// UG473/UG573 and the data sheets) and its flip-flops (Resources.FF) as
// register bits; an ASIC's on-chip memory has no limit here (its memories
// are as large as the area it is given; sim reports their bits,
// Resources.MemoryBits, but prices no area for them, having no source):
// SRAMBits is the largest int64, so only Options and overrides send
// buffers off chip. An FPGA without a memory hierarchy is an error, not
// an empty chip.
func CapacityOf(d targets.Device) (Capacity, error) {
	if d.Kind == targets.ASIC {
		return Capacity{SRAMBits: math.MaxInt64}, nil
	}
	if d.Memory == nil || d.Memory.OnChip == nil || d.Memory.OnChip.BRAM == nil {
		return Capacity{}, fmt.Errorf("place: device %s: no on-chip memory in its data (targets' memory hierarchy)", d.Name)
	}
	o := d.Memory.OnChip
	c := Capacity{BRAM36: o.BRAM.Count, Ports: o.BRAM.Ports}
	if o.URAM != nil {
		c.URAM = o.URAM.Count
		c.Ports = min(c.Ports, o.URAM.Ports)
	}
	if d.Resources != nil {
		c.RegisterBits = int64(d.Resources.FF)
	}
	return c, c.check()
}
