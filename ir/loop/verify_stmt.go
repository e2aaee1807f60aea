package loop

import "fmt"

func (v *verifier) stmts(body []Stmt) {
	for _, s := range body {
		v.at = v.head(s)
		switch s := s.(type) {
		case *For:
			v.forStmt(s)
		case *If:
			v.ifStmt(s)
		case *Store:
			v.store(s)
		default:
			v.errorf("unknown statement %T", s)
		}
	}
}

func (v *verifier) forStmt(f *For) {
	if f.Step <= 0 || f.Step >= maxIndex {
		v.errorf("step %d is not in [1, 2^31)", f.Step)
	}
	if f.Kind >= numLoopKinds {
		v.errorf("unknown loop kind %d", f.Kind)
	}
	v.index(f.Lo, "lower bound")
	v.index(f.Hi, "upper bound")
	switch u := f.Dir.Unroll; {
	case u == UnrollFull && (f.Lo.Dyn != nil || f.Hi.Dyn != nil || !f.Lo.Aff.IsConst() || !f.Hi.Aff.IsConst()):
		v.errorf("unroll(full) needs constant bounds")
	case u != 0 && u != UnrollFull && u < 2:
		v.errorf("unroll factor %d (want ≥ 2, or full)", u)
	}
	x := f.Var
	switch {
	case x < 0 || int(x) >= len(v.k.Vars):
		v.errorf("unknown loop variable %d", x)
		return
	case v.bound[x]:
		v.errorf("loop variable %s is bound by two loops", v.k.Vars[x].Name)
		return
	}
	for y, d := range v.depth {
		if d >= 0 && v.k.Vars[y].Name == v.k.Vars[x].Name {
			v.errorf("loop variable %s shadows the enclosing loop's", v.k.Vars[x].Name)
		}
	}
	v.bound[x], v.loops[x] = true, f
	v.level++
	v.depth[x] = v.level
	v.stmts(f.Body)
	v.depth[x], v.loops[x] = -1, nil
	v.level--
}

func (v *verifier) ifStmt(s *If) {
	at := v.at
	if k := v.expr(s.Cond); k.Computable() && k != boolKind {
		v.errorf("condition is %v, not bool", k)
	}
	saved := v.guards
	v.guards = append(append([]Affine{}, saved...), guardsOf(s.Cond)...)
	v.stmts(s.Then)
	v.guards = append(append([]Affine{}, saved...), guardsOf(negate(s.Cond))...)
	v.at = at
	v.stmts(s.Else)
	v.guards = saved
}

func (v *verifier) store(s *Store) {
	if !v.validBuf(s.Buf) {
		v.errorf("unknown buffer %d", s.Buf)
		return
	}
	b := v.k.Buffers[s.Buf]
	if b.Role == Input || b.Role == Constant {
		v.errorf("stores to %v buffer %s", b.Role, b.Name)
	}
	v.access(s.Buf, s.Index)
	if k := v.expr(s.Value); k.Computable() && k != b.Kind {
		v.errorf("stores a %v value into %v buffer %s (cast explicitly)", k, b.Kind, b.Name)
	}
}

// access checks the indices of a load or store of buffer id.
func (v *verifier) access(id BufID, index []Index) {
	b := v.k.Buffers[id]
	if len(index) != len(b.Shape) {
		v.errorf("%s has rank %d, accessed with %d indices", b.Name, len(b.Shape), len(index))
		return
	}
	for d, x := range index {
		what := fmt.Sprintf("%s index %d", b.Name, d)
		if v.index(x, what) {
			v.inBounds(x, b.Shape[d], what)
		}
	}
}

// index checks that an index uses variables in scope, has small
// coefficients, and that its dynamic part is a non-affine integer; it
// reports whether the index is well formed.
func (v *verifier) index(x Index, what string) bool {
	ok := true
	if big(x.Aff.Const) {
		v.errorf("%s: constant %d out of range", what, x.Aff.Const)
		ok = false
	}
	for _, t := range x.Aff.Terms {
		ok = v.varInScope(t.Var) && ok
		if t.Coeff == 0 || big(t.Coeff) {
			v.errorf("%s: coefficient %d out of range", what, t.Coeff)
			ok = false
		}
	}
	if x.Dyn == nil {
		return ok
	}
	if k := v.expr(x.Dyn); k.Computable() && !k.IsInt() {
		v.errorf("%s: %v index (want an integer kind)", what, k)
		return false
	}
	if _, affine := toAffine(x.Dyn); affine || splitIndex(x.Dyn).Dyn != x.Dyn {
		v.errorf("%s: dynamic part has an affine part (not canonical)", what)
	}
	return ok
}

func (v *verifier) varInScope(x VarID) bool {
	switch {
	case x < 0 || int(x) >= len(v.k.Vars):
		v.errorf("unknown loop variable %d", x)
	case v.depth[x] < 0:
		v.errorf("loop variable %s used outside its loop", v.k.Vars[x].Name)
	default:
		return true
	}
	return false
}

// big reports whether x is outside (-2^31, 2^31).
func big(x int) bool { return x <= -maxIndex || x >= maxIndex }
