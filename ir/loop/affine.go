package loop

import "sort"

// Affine is Const + Σ Coeff·Var over loop variables. Terms are sorted by Var
// with no zero coefficients; the functions here keep that form.
type Affine struct {
	Const int
	Terms []Term
}

// Term is one Coeff·Var of an Affine.
type Term struct {
	Var   VarID
	Coeff int
}

// Index is an integer computed from loop variables: an affine form, plus,
// for gathers such as CSR column indices, a data-dependent integer
// expression Dyn (nil in the common, purely affine case). Dyn is never
// itself affine: the parser and the verifier keep that form.
type Index struct {
	Aff Affine
	Dyn Expr
}

// Lit is the constant affine form c.
func Lit(c int) Affine { return Affine{Const: c} }

// V is the affine form 1·v.
func V(v VarID) Affine { return Affine{Terms: []Term{{v, 1}}} }

// At is the purely affine index a.
func At(a Affine) Index { return Index{Aff: a} }

// IsConst reports whether a has no terms.
func (a Affine) IsConst() bool { return len(a.Terms) == 0 }

// Coeff is v's coefficient in a.
func (a Affine) Coeff(v VarID) int {
	for _, t := range a.Terms {
		if t.Var == v {
			return t.Coeff
		}
	}
	return 0
}

// Add returns a + b.
func (a Affine) Add(b Affine) Affine {
	out := Affine{Const: a.Const + b.Const}
	m := map[VarID]int{}
	for _, t := range a.Terms {
		m[t.Var] += t.Coeff
	}
	for _, t := range b.Terms {
		m[t.Var] += t.Coeff
	}
	for v, c := range m {
		if c != 0 {
			out.Terms = append(out.Terms, Term{v, c})
		}
	}
	sort.Slice(out.Terms, func(i, j int) bool { return out.Terms[i].Var < out.Terms[j].Var })
	return out
}

// Scale returns c·a.
func (a Affine) Scale(c int) Affine {
	if c == 0 {
		return Affine{}
	}
	out := Affine{Const: a.Const * c, Terms: make([]Term, len(a.Terms))}
	for i, t := range a.Terms {
		out.Terms[i] = Term{t.Var, t.Coeff * c}
	}
	return out
}

// Sub returns a − b.
func (a Affine) Sub(b Affine) Affine { return a.Add(b.Scale(-1)) }

// Subst returns a with v replaced by b (tiling replaces i by
// T·i.outer + i.inner).
func (a Affine) Subst(v VarID, b Affine) Affine {
	c := a.Coeff(v)
	if c == 0 {
		return a
	}
	return a.Sub(V(v).Scale(c)).Add(b.Scale(c))
}

// Eval computes a with the loop variables' values in env (indexed by VarID).
func (a Affine) Eval(env []int) int {
	s := a.Const
	for _, t := range a.Terms {
		s += t.Coeff * env[t.Var]
	}
	return s
}

// Equal reports whether a and b are the same form.
func (a Affine) Equal(b Affine) bool {
	if a.Const != b.Const || len(a.Terms) != len(b.Terms) {
		return false
	}
	for i := range a.Terms {
		if a.Terms[i] != b.Terms[i] {
			return false
		}
	}
	return true
}

// toAffine converts an index-valued expression (loop variables, i64
// literals, +, −, negation, multiplication by a constant) to affine form.
func toAffine(e Expr) (Affine, bool) {
	switch e := e.(type) {
	case *VarRef:
		return V(e.Var), true
	case *Const:
		if e.Kind == indexKind {
			return Lit(int(e.Int)), true
		}
	case *Un:
		if a, ok := toAffine(e.X); ok && e.Op == Neg {
			return a.Scale(-1), true
		}
	case *Bin:
		return binAffine(e)
	}
	return Affine{}, false
}

func binAffine(e *Bin) (Affine, bool) {
	x, okx := toAffine(e.X)
	y, oky := toAffine(e.Y)
	if !okx || !oky {
		return Affine{}, false
	}
	switch {
	case e.Op == Add:
		return x.Add(y), true
	case e.Op == Sub:
		return x.Sub(y), true
	case e.Op == Mul && x.IsConst():
		return y.Scale(x.Const), true
	case e.Op == Mul && y.IsConst():
		return x.Scale(y.Const), true
	}
	return Affine{}, false
}
