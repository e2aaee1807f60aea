package sim

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Off-chip memory in the schedule model (issue 9). A buffer whose Space
// is loop.OffChip is a pointer argument of the top function, reached
// through the external memory interface; every other buffer is costed as
// before (an estimate of a program without off-chip buffers is the same).
//
//   - Channels: the off-chip buffers of a kernel are spread over
//     OffChip.Channels independent channels in buffer order (buffer i of
//     them on channel i mod Channels); each channel is a memory with
//     Config.Channels ports per state, like any other memory of the model,
//     apart from the interface the other arguments share (under
//     SharedInterface): an off-chip port is an interface of its own.
//   - A random access (an index that is not a unit-stride stream, below)
//     waits OffChip.LatencyCycles for its data (a load) or its write
//     response (a store) in its block's schedule; the port is busy
//     ⌈bytes / ChannelBytesPerCycle⌉ states (at least the on-chip
//     access's). Independent random accesses of a block overlap as its
//     schedule allows: the interface takes a request per port per state
//     with earlier ones outstanding, as AXI allows (an assumption: no
//     run measures it).
//   - A stream: an access whose flat address grows by one element per
//     iteration of its innermost enclosing loop (unit stride across
//     iterations, no data-dependent index) is read or written in bursts
//     of OffChip.BurstBytes: each element costs what an on-chip access
//     does in the schedule (a beat of the burst) with the port busy
//     ⌈bytes / ChannelBytesPerCycle⌉ states, and each burst costs
//     LatencyCycles more, a stall of the state machine added to the
//     kernel's cycles. A run of the innermost loop is ⌈run·bytes /
//     BurstBytes⌉ bursts when its trip count is a constant, else
//     bytes / BurstBytes bursts per element (runs assumed long). Streams
//     continuing across an outer loop are not joined (each run pays its
//     first burst's latency: conservative).
//   - Bandwidth: a kernel's off-chip traffic over its run takes at least
//     traffic / bandwidth cycles, the bandwidth being the channels its
//     off-chip buffers use times ChannelBytesPerCycle, at most
//     BytesPerCycle (the memory's peak); the traffic is the elements'
//     bytes, each random access at least AccessBytes (a DRAM burst moves
//     that much whatever the element). When that is more than the
//     kernel's scheduled cycles plus its stalls, the kernel takes that
//     long, and the difference is the cycles it waits on bandwidth
//     (Layer.BandwidthBoundShare: the difference over its cycles).
//     Layer.OffChipBytes counts the elements' bytes (what the program
//     moves, whatever the memory).
//   - Footprint: off-chip buffers take no block RAM or LUT RAM; each
//     channel in use costs one memory module (the load cell's LUT/FF),
//     as an argument interface does.
//   - Energy of the off-chip transfers themselves (DRAM, I/O) is not in
//     the model: an access costs the on-chip access's energy.
//
// Nothing here is calibrated against a run: SODA's PolyBench runs put
// every array behind Bambu's simulated memory, which the on-chip model
// already fits (their arrays are not OffChip buffers).

// OffChip is a device's external memory as the schedule model sees it,
// in the accelerator's clock cycles. Its fields are those of
// targets.OffChipCost (a device's memory at a clock period), which
// ForDevice can copy.
type OffChip struct {
	// LatencyCycles is a random access's latency: request to data (a
	// load) or to write response (a store).
	LatencyCycles int
	// BytesPerCycle is what all channels together sustain per cycle;
	// 0: Channels × ChannelBytesPerCycle.
	BytesPerCycle float64
	// ChannelBytesPerCycle is what one channel sustains per cycle.
	ChannelBytesPerCycle float64
	// Channels is how many independent channels (Zynq HP ports, DDR
	// controllers, HBM pseudo-channels) the off-chip buffers are spread
	// over.
	Channels int
	// BurstBytes is the most one request moves: what one latency buys a
	// stream.
	BurstBytes int
	// AccessBytes is the least any access moves (a DRAM burst); 0: the
	// element.
	AccessBytes int
}

