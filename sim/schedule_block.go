package sim

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
)

// blk turns the statements of one basic block (unrolled copies and fully
// unrolled inner loops included) into operations on a sched. Dependences:
// operands before their users; through registers (scalars, reg buffers)
// the last value written in the block; through memory, a load waits for
// an earlier store that may write the same element (the state after it),
// a store for earlier loads of it (the same state) and earlier stores (the
// state after). Two indices are different elements only when some
// dimension differs by a constant; nothing is forwarded from a store to a
// load (the arguments of a plain kernel may alias, as in SODA's runs).
type blk struct {
	m     *kmodel
	s     *sched
	regs  [][]regWrite // per buffer: register writes in this block
	acc   [][]access   // per buffer: memory accesses in this block
	sts   [][]access   // per buffer: its stores only (what a load waits for)
	args  []access     // accesses of the arguments (when they may alias)
	preds []int32      // conditions of the enclosing inlined ifs
	ops   []int32      // scratch for a store's operands
	ixs   []loop.Index // storage for substituted indices
	terms []loop.Term  // storage for their terms
	addrs []addrKey    // the addresses computed in the block (schedule_addr.go)
	cse   cseTab       // binary operations and addresses computed in the block
	one   [1]int32     // an access's operand: its address
	oc    ocTally      // the block's off-chip traffic (offchip.go)
	cands []dep        // recordOrder's scratch
}

type regWrite struct {
	idx []loop.Index
	val int32
}

type access struct {
	idx     []loop.Index
	buf     loop.BufID
	store   bool
	guarded bool   // a store inside an inlined if
	slot    int32  // the load or store
	val     int32  // the value loaded or stored
	key     uint64 // a load's idxKey(idx) under NoAlias: equal for the same element
}

// idxKey hashes an index (a polynomial hash of its constants and terms)
// so that loads of surely different elements are told apart without
// comparing them; data-dependent dimensions hash to a marker.
func idxKey(idx []loop.Index) uint64 {
	h := uint64(17)
	for _, x := range idx {
		if x.Dyn != nil {
			h = h*1000003 + 7
			continue
		}
		h = h*1000003 + uint64(x.Aff.Const)
		for _, t := range x.Aff.Terms {
			h = (h*1000003+uint64(t.Var))*1000003 + uint64(t.Coeff)
		}
		h = h*1000003 + 11
	}
	return h
}

// newBlk starts a block. Only one is open at a time, so one blk serves
// every block of an estimate, its slices keeping their storage.
func (m *kmodel) newBlk() *blk {
	b := m.costs.sc.spare
	if b == nil {
		b = &blk{s: &sched{}}
		m.costs.sc.spare = b
	}
	n := len(m.k.Buffers)
	b.m = m
	b.regs, b.acc, b.sts = resize(b.regs, n), resize(b.acc, n), resize(b.sts, n)
	b.preds, b.ixs, b.terms, b.args = b.preds[:0], b.ixs[:0], b.terms[:0], b.args[:0]
	b.addrs = b.addrs[:0]
	b.oc = ocTally{}
	b.cse.reset()
	b.s.period, b.s.ports, b.s.cc, b.s.rec = m.cfg.ClockNS, m.cfg.Channels, m.costs, m.costs.sc.rec
	if b.s.rec != nil {
		b.s.rec.startBlock()
	}
	b.s.mem = resize(b.s.mem, m.nmem)
	b.s.reset() // after mem: it sizes uses by it
	return b
}

// resize is s with n empty slices, reusing their storage (those beyond
// len(s) within its capacity too: appending nil there would drop them).
func resize[T any](s [][]T, n int) [][]T {
	s = s[:min(n, cap(s))]
	for len(s) < n {
		s = append(s, nil)
	}
	s = s[:n]
	for i := range s {
		s[i] = s[i][:0]
	}
	return s
}

// place schedules operation k on no memory after its operands.
func (b *blk) place(o op, t vtype, bits int, operands ...int32) int32 {
	id := b.m.costs.id(o, t)
	return b.s.place(id, b.m.costs.cost(id), bits, -1, 0, operands...)
}

