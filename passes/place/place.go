package place

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// item is one buffer to place: a kernel's temporary or constant, or a
// buffer of the top. A kernel's parameters are not items: they live where
// the top buffers passed to them do.
type item struct {
	kernel     int // index in Program.Kernels; -1 for the top
	kernelName string
	id         loop.BufID
	b          *loop.Buffer
	fp         footprint
	acc        int64 // loads and stores per inference
	exact      bool  // acc is exact (see accesses)
	ov         *Override

	space  loop.Space
	mem    Memory
	blocks int64
	why    Reason
}

func (it *item) reuse() float64 { return float64(it.acc) / float64(max(it.fp.elems, 1)) }

// Apply returns a copy of p in which every buffer has a memory space (p is
// untouched; the kernels and buffers that change are copied), and a report
// of the footprint per space and the reason for each buffer's place.
//
// It needs a program that verifies; spaces p already holds (the lowering's
// reg scalars, narrow's rom tables) are decided anew: an override is the
// way to force one. Overrides apply first, then:
//   - the model's inputs and outputs (the top's parameters) go off chip,
//     pointer arguments as in SODA's kernels;
//   - a kernel's scalars, and its arrays of at most Options.RegisterBits
//     bits while the register bits last, go in registers;
//   - under OffChipWeights, constants over Options.WeightBits go off chip;
//   - the rest, the top's temporaries included, in order of reuse (loads
//     and stores per element and inference, most first) then size
//     (smallest first), on chip where they fit — constants in ROM (block
//     RAM only: an UltraRAM cannot be initialised, AMD UG573), others in
//     RAM (UltraRAM first for arrays over one RAMB36, if the device has
//     any); arrays up to Options.DistRAMBits take LUT RAM and no block —
//     and off chip where they do not (under OnChip: an error).
//
// A kernel's parameters take the space of the top buffers its calls pass
// (the farthest one when calls differ; off chip for a kernel never
// called). The result verifies. Errors name the buffer, its size in bits
// and blocks, and the device's capacity.
func Apply(p *loop.Program, opt Options) (*loop.Program, *Report, error) {
	if p == nil {
		return nil, nil, errors.New("place: no program")
	}
	opt, err := opt.resolved()
	if err != nil {
		return nil, nil, err
	}
	if err := loop.VerifyProgram(p); err != nil {
		return nil, nil, fmt.Errorf("place: program %s: the input does not verify: %w", p.Name, err)
	}
	items := collect(p)
	if err := resolveOverrides(p, items, opt); err != nil {
		return nil, nil, err
	}
	pl := &placer{opt: opt, left: newBudget(opt.Capacity)}
	if err := pl.decide(items); err != nil {
		return nil, nil, err
	}
	q := rewrite(p, items)
	if err := loop.VerifyProgram(q); err != nil {
		return nil, nil, fmt.Errorf("place: program %s: the result does not verify: %w", p.Name, err)
	}
	return q, report(p, items, opt), nil
}

// collect lists the items, kernels' buffers in order, then the top's,
// with their accesses per inference.
func collect(p *loop.Program) []*item {
	var items []*item
	topAcc := make([]int64, len(p.Buffers))
	topExact := make([]bool, len(p.Buffers))
	for i := range topExact {
		topExact[i] = true
	}
	perKernel := make([][]int64, len(p.Kernels))
	for ki, k := range p.Kernels {
		counts, exact := accesses(k)
		perKernel[ki] = counts
		param := make([]bool, len(k.Buffers))
		for _, id := range k.Params {
			param[id] = true
		}
		for id, b := range k.Buffers {
			if !param[id] {
				items = append(items, &item{kernel: ki, kernelName: k.Name, id: loop.BufID(id), b: b, fp: footprintOf(b), acc: counts[id], exact: exact})
			}
		}
		for _, c := range p.Calls {
			if c.Kernel != ki {
				continue
			}
			for i, arg := range c.Args {
				topAcc[arg] = satAdd(topAcc[arg], counts[k.Params[i]])
				topExact[arg] = topExact[arg] && exact
			}
		}
	}
	for id, b := range p.Buffers {
		items = append(items, &item{kernel: -1, id: loop.BufID(id), b: b, fp: footprintOf(b), acc: topAcc[id], exact: topExact[id]})
	}
	return items
}

// priority orders the items that compete for on-chip memory: most reuse
// first, then fewest bits, then program order.
func priority(a, b *item) int {
	if c := cmp.Compare(b.reuse(), a.reuse()); c != 0 {
		return c
	}
	return cmp.Compare(a.fp.bits, b.fp.bits)
}

// rewrite is p with each item's space set, and each kernel parameter's
// from the top buffers its calls pass.
func rewrite(p *loop.Program, items []*item) *loop.Program {
	q := *p
	q.Buffers = slices.Clone(p.Buffers)
	q.Kernels = slices.Clone(p.Kernels)
	spaces := make([][]loop.Space, len(p.Kernels))
	for ki, k := range p.Kernels {
		spaces[ki] = make([]loop.Space, len(k.Buffers))
	}
	for _, it := range items {
		if it.kernel < 0 {
			q.Buffers[it.id] = withSpace(p.Buffers[it.id], it.space)
		} else {
			spaces[it.kernel][it.id] = it.space
		}
	}
	for ki, k := range p.Kernels {
		called := false
		for _, c := range p.Calls {
			if c.Kernel != ki {
				continue
			}
			called = true
			for i, arg := range c.Args {
				s := &spaces[ki][k.Params[i]]
				*s = farther(*s, q.Buffers[arg].Space)
			}
		}
		if !called {
			for _, id := range k.Params {
				spaces[ki][id] = loop.OffChip
			}
		}
		q.Kernels[ki] = kernelWithSpaces(k, spaces[ki])
	}
	return &q
}

// farther is the space of a and b farther from the datapath (a kernel
// parameter passed buffers of both must reach both).
func farther(a, b loop.Space) loop.Space {
	rank := func(s loop.Space) int {
		return slices.Index([]loop.Space{loop.SpaceAuto, loop.Register, loop.ROM, loop.RAM, loop.OffChip}, s)
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

func withSpace(b *loop.Buffer, s loop.Space) *loop.Buffer {
	if b.Space == s {
		return b
	}
	n := *b
	n.Space = s
	return &n
}

// kernelWithSpaces is k, or a copy of k whose changed buffers are copies.
func kernelWithSpaces(k *loop.Kernel, spaces []loop.Space) *loop.Kernel {
	var n *loop.Kernel
	for id, b := range k.Buffers {
		if b.Space == spaces[id] {
			continue
		}
		if n == nil {
			c := *k
			c.Buffers = slices.Clone(k.Buffers)
			n = &c
		}
		n.Buffers[id] = withSpace(b, spaces[id])
	}
	if n == nil {
		return k
	}
	return n
}
