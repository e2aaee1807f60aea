package place

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Report is what Apply chose: the footprint per space and each buffer's
// place and reason.
type Report struct {
	Program  string
	Policy   Policy
	Capacity Capacity
	Spaces   []SpaceUse    // reg, ram, rom, offchip, in that order
	Buffers  []BufferPlace // the kernels' buffers in order (not their parameters), then the top's
}

// SpaceUse is one space's footprint.
type SpaceUse struct {
	Space      loop.Space
	Buffers    int
	Bits       int64
	BRAM36     int64 // blocks (ram, rom)
	URAM       int64 // blocks (ram)
	LUTRAMBits int64 // bits in distributed RAM, no block (ram, rom)
}

// Bytes is the space's footprint in bytes, each buffer rounded up.
func (u SpaceUse) Bytes(r *Report) int64 {
	var n int64
	for _, b := range r.Buffers {
		if b.Space == u.Space {
			n += (b.Bits + 7) / 8
		}
	}
	return n
}

// BufferPlace is one buffer's place.
type BufferPlace struct {
	Kernel   string // "" for a buffer of the top
	Name     string
	Role     loop.Role
	Kind     dtype.Kind
	Shape    []int
	Bits     int64
	Space    loop.Space
	Memory   Memory
	Blocks   int64   // BRAM36 or URAM blocks it takes (0 in other memories)
	Accesses int64   // loads and stores per inference
	Reuse    float64 // Accesses per element
	Exact    bool    // Accesses is exact (see Apply)
	Why      Reason
	Override string // the override that placed it, when Why is ByOverride
}

func report(p *loop.Program, items []*item, opt Options) *Report {
	r := &Report{Program: p.Name, Policy: opt.Policy, Capacity: opt.Capacity}
	for _, s := range []loop.Space{loop.Register, loop.RAM, loop.ROM, loop.OffChip} {
		r.Spaces = append(r.Spaces, SpaceUse{Space: s})
	}
	for _, it := range items {
		bp := BufferPlace{Kernel: it.kernelName, Name: it.b.Name, Role: it.b.Role, Kind: it.b.Kind,
			Shape: it.b.Shape, Bits: it.fp.bits, Space: it.space, Memory: it.mem, Blocks: it.blocks,
			Accesses: it.acc, Reuse: it.reuse(), Exact: it.exact, Why: it.why}
		if it.ov != nil {
			bp.Override = it.ov.where()
		}
		r.Buffers = append(r.Buffers, bp)
		u := &r.Spaces[spaceIndex(it.space)]
		u.Buffers++
		u.Bits += it.fp.bits
		switch it.mem {
		case BRAM:
			u.BRAM36 += it.blocks
		case URAM:
			u.URAM += it.blocks
		case LUTRAM:
			u.LUTRAMBits += it.fp.bits
		}
	}
	return r
}

func spaceIndex(s loop.Space) int {
	switch s {
	case loop.Register:
		return 0
	case loop.RAM:
		return 1
	case loop.ROM:
		return 2
	}
	return 3
}

// Space is the footprint of space s.
func (r *Report) Space(s loop.Space) SpaceUse {
	for _, u := range r.Spaces {
		if u.Space == s {
			return u
		}
	}
	return SpaceUse{Space: s}
}

// BRAM36 and URAM are the blocks taken on chip.
func (r *Report) BRAM36() int64 { return r.Space(loop.RAM).BRAM36 + r.Space(loop.ROM).BRAM36 }

// URAM is the UltraRAM blocks taken.
func (r *Report) URAM() int64 { return r.Space(loop.RAM).URAM }

// OffChipBytes is the bytes of the buffers off chip.
func (r *Report) OffChipBytes() int64 { return r.Space(loop.OffChip).Bytes(r) }

// Buffer is the place of a kernel's buffer (kernel "" for the top's).
func (r *Report) Buffer(kernel, name string) (BufferPlace, bool) {
	for _, b := range r.Buffers {
		if b.Kernel == kernel && b.Name == name {
			return b, true
		}
	}
	return BufferPlace{}, false
}

// String is the report as --explain prints it: a header with the policy
// and capacity, a line per space, then a line per buffer.
func (r *Report) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "place-memory %s on %s: %d BRAM36, %d URAM, %d bytes off chip\n",
		r.Policy, r.Capacity, r.BRAM36(), r.URAM(), r.OffChipBytes())
	for _, u := range r.Spaces {
		fmt.Fprintf(&sb, "  %-8s %3d buffers %12d bits", u.Space, u.Buffers, u.Bits)
		if u.BRAM36 > 0 || u.URAM > 0 || u.LUTRAMBits > 0 {
			fmt.Fprintf(&sb, " (%d BRAM36, %d URAM, %d bits in LUT RAM)", u.BRAM36, u.URAM, u.LUTRAMBits)
		}
		sb.WriteByte('\n')
	}
	for _, b := range r.Buffers {
		sb.WriteString("  " + b.String() + "\n")
	}
	return sb.String()
}

// String is one buffer's line: "dense.w const f32[4080,64] 8355840 bits:
// offchip (external), reuse 1: no room on chip".
func (b BufferPlace) String() string {
	name := b.Name
	if b.Kernel != "" {
		name = b.Kernel + "." + b.Name
	}
	mem := b.Memory.String()
	if b.Blocks > 0 {
		mem = fmt.Sprintf("%d %s", b.Blocks, b.Memory)
	}
	approx := ""
	if !b.Exact {
		approx = "~"
	}
	why := b.Why.String()
	if b.Override != "" {
		why = b.Override
	}
	return fmt.Sprintf("%s %v %s %d bits: %v (%s), reuse %s%s: %s",
		name, b.Role, typeString(b.Kind, b.Shape), b.Bits, b.Space, mem, approx, reuseString(b.Reuse), why)
}

// typeString is a buffer's type as .kir text writes it: f32[4080,64], f32
// for a scalar.
func typeString(k dtype.Kind, shape []int) string {
	if len(shape) == 0 {
		return k.String()
	}
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = strconv.Itoa(d)
	}
	return k.String() + "[" + strings.Join(dims, ",") + "]"
}

// reuseString is a reuse with three significant digits, whole from 100 up.
func reuseString(r float64) string {
	if r >= 100 {
		return strconv.FormatFloat(r, 'f', 0, 64)
	}
	return strconv.FormatFloat(r, 'g', 3, 64)
}
