package loops

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// maxCopies bounds the statements an expanded unroll may create, so a
// mistaken "full" on a long loop fails instead of eating the memory.
const maxCopies = 1 << 16

// errorf makes an error that names the pass, the kernel and the loop.
func errorf(pass string, k *loop.Kernel, name, format string, args ...any) error {
	return fmt.Errorf("loops: %s: kernel %s: loop %s: "+format, append([]any{pass, k.Name, name}, args...)...)
}

// maxStep is the verifier's bound on steps (and indices): a tile or an
// unroll factor times the loop's step must stay below it.
const maxStep = 1 << 31

// start checks the input of a pass and returns its copy.
func start(pass string, k *loop.Kernel, name string) (*loop.Kernel, error) {
	if k == nil {
		return nil, fmt.Errorf("loops: %s: nil kernel", pass)
	}
	if err := loop.Verify(k); err != nil {
		return nil, errorf(pass, k, name, "the input does not verify: %w", err)
	}
	return cloneKernel(k), nil
}

// cloneKernel deep-copies k's statements and buffers' headers; constant
// data (Init) is shared, as nothing here writes it.
func cloneKernel(k *loop.Kernel) *loop.Kernel {
	n := &loop.Kernel{Name: k.Name, Vars: slices.Clone(k.Vars), Params: slices.Clone(k.Params)}
	for _, b := range k.Buffers {
		if b == nil {
			n.Buffers = append(n.Buffers, nil)
			continue
		}
		nb := *b
		nb.Shape = slices.Clone(b.Shape)
		nb.Partition = slices.Clone(b.Partition)
		n.Buffers = append(n.Buffers, &nb)
	}
	n.Body = (&cloner{k: n}).stmts(k.Body)
	return n
}

// cloner deep-copies statements of kernel k, replacing loop variables by
// the affine forms in sub; with fresh, every loop it copies binds a new
// variable of the same name (so that copies of a body can sit side by
// side).
type cloner struct {
	k     *loop.Kernel
	sub   map[loop.VarID]loop.Affine
	fresh bool
}

func (c *cloner) stmts(body []loop.Stmt) []loop.Stmt {
	if body == nil {
		return nil
	}
	out := make([]loop.Stmt, len(body))
	for i, s := range body {
		out[i] = c.stmt(s)
	}
	return out
}

func (c *cloner) stmt(s loop.Stmt) loop.Stmt {
	switch s := s.(type) {
	case *loop.For:
		f := &loop.For{Var: s.Var, Lo: c.index(s.Lo), Hi: c.index(s.Hi), Step: s.Step, Kind: s.Kind, Dir: s.Dir}
		if c.fresh && int(s.Var) >= 0 && int(s.Var) < len(c.k.Vars) {
			f.Var = c.k.NewVar(c.k.Vars[s.Var].Name)
			if c.sub == nil {
				c.sub = map[loop.VarID]loop.Affine{}
			}
			c.sub[s.Var] = loop.V(f.Var)
			defer delete(c.sub, s.Var)
		}
		f.Body = c.stmts(s.Body)
		return f
	case *loop.Store:
		return &loop.Store{Buf: s.Buf, Index: c.indices(s.Index), Value: c.expr(s.Value)}
	case *loop.If:
		return &loop.If{Cond: c.expr(s.Cond), Then: c.stmts(s.Then), Else: c.stmts(s.Else)}
	}
	return s
}

func (c *cloner) indices(ix []loop.Index) []loop.Index {
	if ix == nil {
		return nil
	}
	out := make([]loop.Index, len(ix))
	for i, x := range ix {
		out[i] = c.index(x)
	}
	return out
}

func (c *cloner) index(x loop.Index) loop.Index {
	return loop.Index{Aff: c.affine(x.Aff), Dyn: c.expr(x.Dyn)}
}

// affine substitutes every variable of a at once.
func (c *cloner) affine(a loop.Affine) loop.Affine {
	out := loop.Lit(a.Const)
	for _, t := range a.Terms {
		r, ok := c.sub[t.Var]
		if !ok {
			r = loop.V(t.Var)
		}
		out = out.Add(r.Scale(t.Coeff))
	}
	return out
}

