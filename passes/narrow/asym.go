package narrow

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// scaleBits is the number of significant bits of the constant ŝ an
// asymmetric tensor is dequantised with: the scale is off by at most
// 2^−17 relatively, far below int16's step of 2^−16 of the range (int8's
// 2^−8), and (q − z)·ŝ stays within 33 + f bits. invBits is that of 1/ŝ,
// which quantises: with 24 bits (q − z)·ŝ·(1/ŝ) is within 2^−8 of q − z
// for every int16 q, so requantising with the same parameters gives q
// back (with 16 bits, 7610 of the 65536 q of [−0.003, 0] moved by one).
const scaleBits, invBits = 16, 24

// An asymmetric layer's accumulator is fixed<asymAccW, asymAccW − F>,
// with F the sum of its operands' fraction bits up to asymAccFrac: at
// least 16 integer bits are kept for the sum, and one bit of 64 is left
// for the carry of acc + product, which is then exact.
const asymAccW, asymAccFrac = maxFixedW - 1, 47

// asym is the asymmetric quantisation of one tensor, ONNX QuantizeLinear's
// (and TFLite's, PyTorch's): value = (q − z)·ŝ with q a w-bit integer.
type asym struct {
	q     dtype.Fixed // fixed<w,w,rne,sat>: the raw q a buffer holds
	zero  int64       // z, within q's range
	scale float64     // ŝ: (max − min)/(2^w − 1) to scaleBits significant bits
	s     konst       // ŝ as a fixed literal
	inv   konst       // 1/ŝ to invBits significant bits
	// deq is the type of (q − z)·ŝ, exact: ŝ's fraction bits and the
	// integer bits of (qmin − z)·ŝ and (qmax − z)·ŝ.
	deq dtype.Fixed
	// in is the type a float converts to before it is quantised: deq's
	// fraction bits (ŝ's: 16 bits below a step of q) and one integer bit
	// more (twice the range, beyond which q saturates anyway).
	in dtype.Fixed
}

// konst is a fixed-point literal.
type konst struct {
	t   dtype.Fixed
	raw int64
}

func (c konst) expr() loop.Expr     { return loop.Int(dtype.FixedKind(c.t), c.raw) }
func (c konst) value() float64      { return dtype.ToFloat(c.t, c.raw) }
func (a *asym) kind() dtype.Kind    { return dtype.FixedKind(a.q) }
func (a *asym) deqKind() dtype.Kind { return dtype.FixedKind(a.deq) }
func (a *asym) zeroExpr() loop.Expr { return loop.Int(a.kind(), a.zero) }

// String is the quantisation as the report prints it.
func (a *asym) String() string {
	return fmt.Sprintf("scale %.6g zero %d", a.scale, a.zero)
}

// sigConst is v > 0 rounded to bits significant bits (to nearest, ties
// to even), as the narrowest signed fixed literal holding it.
func sigConst(v float64, bits int) (konst, error) {
	if !(v > 0) || math.IsInf(v, 0) {
		return konst{}, fmt.Errorf("scale %g is not a finite positive number", v)
	}
	frac, e := math.Frexp(v) // v = frac·2^e, ½ ≤ frac < 1
	m := math.RoundToEven(math.Ldexp(frac, bits))
	f := bits - e // v̂ = m·2^−f
	if f < 0 {
		m, f = math.Ldexp(m, -f), 0
	}
	w := max(signedBits(m), f)
	if w > maxFixedW {
		return konst{}, fmt.Errorf("scale %g needs a %d-bit fixed-point constant, more than 64", v, w)
	}
	return konst{t: dtype.Fixed{W: w, I: w - f}, raw: int64(m)}, nil
}

