package place

import "github.com/kiln-hls/kiln/ir/loop"

// Memory is the kind of storage a placed buffer takes.
type Memory uint8

// The kinds of storage.
const (
	AnyMemory Memory = iota // (an override that names no kind)
	Flops                   // flip-flops (reg)
	LUTRAM                  // an FPGA's distributed RAM: arrays up to Options.DistRAMBits
	BRAM                    // 36 Kb block RAMs (RAMB36)
	URAM                    // 288 Kb UltraRAM blocks (UltraScale+)
	SRAM                    // on-chip memory counted in bits (Capacity.SRAMBits: an ASIC's macros)
	External                // off chip, through a pointer argument
	numMemories
)

var memoryNames = [numMemories]string{"any", "ff", "lutram", "bram", "uram", "sram", "external"}

func (m Memory) String() string {
	if m >= numMemories {
		return "memory?"
	}
	return memoryNames[m]
}

// bram36Shapes are a RAMB36E1's port aspect ratios (AMD UG473, 7 Series
// FPGAs Memory Resources, "RAMB36E1 … port aspect ratio"; 72 bits wide is
// the simple dual-port mode). UltraScale's RAMB36E2 has the same ones
// (AMD UG573). The same table as sim/estimate_resources.go's bram36,
// copied: passes may not import sim.
var bram36Shapes = [...]struct{ width, depth int }{
	{1, 32768}, {2, 16384}, {4, 8192}, {9, 4096}, {18, 2048}, {36, 1024}, {72, 512},
}

// The block sizes in bits. A RAMB36 holds 36 Kb = 36864 bits (AMD UG473);
// an UltraRAM block 4K × 72 bits = 288 Kb (AMD UG573, UltraScale
// Architecture Memory Resources, chapter 2 "UltraRAM": a fixed 72-bit
// wide, 4096-deep single block, no other aspect ratio).
const (
	bram36Bits = 36 * 1024
	uramWidth  = 72
	uramDepth  = 4096
	uramBits   = uramWidth * uramDepth
)

// bram36 is how many 36 Kb block RAMs hold n words of w bits: the
// narrowest aspect ratio that fits w, side by side when w is over 72.
func bram36(n, w int64) int64 {
	for _, s := range bram36Shapes {
		if w <= int64(s.width) {
			return ceilDiv(n, int64(s.depth))
		}
	}
	return ceilDiv(w, 72) * ceilDiv(n, 512)
}

// uramBlocks is how many UltraRAM blocks hold n words of w bits: one word
// per 72-bit row (an UltraRAM has no narrower aspect ratio), words wider
// than 72 bits side by side.
func uramBlocks(n, w int64) int64 {
	return ceilDiv(w, uramWidth) * ceilDiv(n, uramDepth)
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }

// footprint is a buffer's size: its elements, the width of one, its bits,
// and the banks its partition directives make (each bank a memory of its
// own; banks made by passes/loops.Partition are buffers of their own).
type footprint struct {
	elems, width, bits, banks int64
}

func footprintOf(b *loop.Buffer) footprint {
	f := footprint{elems: 1, width: int64(b.Kind.Bits()), banks: 1}
	for _, d := range b.Shape {
		f.elems *= int64(max(d, 0))
	}
	for _, pt := range b.Partition {
		switch {
		case pt.Scheme == loop.Complete && pt.Dim >= 0 && pt.Dim < len(b.Shape):
			f.banks *= int64(max(b.Shape[pt.Dim], 1))
		case pt.Factor > 1:
			f.banks *= int64(pt.Factor)
		}
	}
	f.banks = max(min(f.banks, f.elems), 1)
	f.bits = f.elems * f.width
	return f
}

// blocks is how many blocks of memory m the buffer takes: each bank its
// own blocks of ⌈elems/banks⌉ words.
func (f footprint) blocks(m Memory) int64 {
	per := ceilDiv(f.elems, f.banks)
	switch m {
	case BRAM:
		return f.banks * bram36(per, f.width)
	case URAM:
		return f.banks * uramBlocks(per, f.width)
	}
	return 0
}