func (c *cloner) expr(e loop.Expr) loop.Expr {
	switch e := e.(type) {
	case nil:
		return nil
	case *loop.Load:
		return &loop.Load{Buf: e.Buf, Index: c.indices(e.Index)}
	case *loop.Const:
		n := *e
		return &n
	case *loop.VarRef:
		if r, ok := c.sub[e.Var]; ok {
			return affineExpr(r)
		}
		return &loop.VarRef{Var: e.Var}
	case *loop.Bin:
		return &loop.Bin{Op: e.Op, X: c.expr(e.X), Y: c.expr(e.Y)}
	case *loop.Un:
		return &loop.Un{Op: e.Op, X: c.expr(e.X)}
	case *loop.Cast:
		return &loop.Cast{To: e.To, X: c.expr(e.X)}
	case *loop.Select:
		return &loop.Select{Cond: c.expr(e.Cond), X: c.expr(e.X), Y: c.expr(e.Y)}
	case *loop.Call:
		args := make([]loop.Expr, len(e.Args))
		for i, a := range e.Args {
			args[i] = c.expr(a)
		}
		return &loop.Call{Func: e.Func, Args: args}
	}
	return e
}

// affineExpr is a as an i64 expression (variables, constants, + and ×).
func affineExpr(a loop.Affine) loop.Expr {
	var e loop.Expr
	add := func(x loop.Expr) {
		if e == nil {
			e = x
		} else {
			e = &loop.Bin{Op: loop.Add, X: e, Y: x}
		}
	}
	for _, t := range a.Terms {
		var x loop.Expr = &loop.VarRef{Var: t.Var}
		if t.Coeff != 1 {
			x = &loop.Bin{Op: loop.Mul, X: loop.Int(dtype.I64, int64(t.Coeff)), Y: x}
		}
		add(x)
	}
	if a.Const != 0 || e == nil {
		add(loop.Int(dtype.I64, int64(a.Const)))
	}
	return e
}

// findLoop returns the first loop in program order whose variable is named
// name.
func findLoop(k *loop.Kernel, body []loop.Stmt, name string) *loop.For {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			if int(s.Var) >= 0 && int(s.Var) < len(k.Vars) && k.Vars[s.Var].Name == name {
				return s
			}
			if f := findLoop(k, s.Body, name); f != nil {
				return f
			}
		case *loop.If:
			if f := findLoop(k, s.Then, name); f != nil {
				return f
			}
			if f := findLoop(k, s.Else, name); f != nil {
				return f
			}
		}
	}
	return nil
}

// replaceLoop replaces loop f in *body (at any depth) by repl.
func replaceLoop(body *[]loop.Stmt, f *loop.For, repl []loop.Stmt) bool {
	for i, s := range *body {
		if s == loop.Stmt(f) {
			*body = slices.Concat((*body)[:i:i], repl, (*body)[i+1:])
			return true
		}
		switch s := s.(type) {
		case *loop.For:
			if replaceLoop(&s.Body, f, repl) {
				return true
			}
		case *loop.If:
			if replaceLoop(&s.Then, f, repl) || replaceLoop(&s.Else, f, repl) {
				return true
			}
		}
	}
	return false
}

// constTrip is the number of iterations of a loop with constant bounds.
func constTrip(f *loop.For) (lo, trip int, ok bool) {
	if f.Lo.Dyn != nil || f.Hi.Dyn != nil || !f.Lo.Aff.IsConst() || !f.Hi.Aff.IsConst() || f.Step < 1 {
		return 0, 0, false
	}
	lo, hi := f.Lo.Aff.Const, f.Hi.Aff.Const
	if hi <= lo {
		return lo, 0, true
	}
	return lo, (hi - lo + f.Step - 1) / f.Step, true
}

// countStmts counts the statements in body, nested ones included.
func countStmts(body []loop.Stmt) int {
	n := 0
	for _, s := range body {
		n++
		switch s := s.(type) {
		case *loop.For:
			n += countStmts(s.Body)
		case *loop.If:
			n += countStmts(s.Then) + countStmts(s.Else)
		}
	}
	return n
}

// below is the condition a < hi (for guards the verifier understands).
func below(a, hi loop.Affine) loop.Expr {
	return &loop.Bin{Op: loop.Lt, X: affineExpr(a), Y: affineExpr(hi)}
}

// verified returns n when it verifies.
func verified(pass string, n *loop.Kernel, name string) (*loop.Kernel, error) {
	if err := loop.Verify(n); err != nil {
		return nil, errorf(pass, n, name, "the result does not verify: %w", err)
	}
	return n, nil
}
