package narrow

import (
	"fmt"
	"math"
	"math/bits"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// maxInterpFrac bounds the fraction bits of an interpolation weight t.
const maxInterpFrac = 32

// steepness: a table is refused when two adjacent entries differ by more
// than 1/steepness of the range of its entries (a pole, a singularity or
// a jump the step cannot follow).
const steepness = 8

// checkTable says why a table of type f with entries vals (in float64)
// would be wrong, or nil: every entry must be finite; an entry beyond f
// saturates only in a run at an end of the table (exp(x) beyond f's
// largest value: the table then gives the saturated value a saturating
// type would), never between entries that fit (a pole); and no two
// adjacent entries, rounded to f, may differ by more than 1/8 of the
// range of the entries (the function is steeper than the step follows).
func checkTable(f dtype.Fixed, vals []float64) error {
	e := entryType(f)
	q := make([]float64, len(vals))
	sat := make([]bool, len(vals))
	first, last := -1, -1
	for i, v := range vals {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("entry %d is %g, not a finite number", i, v)
		}
		raw, o := dtype.FromFloat(e, v)
		q[i], sat[i] = dtype.ToFloat(e, raw), o
		if !o {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return fmt.Errorf("every entry is beyond %s", f)
	}
	for i := first; i <= last; i++ {
		if sat[i] {
			return fmt.Errorf("entry %d (%g) is beyond %s between entries within it", i, vals[i], f)
		}
	}
	lo, hi := q[0], q[0]
	for _, v := range q {
		lo, hi = min(lo, v), max(hi, v)
	}
	for i := 1; i < len(q); i++ {
		if d := math.Abs(q[i] - q[i-1]); d > (hi-lo)/steepness {
			return fmt.Errorf("entries %d and %d differ by %g, more than 1/%d of the entries' range %g", i-1, i, d, steepness, hi-lo)
		}
	}
	return nil
}

// interp is the interpolated read of a table of kind with vals at the
// N + 1 edges lo + i·step, for the input lx() (which builds L afresh, of
// a fixed kind, on each call): u = (L − lo)/step in fixed point (exact),
// i = clamp(⌊u⌋, 0, N − 1), t = u − i clamped to [0, 1] as a ufixed
// fraction, and T[i] + (T[i+1] − T[i])·t computed exactly, then cast once
// to kind. It is nil when L has no fraction bits below the step
// or the exact types would exceed 64 bits: the caller then reads the
// nearest entry.
func (r *rewriter) interp(lx func() (loop.Expr, dtype.Kind), kind dtype.Kind, vals []float64) loop.Expr {
	_, k := lx()
	s := r.log2Inv()
	idxT := dtype.Fixed{W: bits.Len(uint(r.opt.LUTSize-1)) + 1}
	idxT.I = idxT.W
	for fu := min(fixedOf(k).FracBits()-s, maxInterpFrac); fu >= 1 && fu+s >= 0; fu-- {
		tf, ok := interpTypes(fixedOf(kind), idxT, fu, func() (dtype.Fixed, error) {
			x, k := lx()
			_, m, err := r.scaled(x, k, fu+s)
			return m, err
		})
		if !ok {
			continue
		}
		u := func() loop.Expr {
			x, k := lx()
			u, _, _ := r.scaled(x, k, fu+s)
			return u
		}
		buf := r.table(kind, vals).buf
		at := func(off int) loop.Expr {
			return &loop.Load{Buf: buf, Index: []loop.Index{{Aff: loop.Lit(off), Dyn: r.clampIndex(u())}}}
		}
		frac := &loop.Bin{Op: loop.Sub, X: u(), Y: &loop.Cast{To: dtype.FixedKind(idxT), X: r.clampIndex(u())}}
		tk := dtype.FixedKind(tf)
		t := &loop.Bin{Op: loop.Min, X: &loop.Cast{To: tk, X: frac}, Y: loop.Int(tk, int64(1)<<fu)}
		d := &loop.Bin{Op: loop.Sub, X: at(1), Y: at(0)}
		v := &loop.Bin{Op: loop.Add, X: at(0), Y: &loop.Bin{Op: loop.Mul, X: d, Y: t}}
		return &loop.Cast{To: kind, X: v}
	}
	return nil
}

// interpTypes is the type of the weight t with fu fraction bits,
// ufixed<fu+1, 1, trn, sat> (t ≥ 0 and t < 2 before the clamp to 1), and
// whether every exact type of the interpolation of entries of type f fits
// in 64 bits; um gives the type of u (an error when it does not fit).
func interpTypes(f, idxT dtype.Fixed, fu int, um func() (dtype.Fixed, error)) (dtype.Fixed, bool) {
	tf := dtype.Fixed{W: fu + 1, I: 1, Unsigned: true, Round: dtype.Truncate, Overflow: dtype.Saturate}
	m, err := um()
	if err != nil {
		return tf, false
	}
	p := dtype.MulType(dtype.SubType(f, f), tf)
	for _, t := range []dtype.Fixed{dtype.SubType(m, idxT), tf, p, dtype.AddType(f, p)} {
		if !fits(t) {
			return tf, false
		}
	}
	return tf, true
}
