package sim

import (
	"github.com/kiln-hls/kiln/ir/loop"
)

// Memory classes of a kernel's buffers (kmodel.mem); memory IDs are ≥ 0.
const memReg = -1 // a register: scalars, reg buffers

// kmodel is one kernel being estimated: which memory each buffer lives in,
// the unroll substitutions in force while a block is built, and what the
// blocks' schedules add up to.
type kmodel struct {
	k      *loop.Kernel
	cfg    *Config
	tune   Tuning
	costs  *costCache
	mem    []int // per buffer: memReg or a memory ID
	nmem   int
	sub    []shift // per variable: its substitution in unrolled copies
	nsub   int
	units  map[OpKey]int // the most units of each kind one state uses
	static map[OpKey]int // operations of each kind in all blocks
	live   int           // the most value bits held across a state boundary
	loops  int           // loops left after unrolling (their counters are registers)
	notes  []string
}

// shift substitutes a variable in an unrolled copy: v → c (fully
// unrolled) or v → v + c (a copy of a partly unrolled body).
type shift struct {
	on, fixed bool
	c         int
}

func (m *kmodel) cost(k OpKey) *OpCost { return m.costs.get(k) }

// substAff applies the substitutions in force to a.
func (m *kmodel) substAff(a loop.Affine) (loop.Affine, bool) {
	if m.nsub == 0 {
		return a, false
	}
	hit := false
	for _, t := range a.Terms {
		hit = hit || m.sub[t.Var].on
	}
	if !hit {
		return a, false
	}
	out := loop.Affine{Const: a.Const}
	for _, t := range a.Terms {
		s := m.sub[t.Var]
		switch {
		case !s.on:
			out.Terms = append(out.Terms, t)
		case s.fixed:
			out.Const += t.Coeff * s.c
		default:
			out.Const += t.Coeff * s.c
			out.Terms = append(out.Terms, t)
		}
	}
	return out, true
}

func (m *kmodel) setSub(v loop.VarID, s shift) shift {
	old := m.sub[v]
	if old.on != s.on {
		if s.on {
			m.nsub++
		} else {
			m.nsub--
		}
	}
	m.sub[v] = s
	return old
}

// constTrip is f's trip count when its bounds are constants under the
// substitutions in force.
func (m *kmodel) constTrip(f *loop.For) (lo, trip int, ok bool) {
	if f.Lo.Dyn != nil || f.Hi.Dyn != nil {
		return 0, 0, false
	}
	l, _ := m.substAff(f.Lo.Aff)
	h, _ := m.substAff(f.Hi.Aff)
	if !l.IsConst() || !h.IsConst() {
		return 0, 0, false
	}
	return l.Const, trips(l.Const, h.Const, f.Step), true
}

func trips(lo, hi, step int) int {
	if hi <= lo || step < 1 {
		return 0
	}
	return (hi - lo + step - 1) / step
}

// inlined reports whether loop f disappears into the enclosing block,
// and its trip count: a constant trip count, a body that is straight-line
// once its own inner loops are, and either an unroll(full) directive or
// (Config.LLVMUnroll, no directive) LLVM -O2's full unrolling: unrolled
// size (body size × trips + 2, LLVM's UnrolledSize with BEInsns = 2) under
// Tuning.UnrollThreshold.
func (m *kmodel) inlined(f *loop.For) (int, bool) {
	lo, trip, ok := m.constTrip(f)
	if !ok || f.Dir.Unroll >= 2 || f.Dir.Unroll == 0 && !m.cfg.LLVMUnroll {
		return 0, false
	}
	if trip == 0 {
		return 0, true
	}
	old := m.setSub(f.Var, shift{on: true, fixed: true, c: lo})
	size, straight := m.size(f.Body)
	m.setSub(f.Var, old)
	if !straight {
		return 0, false
	}
	if f.Dir.Unroll == loop.UnrollFull {
		return trip, true
	}
	return trip, size*trip+2 < m.tune.UnrollThreshold
}

// size is the body's size as LLVM's unroll cost sees it, roughly: one per
// operation and memory access, one more per access whose address uses a
// loop variable; inlined loops count their copies. straight is false when
// a loop remains.
func (m *kmodel) size(ss []loop.Stmt) (n int, straight bool) {
	straight = true
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.Store:
			n += m.exprSize(s.Value) + m.accessSize(s.Buf, s.Index)
		case *loop.If:
			a, ok1 := m.size(s.Then)
			b, ok2 := m.size(s.Else)
			n += m.exprSize(s.Cond) + a + b
			straight = straight && ok1 && ok2
		case *loop.For:
			trip, ok := m.inlined(s)
			if !ok {
				return n, false
			}
			lo, _, _ := m.constTrip(s)
			old := m.setSub(s.Var, shift{on: true, fixed: true, c: lo})
			body, _ := m.size(s.Body)
			m.setSub(s.Var, old)
			n += body * trip
		}
	}
	return n, straight
}

func (m *kmodel) accessSize(id loop.BufID, ix []loop.Index) int {
	if m.mem[id] == memReg {
		return 0
	}
	n := 1
	for _, x := range ix {
		if x.Dyn != nil || !x.Aff.IsConst() {
			return n + 1
		}
	}
	return n
}

func (m *kmodel) exprSize(e loop.Expr) int {
	n := 0
	loop.WalkExpr(e, func(e loop.Expr) {
		switch e := e.(type) {
		case *loop.Load:
			n += m.accessSize(e.Buf, e.Index)
		case *loop.Bin, *loop.Un, *loop.Cast, *loop.Select, *loop.Call:
			n++
		}
	})
	return n
}

// boundVars marks in used the variables that the bounds of the loops
// nested in ss (at any depth) read.
func boundVars(ss []loop.Stmt, used []bool) {
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.For:
			markIndex(s.Lo, used)
			markIndex(s.Hi, used)
			boundVars(s.Body, used)
		case *loop.If:
			boundVars(s.Then, used)
			boundVars(s.Else, used)
		}
	}
}

func markIndex(x loop.Index, used []bool) {
	for _, t := range x.Aff.Terms {
		used[t.Var] = true
	}
	if x.Dyn != nil {
		loop.WalkExpr(x.Dyn, func(e loop.Expr) {
			switch e := e.(type) {
			case *loop.VarRef:
				used[e.Var] = true
			case *loop.Load:
				for _, i := range e.Index {
					for _, t := range i.Aff.Terms {
						used[t.Var] = true
					}
				}
			}
		})
	}
}
