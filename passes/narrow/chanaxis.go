package narrow

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/loop"
)

// channelAxis is the axis of constant id that selects the output element
// of every expression reading it: the axis whose index, at every load, is
// one loop variable (times a coefficient, plus a constant: bias[0, g + 16])
// bound outside the loops that reduce into the value the load feeds. The
// reduction loops of an accumulating store (acc = acc + …) are those
// around it but not around the store that initialises its buffer (acc =
// 0 or acc = b[m]); with no such store, those whose variable its index
// does not use. A load outside an accumulation has none: any variable
// counts (a bias b[j]). When several axes qualify at every load the first
// is taken. It is an error when no axis qualifies at every load (a
// constant read in incompatible ways, through a data-dependent index, or
// not read at all).
func channelAxis(k *loop.Kernel, id loop.BufID) (int, error) {
	var cands []int
	seen := false
	fail := ""
	visit := func(l *loop.Load, bound []*loop.For, reduce map[loop.VarID]bool) {
		if l.Buf != id || fail != "" {
			return
		}
		c := loadAxes(l, bound, reduce)
		if !seen {
			cands, seen = c, true
		} else {
			cands = slices.DeleteFunc(cands, func(a int) bool { return !slices.Contains(c, a) })
		}
		if len(cands) == 0 {
			fail = fmt.Sprintf("no axis of %s selects the output at every load", k.Buffers[id].Name)
		}
	}
	u := &uses{k: k, visit: visit}
	u.stmts(k.Body, nil)
	switch {
	case fail != "":
		return 0, fmt.Errorf("%s", fail)
	case !seen:
		return 0, fmt.Errorf("%s is never loaded", k.Buffers[id].Name)
	}
	return cands[0], nil
}

// loadAxes are the axes of l whose index is c·v + d with v a variable of
// an enclosing loop that is not a reduction loop.
func loadAxes(l *loop.Load, bound []*loop.For, reduce map[loop.VarID]bool) []int {
	var out []int
	for a, ix := range l.Index {
		if ix.Dyn != nil || len(ix.Aff.Terms) != 1 || ix.Aff.Terms[0].Coeff == 0 {
			continue
		}
		v := ix.Aff.Terms[0].Var
		if reduce[v] || !slices.ContainsFunc(bound, func(f *loop.For) bool { return f.Var == v }) {
			continue
		}
		out = append(out, a)
	}
	return out
}

// uses walks a kernel's loads with the loops around them and the
// reduction loops of the store they feed.
type uses struct {
	k     *loop.Kernel
	visit func(l *loop.Load, bound []*loop.For, reduce map[loop.VarID]bool)
	// inits are the loop stacks of the stores that do not accumulate, by
	// buffer.
	inits map[loop.BufID][][]*loop.For
}

func (u *uses) stmts(body []loop.Stmt, bound []*loop.For) {
	if u.inits == nil {
		u.inits = map[loop.BufID][][]*loop.For{}
		u.collect(body, nil)
	}
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			u.index(s.Lo, bound, nil)
			u.index(s.Hi, bound, nil)
			u.stmts(s.Body, append(slices.Clip(bound), s))
		case *loop.If:
			u.expr(s.Cond, bound, nil)
			u.stmts(s.Then, bound)
			u.stmts(s.Else, bound)
		case *loop.Store:
			red := u.reduction(s, bound)
			for _, ix := range s.Index {
				u.index(ix, bound, red)
			}
			u.expr(s.Value, bound, red)
		}
	}
}

// collect records the loop stack of every store that does not accumulate.
func (u *uses) collect(body []loop.Stmt, bound []*loop.For) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			u.collect(s.Body, append(slices.Clip(bound), s))
		case *loop.If:
			u.collect(s.Then, bound)
			u.collect(s.Else, bound)
		case *loop.Store:
			if !loads(s.Value, s.Buf) {
				u.inits[s.Buf] = append(u.inits[s.Buf], bound)
			}
		}
	}
}

// reduction is the set of reduction loops of s (none when s does not
// accumulate).
func (u *uses) reduction(s *loop.Store, bound []*loop.For) map[loop.VarID]bool {
	if !loads(s.Value, s.Buf) {
		return nil
	}
	outer := -1 // the longest init stack that is a prefix of bound
	for _, st := range u.inits[s.Buf] {
		if len(st) <= len(bound) && len(st) > outer && slices.Equal(st, bound[:len(st)]) {
			outer = len(st)
		}
	}
	red := map[loop.VarID]bool{}
	for i, f := range bound {
		switch {
		case outer >= 0 && i >= outer:
			red[f.Var] = true
		case outer < 0 && !slices.ContainsFunc(s.Index, func(ix loop.Index) bool { return usesVar(ix, f.Var) }):
			red[f.Var] = true
		}
	}
	return red
}

func usesVar(ix loop.Index, v loop.VarID) bool {
	return slices.ContainsFunc(ix.Aff.Terms, func(t loop.Term) bool { return t.Var == v && t.Coeff != 0 })
}

func (u *uses) index(ix loop.Index, bound []*loop.For, red map[loop.VarID]bool) {
	if ix.Dyn != nil {
		u.expr(ix.Dyn, bound, red)
	}
}

func (u *uses) expr(e loop.Expr, bound []*loop.For, red map[loop.VarID]bool) {
	if l, ok := e.(*loop.Load); ok {
		u.visit(l, bound, red)
		for _, ix := range l.Index {
			u.index(ix, bound, red)
		}
		return
	}
	for _, c := range children(e) {
		u.expr(c, bound, red)
	}
}