// asymParams is the w-bit asymmetric quantisation of a tensor with values
// in [lo, hi], extended to hold 0: ŝ = (hi − lo)/(2^w − 1) to scaleBits
// significant bits (1 when hi = lo = 0), 1/ŝ to invBits, z =
// clamp(round(qmin − lo/ŝ), qmin, qmax), rounding half to even. z comes from the represented ŝ, so
// q = z is exactly 0; when ŝ rounded down, lo/ŝ may reach beyond qmin and z
// is clamped (lo then saturates one step short).
func asymParams(w int, lo, hi float64) (*asym, error) {
	if math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		return nil, fmt.Errorf("range [%g, %g] is not finite", lo, hi)
	}
	lo, hi = min(lo, 0), max(hi, 0)
	qmin, qmax := -math.Ldexp(1, w-1), math.Ldexp(1, w-1)-1
	s := (hi - lo) / (qmax - qmin)
	if s == 0 {
		s = 1 // every value 0: q = z
	}
	a := &asym{q: dtype.Fixed{W: w, I: w, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}}
	var err error
	if a.s, err = sigConst(s, scaleBits); err != nil {
		return nil, fmt.Errorf("range [%g, %g]: %w", lo, hi, err)
	}
	a.scale = a.s.value()
	z := min(max(math.RoundToEven(qmin-lo/a.scale), qmin), qmax)
	a.zero = int64(z)
	if a.inv, err = sigConst(1/a.scale, invBits); err != nil {
		return nil, fmt.Errorf("range [%g, %g]: %w", lo, hi, err)
	}
	f := a.s.t.FracBits()
	for i := 1; ; i++ {
		if i+f > maxFixedW || !fits(dtype.MulType(dtype.SubType(a.q, a.q), a.s.t)) { // (q − z)·ŝ
			return nil, fmt.Errorf("range [%g, %g]: int%d with scale %g needs more than 64 bits to dequantise", lo, hi, w, a.scale)
		}
		a.deq = dtype.Fixed{W: i + f, I: i, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
		_, o1 := dtype.FromFloat(a.deq, (qmin-z)*a.scale)
		_, o2 := dtype.FromFloat(a.deq, (qmax-z)*a.scale)
		if !o1 && !o2 {
			break
		}
	}
	a.in = dtype.Fixed{W: min(a.deq.W+1, maxFixedW), I: a.deq.I + 1, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
	return a, nil
}

// quantiseConst is v's q: round(v/ŝ) + z, saturated (weights are
// quantised offline, in float64).
func (a *asym) quantiseConst(v float64) int64 {
	if math.IsNaN(v) {
		return a.zero
	}
	q := math.RoundToEven(v/a.scale) + float64(a.zero)
	return int64(min(max(q, float64(a.q.MinRaw())), float64(a.q.MaxRaw())))
}

// quantiseArray is init's values quantised by a, an array of a's q kind.
func (a *asym) quantiseArray(init *dtype.Array) *dtype.Array {
	out := dtype.New(a.kind(), init.Shape)
	for i := range init.Len() {
		out.I64[i] = a.quantiseConst(init.At(i))
	}
	return out
}

// dequantise is the value of q (an expression of a's q kind):
// (q − z)·ŝ, exact (q − z in fixed<w+1,w+1>, the product in its exact
// type), then cast to deq, which holds every such value exactly.
func (a *asym) dequantise(q loop.Expr) (loop.Expr, dtype.Kind) {
	d := &loop.Bin{Op: loop.Sub, X: q, Y: a.zeroExpr()}
	p := &loop.Bin{Op: loop.Mul, X: d, Y: a.s.expr()}
	pt := dtype.MulType(dtype.SubType(a.q, a.q), a.s.t)
	return castTo(p, dtype.FixedKind(pt), a.deqKind()), a.deqKind()
}

// quantise is v (of kind k) as a's q: cast<q>(v·(1/ŝ) + z), one exact
// fixed-point expression rounded (half to even) and saturated once by the
// cast. A value that is not fixed converts to a.in first; one too wide for
// the product to fit 64 bits drops fraction bits first.
func (a *asym) quantise(v loop.Expr, k dtype.Kind) loop.Expr {
	if !k.IsFixed() {
		v, k = castTo(v, k, dtype.FixedKind(a.in)), dtype.FixedKind(a.in)
	}
	t := fixedOf(k)
	for t.W > 2 && !fits(dtype.AddType(dtype.MulType(t, a.inv.t), a.q)) {
		t = cut(t, t.W-1)
	}
	v = castTo(v, k, dtype.FixedKind(t))
	p := &loop.Bin{Op: loop.Mul, X: v, Y: a.inv.expr()}
	return &loop.Cast{To: a.kind(), X: &loop.Bin{Op: loop.Add, X: p, Y: a.zeroExpr()}}
}

// roundTrip is v (of kind k) quantised by a and dequantised: what a model
// input or output of an asymmetric tensor reads or writes.
func (a *asym) roundTrip(v loop.Expr, k dtype.Kind) (loop.Expr, dtype.Kind) {
	return a.dequantise(a.quantise(v, k))
}

// asymOf is the quantisation buffer id holds, nil when it holds plain
// values (or no longer holds q: a temporary turned f32).
func (r *rewriter) asymOf(id loop.BufID) *asym {
	if int(id) >= len(r.asym) || r.asym[id] == nil || r.k.Buffers[id].Kind != r.asym[id].kind() {
		return nil
	}
	return r.asym[id]
}

// boundaryAsym is the quantisation a load from (store to) the model's f32
// input (output) id rounds through, nil when none.
func boundaryAsym(s []*asym, id loop.BufID) *asym {
	if int(id) < len(s) {
		return s[id]
	}
	return nil
}

// rangeOf is the least and greatest of a's values (NaNs skipped), 0 and 0
// when it has none.
func rangeOf(a *dtype.Array) (lo, hi float64) {
	for i := range a.Len() {
		if v := a.At(i); !math.IsNaN(v) {
			lo, hi = min(lo, v), max(hi, v)
		}
	}
	return lo, hi
}
