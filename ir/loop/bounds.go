package loop

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// limit bounds every intermediate of the range arithmetic so it cannot
// overflow an int; a bound beyond it is reported as unknown.
const limit = 1 << 61

// inBounds reports an error unless index x provably lies in [0, n) for
// every iteration of the enclosing loops (under the If guards in force).
func (v *verifier) inBounds(x Index, n int, what string) {
	low, high := x.Aff, x.Aff
	if x.Dyn != nil {
		lo, hi, ok := v.rangeOf(x.Dyn)
		if !ok {
			v.errorf("%s: cannot bound the data-dependent index %s (clamp it with min and max)", what, v.exprString(x.Dyn))
			return
		}
		low.Const += lo
		high.Const += hi
	}
	if v.nonNeg(low) && v.nonNeg(Lit(n-1).Sub(high)) {
		return
	}
	lo, okl := v.minOf(low)
	hi, okh := v.maxOf(high)
	if okl && okh {
		v.errorf("%s: %s ranges over [%d, %d], outside [0, %d)", what, v.indexString(x), lo, hi, n)
	} else {
		v.errorf("%s: cannot show %s is within [0, %d)", what, v.indexString(x), n)
	}
}

// nonNeg reports whether a ≥ 0 holds: by its least value over the loop
// ranges, or because a − g ≥ 0 for a guard g ≥ 0.
func (v *verifier) nonNeg(a Affine) bool {
	if m, ok := v.minOf(a); ok && m >= 0 {
		return true
	}
	for _, g := range v.guards {
		if m, ok := v.minOf(a.Sub(g)); ok && m >= 0 {
			return true
		}
	}
	return false
}

// minOf is the least value of a over the iterations of the loops in scope
// (assuming each loop runs at least once). It eliminates the innermost
// variable first, replacing it by its lower bound when its coefficient is
// positive and by its upper bound − 1 otherwise; bounds may use outer
// variables, so triangular nests come out exact.
func (v *verifier) minOf(a Affine) (int, bool) {
	for steps := 0; !a.IsConst(); steps++ {
		if steps > len(v.k.Vars) || tooBig(a) {
			return 0, false
		}
		t := a.Terms[0]
		for _, u := range a.Terms {
			if int(u.Var) >= len(v.depth) || u.Var < 0 || v.depth[u.Var] < 0 {
				return 0, false
			}
			if v.depth[u.Var] > v.depth[t.Var] {
				t = u
			}
		}
		f := v.loops[t.Var]
		b, pick := f.Lo, 0
		if t.Coeff < 0 {
			b, pick = f.Hi, 1
		}
		repl := b.Aff
		if b.Dyn != nil {
			lo, hi, ok := v.rangeOf(b.Dyn)
			if !ok {
				return 0, false
			}
			repl.Const += []int{lo, hi}[pick]
		}
		repl.Const -= pick
		if pick == 1 {
			repl = lastValue(f, repl)
		}
		a = a.Subst(t.Var, repl)
	}
	if tooBig(a) {
		return 0, false
	}
	return a.Const, true
}

// lastValue sharpens the bound hi − 1 of a loop with constant bounds and a
// step to the value the variable really reaches last.
func lastValue(f *For, hiMinus1 Affine) Affine {
	if f.Step <= 1 || f.Lo.Dyn != nil || f.Hi.Dyn != nil || !f.Lo.Aff.IsConst() || !hiMinus1.IsConst() {
		return hiMinus1
	}
	lo, hi := f.Lo.Aff.Const, hiMinus1.Const
	if hi < lo {
		return hiMinus1
	}
	return Lit(lo + (hi-lo)/f.Step*f.Step)
}

// maxOf is the greatest value of a (see minOf).
func (v *verifier) maxOf(a Affine) (int, bool) {
	m, ok := v.minOf(a.Scale(-1))
	return -m, ok
}

func tooBig(a Affine) bool {
	if a.Const <= -limit || a.Const >= limit {
		return true
	}
	for _, t := range a.Terms {
		if t.Coeff <= -limit || t.Coeff >= limit {
			return true
		}
	}
	return false
}

// guardsOf turns the affine comparisons that cond joins with && into facts
// a ≥ 0.
func guardsOf(cond Expr) []Affine {
	b, ok := cond.(*Bin)
	if !ok {
		return nil
	}
	if b.Op == And {
		return append(guardsOf(b.X), guardsOf(b.Y)...)
	}
	x, okx := toAffine(b.X)
	y, oky := toAffine(b.Y)
	if !okx || !oky {
		return nil
	}
	switch b.Op {
	case Lt:
		return []Affine{y.Sub(x).Add(Lit(-1))}
	case Le:
		return []Affine{y.Sub(x)}
	case Gt:
		return []Affine{x.Sub(y).Add(Lit(-1))}
	case Ge:
		return []Affine{x.Sub(y)}
	case Eq:
		return []Affine{x.Sub(y), y.Sub(x)}
	}
	return nil
}