// check reports what is wrong with o (nil: no off-chip memory, fine).
func (o *OffChip) check() error {
	switch {
	case o == nil:
		return nil
	case o.LatencyCycles < 0 || o.LatencyCycles > 1<<20:
		return fmt.Errorf("sim: off-chip latency %d cycles (want 0 to 2^20)", o.LatencyCycles)
	case !(o.ChannelBytesPerCycle > 0 && o.ChannelBytesPerCycle < 1e9):
		return fmt.Errorf("sim: off-chip channel bandwidth %g bytes per cycle (want more than 0)", o.ChannelBytesPerCycle)
	case !(o.BytesPerCycle >= 0 && o.BytesPerCycle < 1e12):
		return fmt.Errorf("sim: off-chip bandwidth %g bytes per cycle (want 0, all channels', or more)", o.BytesPerCycle)
	case o.BurstBytes < 1 || o.BurstBytes > 1<<30:
		return fmt.Errorf("sim: off-chip burst of %d bytes (want at least 1)", o.BurstBytes)
	case o.AccessBytes < 0 || o.AccessBytes > 1<<30:
		return fmt.Errorf("sim: off-chip access of %d bytes (want 0 or more)", o.AccessBytes)
	case o.Channels < 1 || o.Channels > 1024:
		return fmt.Errorf("sim: %d off-chip channels (want 1 to 1024)", o.Channels)
	}
	return nil
}

// key is o as a kernelKey holds it (the zero value: none).
func (o *OffChip) key() OffChip {
	if o == nil {
		return OffChip{}
	}
	return *o
}

// ocTally is a run's off-chip traffic: the elements' bytes, the bytes
// the bus moves for them (random accesses rounded up to AccessBytes), the
// burst stalls (cycles, fractional: amortized over the elements of a
// run), and, once the kernel is done (offchipRun), the cycles it waited
// on bandwidth.
type ocTally struct {
	bytes, bus int64
	stall      float64
	wait       int64
}

func (o *ocTally) add(u ocTally) {
	o.bytes += u.bytes
	o.bus += u.bus
	o.stall += u.stall
	o.wait += u.wait
}

func (o ocTally) times(n int64) ocTally {
	return ocTally{bytes: o.bytes * n, bus: o.bus * n, stall: o.stall * float64(n), wait: o.wait * n}
}

// ocKernel is what a kernel's off-chip buffers need while it is
// estimated: the accesses' classes (by their Load or Store), the costs
// registered for them, the channels used.
type ocKernel struct {
	cfg      OffChip
	access   map[any]ocAccess
	ids      map[ocCostKey]int32
	channels int // channels in use
	// strided are the accesses whose address moves by more than one
	// element per iteration of their innermost loop, by loop: the
	// copies of an expanded unroll (w[4*k], w[4*k+1], …), which
	// together may read a stream (interleaved).
	strided map[*loop.For][]ocStrided
}

// ocStrided is an access whose flat address is stride·v + offset + rest
// (rest: the other variables' terms) in its innermost loop's variable v.
type ocStrided struct {
	node   any
	buf    loop.BufID
	store  bool
	stride int
	rest   string // the other terms, as text: a grouping key
	offset int
}

// ocAccess is one access of an off-chip buffer in the IR.
type ocAccess struct {
	stream bool
	stall  float64 // burst stall cycles per execution (streams)
}

type ocCostKey struct {
	o      op
	t      vtype
	stream bool
}

