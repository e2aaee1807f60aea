package sim

import (
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Traces. Most of a kernel's estimate does not depend on the clock: which
// loops LLVM unrolls, the blocks they make, the operations of each block
// with their operands (after common subexpressions, forwarded loads and
// register reads), the accesses each access must follow in memory order,
// and the segs that add the blocks up. Only the schedule does: the cost
// tables' answers at the period and the ports. An Estimator that builds a
// kernel a second time under the same settings but the clock and the
// channels records that part (a trace), and from then on schedules the
// recorded operations again (replay) instead of walking the loop IR: the
// same calls of sched.place with the same arguments, in the same order,
// so every figure is the same as building it again.
//
// A trace holds for its kernel pointer, the settings but ClockNS,
// Channels and OffChip (traceKey: a kernel with off-chip buffers is never
// traced, the only thing OffChip changes), and the arguments it was
// recorded with. The one clock-dependent choice a build makes, whether
// the tables have an address adder (kmodel.addrID), is checked first; a
// trace that disagrees is not used.

// traceKey finds a kernel's trace.
type traceKey struct {
	k   *loop.Kernel
	key kernelKey // clockNS, channels, offchip, mux and memIface zero (resources are never replayed)
}

// traceLimit bounds an Estimator's traces (and kernels seen once): at the
// limit they start over.
const traceLimit = 1024

// No order: an operation that is not an access placed after others.
const noOrder = -2

// trace is a kernel's build, recorded.
type trace struct {
	key    traceKey
	ext    []bool
	addr   int8   // addrID's answer when recorded: 0 not asked, 1 an adder, −1 none
	kinds  []kind // the operation kinds asked for, in the order first asked
	ops    []tOp
	opnds  []int32
	ords   []dep // accesses' memory-order candidates (blk.order)
	blocks []tBlock
	dst    []*tally // per block: its tally's place in segs
	segs   []seg    // the kernel's segs, block tallies overwritten by replay
	plan   plan     // run's arithmetic on segs; nil: run them
	loops  int
	notes  []string
	mem    []int   // kmodel.assign's answers
	types  []vtype // …
	nmem   int     // …
	broken bool    // something the recording cannot replay: not kept
}

// tOp is a recorded sched.place: its kind (an index in trace.kinds), the
// width of its value, its memory, its operands (opnds[op0:op1]) and, for
// an access, what blk.order computed its earliest time from: the seed (an
// access issued before it in program order, −1 none; noOrder: no order
// at all, time 0) and the candidates ords[ord0:ord1].
type tOp struct {
	kind, bits, mem int32
	op0, op1        int32
	seed            int32
	ord0, ord1      int32
}

// tBlock is a recorded block: its operations ops[op0:op1] and the
// memory-order predecessors blk.memDeps found (for reschedule).
type tBlock struct {
	op0, op1 int32
	deps     []dep
	dr       []int32
	t        tally // its tally when recorded
}

// recorder is the trace being recorded (scratch.rec) and its scratch.
type recorder struct {
	t      *trace
	idKind []int32 // per operation ID: its index in t.kinds + 1
	op0    int32   // the open block's first operation
	pend   tOp     // blk.order's answer for the next place
	ordSet bool
}

// traces are an Estimator's kernel traces.
type traces struct {
	m       map[traceKey]*trace // the traces recorded
	seen    map[traceKey]bool   // kernels built once under their key, not recorded yet
	at      []*trace            // per kernel position: the trace used there last
	rec     recorder
	replays int // kernels replayed (tests)
}

func traceKeyOf(k *loop.Kernel, cfg *Config, tune Tuning) traceKey {
	key := keyOf(cfg, tune)
	key.clockNS, key.channels, key.offchip, key.mux, key.memIface = 0, 0, OffChip{}, 0, 0
	return traceKey{k: k, key: key}
}

// lookup is the trace for kernel position ki, key tk and arguments ext,
// and whether to record one: a kernel built before under the same key
// (at another clock or channel count, or with other arguments) is
// recorded, one never seen is only remembered (a kernel met once, or
// under settings that change every time, costs no recording).
func (ts *traces) lookup(ki int, tk traceKey, ext []bool) (t *trace, record bool) {
	if ki < len(ts.at) {
		if t = ts.at[ki]; t != nil && t.key == tk && slices.Equal(t.ext, ext) {
			return t, false
		}
	}
	if t = ts.m[tk]; t != nil {
		if slices.Equal(t.ext, ext) {
			ts.setAt(ki, t)
			return t, false
		}
		return nil, true
	}
	if ts.seen[tk] {
		return nil, true
	}
	if ts.seen == nil || len(ts.seen) >= traceLimit {
		ts.seen = make(map[traceKey]bool)
	}
	ts.seen[tk] = true
	return nil, false
}

// store keeps t, recorded at kernel position ki.
func (ts *traces) store(ki int, t *trace) {
	if ts.m == nil || len(ts.m) >= traceLimit {
		ts.m = make(map[traceKey]*trace)
	}
	ts.m[t.key] = t
	ts.setAt(ki, t)
}

func (ts *traces) setAt(ki int, t *trace) {
	for len(ts.at) <= ki {
		ts.at = append(ts.at, nil)
	}
	ts.at[ki] = t
}

// start begins recording the build of a kernel with key tk and arguments
// ext.
func (r *recorder) start(tk traceKey, ext []bool) *recorder {
	*r = recorder{t: &trace{key: tk, ext: slices.Clone(ext)}, idKind: r.idKind[:0]}
	return r
}

// kind notes that the build asked for operation ID id (of kind kd).
func (r *recorder) kind(id int32, kd kind) {
	for int(id) >= len(r.idKind) {
		r.idKind = append(r.idKind, 0)
	}
	if r.idKind[id] == 0 {
		r.t.kinds = append(r.t.kinds, kd)
		r.idKind[id] = int32(len(r.t.kinds))
	}
}

// adder notes kmodel.addrID's answer (costCache.addr).
func (r *recorder) adder(addr int32, kd kind) {
	r.t.addr = -1
	if addr > 0 {
		r.t.addr = 1
		r.kind(addr-1, kd)
	}
}

// order notes blk.order's answer for the access about to be placed.
func (r *recorder) order(seed int32, cands []dep) {
	t := r.t
	r.pend.seed, r.pend.ord0 = seed, int32(len(t.ords))
	t.ords = append(t.ords, cands...)
	r.pend.ord1, r.ordSet = int32(len(t.ords)), true
}

// op notes a sched.place.
func (r *recorder) op(k int32, bits, mem int, operands []int32) {
	t := r.t
	o := tOp{bits: int32(bits), mem: int32(mem), seed: noOrder}
	if int(k) >= len(r.idKind) || r.idKind[k] == 0 {
		t.broken = true
	} else {
		o.kind = r.idKind[k] - 1
	}
	if r.ordSet {
		o.seed, o.ord0, o.ord1 = r.pend.seed, r.pend.ord0, r.pend.ord1
		r.ordSet = false
	}
	o.op0 = int32(len(t.opnds))
	t.opnds = append(t.opnds, operands...)
	o.op1 = int32(len(t.opnds))
	t.ops = append(t.ops, o)
}

// startBlock notes that a block opens.
func (r *recorder) startBlock() { r.op0, r.ordSet = int32(len(r.t.ops)), false }

// endBlock notes that the open block is finished, with the memory-order
// predecessors in s and tally u, and returns a marker in its place: cycles
// −1 − its number (finish puts u back and notes where it lands).
func (r *recorder) endBlock(s *sched, u tally) tally {
	t := r.t
	t.blocks = append(t.blocks, tBlock{op0: r.op0, op1: int32(len(t.ops)),
		deps: slices.Clone(s.deps), dr: slices.Clone(s.dr), t: u})
	return tally{cycles: -int64(len(t.blocks))}
}

// finish completes the trace from the kernel's build: its segs (copied
// out of the scratch slabs, the blocks' markers replaced by their tallies
// in both), loops and notes. It reports whether the trace can be
// replayed.
func (r *recorder) finish(m *kmodel, segs []seg) bool {
	t := r.t
	t.dst = make([]*tally, len(t.blocks))
	t.segs = t.copySegs(segs)
	t.loops, t.notes = m.loops, slices.Clone(m.notes)
	t.mem, t.types, t.nmem = slices.Clone(m.mem), slices.Clone(m.types), m.nmem
	for _, d := range t.dst {
		t.broken = t.broken || d == nil
	}
	if !t.broken {
		t.plan = m.planOf(t.segs, make([]int, len(m.k.Vars)))
	}
	return !t.broken
}

// copySegs deep-copies ss into storage of the trace's own, replacing
// the blocks' markers in both by their tallies and noting where each
// lands in the copy.
func (t *trace) copySegs(ss []seg) []seg {
	if len(ss) == 0 {
		return nil
	}
	out := slices.Clone(ss)
	for i := range out {
		s := &out[i]
		switch {
		case s.loop != nil:
			ls := *s.loop
			ls.body = t.copySegs(s.loop.body)
			t.place(&s.loop.rem, &ls.rem)
			s.loop = &ls
		case s.cond != nil:
			c := *s.cond
			c.then, c.els = t.copySegs(s.cond.then), t.copySegs(s.cond.els)
			t.place(&s.cond.cond, &c.cond)
			s.cond = &c
		default:
			t.place(&ss[i].block, &s.block)
		}
	}
	return out
}

// place puts the tally of the block whose marker u holds in u and its
// copy c, and notes c as its place.
func (t *trace) place(u, c *tally) {
	i := int(-u.cycles) - 1
	switch {
	case i < 0: // no block: a loop's remainder when it has none
		return
	case i >= len(t.blocks): // not a marker (cannot happen)
		t.broken = true
		return
	}
	*u, *c = t.blocks[i].t, t.blocks[i].t
	if t.dst[i] != nil { // a block in two places (cannot happen)
		t.broken = true
	}
	t.dst[i] = c
}

// replay schedules t's blocks again at m's settings and writes their
// tallies into t.segs. It reports false, having changed nothing the build
// would not, when t does not hold: the tables' address adder differs.
func (m *kmodel) replay(t *trace) bool {
	c := m.costs
	if t.addr != 0 && (m.addrID() >= 0) != (t.addr > 0) {
		return false
	}
	sc := c.sc
	ids := resizeZero(sc.tids, len(t.kinds))
	sc.tids = ids
	for i, kd := range t.kinds {
		ids[i] = c.id(kd.o, kd.t)
	}
	if len(c.errs) > 0 {
		return true // the build would fail on the same answers
	}
	if sc.spare == nil {
		sc.spare = &blk{s: &sched{}}
	}
	s := sc.spare.s
	s.period, s.ports, s.cc, s.rec = m.cfg.ClockNS, m.cfg.Channels, c, nil
	for i := range t.blocks {
		*t.dst[i] = m.replayBlock(t, &t.blocks[i], s, ids)
	}
	m.loops, m.notes = t.loops, t.notes[:len(t.notes):len(t.notes)]
	return true
}

// replayBlock places block tb's operations on s again, as the build did.
func (m *kmodel) replayBlock(t *trace, tb *tBlock, s *sched, ids []int32) tally {
	s.mem = resize(s.mem, m.nmem)
	s.reset()
	for _, o := range t.ops[tb.op0:tb.op1] {
		after := 0.0
		if o.seed != noOrder {
			after = s.orderAt(o.seed, t.ords[o.ord0:o.ord1])
		}
		k := ids[o.kind]
		s.place(k, m.costs.cost(k), int(o.bits), int(o.mem), after, t.opnds[o.op0:o.op1]...)
	}
	if s.waited && s.improvable() {
		s.deps, s.dr = append(s.deps[:0], tb.deps...), append(s.dr[:0], tb.dr...)
		s.reschedule()
	}
	return m.tally(s, ocTally{})
}

// orderAt is blk.order's answer from its seed and candidates: the state
// after the latest store among them (the state of a load, or the seed's),
// and the memory-order bar for place.
func (s *sched) orderAt(seed int32, cands []dep) float64 {
	var after int32
	if seed >= 0 {
		after = s.slots[seed].cycle
	}
	for _, a := range cands {
		c := s.slots[a.from].cycle
		if a.store {
			c++
		}
		if c <= after {
			continue
		}
		after = c
		f := s.free[a.from] - s.latency(s.cost(a.from))
		if a.store {
			f += s.period
		}
		s.fbar = max(s.fbar, f)
	}
	return float64(after) * s.period
}
