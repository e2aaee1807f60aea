package sim

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// seg is one piece of a statement list after unrolling: a basic block
// (scheduled once), a loop, or an if whose branches hold loops.
type seg struct {
	block tally // when loop and cond are nil
	loop  *loopSeg
	cond  *condSeg
}

// tally is what running something costs: states, dynamic energy,
// operations.
type tally struct {
	cycles int64
	pj     float64
	ops    int64
	oc     ocTally // off-chip traffic (offchip.go)
}

func (t *tally) add(u tally) { t.cycles += u.cycles; t.pj += u.pj; t.ops += u.ops; t.oc.add(u.oc) }

func (t tally) times(n int64) tally {
	return tally{cycles: t.cycles * n, pj: t.pj * float64(n), ops: t.ops * n, oc: t.oc.times(n)}
}

// loopSeg is a loop that remains a loop. A straight-line body (flat) is one
// block of group copies (the unroll factor; 1 when not unrolled), the
// iterations left over run a block of one copy; any other body runs once
// per iteration. Each pass through the loop's latch costs
// Tuning.LoopCycles, none when it is fully unrolled. varies: a loop inside
// has bounds that read this loop's variable, so iterations differ.
type loopSeg struct {
	v        loop.VarID
	lo, hi   loop.Index
	step     int
	group    int
	flat     bool
	full     bool
	body     []seg
	rem      tally
	varies   bool
	overhead int64
}

type condSeg struct {
	cond      tally
	then, els []seg
}

// builder turns a statement list into segs, gathering straight-line code
// into the current block.
type builder struct {
	m     *kmodel
	start int // where this builder's segs begin on the scratch stack
	cur   *blk
}

func (bd *builder) push(s seg) {
	sc := bd.m.costs.sc
	sc.stack = append(sc.stack, s)
}

func (bd *builder) block() *blk {
	if bd.cur == nil {
		bd.cur = bd.m.newBlk()
	}
	return bd.cur
}

// flush closes the current block.
func (bd *builder) flush() {
	if bd.cur != nil && bd.cur.s.ops > 0 {
		t := bd.m.finish(bd.cur)
		bd.push(seg{block: t})
	}
	bd.cur = nil
}

func (m *kmodel) build(ss []loop.Stmt) []seg {
	sc := m.costs.sc
	bd := builder{m: m, start: len(sc.stack)}
	bd.stmts(ss)
	bd.flush()
	out := sc.keep(sc.stack[bd.start:])
	sc.stack = sc.stack[:bd.start]
	return out
}

func (bd *builder) stmts(ss []loop.Stmt) {
	m := bd.m
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.Store:
			bd.block().store(s)
		case *loop.If:
			if m.straight(s.Then) && m.straight(s.Else) {
				bd.inlineIf(s)
				continue
			}
			bd.flush()
			bd.push(seg{cond: m.condSeg(s)})
		case *loop.For:
			if trip, ok := m.inlined(s); ok {
				bd.inline(s, trip)
				continue
			}
			if m.once(s) {
				bd.inline(s, 1)
				continue
			}
			bd.flush()
			bd.push(seg{loop: m.loopSeg(s)})
		}
	}
}

// inline adds trip copies of f's body to the current block, f's variable
// a constant in each.
func (bd *builder) inline(f *loop.For, trip int) {
	lo, _, _ := bd.m.constTrip(f)
	old := bd.m.sub[f.Var]
	for u := range trip {
		bd.m.setSub(f.Var, shift{on: true, fixed: true, c: lo + u*f.Step})
		bd.stmts(f.Body)
	}
	bd.m.setSub(f.Var, old)
}

// finish records a block's units, registers and operations in the kernel
// and returns what one execution costs.
func (m *kmodel) finish(b *blk) tally {
	r := b.s.rec
	if r != nil { // the trace keeps the predecessors for a replay
		b.memDeps()
	}
	if b.s.waited && b.s.improvable() {
		if r == nil {
			b.memDeps()
		}
		b.s.reschedule()
	}
	t := m.tally(b.s, b.oc)
	if r != nil {
		return r.endBlock(b.s, t)
	}
	return t
}

