package sim

import "slices"

// A plan is run's arithmetic on a traced kernel's segs written out: the
// loop bounds evaluated once (they do not depend on the clock), what is
// left the same additions and products of the block tallies, in the same
// order, as run makes them. It works on a stack of tallies.
type plan []pins

// pins is one step of a plan.
type pins struct {
	op    uint8
	a, b  *tally
	n, r  int64
	extra int64 // cycles added (latch passes)
}

// The steps of a plan.
const (
	pPush   uint8 = iota // a new sum
	pBlock               // the sum += *a
	pFlat                // the sum += a straight-line loop: *a × n, *b × r, extra
	pTimes               // pop b; the sum += b × n + extra
	pPopAdd              // pop b; the sum += b + extra
	pCond                // pop e, pop t; the sum += *a and the longer of t and e
)

// planLimit bounds a plan's steps; a kernel that needs more runs its segs.
const planLimit = 1 << 14

// planner writes a plan.
type planner struct {
	m   *kmodel
	p   plan
	env []int
}

// planOf is the plan of segs, nil when a bound fails or it would be too
// long.
func (m *kmodel) planOf(segs []seg, env []int) plan {
	pl := &planner{m: m, env: env}
	if !pl.run(segs) {
		return nil
	}
	return slices.Clip(pl.p)
}

func (pl *planner) emit(i pins) bool {
	pl.p = append(pl.p, i)
	return len(pl.p) <= planLimit
}

// run writes what m.run does: a new sum, ss added to it.
func (pl *planner) run(ss []seg) bool {
	ok := pl.emit(pins{op: pPush})
	for i := range ss {
		s := &ss[i]
		switch {
		case s.loop == nil && s.cond == nil:
			ok = ok && pl.emit(pins{op: pBlock, a: &s.block})
		case s.loop != nil:
			ok = ok && pl.loop(s.loop)
		default:
			ok = ok && pl.run(s.cond.then) && pl.run(s.cond.els) && pl.emit(pins{op: pCond, a: &s.cond.cond})
		}
		if !ok {
			return false
		}
	}
	return true
}

// loop writes what m.runLoop does, the loop's tally added to the sum.
func (pl *planner) loop(ls *loopSeg) bool {
	lo, err := pl.m.bound(ls.lo, pl.env)
	if err != nil {
		return false
	}
	hi, err := pl.m.bound(ls.hi, pl.env)
	if err != nil {
		return false
	}
	n := int64(trips(lo, hi, ls.step))
	if ls.flat {
		g, r := n/int64(ls.group), n%int64(ls.group)
		return pl.emit(pins{op: pFlat, a: &ls.body[0].block, b: &ls.rem, n: g, r: r, extra: (g + r) * ls.overhead})
	}
	passes := (n + int64(ls.group) - 1) / int64(ls.group)
	if !ls.varies {
		return pl.run(ls.body) && pl.emit(pins{op: pTimes, n: n, extra: passes * ls.overhead})
	}
	ok := pl.emit(pins{op: pPush})
	for i := range int(n) {
		pl.env[ls.v] = lo + i*ls.step
		ok = ok && pl.run(ls.body) && pl.emit(pins{op: pPopAdd})
		if !ok {
			return false
		}
	}
	return pl.emit(pins{op: pPopAdd, extra: passes * ls.overhead})
}

// sum is a tally without off-chip traffic (a traced kernel has none: its
// tallies' are zero, and stay zero through add and times).
type sum struct {
	cycles int64
	pj     float64
	ops    int64
}

func (t *sum) add(u sum) { t.cycles += u.cycles; t.pj += u.pj; t.ops += u.ops }

func (t sum) times(n int64) sum { return sum{t.cycles * n, t.pj * float64(n), t.ops * n} }

func sumOf(t *tally) sum { return sum{t.cycles, t.pj, t.ops} }

// eval is the plan's sum (as m.run's), stack its scratch.
func (p plan) eval(stack []sum) (tally, []sum) {
	stack = stack[:0]
	for i := range p {
		in := &p[i]
		top := len(stack) - 1
		switch in.op {
		case pPush:
			stack = append(stack, sum{})
		case pBlock:
			stack[top].add(sumOf(in.a))
		case pFlat:
			u := sumOf(in.a).times(in.n)
			if in.r > 0 {
				u.add(sumOf(in.b).times(in.r))
			}
			u.cycles += in.extra
			stack[top].add(u)
		case pTimes:
			u := stack[top].times(in.n)
			u.cycles += in.extra
			stack = stack[:top]
			stack[top-1].add(u)
		case pPopAdd:
			u := stack[top]
			u.cycles += in.extra
			stack = stack[:top]
			stack[top-1].add(u)
		case pCond:
			e, t := stack[top], stack[top-1]
			stack = stack[:top-1]
			stack[top-2].add(sumOf(in.a))
			if e.cycles > t.cycles {
				t = e
			}
			stack[top-2].add(t)
		}
	}
	s := stack[0]
	return tally{cycles: s.cycles, pj: s.pj, ops: s.ops}, stack
}
