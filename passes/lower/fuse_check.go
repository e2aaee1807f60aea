package lower

import (
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// The two checks of fusion (fuse.go): the producer stores each element of
// its output once with its final value; the consumer computes each element
// of its output from the same element of its input.

// storeWalk looks for the stores to buffer y and for reads of it.
type storeWalk struct {
	y     loop.BufID
	store *loop.Store
	loops []*loop.For // the loops around store, outermost first
	count int
	bad   bool // y is read, or stored under an If
}

func (w *storeWalk) stmts(ss []loop.Stmt, loops []*loop.For, guarded bool) {
	for _, s := range ss {
		switch s := s.(type) {
		case *loop.For:
			w.index(s.Lo)
			w.index(s.Hi)
			w.stmts(s.Body, append(slices.Clip(loops), s), guarded)
		case *loop.If:
			w.expr(s.Cond)
			w.stmts(s.Then, loops, true)
			w.stmts(s.Else, loops, true)
		case *loop.Store:
			for _, ix := range s.Index {
				w.index(ix)
			}
			w.expr(s.Value)
			if s.Buf == w.y {
				w.count++
				w.store, w.loops = s, loops
				w.bad = w.bad || guarded
			}
		}
	}
}

func (w *storeWalk) index(ix loop.Index) {
	if ix.Dyn != nil {
		w.expr(ix.Dyn)
	}
}

func (w *storeWalk) expr(e loop.Expr) {
	walkExpr(e, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok {
			if l.Buf == w.y {
				w.bad = true
			}
			for _, ix := range l.Index {
				w.index(ix)
			}
		}
	})
}

// walkExpr calls f on e and every expression inside it (not inside the
// data-dependent parts of Load indices: f sees the Load).
func walkExpr(e loop.Expr, f func(loop.Expr)) {
	f(e)
	switch e := e.(type) {
	case *loop.Bin:
		walkExpr(e.X, f)
		walkExpr(e.Y, f)
	case *loop.Un:
		walkExpr(e.X, f)
	case *loop.Cast:
		walkExpr(e.X, f)
	case *loop.Select:
		walkExpr(e.Cond, f)
		walkExpr(e.X, f)
		walkExpr(e.Y, f)
	case *loop.Call:
		for _, a := range e.Args {
			walkExpr(a, f)
		}
	}
}

// finalStore is k's one store to y when it writes each element once with
// its final value: y is stored once in the text, not under an If, never
// read, at an affine index that is one-to-one in the enclosing loops.
func finalStore(k *loop.Kernel, y loop.BufID) (*loop.Store, bool) {
	w := &storeWalk{y: y}
	w.stmts(k.Body, nil, false)
	if w.count != 1 || w.bad || !oneToOne(w.store.Index, w.loops) {
		return nil, false
	}
	return w.store, true
}

// oneToOne reports whether index takes a different value in each
// iteration of loops: constant bounds and step 1, every loop variable in
// exactly one dimension, and within a dimension each coefficient (by
// size) beyond the span of the smaller ones — a mixed-radix number.
func oneToOne(index []loop.Index, loops []*loop.For) bool {
	ext := map[loop.VarID]int{}
	for _, f := range loops {
		if f.Step != 1 || f.Lo.Dyn != nil || f.Hi.Dyn != nil || !f.Lo.Aff.IsConst() || !f.Hi.Aff.IsConst() {
			return false
		}
		ext[f.Var] = f.Hi.Aff.Const - f.Lo.Aff.Const
	}
	seen := map[loop.VarID]bool{}
	for _, ix := range index {
		if ix.Dyn != nil {
			return false
		}
		terms := slices.Clone(ix.Aff.Terms)
		slices.SortFunc(terms, func(a, b loop.Term) int { return abs(a.Coeff) - abs(b.Coeff) })
		span := 0
		for _, t := range terms {
			e, ok := ext[t.Var]
			if !ok || seen[t.Var] || abs(t.Coeff) <= span {
				return false
			}
			seen[t.Var] = true
			span += abs(t.Coeff) * max(e-1, 0)
		}
	}
	return len(seen) == len(ext)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// elementwise reads k as z[v…] = e over z's shape (a perfect nest of loops
// from 0, step 1, then one store at [v…]) where e reads x only at [v…],
// other buffers only if they are inputs or constants, at affine indices,
// and no loop variable directly. It returns the loop variables and e.
func elementwise(k *loop.Kernel, x, z loop.BufID) ([]loop.VarID, loop.Expr, bool) {
	var vars []loop.VarID
	body := k.Body
	shape := k.Buffers[z].Shape
	for len(body) == 1 {
		f, ok := body[0].(*loop.For)
		if !ok {
			break
		}
		d := len(vars)
		if d >= len(shape) || f.Step != 1 || f.Lo.Dyn != nil || f.Hi.Dyn != nil ||
			!f.Lo.Aff.Equal(loop.Lit(0)) || !f.Hi.Aff.Equal(loop.Lit(shape[d])) {
			return nil, nil, false
		}
		vars, body = append(vars, f.Var), f.Body
	}
	if len(body) != 1 || len(vars) != len(shape) {
		return nil, nil, false
	}
	s, ok := body[0].(*loop.Store)
	if !ok || s.Buf != z || !atVars(s.Index, vars) {
		return nil, nil, false
	}
	good := true
	walkExpr(s.Value, func(e loop.Expr) {
		switch e := e.(type) {
		case *loop.VarRef:
			good = false
		case *loop.Load:
			r := k.Buffers[e.Buf].Role
			switch {
			case e.Buf == x:
				good = good && atVars(e.Index, vars)
			case r != loop.Input && r != loop.Constant:
				good = false
			}
			for _, ix := range e.Index {
				good = good && ix.Dyn == nil
			}
		}
	})
	return vars, s.Value, good
}

// atVars reports whether index is exactly [vars…].
func atVars(index []loop.Index, vars []loop.VarID) bool {
	if len(index) != len(vars) {
		return false
	}
	for i, ix := range index {
		if ix.Dyn != nil || !ix.Aff.Equal(loop.V(vars[i])) {
			return false
		}
	}
	return true
}
