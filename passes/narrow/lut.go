package narrow

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// table is one lookup table of a kernel: a constant buffer of N entries.
type table struct {
	buf  loop.BufID
	kind dtype.Kind
	vals []float64
}

// lookup replaces e, a float subtree with non-linear operations, by a
// read of a table when e is a function of one input L (see input) that a
// table follows (see checkTable). By default the table holds e at the
// N + 1 edges L = lo + i·step and the read interpolates linearly between
// the two edges around L (interp); with Options.LUTNearest it holds e at
// the N midpoints lo + (i + ½)·step and the read takes the entry of L's
// bucket clamp(⌊(L − lo)/step⌋, 0, N − 1). Entries are computed in
// float64 from the original subtree. A table refused leaves e to the
// float fallback (counted in the report).
func (r *rewriter) lookup(e loop.Expr) (loop.Expr, dtype.Kind, bool) {
	l, n := input(r.orig, e)
	if n != oneInput || origKind(r.orig, l) != dtype.F32 || !hasLoad(l) {
		return nil, dtype.Invalid, false
	}
	nearest := r.opt.LUTNearest
	vals, ok := r.entries(e, l, nearest)
	if !ok {
		return nil, dtype.Invalid, false
	}
	kind := r.tableKind(vals)
	if err := checkTable(fixedOf(kind), vals); err != nil {
		if !r.refusing {
			r.refused = append(r.refused, err.Error())
		}
		return nil, dtype.Invalid, false
	}
	lx := func() (loop.Expr, dtype.Kind) { // L afresh (it has no table or fallback)
		x, k := r.expr(l)
		if !k.IsFixed() {
			return castTo(x, k, r.act), r.act
		}
		return x, k
	}
	var read loop.Expr
	if !nearest {
		read = r.interp(lx, kind, vals)
	}
	if read == nil { // nearest, or no room to interpolate in 64 bits
		if !nearest {
			if vals, ok = r.entries(e, l, true); !ok {
				return nil, dtype.Invalid, false
			}
		}
		if read = r.nearest(lx, kind, vals); read == nil {
			return nil, dtype.Invalid, false
		}
	}
	r.lutUses++
	return read, kind, true
}

// nearest is the read of the table of kind with vals at the midpoints
// for the input lx(): the entry of L's bucket (nil after an error).
func (r *rewriter) nearest(lx func() (loop.Expr, dtype.Kind), kind dtype.Kind, vals []float64) loop.Expr {
	idx, err := r.tableIndex(lx())
	if err != nil {
		r.fail(err)
		return nil
	}
	return &loop.Load{Buf: r.table(kind, vals).buf, Index: []loop.Index{{Dyn: idx}}}
}

// entries are e's values at the table's midpoints (nearest) or edges, in
// float64; false when e cannot be evaluated as a function of l.
func (r *rewriter) entries(e, l loop.Expr, nearest bool) ([]float64, bool) {
	o := r.opt
	n, off := o.LUTSize+1, 0.0
	if nearest {
		n, off = o.LUTSize, 0.5
	}
	vals := make([]float64, n)
	for i := range vals {
		v, err := eval64(e, l, o.LUTLo+(float64(i)+off)*r.step)
		if err != nil {
			return nil, false
		}
		vals[i] = v
	}
	return vals, true
}

