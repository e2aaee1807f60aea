package place

import (
	"math"

	"github.com/kiln-hls/kiln/ir/loop"
)

// enumBudget bounds the loop iterations counting may walk one by one (the
// loops whose inner loops' bounds depend on them: triangular and CSR
// nests); beyond it a loop's count is its first iteration's times its trip
// count, and the counts are marked approximate.
const enumBudget = 1 << 20

// accesses counts, per buffer of k, the loads and stores one call of k
// makes: each access in a loop body times the iterations that run it.
// Loop bounds are evaluated exactly, data-dependent ones from constants'
// data (CSR row pointers); both branches of an If are counted (an upper
// bound: conditions are not evaluated). exact is false where a bound could
// not be evaluated (that loop counts one iteration) or the budget ran out.
func accesses(k *loop.Kernel) (counts []int64, exact bool) {
	c := &counter{k: k, env: make([]int, len(k.Vars)), budget: enumBudget,
		deps: map[*loop.For]bool{}, counts: make([]int64, len(k.Buffers))}
	c.stmts(k.Body, 1)
	return c.counts, !c.approx
}

type counter struct {
	k      *loop.Kernel
	env    []int // values of the loop variables the walk has bound
	budget int
	approx bool
	deps   map[*loop.For]bool // whether a loop's body has bounds that read its variable
	counts []int64
}

func (c *counter) stmts(body []loop.Stmt, mult int64) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			c.loop(s, mult)
		case *loop.Store:
			c.add(s.Buf, mult)
			c.index(s.Index, mult)
			c.expr(s.Value, mult)
		case *loop.If:
			c.expr(s.Cond, mult)
			c.stmts(s.Then, mult)
			c.stmts(s.Else, mult)
		}
	}
}

func (c *counter) loop(f *loop.For, mult int64) {
	c.index([]loop.Index{f.Lo, f.Hi}, mult)
	lo, okl := c.eval(f.Lo)
	hi, okh := c.eval(f.Hi)
	if !okl || !okh || f.Step < 1 {
		c.approx = true
		c.env[f.Var] = lo
		c.stmts(f.Body, mult)
		return
	}
	trip := int64(0)
	if hi > lo {
		trip = (int64(hi) - int64(lo) + int64(f.Step) - 1) / int64(f.Step)
	}
	if trip == 0 {
		return
	}
	if !c.dependent(f) {
		c.env[f.Var] = lo
		c.stmts(f.Body, satMul(mult, trip))
		return
	}
	for v := lo; v < hi; v += f.Step {
		if c.budget <= 0 {
			c.approx = true
			c.env[f.Var] = v
			c.stmts(f.Body, satMul(mult, (int64(hi)-int64(v)+int64(f.Step)-1)/int64(f.Step)))
			return
		}
		c.budget--
		c.env[f.Var] = v
		c.stmts(f.Body, mult)
	}
}

// dependent reports whether a loop bound inside f's body reads f's
// variable (remembered per loop).
func (c *counter) dependent(f *loop.For) bool {
	d, ok := c.deps[f]
	if !ok {
		d = boundsRead(f.Body, f.Var)
		c.deps[f] = d
	}
	return d
}

func boundsRead(body []loop.Stmt, v loop.VarID) bool {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			if indexReads(s.Lo, v) || indexReads(s.Hi, v) || boundsRead(s.Body, v) {
				return true
			}
		case *loop.If:
			if boundsRead(s.Then, v) || boundsRead(s.Else, v) {
				return true
			}
		}
	}
	return false
}

func indexReads(x loop.Index, v loop.VarID) bool {
	if x.Aff.Coeff(v) != 0 {
		return true
	}
	found := false
	if x.Dyn != nil {
		loop.WalkExpr(x.Dyn, func(e loop.Expr) {
			switch e := e.(type) {
			case *loop.VarRef:
				found = found || e.Var == v
			case *loop.Load: // its indices' data-dependent parts are walked too
				for _, i := range e.Index {
					found = found || i.Aff.Coeff(v) != 0
				}
			}
		})
	}
	return found
}

func (c *counter) add(id loop.BufID, n int64) {
	if id >= 0 && int(id) < len(c.counts) {
		c.counts[id] = satAdd(c.counts[id], n)
	}
}

func (c *counter) expr(e loop.Expr, mult int64) {
	if e == nil {
		return
	}
	loop.WalkExpr(e, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok {
			c.add(l.Buf, mult)
		}
	})
}

func (c *counter) index(ix []loop.Index, mult int64) {
	for _, x := range ix {
		c.expr(x.Dyn, mult)
	}
}

// eval is an index's value with the loop variables bound so far; a
// data-dependent part is evaluated where it reads only constants' data,
// loop variables and integer literals.
func (c *counter) eval(x loop.Index) (int, bool) {
	v := x.Aff.Const
	for _, t := range x.Aff.Terms {
		if t.Var < 0 || int(t.Var) >= len(c.env) {
			return 0, false
		}
		v += t.Coeff * c.env[t.Var]
	}
	if x.Dyn == nil {
		return v, true
	}
	d, ok := c.value(x.Dyn)
	if !ok || d > math.MaxInt32 || d < math.MinInt32 {
		return 0, false
	}
	return v + int(d), true
}

func (c *counter) value(e loop.Expr) (int64, bool) {
	switch e := e.(type) {
	case *loop.Const:
		return e.Int, e.Kind.IsInt()
	case *loop.VarRef:
		if e.Var < 0 || int(e.Var) >= len(c.env) {
			return 0, false
		}
		return int64(c.env[e.Var]), true
	case *loop.Cast:
		if !e.To.IsInt() {
			return 0, false
		}
		return c.value(e.X)
	case *loop.Load:
		return c.load(e)
	case *loop.Bin:
		return c.bin(e)
	}
	return 0, false
}

func (c *counter) load(l *loop.Load) (int64, bool) {
	if l.Buf < 0 || int(l.Buf) >= len(c.k.Buffers) {
		return 0, false
	}
	b := c.k.Buffers[l.Buf]
	if b == nil || b.Role != loop.Constant || b.Init == nil || !b.Kind.IsInt() || len(l.Index) != len(b.Shape) {
		return 0, false
	}
	off := 0
	for i, x := range l.Index {
		v, ok := c.eval(x)
		if !ok || v < 0 || v >= b.Shape[i] {
			return 0, false
		}
		off = off*b.Shape[i] + v
	}
	if off >= b.Init.Len() {
		return 0, false
	}
	return b.Init.Int(off), true
}

func (c *counter) bin(e *loop.Bin) (int64, bool) {
	x, okx := c.value(e.X)
	y, oky := c.value(e.Y)
	if !okx || !oky || x > math.MaxInt32 || x < math.MinInt32 || y > math.MaxInt32 || y < math.MinInt32 {
		return 0, false
	}
	switch e.Op {
	case loop.Add:
		return x + y, true
	case loop.Sub:
		return x - y, true
	case loop.Mul:
		return x * y, true
	case loop.Min:
		return min(x, y), true
	case loop.Max:
		return max(x, y), true
	}
	return 0, false
}

func satAdd(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

func satMul(a, b int64) int64 {
	if a != 0 && b > math.MaxInt64/a {
		return math.MaxInt64
	}
	return a * b
}
