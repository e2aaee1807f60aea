package place

import (
	"errors"
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Reason is why a buffer is where it is.
type Reason uint8

// The reasons.
const (
	ByOverride     Reason = iota // an override put it there
	Scalar                       // a kernel's scalar: a register
	Tiny                         // a kernel's array of at most Options.RegisterBits bits: registers
	ModelIO                      // a model input or output: a pointer argument, off chip
	LargeWeight                  // OffChipWeights: a constant over Options.WeightBits
	Reuse                        // on chip: it fits, taken in order of reuse and size
	NoRoom                       // off chip: what the buffers of more reuse left does not hold it
	ByPolicyOnChip               // OnChip: on chip by the policy
	IndexArray                   // a constant read in an index or a loop bound: on chip, whatever the policy
	numReasons
)

var reasonNames = [numReasons]string{"override", "scalar", "tiny array", "model input/output",
	"weight over the threshold", "fits by reuse", "no room on chip", "onchip policy", "read in an index"}

// Why a constant read in an index stays on chip (Externalize keeps it in
// its kernel: loop.Verify and the emitters prove the indices from it).
const (
	indexNeed = "the emitters need its data to prove bounds"
	whyIndex  = "read in an index: " + indexNeed
)

func (r Reason) String() string {
	if r >= numReasons {
		return "reason?"
	}
	return reasonNames[r]
}

// budget is the on-chip storage not yet taken.
type budget struct {
	bram, uram, sram, regs int64
	regsLimited            bool
	cap                    Capacity
}

func newBudget(c Capacity) budget {
	return budget{bram: int64(c.BRAM36), uram: int64(c.URAM), sram: c.SRAMBits, regs: c.RegisterBits,
		regsLimited: c.RegisterBits > 0, cap: c}
}

type placer struct {
	opt  Options
	left budget
	w    *work
}

// decide places every item: overrides, then the fixed rules, then the
// competition for on-chip memory. Overrides and the OnChip policy that
// cannot be met are errors, all reported.
func (pl *placer) decide(items []*item) error {
	var errs []error
	forced := func(it *item, s loop.Space, m Memory, why Reason) {
		if !pl.take(it, s, m, why) {
			errs = append(errs, pl.refuse(it, s, m, why))
		}
	}
	for _, it := range items {
		if it.ov != nil {
			forced(it, it.ov.Space, it.ov.Memory, ByOverride)
		}
	}
	pool, tiny, index := pl.w.pool[:0], pl.w.tiny[:0], pl.w.index[:0]
	defer func() { pl.w.pool, pl.w.tiny, pl.w.index = pool, tiny, index }()
	for _, it := range items {
		switch {
		case it.ov != nil:
		case it.kernel < 0 && (it.b.Role == loop.Input || it.b.Role == loop.Output):
			pl.set(it, loop.OffChip, External, 0, ModelIO)
		case it.kernel >= 0 && it.b.Rank() == 0:
			forced(it, loop.Register, Flops, Scalar)
		case it.kernel >= 0 && it.fp.bits <= int64(pl.opt.RegisterBits):
			tiny = append(tiny, it)
		case it.index:
			index = append(index, it)
		case pl.opt.Policy == OffChipWeights && it.b.Role == loop.Constant && it.fp.bits > pl.opt.WeightBits:
			pl.set(it, loop.OffChip, External, 0, LargeWeight)
		default:
			pool = append(pool, it)
		}
	}
	slices.SortStableFunc(tiny, priority)
	for _, it := range tiny {
		if !pl.take(it, loop.Register, Flops, Tiny) {
			if it.index {
				index = append(index, it) // the registers are full: memory, first
			} else {
				pool = append(pool, it)
			}
		}
	}
	// Index arrays first: they cannot go off chip (Externalize keeps them
	// in their kernels), so the others compete for what they leave.
	slices.SortStableFunc(index, priority)
	for _, it := range index {
		forced(it, loop.ROM, AnyMemory, IndexArray)
	}
	slices.SortStableFunc(pool, priority)
	for _, it := range pool {
		s := onChipSpace(it.b)
		if pl.opt.Policy == OnChip {
			forced(it, s, AnyMemory, ByPolicyOnChip)
		} else if !pl.take(it, s, AnyMemory, Reuse) {
			pl.set(it, loop.OffChip, External, 0, NoRoom)
		}
	}
	if len(errs) > 1 {
		errs = append([]error{fmt.Errorf("place: %d buffers do not fit (each below)", len(errs))}, errs...)
	}
	return errors.Join(errs...)
}

// onChipSpace is where a buffer lives on chip: rom for a constant, ram
// for the others.
func onChipSpace(b *loop.Buffer) loop.Space {
	if b.Role == loop.Constant {
		return loop.ROM
	}
	return loop.RAM
}

func (pl *placer) set(it *item, s loop.Space, m Memory, blocks int64, why Reason) {
	it.space, it.mem, it.blocks, it.why = s, m, blocks, why
}

// take puts it in space s (memory m, or any that fits) if what is left
// holds it, and reports whether it did (refuse says why not).
func (pl *placer) take(it *item, s loop.Space, m Memory, why Reason) bool {
	s = romFor(it, s, m)
	switch s {
	case loop.OffChip:
		pl.set(it, s, External, 0, why)
		return true
	case loop.Register:
		if pl.left.regsLimited && it.fp.bits > pl.left.regs {
			return false
		}
		pl.left.regs -= it.fp.bits
		pl.set(it, s, Flops, 0, why)
		return true
	}
	for _, mem := range pl.memories(it, m) {
		if n, ok := pl.left.alloc(it.fp, mem); ok {
			pl.set(it, s, mem, n, why)
			return true
		}
	}
	return false
}

// romFor is s, but rom for a constant given "bram" (rom in block RAM).
func romFor(it *item, s loop.Space, m Memory) loop.Space {
	if s == loop.RAM && m == BRAM && it.b.Role == loop.Constant {
		return loop.ROM
	}
	return s
}

// memories are the kinds of memory it may take on chip, in the order
// tried.
func (pl *placer) memories(it *item, m Memory) []Memory {
	c := pl.left.cap
	switch {
	case m == BRAM || m == URAM:
		return []Memory{m}
	case !c.blocky() && c.SRAMBits > 0:
		return []Memory{SRAM}
	case !c.blocky():
		return nil
	case it.fp.bits <= int64(pl.opt.DistRAMBits):
		return []Memory{LUTRAM}
	case it.b.Role == loop.Constant:
		return []Memory{BRAM} // an UltraRAM cannot be initialised (AMD UG573)
	case it.fp.bits > bram36Bits:
		return []Memory{URAM, BRAM}
	}
	return []Memory{BRAM, URAM}
}

// alloc takes fp's blocks (or bits) of memory m if they are left.
func (b *budget) alloc(fp footprint, m Memory) (int64, bool) {
	switch m {
	case LUTRAM:
		return 0, true
	case SRAM:
		if fp.bits <= b.sram {
			b.sram -= fp.bits
			return 0, true
		}
	case BRAM, URAM:
		left := &b.bram
		if m == URAM {
			left = &b.uram
		}
		if n := fp.blocks(m); n <= *left {
			*left -= n
			return n, true
		}
	}
	return 0, false
}

// String says what is left against the capacity.
func (b budget) String() string {
	c := b.cap
	switch {
	case c.URAM == 0:
		return fmt.Sprintf("%d of the device's %d BRAM36 (%d bits) are left, and it has no URAM", b.bram, c.BRAM36, int64(c.BRAM36)*bram36Bits)
	case c.blocky():
		return fmt.Sprintf("%d of the device's %d BRAM36 (%d bits) and %d of its %d URAM (%d bits) are left",
			b.bram, c.BRAM36, int64(c.BRAM36)*bram36Bits, b.uram, c.URAM, int64(c.URAM)*uramBits)
	case c.SRAMBits > 0:
		return fmt.Sprintf("%d of the device's %d on-chip SRAM bits are left", b.sram, c.SRAMBits)
	}
	return "the device has no on-chip memory"
}

// refuse is the error of a buffer forced into space s (memory m) that
// take could not place: what is left does not hold it.
func (pl *placer) refuse(it *item, s loop.Space, m Memory, why Reason) error {
	s = romFor(it, s, m)
	left := pl.left.String()
	if s == loop.Register {
		left = fmt.Sprintf("%d of the device's %d register bits are left", pl.left.regs, pl.left.cap.RegisterBits)
	}
	by := "the onchip policy"
	switch why {
	case ByOverride:
		by = it.ov.where()
	case IndexArray:
		by = "its use in an index (" + indexNeed + ", so it cannot go off chip)"
	case ByPolicyOnChip:
	default:
		by = why.String()
	}
	return fmt.Errorf("place: %s (%s) does not fit in %v: %s; needed by %s", it.name(), it.size(), s, left, by)
}

// name is "kernel K buffer B" or "top buffer B".
func (it *item) name() string {
	if it.kernel < 0 {
		return "top buffer " + it.b.Name
	}
	return "kernel " + it.kernelName + " buffer " + it.b.Name
}

// size is "f32[4080,256], 33423360 bits = 1020 BRAM36 or 255 URAM".
func (it *item) size() string {
	return fmt.Sprintf("%s, %d bits = %d BRAM36 or %d URAM", typeString(it.b.Kind, it.b.Shape), it.fp.bits, it.fp.blocks(BRAM), it.fp.blocks(URAM))
}
