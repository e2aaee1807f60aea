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
	mem    []int   // per buffer: memReg or a memory ID
	types  []vtype // per buffer: its elements' type
	ext    []bool  // per buffer: an argument of the accelerator
	memo   map[*loop.For]unrollMemo
	nmem   int
	sub    []shift // per variable: its substitution in unrolled copies
	nsub   int
	units  []int // per operation ID: the most units one state uses
	static []int // per operation ID: operations in all blocks
	live   int   // the most value bits held across a state boundary
	loops  int   // loops left after unrolling (their counters are registers)
	notes  []string
	looked []looked // the memories' load costs resources looked up

	oc *ocKernel // its off-chip buffers (offchip.go); nil: none
}

// shift substitutes a variable in an unrolled copy: v → c (fully
// unrolled) or v → v + c (a copy of a partly unrolled body).
type shift struct {
	on, fixed bool
	llvm      bool // LLVM is weighing whether to unroll the loop (sizing only)
	c         int
}

// substituted reports whether a substitution in force changes a.
func (m *kmodel) substituted(a loop.Affine) bool {
	if m.nsub == 0 {
		return false
	}
	for _, t := range a.Terms {
		if m.sub[t.Var].on {
			return true
		}
	}
	return false
}

// substAff applies the substitutions in force to a.
func (m *kmodel) substAff(a loop.Affine) (loop.Affine, bool) {
	if !m.substituted(a) {
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

// argsAlias reports whether buffer id is an argument that may overlap the
// other arguments.
func (m *kmodel) argsAlias(id loop.BufID) bool { return !m.cfg.NoAlias && m.ext[id] }

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
	trip, _, ok := m.unrolled(f)
	return trip, ok
}

// unrolled is inlined's answer with the size of the unrolled loop. The
// answer is remembered where it cannot depend on the unrolled copies'
// substitutions: outside them, or for a nest whose bounds are constants.
func (m *kmodel) unrolled(f *loop.For) (trip, size int, ok bool) {
	r, hit := m.memo[f]
	if hit && r.valid && (m.nsub == 0 || r.rect) {
		return r.trip, r.size, r.ok
	}
	if !hit {
		r.rect = rectangular(f)
	}
	trip, size, ok = m.unroll(f)
	if m.nsub == 0 || r.rect {
		r.trip, r.size, r.ok, r.valid = trip, size, ok, true
	}
	m.memo[f] = r
	return trip, size, ok
}

// rectangular reports whether f and every loop in it have constant bounds.
func rectangular(f *loop.For) bool {
	if f.Lo.Dyn != nil || f.Hi.Dyn != nil || !f.Lo.Aff.IsConst() || !f.Hi.Aff.IsConst() {
		return false
	}
	return rectangularIn(f.Body)
}

func rectangularIn(ss []loop.Stmt) bool {
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.For:
			if !rectangular(s) {
				return false
			}
		case *loop.If:
			if !rectangularIn(s.Then) || !rectangularIn(s.Else) {
				return false
			}
		}
	}
	return true
}

func (m *kmodel) unroll(f *loop.For) (trip, size int, ok bool) {
	lo, trip, ok := m.constTrip(f)
	llvm := f.Dir.Unroll == 0
	if !ok || f.Dir.Unroll >= 2 || llvm && (!m.cfg.LLVMUnroll || m.llvmBound(f)) {
		return 0, 0, false
	}
	if trip == 0 {
		return 0, 0, true
	}
	old := m.setSub(f.Var, shift{on: true, fixed: true, llvm: llvm, c: lo})
	body, straight := m.size(f.Body)
	m.setSub(f.Var, old)
	if !straight {
		return 0, 0, false
	}
	size = body * trip
	return trip, size, f.Dir.Unroll == loop.UnrollFull || size+2 < m.tune.UnrollThreshold
}

// llvmBound reports whether f's bounds read the variable of an enclosing
// loop that LLVM is weighing to unroll (a triangular loop inside it). To
// LLVM's cost such a loop is one loop, its body counted once (unrolled
// size = trip × the outer body's size, LoopUnrollPass.cpp); once the outer
// loop is unrolled, each copy's inner loop has a constant trip count and
// is weighed on its own.
func (m *kmodel) llvmBound(f *loop.For) bool {
	for _, a := range [2]loop.Affine{f.Lo.Aff, f.Hi.Aff} {
		for _, t := range a.Terms {
			if s := m.sub[t.Var]; s.on && s.llvm {
				return true
			}
		}
	}
	return false
}

