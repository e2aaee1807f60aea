package loops

import "github.com/kiln-hls/kiln/ir/loop"

// normalizeSteps prepares kernel n for a cyclic partition of buffer id by
// factor on dim: a loop with constant bounds and a step s > 1 whose
// variable v indexes dim with a coefficient c that is not a multiple of
// factor while c·s is (an unrolled loop: w[k + 1], k stepping by 4)
// becomes a loop over 0..trip by 1 with v replaced by lo + s·v, so that
// the index reads w[4*k + 1] and its bank is static. n is changed in
// place (Partition's own copy); the iterations and their order are kept.
func normalizeSteps(n *loop.Kernel, id loop.BufID, dim, factor int) {
	vars := map[loop.VarID]bool{}
	mark := func(ix []loop.Index) {
		if len(ix) <= dim || ix[dim].Dyn != nil {
			return
		}
		for _, t := range ix[dim].Aff.Terms {
			if t.Coeff%factor != 0 {
				vars[t.Var] = true
			}
		}
	}
	loop.WalkExprs(n.Body, func(e loop.Expr) {
		if l, ok := e.(*loop.Load); ok && l.Buf == id {
			mark(l.Index)
		}
	})
	loop.WalkStores(n.Body, func(s *loop.Store) {
		if s.Buf == id {
			mark(s.Index)
		}
	})
	if len(vars) > 0 {
		normalizeLoops(n, n.Body, vars, factor)
	}
}

// normalizeLoops rewrites the loops over vars in body whose step makes
// every coefficient of their variable a multiple of factor (see
// normalizeSteps).
func normalizeLoops(n *loop.Kernel, body []loop.Stmt, vars map[loop.VarID]bool, factor int) {
	for _, s := range body {
		switch s := s.(type) {
		case *loop.For:
			lo, trip, ok := constTrip(s)
			if vars[s.Var] && ok && s.Step > 1 && s.Step%factor == 0 {
				c := &cloner{k: n, sub: map[loop.VarID]loop.Affine{s.Var: loop.V(s.Var).Scale(s.Step).Add(loop.Lit(lo))}}
				s.Body = c.stmts(s.Body)
				s.Lo, s.Hi, s.Step = loop.At(loop.Lit(0)), loop.At(loop.Lit(trip)), 1
			}
			normalizeLoops(n, s.Body, vars, factor)
		case *loop.If:
			normalizeLoops(n, s.Then, vars, factor)
			normalizeLoops(n, s.Else, vars, factor)
		}
	}
}