// expr schedules e's operations and returns its value and type.
func (b *blk) expr(e loop.Expr) (int32, vtype) {
	switch e := e.(type) {
	case *loop.Const:
		return -1, typeOf(e.Kind)
	case *loop.VarRef:
		return -1, vtype{typ: tInt, bits: 64}
	case *loop.Load:
		return b.load(e)
	case *loop.Bin:
		x, tx := b.expr(e.X)
		y, ty := b.expr(e.Y)
		o, kt, rt := binKey(e.Op, tx, ty)
		return b.bin(e, o, kt, rt.bits, x, y), rt
	case *loop.Un:
		x, tx := b.expr(e.X)
		o, rt := unKey(e.Op, tx)
		return b.place(o, tx, rt.bits, x), rt
	case *loop.Cast:
		x, tx := b.expr(e.X)
		to := typeOf(e.To)
		return b.place(opCast, castType(tx, to), to.bits, x), to
	case *loop.Select:
		c, _ := b.expr(e.Cond)
		x, tx := b.expr(e.X)
		y, _ := b.expr(e.Y)
		return b.place(opSelect, tx, tx.bits, c, x, y), tx
	case *loop.Call:
		vals := make([]int32, len(e.Args))
		t := vtype{typ: tFloat, bits: 32}
		for i, a := range e.Args {
			var ta vtype
			if vals[i], ta = b.expr(a); i == 0 {
				t = ta
			}
		}
		o, ok := opByName[e.Func]
		if !ok {
			b.m.costs.errs = append(b.m.costs.errs, fmt.Errorf("unknown function %q", e.Func))
		}
		return b.place(o, t, t.bits, vals...), t
	}
	return -1, vtype{typ: tInt, bits: 64}
}

// index substitutes the unrolled copies' variables into ix and schedules
// the data-dependent parts, returning their values.
func (b *blk) index(ix []loop.Index) ([]loop.Index, []int32) {
	var dyn []int32
	out, copied := ix, false
	for i, x := range ix {
		if x.Dyn != nil {
			v, _ := b.expr(x.Dyn)
			dyn = append(dyn, v)
		}
		if !b.m.substituted(x.Aff) {
			continue
		}
		if !copied {
			start := len(b.ixs)
			b.ixs = append(b.ixs, ix...)
			out, copied = b.ixs[start:len(b.ixs):len(b.ixs)], true
		}
		start := len(b.terms)
		a := loop.Affine{Const: x.Aff.Const}
		for _, t := range x.Aff.Terms {
			s := b.m.sub[t.Var]
			if s.on {
				a.Const += t.Coeff * s.c
			}
			if !s.on || !s.fixed {
				b.terms = append(b.terms, t)
			}
		}
		a.Terms = b.terms[start:len(b.terms):len(b.terms)]
		out[i] = loop.Index{Aff: a, Dyn: x.Dyn}
	}
	return out, dyn
}

func (b *blk) load(e *loop.Load) (int32, vtype) {
	buf := b.m.k.Buffers[e.Buf]
	t := b.m.types[e.Buf]
	if buf.Role == loop.Constant && buf.Space != loop.OffChip && b.m.constIndex(e.Index) {
		return -1, t // a constant element: folded by LLVM (not one behind a pointer)
	}
	idx, dyn := b.index(e.Index)
	mem := b.m.mem[e.Buf]
	if mem == memReg {
		return b.readReg(e.Buf, idx), t
	}
	if v, ok := b.known(e.Buf, idx, dyn); ok {
		return v, t
	}
	addr := b.address(e.Buf, idx, dyn)
	after := b.order(e.Buf, idx, false)
	k := b.m.costs.id(opLoad, t)
	if b.m.offchip(e.Buf) {
		k = b.offchipAccess(k, e.Buf, e)
	}
	ops := dyn // no adder: the index's values feed the port
	if addr >= 0 {
		b.one[0] = addr
		ops = b.one[:]
	}
	id := b.s.place(k, b.m.costs.cost(k), t.bits, mem, after, ops...)
	a := access{idx: idx, buf: e.Buf, slot: id, val: id}
	if b.m.cfg.NoAlias {
		a.key = idxKey(idx) // known compares loads by it
	}
	b.record(e.Buf, a)
	return id, t
}