// assignOffChip gives the kernel's off-chip buffers their channels'
// memories and classifies their accesses; it returns the argument
// flags the kernel's accesses are ordered by (the off-chip buffers are
// pointer arguments too). Without Config.OffChip an off-chip buffer is an
// error (in the cost cache's errors, which estimateKernel reports).
func (m *kmodel) assignOffChip(ext []bool) []bool {
	var first []int // per channel: its memory
	n := 0
	for id, b := range m.k.Buffers {
		if b == nil || b.Space != loop.OffChip {
			continue
		}
		if m.cfg.OffChip == nil {
			m.costs.errs = append(m.costs.errs, fmt.Errorf("buffer %s is placed off chip, but the device has no off-chip memory (Config.OffChip)", b.Name))
			m.mem[id] = m.nmem
			m.nmem++
			continue
		}
		if m.oc == nil {
			m.note(offchipNote)
			m.oc = &ocKernel{cfg: *m.cfg.OffChip, access: map[any]ocAccess{}, ids: map[ocCostKey]int32{}}
			first = make([]int, 0, m.cfg.OffChip.Channels)
			ext = append([]bool(nil), ext...)
		}
		if ch := n % m.oc.cfg.Channels; ch < len(first) {
			m.mem[id] = first[ch]
		} else {
			first = append(first, m.nmem)
			m.mem[id] = m.nmem
			m.nmem++
		}
		ext[id] = true
		n++
	}
	if m.oc != nil {
		m.oc.channels = len(first)
		m.oc.classify(m.k, m.k.Body, nil)
		m.oc.interleaved(m.k)
	}
	return ext
}

const offchipNote = "off-chip accesses cost the external memory's latency, bursts and bandwidth (sim.OffChip), a model not calibrated against a run"

// offchip reports whether buffer id is reached through the off-chip
// interface.
func (m *kmodel) offchip(id loop.BufID) bool {
	return m.oc != nil && m.k.Buffers[id].Space == loop.OffChip
}

// classify records the class of every off-chip access in ss, loops the
// enclosing loops (innermost last).
func (oc *ocKernel) classify(k *loop.Kernel, ss []loop.Stmt, loops []*loop.For) {
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.Store:
			oc.expr(k, s.Value, loops)
			oc.indices(k, s.Index, loops)
			oc.note(k, s, s.Buf, s.Index, loops)
		case *loop.If:
			oc.expr(k, s.Cond, loops)
			oc.classify(k, s.Then, loops)
			oc.classify(k, s.Else, loops)
		case *loop.For:
			oc.indices(k, []loop.Index{s.Lo, s.Hi}, loops)
			oc.classify(k, s.Body, append(loops[:len(loops):len(loops)], s))
		}
	}
}

func (oc *ocKernel) indices(k *loop.Kernel, ix []loop.Index, loops []*loop.For) {
	for _, x := range ix {
		if x.Dyn != nil {
			oc.expr(k, x.Dyn, loops)
		}
	}
}

func (oc *ocKernel) expr(k *loop.Kernel, e loop.Expr, loops []*loop.For) {
	switch e := e.(type) {
	case *loop.Load:
		oc.indices(k, e.Index, loops)
		oc.note(k, e, e.Buf, e.Index, loops)
	case *loop.Bin:
		oc.expr(k, e.X, loops)
		oc.expr(k, e.Y, loops)
	case *loop.Un:
		oc.expr(k, e.X, loops)
	case *loop.Cast:
		oc.expr(k, e.X, loops)
	case *loop.Select:
		oc.expr(k, e.Cond, loops)
		oc.expr(k, e.X, loops)
		oc.expr(k, e.Y, loops)
	case *loop.Call:
		for _, a := range e.Args {
			oc.expr(k, a, loops)
		}
	}
}

// note classifies access node (a Load or Store) of buffer id at ix.
func (oc *ocKernel) note(k *loop.Kernel, node any, id loop.BufID, ix []loop.Index, loops []*loop.For) {
	if int(id) < 0 || int(id) >= len(k.Buffers) || k.Buffers[id].Space != loop.OffChip || len(loops) == 0 {
		return // not off chip, or outside every loop: random
	}
	b, f := k.Buffers[id], loops[len(loops)-1]
	if len(ix) != len(b.Shape) {
		return
	}
	switch stride := flatStride(b.Shape, ix, f.Var) * f.Step; {
	case stride == 1:
		oc.stream(node, b, f, 1)
	case stride > 1 && stride <= maxInterleave:
		rest, offset, ok := flatRest(b.Shape, ix, f.Var)
		if !ok {
			return
		}
		if oc.strided == nil {
			oc.strided = map[*loop.For][]ocStrided{}
		}
		_, store := node.(*loop.Store)
		oc.strided[f] = append(oc.strided[f], ocStrided{node, id, store, stride, rest, offset})
	}
}