type unrollMemo struct {
	trip, size      int
	ok, rect, valid bool
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
			_, size, ok := m.unrolled(s)
			switch {
			case ok:
				n += size
			case m.llvmBound(s):
				// a loop whose trip count the candidate's unrolling makes
				// constant: LLVM's cost counts it once, with its control
				body, _ := m.size(s.Body)
				n += body + loopControl(s)
			default:
				return n, false
			}
		}
	}
	return n, straight
}

// straight reports whether ss is straight-line code once the loops in it
// that are unrolled completely are.
func (m *kmodel) straight(ss []loop.Stmt) bool {
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.For:
			if _, _, ok := m.unrolled(s); !ok {
				return false
			}
		case *loop.If:
			if !m.straight(s.Then) || !m.straight(s.Else) {
				return false
			}
		}
	}
	return true
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
	switch e := e.(type) {
	case *loop.Load:
		n := m.accessSize(e.Buf, e.Index)
		for _, x := range e.Index {
			if x.Dyn != nil {
				n += m.exprSize(x.Dyn)
			}
		}
		return n
	case *loop.Bin:
		return 1 + m.exprSize(e.X) + m.exprSize(e.Y)
	case *loop.Un:
		return 1 + m.exprSize(e.X)
	case *loop.Cast:
		return 1 + m.exprSize(e.X)
	case *loop.Select:
		return 1 + m.exprSize(e.Cond) + m.exprSize(e.X) + m.exprSize(e.Y)
	case *loop.Call:
		n := 1
		for _, a := range e.Args {
			n += m.exprSize(a)
		}
		return n
	}
	return 0
}

// boundsUse reports whether a loop nested in ss (at any depth) has
// bounds that read variable v.
func boundsUse(ss []loop.Stmt, v loop.VarID) bool {
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.For:
			if indexUses(s.Lo, v) || indexUses(s.Hi, v) || boundsUse(s.Body, v) {
				return true
			}
		case *loop.If:
			if boundsUse(s.Then, v) || boundsUse(s.Else, v) {
				return true
			}
		}
	}
	return false
}

func indexUses(x loop.Index, v loop.VarID) bool {
	if x.Aff.Coeff(v) != 0 {
		return true
	}
	return x.Dyn != nil && exprUses(x.Dyn, v)
}

func exprUses(e loop.Expr, v loop.VarID) bool {
	switch e := e.(type) {
	case *loop.VarRef:
		return e.Var == v
	case *loop.Load:
		for _, x := range e.Index {
			if indexUses(x, v) {
				return true
			}
		}
	case *loop.Bin:
		return exprUses(e.X, v) || exprUses(e.Y, v)
	case *loop.Un:
		return exprUses(e.X, v)
	case *loop.Cast:
		return exprUses(e.X, v)
	case *loop.Select:
		return exprUses(e.Cond, v) || exprUses(e.X, v) || exprUses(e.Y, v)
	case *loop.Call:
		for _, a := range e.Args {
			if exprUses(a, v) {
				return true
			}
		}
	}
	return false
}

// once reports whether f is a loop LLVM -O2 removes (Config.LLVMUnroll)
// though it holds loops: one iteration, known at compile time, so that
// IndVarSimplify folds its exit condition and its body joins the code
// around it (SODA's single-iteration n loops around several nests,
// polybench_kernels.md §4). Evidence: two_mm at N = 8 after full, its
// copy nests and its product in one block, 98 cycles (Bambu) against 122
// with the loop kept.
func (m *kmodel) once(f *loop.For) bool {
	if !m.cfg.LLVMUnroll || f.Dir.Unroll >= 2 {
		return false
	}
	_, trip, ok := m.constTrip(f)
	return ok && trip == 1
}

// loopControl is what a loop kept inside a loop LLVM weighs adds to its
// size besides its body: the increment of its variable, the compare and
// the branch of its latch (LLVM's size counts every instruction but PHIs
// one, CodeMetrics with TTI's TCC_Basic: LoopUnrollPass.cpp,
// ApproximateLoopSize), and one instruction per bound computed from the
// outer loops' variables (syrk's j < i + 1, trmm's k ≥ i + 1). Evidence:
// syrk after SODA's full pipeline is unrolled completely at N = 2 (Bambu
// 16 cycles) but keeps its i and j loops at N = 4 (222 cycles; the model
// 226 with them, 25 without), its i loop weighing 4 × 37 + 2 = 150, not
// under the threshold; with the latch alone (2) it would weigh 142.
func loopControl(f *loop.For) int {
	n := 3
	for _, b := range [2]loop.Index{f.Lo, f.Hi} {
		if b.Dyn != nil || len(b.Aff.Terms) > 1 || len(b.Aff.Terms) == 1 && (b.Aff.Const != 0 || b.Aff.Terms[0].Coeff != 1) {
			n++
		}
	}
	return n
}