// tableKind is the kind of a table's entries: the activation kind, or for
// int8 and int16 the table's own scale (entries beyond the widest type
// saturate: exp's table reaches e^8).
func (r *rewriter) tableKind(vals []float64) dtype.Kind {
	if r.quant == 0 {
		return r.act
	}
	f, err := quantType(r.quant, maxAbsFloats(vals))
	if err != nil {
		f = dtype.Fixed{W: r.quant, I: r.quant, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
	}
	return dtype.FixedKind(f)
}

func (r *rewriter) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

func maxAbsFloats(v []float64) float64 {
	m := 0.0
	for _, x := range v {
		if a := math.Abs(x); a > m && !math.IsInf(a, 0) {
			m = a
		}
	}
	return m
}

// entryType is the type entries of a table of type f are rounded to: f,
// rounding to nearest (even) and saturating (an entry beyond the kind is
// its extreme, never wrapped).
func entryType(f dtype.Fixed) dtype.Fixed {
	f.Round, f.Overflow = dtype.RoundHalfEven, dtype.Saturate
	return f
}

// table returns the kernel's table of kind with vals, made on first use
// (equal tables are shared: the LSTM's three sigmoids read one).
func (r *rewriter) table(kind dtype.Kind, vals []float64) *table {
	for _, t := range r.tables {
		if t.kind == kind && slices.Equal(t.vals, vals) {
			return t
		}
	}
	init := dtype.New(kind, []int{len(vals)})
	sat := entryType(fixedOf(kind))
	for i, v := range vals {
		init.I64[i], _ = dtype.FromFloat(sat, v)
	}
	name := "lut"
	for n := 1; ; n++ {
		if _, taken := r.k.Buffer(name); !taken {
			break
		}
		name = fmt.Sprintf("lut%d", n)
	}
	id := r.k.NewBuffer(&loop.Buffer{Name: name, Kind: kind, Shape: []int{len(vals)}, Space: loop.ROM, Role: loop.Constant, Init: init})
	t := &table{buf: id, kind: kind, vals: vals}
	r.tables = append(r.tables, t)
	return t
}

// tableIndex is clamp(⌊(L − lo)/step⌋, 0, N − 1) as an i64 expression,
// for x (L) of kind k: L cast to a fixed type with log2(1/step) fraction
// bits (truncating, saturating), minus lo, times 1/step, cast to i64
// (which floors).
func (r *rewriter) tableIndex(x loop.Expr, k dtype.Kind) (loop.Expr, error) {
	u, _, err := r.scaled(x, k, max(r.log2Inv(), 0))
	if err != nil {
		return nil, err
	}
	return r.clampIndex(u), nil
}

// log2Inv is log2(1/step) (negative for a step above 1).
func (r *rewriter) log2Inv() int {
	_, e := math.Frexp(r.step) // step = 2^(e−1)
	return 1 - e
}

// scaled is u = (L − lo)/step in fixed point and its type, exactly: x (L,
// of kind k) cast (truncating, saturating) to the narrowest signed type
// with frac fraction bits that holds lo and hi − step, minus lo, times
// 1/step (a power of two, an exact literal).
func (r *rewriter) scaled(x loop.Expr, k dtype.Kind, frac int) (loop.Expr, dtype.Fixed, error) {
	o := r.opt
	var ti dtype.Fixed
	for i := 1; ; i++ {
		if i+frac > maxFixedW {
			return nil, ti, fmt.Errorf("table range [%g, %g) with step %g needs more than 64 bits", o.LUTLo, o.LUTHi, r.step)
		}
		ti = dtype.Fixed{W: i + frac, I: i, Round: dtype.Truncate, Overflow: dtype.Saturate}
		_, o1 := dtype.FromFloat(ti, o.LUTLo)
		_, o2 := dtype.FromFloat(ti, o.LUTHi-r.step)
		if !o1 && !o2 {
			break
		}
	}
	x = castTo(x, k, dtype.FixedKind(ti))
	lo, okLo := exactConst(o.LUTLo)
	sc, okSc := exactConst(1 / r.step)
	if !okLo || !okSc {
		return nil, ti, fmt.Errorf("table bounds %g and scale %g need exact fixed literals", o.LUTLo, 1/r.step)
	}
	rawLo, _ := dtype.FromFloat(lo, o.LUTLo)
	rawSc, _ := dtype.FromFloat(sc, 1/r.step)
	m := dtype.MulType(dtype.SubType(ti, lo), sc)
	if !fits(m) {
		return nil, m, fmt.Errorf("table index type %s is wider than 64 bits", m)
	}
	diff := &loop.Bin{Op: loop.Sub, X: x, Y: loop.Int(dtype.FixedKind(lo), rawLo)}
	return &loop.Bin{Op: loop.Mul, X: diff, Y: loop.Int(dtype.FixedKind(sc), rawSc)}, m, nil
}

// clampIndex is clamp(⌊u⌋, 0, N − 1) in i64 (a cast to i64 floors).
func (r *rewriter) clampIndex(u loop.Expr) loop.Expr {
	i64 := func(v int) loop.Expr { return loop.Int(dtype.I64, int64(v)) }
	idx := &loop.Bin{Op: loop.Max, X: &loop.Cast{To: dtype.I64, X: u}, Y: i64(0)}
	return &loop.Bin{Op: loop.Min, X: idx, Y: i64(r.opt.LUTSize - 1)}
}

// The answers of input.
const (
	noInput   = iota // a constant
	oneInput         // a function of one input subexpression
	manyInput        // of several
)

// input finds the one non-constant input L that e is a function of:
// loads and loop variables are inputs, structurally equal occurrences are
// one, and a subtree without non-linear operations whose parts have
// different inputs is itself one input (hg[j] + xg[j]). A float
// conversion of a non-float value is an input too.
func input(k *loop.Kernel, e loop.Expr) (loop.Expr, int) {
	switch x := e.(type) {
	case *loop.Const:
		return nil, noInput
	case *loop.Load, *loop.VarRef:
		return e, oneInput
	case *loop.Cast:
		if x.To.IsFloat() && !origKind(k, x.X).IsFloat() {
			if _, n := input(k, x.X); n == noInput {
				return nil, noInput
			}
			return e, oneInput
		}
	}
	var l loop.Expr
	n := noInput
	for _, c := range children(e) {
		cl, cn := input(k, c)
		switch {
		case cn == noInput:
			continue
		case cn == oneInput && (n == noInput || equal(l, cl)):
			l, n = cl, oneInput
			continue
		}
		n = manyInput
		break
	}
	if n == manyInput && !nonlinear(k, e) {
		return e, oneInput
	}
	return l, n
}

// children are e's operands (a load's indices are not: a load is a leaf).
func children(e loop.Expr) []loop.Expr {
	switch e := e.(type) {
	case *loop.Bin:
		return []loop.Expr{e.X, e.Y}
	case *loop.Un:
		return []loop.Expr{e.X}
	case *loop.Cast:
		return []loop.Expr{e.X}
	case *loop.Select:
		return []loop.Expr{e.Cond, e.X, e.Y}
	case *loop.Call:
		return e.Args
	}
	return nil
}

// nonlinear reports whether e (of kernel k) holds an operation fixed
// point does not compute: a float division or remainder (but not a
// division by a literal, which is a multiplication), a libm operator or a
// call. Integer arithmetic (index computations) is not.
func nonlinear(k *loop.Kernel, e loop.Expr) bool {
	switch x := e.(type) {
	case *loop.Bin:
		if isNonlinearBin(k, x) {
			return true
		}
	case *loop.Un:
		if x.Op != loop.Neg && x.Op != loop.Abs && x.Op != loop.Not {
			return true
		}
	case *loop.Call:
		return true
	}
	return slices.ContainsFunc(children(e), func(c loop.Expr) bool { return nonlinear(k, c) })
}

// isNonlinearBin reports whether e is a float division (not by a literal)
// or a float remainder.
func isNonlinearBin(k *loop.Kernel, e *loop.Bin) bool {
	if !origKind(k, e.X).IsFloat() {
		return false
	}
	return e.Op == loop.Rem || e.Op == loop.Div && !isF32Const(e.Y)
}

// hasLoad reports whether e reads a buffer (a function of loop variables
// alone is not worth a table).
func hasLoad(e loop.Expr) bool {
	if _, ok := e.(*loop.Load); ok {
		return true
	}
	return slices.ContainsFunc(children(e), hasLoad)
}

// origKind is the kind of e in kernel k (k verified).
func origKind(k *loop.Kernel, e loop.Expr) dtype.Kind {
	switch e := e.(type) {
	case *loop.Load:
		return k.Buffers[e.Buf].Kind
	case *loop.Const:
		return e.Kind
	case *loop.VarRef:
		return dtype.I64
	case *loop.Bin:
		if e.Op.IsCompare() {
			return dtype.Bool
		}
		return origKind(k, e.X)
	case *loop.Un:
		return origKind(k, e.X)
	case *loop.Cast:
		return e.To
	case *loop.Select:
		return origKind(k, e.X)
	case *loop.Call:
		if len(e.Args) > 0 {
			return origKind(k, e.Args[0])
		}
	}
	return dtype.Invalid
}