// maxInterleave bounds the copies of an interleaved stream kiln looks
// for (an expanded unroll's factor).
const maxInterleave = 64

// stream records node as one of n accesses that together read or write
// b in order, one element each per iteration of f: a burst's latency
// is paid once per burst of the n together.
func (oc *ocKernel) stream(node any, b *loop.Buffer, f *loop.For, n int) {
	bytes := elemBytes(b)
	run := 0
	if f.Lo.Dyn == nil && f.Hi.Dyn == nil && f.Lo.Aff.IsConst() && f.Hi.Aff.IsConst() {
		run = n * trips(f.Lo.Aff.Const, f.Hi.Aff.Const, f.Step)
	}
	lat := float64(oc.cfg.LatencyCycles)
	a := ocAccess{stream: true, stall: lat * float64(bytes) / float64(oc.cfg.BurstBytes)}
	if run > 0 {
		a.stall = lat * float64(ceilDiv(run*bytes, oc.cfg.BurstBytes)) / float64(run)
	}
	oc.access[node] = a
}

// interleaved makes streams of the strided accesses that interleave: in
// one loop, of one buffer, all loads or all stores, with one stride s
// and the same other terms, whose offsets are s consecutive numbers (the
// copies of an unroll expanded by s: w[4*k], w[4*k+1], w[4*k+2],
// w[4*k+3] read w in order). Others stay random accesses.
func (oc *ocKernel) interleaved(k *loop.Kernel) {
	for f, as := range oc.strided {
		type group struct {
			buf    loop.BufID
			store  bool
			stride int
			rest   string
		}
		groups := map[group][]ocStrided{}
		for _, a := range as {
			g := group{a.buf, a.store, a.stride, a.rest}
			groups[g] = append(groups[g], a)
		}
		for g, as := range groups {
			if len(as) != g.stride {
				continue
			}
			offs := make([]int, len(as))
			for i, a := range as {
				offs[i] = a.offset
			}
			slices.Sort(offs)
			consecutive := true
			for i, o := range offs {
				consecutive = consecutive && o == offs[0]+i
			}
			if !consecutive {
				continue
			}
			for _, a := range as {
				oc.stream(a.node, k.Buffers[g.buf], f, g.stride)
			}
		}
	}
}

// flatRest is the row-major flat address of ix without v's term: the
// other variables' terms as text and the constant.
func flatRest(shape []int, ix []loop.Index, v loop.VarID) (rest string, offset int, ok bool) {
	var flat loop.Affine
	stride := 1
	for d := len(ix) - 1; d >= 0; d-- {
		if ix[d].Dyn != nil {
			return "", 0, false
		}
		flat = flat.Add(ix[d].Aff.Scale(stride))
		stride *= shape[d]
	}
	var b strings.Builder
	for _, t := range flat.Terms {
		if t.Var != v {
			fmt.Fprintf(&b, "%d*%d ", t.Coeff, t.Var)
		}
	}
	return b.String(), flat.Const, true
}

// flatStride is how far the row-major flat address of ix moves when v
// grows by one; 0 when an index is data-dependent.
func flatStride(shape []int, ix []loop.Index, v loop.VarID) int {
	stride, total := 1, 0
	for d := len(ix) - 1; d >= 0; d-- {
		if ix[d].Dyn != nil {
			return 0
		}
		total += ix[d].Aff.Coeff(v) * stride
		stride *= shape[d]
	}
	return total
}

// elemBytes is the bytes one element of b moves off chip.
func elemBytes(b *loop.Buffer) int { return ceilDiv(typeOf(b.Kind).bits, 8) }

