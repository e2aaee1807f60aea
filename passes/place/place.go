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
	index  bool // a constant read in an index or a loop bound: on chip always
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
//   - a kernel's constants read in an index or a loop bound (CSR row
//     pointers and columns: Externalize keeps them in their kernels) take
//     rom next, before any other buffer, under every policy: one that
//     does not fit is an error, as is an override sending one off chip;
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
	facts := make([]*kernelFacts, len(p.Kernels))
	for ki, k := range p.Kernels {
		facts[ki] = factsOf(k)
	}
	items, err := placeItems(p, facts, opt, new(work))
	if err != nil {
		return nil, nil, err
	}
	q := rewrite(p, items, new(work), withSpace, func(ki int, spaces []loop.Space) *loop.Kernel {
		return kernelWithSpaces(p.Kernels[ki], spaces)
	})
	if err := loop.VerifyProgram(q); err != nil {
		return nil, nil, fmt.Errorf("place: program %s: the result does not verify: %w", p.Name, err)
	}
	return q, report(p, items, opt), nil
}

// work is the storage of one placement, reused by a Memo.
type work struct {
	slab              []item
	items             []*item
	topAcc            []int64
	topExact          []bool
	tiny, pool, index []*item // decide's lists
	spaces            []loop.Space
	perKernel         [][]loop.Space
	kernels           []*memoKernel
	facts             []*kernelFacts
}

// placeItems lists p's items from its kernels' facts and decides their
// places: the overrides first, then the policy. The items live in w.
func placeItems(p *loop.Program, facts []*kernelFacts, opt Options, w *work) ([]*item, error) {
	items := w.collect(p, facts)
	if err := resolveOverrides(p, items, opt); err != nil {
		return nil, err
	}
	pl := &placer{opt: opt, left: newBudget(opt.Capacity), w: w}
	if err := pl.decide(items); err != nil {
		return nil, err
	}
	return items, nil
}

// kernelFacts is what placement reads of one kernel, the same wherever
// the kernel appears: its accesses per call, its buffers' footprints and
// which of them are parameters or read in an index.
type kernelFacts struct {
	counts []int64 // loads and stores per call, per buffer
	exact  bool    // counts are exact (see accesses)
	fps    []footprint
	param  []bool
	index  []bool // read in an index or a loop bound (indexBuffers)
}

func factsOf(k *loop.Kernel) *kernelFacts {
	f := &kernelFacts{fps: make([]footprint, len(k.Buffers)), param: make([]bool, len(k.Buffers)), index: indexBuffers(k)}
	f.counts, f.exact = accesses(k)
	for _, id := range k.Params {
		f.param[id] = true
	}
	for id, b := range k.Buffers {
		f.fps[id] = footprintOf(b)
	}
	return f
}

// collect lists the items, kernels' buffers in order, then the top's,
// with their accesses per inference.
func (w *work) collect(p *loop.Program, facts []*kernelFacts) []*item {
	n := len(p.Buffers)
	for _, k := range p.Kernels {
		n += len(k.Buffers)
	}
	if cap(w.slab) < n {
		w.slab, w.items = make([]item, 0, n), make([]*item, 0, n)
	}
	slab, items := w.slab[:0], w.items[:0] // slab never grows: the pointers stay valid
	add := func(it item) {
		slab = append(slab, it)
		items = append(items, &slab[len(slab)-1])
	}
	topAcc, topExact := resize(w.topAcc, len(p.Buffers)), resize(w.topExact, len(p.Buffers))
	w.topAcc, w.topExact = topAcc, topExact
	for i := range topExact {
		topAcc[i], topExact[i] = 0, true
	}
	for ki, k := range p.Kernels {
		f := facts[ki]
		for id, b := range k.Buffers {
			if !f.param[id] {
				add(item{kernel: ki, kernelName: k.Name, id: loop.BufID(id), b: b, fp: f.fps[id], acc: f.counts[id], exact: f.exact,
					index: f.index[id] && b.Role == loop.Constant})
			}
		}
		for _, c := range p.Calls {
			if c.Kernel != ki {
				continue
			}
			for i, arg := range c.Args {
				topAcc[arg] = satAdd(topAcc[arg], f.counts[k.Params[i]])
				topExact[arg] = topExact[arg] && f.exact
			}
		}
	}
	for id, b := range p.Buffers {
		add(item{kernel: -1, id: loop.BufID(id), b: b, fp: footprintOf(b), acc: topAcc[id], exact: topExact[id]})
	}
	w.slab, w.items = slab, items
	return items
}

// resize is s with length n, reusing its storage when it can.
func resize[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
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
// from the top buffers its calls pass; top makes a top buffer with its
// space, placed kernel ki with its spaces (k itself where they are its
// own). Its scratch storage is w's.
func rewrite(p *loop.Program, items []*item, w *work, top func(*loop.Buffer, loop.Space) *loop.Buffer,
	placed func(ki int, spaces []loop.Space) *loop.Kernel) *loop.Program {
	q := *p
	q.Buffers = slices.Clone(p.Buffers)
	q.Kernels = slices.Clone(p.Kernels)
	n := 0
	for _, k := range p.Kernels {
		n += len(k.Buffers)
	}
	all := resize(w.spaces, n)
	w.spaces = all
	clear(all)
	spaces := resize(w.perKernel, len(p.Kernels))
	w.perKernel = spaces
	for ki, k := range p.Kernels {
		spaces[ki], all = all[:len(k.Buffers):len(k.Buffers)], all[len(k.Buffers):]
	}
	for _, it := range items {
		if it.kernel < 0 {
			q.Buffers[it.id] = top(p.Buffers[it.id], placedSpace(it))
		} else {
			spaces[it.kernel][it.id] = placedSpace(it)
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
				*s = farther(*s, q.Buffers[arg].Space) // a parameter's memory is its caller's: no uram
			}
		}
		if !called {
			for _, id := range k.Params {
				spaces[ki][id] = loop.OffChip
			}
		}
		q.Kernels[ki] = placed(ki, spaces[ki])
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

// uramBit marks, in the spaces rewrite hands on, on-chip RAM in
// UltraRAM (loop.Buffer.UltraRAM); no loop.Space has it.
const uramBit loop.Space = 0x80

// placedSpace is it's space, with uramBit when its memory is UltraRAM.
func placedSpace(it *item) loop.Space {
	if it.space == loop.RAM && it.mem == URAM {
		return it.space | uramBit
	}
	return it.space
}

// spaceOf is b's space as placedSpace writes it.
func spaceOf(b *loop.Buffer) loop.Space {
	if b.UltraRAM {
		return b.Space | uramBit
	}
	return b.Space
}

// withSpace is b in space s (placedSpace's: with uramBit for UltraRAM),
// b itself if it is there already.
func withSpace(b *loop.Buffer, s loop.Space) *loop.Buffer {
	if spaceOf(b) == s {
		return b
	}
	n := *b
	n.Space, n.UltraRAM = s&^uramBit, s&uramBit != 0
	return &n
}

// kernelWithSpaces is k, or a copy of k whose changed buffers are copies.
func kernelWithSpaces(k *loop.Kernel, spaces []loop.Space) *loop.Kernel {
	var n *loop.Kernel
	for id, b := range k.Buffers {
		if spaceOf(b) == spaces[id] {
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