// known is the value of element idx of buffer id when the block has
// loaded or stored that very element before and nothing since may have
// written it: LLVM -O2's redundant-load removal and store-to-load
// forwarding (GVN) on the straight-line code, and SODA's affine scalar
// replacement in its full and nbt pipelines (polybench_kernels.md §3 step
// 5). Only under Config.NoAlias: SODA's plain runs (no noalias, no scalar
// replacement) show none of it — their cycles fit the model without it.
// Data-dependent indices never match.
func (b *blk) known(id loop.BufID, idx []loop.Index, dyn []int32) (int32, bool) {
	if len(dyn) > 0 || !b.m.cfg.NoAlias {
		return 0, false
	}
	list := b.acc[id]
	if b.m.argsAlias(id) {
		list = b.args
	}
	key := uint64(0)
	for i := len(list) - 1; i >= 0; i-- {
		a := &list[i]
		if a.buf != id {
			if a.store {
				return 0, false // another argument that may overlap
			}
			continue
		}
		if !a.store {
			if key == 0 {
				key = idxKey(idx)
			}
			if a.key != key {
				continue // a load of another element: no bar
			}
		}
		alias, same := mayAlias(a.idx, idx)
		switch {
		case same && !a.guarded:
			return a.val, true
		case alias && a.store:
			return 0, false
		}
	}
	return 0, false
}

func (b *blk) store(st *loop.Store) {
	v, t := b.expr(st.Value)
	idx, dyn := b.index(st.Index)
	t = b.m.types[st.Buf]
	mem := b.m.mem[st.Buf]
	if mem == memReg {
		b.regs[st.Buf] = append(b.regs[st.Buf], regWrite{idx: idx, val: v})
		return
	}
	addr := b.address(st.Buf, idx, dyn)
	after := b.order(st.Buf, idx, true)
	if addr >= 0 {
		b.ops = append(b.ops[:0], addr)
	} else {
		b.ops = append(b.ops[:0], dyn...)
	}
	b.ops = append(append(b.ops, v), b.preds...)
	k := b.m.costs.id(opStore, t)
	if b.m.offchip(st.Buf) {
		k = b.offchipAccess(k, st.Buf, st)
	}
	id := b.s.place(k, b.m.costs.cost(k), 0, mem, after, b.ops...)
	b.record(st.Buf, access{idx: idx, buf: st.Buf, store: true, guarded: len(b.preds) > 0, slot: id, val: v})
}

// readReg is the value a register read sees: the last write in the block
// that may be the same element, or a value from before the block.
func (b *blk) readReg(id loop.BufID, idx []loop.Index) int32 {
	ws := b.regs[id]
	for i := len(ws) - 1; i >= 0; i-- {
		if alias, _ := mayAlias(ws[i].idx, idx); alias {
			return ws[i].val
		}
	}
	return -1
}

// order is the earliest time (ns) an access of buffer id at idx may take
// place after the block's earlier accesses that may touch the element
// (memDeps lists the same accesses for reschedule).
// Without Config.NoAlias an argument's access is ordered after the other
// arguments' as well (they may overlap).
func (b *blk) order(id loop.BufID, idx []loop.Index, store bool) float64 {
	var after int32 // in states
	list := b.acc[id]
	switch {
	case b.m.argsAlias(id):
		list = b.args
	case !store:
		list = b.sts[id]
	}
	if r := b.s.rec; r != nil {
		return b.recordOrder(r, list, id, idx, store)
	}
	slots := b.s.slots
	if n := len(list); n > 0 && b.m.argsAlias(id) && !list[n-1].store {
		// arguments that may overlap: their accesses issue in program
		// order (a load no earlier than the load before it)
		after = slots[list[n-1].slot].cycle
	}
	for i := range list {
		a := &list[i]
		if !a.store && !store {
			continue
		}
		c := slots[a.slot].cycle
		if a.store {
			c++ // the write lands at the end of its state
		}
		if c <= after {
			continue // no later than a bar already found
		}
		if a.buf == id && !mayAliasOnly(a.idx, idx) {
			continue
		}
		after = c
		f := b.s.free[a.slot] - b.s.latency(b.s.cost(a.slot)) // its start with no ports
		if a.store {
			f += b.s.period
		}
		b.s.fbar = max(b.s.fbar, f)
	}
	return float64(after) * b.s.period
}

// recordOrder is order's answer while a trace is recorded: the accesses
// it compares with, noted for a replay (estimate_trace.go), then
// sched.orderAt on them.
func (b *blk) recordOrder(r *recorder, list []access, id loop.BufID, idx []loop.Index, store bool) float64 {
	seed := int32(-1)
	if n := len(list); n > 0 && b.m.argsAlias(id) && !list[n-1].store {
		seed = list[n-1].slot
	}
	cands := b.cands[:0]
	for i := range list {
		a := &list[i]
		if (a.store || store) && (a.buf != id || mayAliasOnly(a.idx, idx)) {
			cands = append(cands, dep{from: a.slot, store: a.store})
		}
	}
	b.cands = cands
	r.order(seed, cands)
	return b.s.orderAt(seed, cands)
}