// offchipAccess is the cost ID of an off-chip access of buffer id by node (its
// Load or Store; on is the on-chip cost ID of the operation), and
// records its traffic in the block.
func (b *blk) offchipAccess(on int32, id loop.BufID, node any) int32 {
	oc := b.m.oc
	a := oc.access[node]
	bytes := elemBytes(b.m.k.Buffers[id])
	b.oc.bytes += int64(bytes)
	b.oc.stall += a.stall
	if a.stream {
		b.oc.bus += int64(bytes)
	} else {
		b.oc.bus += int64(max(bytes, oc.cfg.AccessBytes))
	}
	kd := b.m.costs.kinds[on]
	key := ocCostKey{o: kd.o, t: kd.t, stream: a.stream}
	if k, ok := oc.ids[key]; ok {
		return k
	}
	c := *b.m.costs.cost(on)
	c.II = max(c.II, 1, int(math.Ceil(float64(bytes)/oc.cfg.ChannelBytesPerCycle-eps)))
	if !a.stream {
		c.Cycles = max(c.Cycles, oc.cfg.LatencyCycles)
	}
	c.Source = "off-chip interface (sim.OffChip)"
	k := b.m.costs.register(kd, b.m.costs.keys[on], c)
	oc.ids[key] = k
	return k
}

// register adds a cost the tables were not asked for (an off-chip
// access: the on-chip access's key and kind, other figures) under an ID
// of its own.
func (c *costCache) register(kd kind, key OpKey, oc OpCost) int32 {
	id := int32(len(c.keys))
	c.keys = append(c.keys, key)
	c.kinds = append(c.kinds, kd)
	c.costs = append(c.costs, oc)
	c.dup = true
	return id
}

// offchipRun finishes a kernel's run t: its burst stalls added, then
// bounded below by its bus traffic over the bandwidth of the channels it
// uses; the cycles added by that bound are its wait.
func (m *kmodel) offchipRun(t *tally) {
	if m.oc == nil || m.oc.channels == 0 {
		return
	}
	t.cycles += int64(math.Ceil(t.oc.stall - eps))
	o := &m.oc.cfg
	bw := o.ChannelBytesPerCycle * float64(m.oc.channels)
	if o.BytesPerCycle > 0 {
		bw = min(bw, o.BytesPerCycle)
	}
	if need := int64(math.Ceil(float64(t.oc.bus)/bw - eps)); need > t.cycles {
		t.oc.wait = need - t.cycles
		t.cycles = need
	}
}

// offchipLayer sets l's off-chip figures from its kernel's run t and
// adds them to the design's (called for every layer before its cycles
// are added to e's).
func (e *Result) offchipLayer(l *Layer, t *tally) {
	if t.oc.bytes > 0 {
		l.OffChipBytes = t.oc.bytes
		if l.Cycles > 0 {
			l.BandwidthBoundShare = float64(t.oc.wait) / float64(l.Cycles)
		}
		e.OffChipBytes += t.oc.bytes
		e.ocWait += t.oc.wait
	}
	if e.ocWait > 0 {
		e.BandwidthBoundShare = float64(e.ocWait) / float64(e.Cycles+l.Cycles)
	}
}

// offchipTemps marks the program's temporaries that live off chip: placed
// there, or bound to an off-chip parameter of a kernel (they take no
// on-chip memory); nil when there are none.
func offchipTemps(p *loop.Program) []bool {
	var out []bool
	mark := func(id loop.BufID) {
		if int(id) < 0 || int(id) >= len(p.Buffers) {
			return
		}
		if out == nil {
			out = make([]bool, len(p.Buffers))
		}
		out[id] = true
	}
	for id, b := range p.Buffers {
		if b != nil && b.Space == loop.OffChip {
			mark(loop.BufID(id))
		}
	}
	for _, c := range p.Calls {
		k := p.Kernels[c.Kernel]
		for j, id := range c.Args {
			if j < len(k.Params) && k.Params[j] >= 0 && int(k.Params[j]) < len(k.Buffers) && k.Buffers[k.Params[j]].Space == loop.OffChip {
				mark(id)
			}
		}
	}
	return out
}