// tally records a scheduled block's units, registers and operations in
// the kernel and returns what one execution costs.
func (m *kmodel) tally(s *sched, oc ocTally) tally {
	m.units = s.peak(m.units)
	for k, n := range s.static {
		for len(m.static) <= k {
			m.static = append(m.static, 0)
		}
		m.static[k] += n
	}
	m.live = max(m.live, s.liveBits())
	return tally{cycles: int64(s.length), pj: s.pj, ops: s.ops, oc: oc}
}

func (m *kmodel) loopSeg(f *loop.For) *loopSeg {
	m.loops++
	lo, hi := m.substIndex(f.Lo), m.substIndex(f.Hi)
	ls := m.costs.sc.newLoop()
	*ls = loopSeg{v: f.Var, lo: lo, hi: hi, step: f.Step, group: 1, overhead: int64(m.tune.LoopCycles)}
	constant := lo.Dyn == nil && hi.Dyn == nil && lo.Aff.IsConst() && hi.Aff.IsConst()
	if n := f.Dir.Unroll; n >= 2 {
		ls.group = n
	} else if n == loop.UnrollFull && constant {
		ls.full, ls.overhead = true, 0
	}
	ls.flat = m.straight(f.Body) && !ls.full
	if ls.flat {
		ls.body = m.costs.sc.keep([]seg{{block: m.copies(f, ls.group)}})
		if ls.group > 1 && !(constant && trips(lo.Aff.Const, hi.Aff.Const, f.Step)%ls.group == 0) {
			ls.rem = m.copies(f, 1) // the remainder loop (none when the group divides the trip count)
		}
	} else {
		ls.body = m.build(f.Body)
	}
	ls.varies = boundsUse(f.Body, f.Var)
	return ls
}

// copies schedules n copies of f's straight-line body as one block, copy
// u with f's variable shifted by u steps.
func (m *kmodel) copies(f *loop.For, n int) tally {
	bd := &builder{m: m, start: len(m.costs.sc.stack)}
	old := m.sub[f.Var]
	for u := range n {
		m.setSub(f.Var, shift{on: u > 0, c: u * f.Step})
		bd.stmts(f.Body)
	}
	m.setSub(f.Var, old)
	var t tally
	if bd.cur != nil {
		t = m.finish(bd.cur)
	}
	return t
}

func (m *kmodel) condSeg(s *loop.If) *condSeg {
	bd := &builder{m: m, start: len(m.costs.sc.stack)}
	bd.block().expr(s.Cond)
	t := m.finish(bd.cur)
	m.note("an if holding loops is costed as its longer branch")
	return &condSeg{cond: t, then: m.build(s.Then), els: m.build(s.Else)}
}

func (m *kmodel) substIndex(x loop.Index) loop.Index {
	a, _ := m.substAff(x.Aff)
	return loop.Index{Aff: a, Dyn: x.Dyn}
}

func (m *kmodel) note(s string) {
	for _, n := range m.notes {
		if n == s {
			return
		}
	}
	m.notes = append(m.notes, s)
}

// run is what segs cost with the loop variables env (those that loop
// bounds read are set by the enclosing loops).
func (m *kmodel) run(ss []seg, env []int) (tally, error) {
	var t tally
	for _, s := range ss {
		switch {
		case s.loop == nil && s.cond == nil:
			t.add(s.block)
		case s.loop != nil:
			u, err := m.runLoop(s.loop, env)
			if err != nil {
				return t, err
			}
			t.add(u)
		case s.cond != nil:
			a, err := m.run(s.cond.then, env)
			if err != nil {
				return t, err
			}
			b, err := m.run(s.cond.els, env)
			if err != nil {
				return t, err
			}
			t.add(s.cond.cond)
			if b.cycles > a.cycles {
				a = b
			}
			t.add(a)
		}
	}
	return t, nil
}