// negate returns the comparison that holds where the single comparison
// cond does not (for the facts of an Else), or nil.
func negate(cond Expr) Expr {
	b, ok := cond.(*Bin)
	if !ok {
		return nil
	}
	op, ok := map[BinOp]BinOp{Lt: Ge, Le: Gt, Gt: Le, Ge: Lt, Ne: Eq}[b.Op]
	if !ok {
		return nil
	}
	return &Bin{Op: op, X: b.X, Y: b.Y}
}

// rangeOf bounds an integer expression from constants' data, kinds'
// ranges, loop ranges and interval arithmetic. ok is false when a side is
// unbounded (beyond ±limit, which stands for infinity).
func (v *verifier) rangeOf(e Expr) (lo, hi int, ok bool) {
	lo, hi = v.span(e)
	return lo, hi, lo > -limit && hi < limit
}

var unbounded = [2]int{-limit, limit}

func (v *verifier) span(e Expr) (int, int) {
	switch e := e.(type) {
	case *Const:
		if e.Kind.Class() == dtype.ClassInt || e.Kind.Class() == dtype.ClassUint && e.Int >= 0 {
			return clamp(e.Int), clamp(e.Int)
		}
	case *VarRef:
		lo, okl := v.minOf(V(e.Var))
		hi, okh := v.maxOf(V(e.Var))
		if okl && okh {
			return clamp(int64(lo)), clamp(int64(hi))
		}
	case *Load:
		if v.validBuf(e.Buf) {
			return dataRange(v.k.Buffers[e.Buf])
		}
	case *Bin:
		return v.binSpan(e)
	case *Select:
		lx, hx := v.span(e.X)
		ly, hy := v.span(e.Y)
		return min(lx, ly), max(hx, hy)
	case *Un:
		if lx, hx := v.span(e.X); e.Op == Neg {
			return -hx, -lx
		}
	case *Cast:
		tlo, thi := kindRange(e.To)
		if lo, hi := v.span(e.X); lo >= tlo && hi <= thi {
			return lo, hi
		}
		return tlo, thi
	}
	return unbounded[0], unbounded[1]
}

func (v *verifier) binSpan(e *Bin) (int, int) {
	lx, hx := v.span(e.X)
	ly, hy := v.span(e.Y)
	switch e.Op {
	case Add:
		return clamp(int64(lx + ly)), clamp(int64(hx + hy))
	case Sub:
		return clamp(int64(lx - hy)), clamp(int64(hx - ly))
	case Min:
		return min(lx, ly), min(hx, hy)
	case Max:
		return max(lx, ly), max(hx, hy)
	case Mul:
		if lx > -maxIndex && hx < maxIndex && ly > -maxIndex && hy < maxIndex {
			p := []int{lx * ly, lx * hy, hx * ly, hx * hy}
			return min(p[0], p[1], p[2], p[3]), max(p[0], p[1], p[2], p[3])
		}
	case Div:
		if ly == hy && ly > 0 && lx > -limit && hx < limit {
			return lx / ly, hx / ly
		}
	case Rem:
		if ly == hy && ly > 0 && lx >= 0 {
			return 0, min(hx, ly-1)
		}
		if ly == hy && ly > 0 {
			return -(ly - 1), ly - 1
		}
	}
	return unbounded[0], unbounded[1]
}

// dataRange is the range of a constant integer buffer's values, or of its
// kind.
func dataRange(b *Buffer) (int, int) {
	a := b.Init
	if b.Role != Constant || a == nil || !hasData(a) || a.Kind != b.Kind || a.Len() == 0 || !a.Kind.IsInt() {
		return kindRange(b.Kind)
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for i := range a.Len() {
		if a.Kind.Class() == dtype.ClassUint && a.U64[i] > math.MaxInt64 {
			return kindRange(b.Kind)
		}
		x := a.Int(i)
		lo, hi = min(lo, x), max(hi, x)
	}
	return clamp(lo), clamp(hi)
}

// kindRange is the range of an integer kind (unbounded for other kinds).
func kindRange(k dtype.Kind) (int, int) {
	if !k.IsInt() {
		return unbounded[0], unbounded[1]
	}
	lo, hi := k.IntRange()
	if hi > math.MaxInt64 {
		hi = math.MaxInt64
	}
	return clamp(lo), clamp(int64(hi))
}

// clamp maps x into [−limit, limit]; the ends stand for infinity.
func clamp(x int64) int {
	return int(max(-limit, min(limit, x)))
}

func (v *verifier) exprString(e Expr) string {
	p := newPrinter(v.k)
	copy(p.depth, v.depth)
	return p.expr(e, 0)
}

func (v *verifier) indexString(x Index) string {
	p := newPrinter(v.k)
	copy(p.depth, v.depth)
	return p.index(x)
}