func (b *blk) record(id loop.BufID, a access) {
	b.s.accs = append(b.s.accs, accRef{slot: a.slot, buf: int32(id), pos: int32(len(b.acc[id]))})
	b.acc[id] = append(b.acc[id], a)
	if a.store {
		b.sts[id] = append(b.sts[id], a)
	}
	if b.m.argsAlias(id) {
		b.args = append(b.args, a)
	}
}

// inlineIf schedules an if without loops as predicated code: the
// condition, then both branches, stores guarded by it.
func (bd *builder) inlineIf(s *loop.If) {
	c, _ := bd.block().expr(s.Cond)
	b := bd.cur
	b.preds = append(b.preds, c)
	bd.stmts(s.Then)
	bd.stmts(s.Else)
	b.preds = b.preds[:len(b.preds)-1]
}

// mayAlias reports whether indices a and b may name the same element, and
// whether they surely do.
func mayAlias(a, b []loop.Index) (alias, same bool) {
	same = len(a) == len(b)
	for i := range min(len(a), len(b)) {
		x, y := &a[i], &b[i]
		if x.Dyn != nil || y.Dyn != nil || !sameTerms(x.Aff, y.Aff) {
			same = false
			continue
		}
		if x.Aff.Const != y.Aff.Const {
			return false, false
		}
	}
	return true, same
}

// mayAliasOnly is mayAlias's first answer.
func mayAliasOnly(a, b []loop.Index) bool {
	for i := range min(len(a), len(b)) {
		x, y := &a[i], &b[i]
		if x.Aff.Const != y.Aff.Const && x.Dyn == nil && y.Dyn == nil && sameTerms(x.Aff, y.Aff) {
			return false
		}
	}
	return true
}

func sameTerms(a, b loop.Affine) bool {
	if len(a.Terms) != len(b.Terms) {
		return false
	}
	for i := range a.Terms {
		if a.Terms[i] != b.Terms[i] {
			return false
		}
	}
	return true
}

// constIndex reports whether ix is a constant under the substitutions in
// force.
func (m *kmodel) constIndex(ix []loop.Index) bool {
	for _, x := range ix {
		if x.Dyn != nil {
			return false
		}
		for _, t := range x.Aff.Terms {
			if s := m.sub[t.Var]; !s.on || !s.fixed {
				return false
			}
		}
	}
	return true
}

// memDeps lists each access's memory-order predecessors (the accesses
// order waits for) in the schedule's nodes, for reschedule.
func (b *blk) memDeps() {
	s := b.s
	s.deps = s.deps[:0]
	s.dr = resizeZero(s.dr, len(s.nodes)+1)
	v := int32(0)
	for _, a := range s.accs { // in program order
		for ; v <= a.slot; v++ {
			s.dr[v] = int32(len(s.deps))
		}
		b.accessDeps(a.slot, loop.BufID(a.buf), a.pos)
	}
	for ; int(v) <= len(s.nodes); v++ {
		s.dr[v] = int32(len(s.deps))
	}
}

// accessDeps appends the predecessors of access node v, the pos-th access
// of buffer id.
func (b *blk) accessDeps(v int32, id loop.BufID, pos int32) {
	a := &b.acc[id][pos]
	var list []access
	switch {
	case b.m.argsAlias(id):
		n := 0
		for n < len(b.args) && b.args[n].slot < v {
			n++
		}
		list = b.args[:n]
		if n > 0 && !list[n-1].store {
			b.s.deps = append(b.s.deps, dep{from: list[n-1].slot}) // in program order
		}
	case a.store:
		list = b.acc[id][:pos]
	default:
		n := 0
		for n < len(b.sts[id]) && b.sts[id][n].slot < v {
			n++
		}
		list = b.sts[id][:n]
	}
	for i := range list {
		e := &list[i]
		if !e.store && !a.store || e.buf == id && !mayAliasOnly(e.idx, a.idx) {
			continue
		}
		b.s.deps = append(b.s.deps, dep{from: e.slot, store: e.store})
	}
}