func (m *kmodel) runLoop(ls *loopSeg, env []int) (tally, error) {
	lo, err := m.bound(ls.lo, env)
	if err != nil {
		return tally{}, err
	}
	hi, err := m.bound(ls.hi, env)
	if err != nil {
		return tally{}, err
	}
	n := int64(trips(lo, hi, ls.step))
	if ls.flat {
		g, r := n/int64(ls.group), n%int64(ls.group)
		t := ls.body[0].block.times(g)
		if r > 0 {
			t.add(ls.rem.times(r))
		}
		t.cycles += (g + r) * ls.overhead
		return t, nil
	}
	var t tally
	if !ls.varies {
		b, err := m.run(ls.body, env)
		if err != nil {
			return t, err
		}
		t = b.times(n)
	} else {
		for i := range int(n) {
			env[ls.v] = lo + i*ls.step
			b, err := m.run(ls.body, env)
			if err != nil {
				return t, err
			}
			t.add(b)
		}
	}
	passes := (n + int64(ls.group) - 1) / int64(ls.group)
	t.cycles += passes * ls.overhead
	return t, nil
}

// bound evaluates a loop bound: its affine part over env, plus its
// data-dependent part when that reads constants only (CSR row pointers).
func (m *kmodel) bound(x loop.Index, env []int) (int, error) {
	v := x.Aff.Eval(env)
	if x.Dyn == nil {
		return v, nil
	}
	d, err := m.dyn(x.Dyn, env)
	return v + int(d), err
}

// dyn evaluates an integer expression over loop variables and constant
// buffers.
func (m *kmodel) dyn(e loop.Expr, env []int) (int64, error) {
	switch e := e.(type) {
	case *loop.Const:
		return e.Int, nil
	case *loop.VarRef:
		return int64(env[e.Var]), nil
	case *loop.Cast:
		return m.dyn(e.X, env)
	case *loop.Load:
		return m.constElem(e, env)
	case *loop.Bin:
		x, err := m.dyn(e.X, env)
		if err != nil {
			return 0, err
		}
		y, err := m.dyn(e.Y, env)
		if err != nil {
			return 0, err
		}
		return intBin(e.Op, x, y)
	}
	return 0, fmt.Errorf("a loop bound depends on %T, not constant data", e)
}

func intBin(op loop.BinOp, x, y int64) (int64, error) {
	switch op {
	case loop.Add:
		return x + y, nil
	case loop.Sub:
		return x - y, nil
	case loop.Mul:
		return x * y, nil
	case loop.Min:
		return min(x, y), nil
	case loop.Max:
		return max(x, y), nil
	case loop.Div, loop.Rem:
		if y == 0 {
			return 0, fmt.Errorf("a loop bound divides by zero")
		}
		if op == loop.Div {
			return x / y, nil
		}
		return x % y, nil
	}
	return 0, fmt.Errorf("a loop bound uses %v", op)
}

func (m *kmodel) constElem(e *loop.Load, env []int) (int64, error) {
	b := m.k.Buffers[e.Buf]
	if b.Role != loop.Constant || b.Init == nil {
		return 0, fmt.Errorf("a loop bound reads %s, which is not constant data: its trip count is unknown before run time", b.Name)
	}
	off := 0
	for d, x := range e.Index {
		i := x.Aff.Eval(env)
		if x.Dyn != nil {
			v, err := m.dyn(x.Dyn, env)
			if err != nil {
				return 0, err
			}
			i += int(v)
		}
		if i < 0 || i >= b.Shape[d] {
			return 0, fmt.Errorf("a loop bound reads %s out of its bounds", b.Name)
		}
		off = off*b.Shape[d] + i
	}
	switch b.Init.Kind.Class() {
	case dtype.ClassInt:
		return b.Init.I64[off], nil
	case dtype.ClassUint:
		return int64(b.Init.U64[off]), nil
	}
	return 0, fmt.Errorf("a loop bound reads %s of kind %v", b.Name, b.Kind)
}
