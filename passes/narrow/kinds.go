package narrow

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/passes"
)

// maxFixedW is the widest fixed type the loop IR holds; unsigned types hold
// one bit less (every raw fits a signed int64).
const maxFixedW = 64

// floatKinds maps the float precisions to their loop kinds.
var floatKinds = map[passes.PrecisionKind]dtype.Kind{
	passes.FP32: dtype.F32, passes.FP16: dtype.F16, passes.BF16: dtype.BF16,
	passes.FP8E4M3: dtype.F8E4M3FN, passes.FP8E5M2: dtype.F8E5M2,
}

// quantWidth is the width of an int8 or int16 precision, 0 for the others.
func quantWidth(p passes.Precision) int {
	switch p.Kind {
	case passes.Int8:
		return 8
	case passes.Int16:
		return 16
	}
	return 0
}

// checkPrecision rejects what Apply does not implement or the loop IR
// cannot hold.
func checkPrecision(p passes.Precision) error {
	switch {
	case p.PerChannel && quantWidth(p) == 0:
		return fmt.Errorf("%s: a scale per channel is for int8 and int16 only; use %s", p, perTensor(p))
	case p.Kind == passes.FixedPoint:
		if err := p.Fixed.Validate(); err != nil {
			return err
		}
		if p.Fixed.Unsigned && p.Fixed.W >= maxFixedW {
			return fmt.Errorf("%s: the loop IR holds ufixed types up to 63 bits", p)
		}
	}
	return nil
}

// perTensor is p with one scale per tensor.
func perTensor(p passes.Precision) passes.Precision {
	p.PerChannel = false
	return p
}

// kindOf is the loop kind of p for a tensor whose values reach maxAbs in
// magnitude (used by int8 and int16 only).
func kindOf(p passes.Precision, maxAbs float64) (dtype.Kind, error) {
	if k, ok := floatKinds[p.Kind]; ok {
		return k, nil
	}
	switch p.Kind {
	case passes.FixedPoint:
		return dtype.FixedKind(p.Fixed), nil
	case passes.Int8, passes.Int16:
		f, err := quantType(quantWidth(p), maxAbs)
		if err != nil {
			return dtype.Invalid, err
		}
		return dtype.FixedKind(f), nil
	}
	return dtype.Invalid, fmt.Errorf("precision %q has no loop kind", p)
}

// quantType is the symmetric, power-of-two scaled w-bit type of a tensor
// whose values reach maxAbs: fixed<w,I,rne,sat> with the smallest I ≥ 0 at
// which ±maxAbs round without overflow (Vitis AI's and hls4ml's
// quantisation: zero point 0, scale 2^−(w−I)). Values beyond the
// calibrated range saturate.
func quantType(w int, maxAbs float64) (dtype.Fixed, error) {
	if math.IsNaN(maxAbs) || math.IsInf(maxAbs, 0) {
		return dtype.Fixed{}, fmt.Errorf("max-abs %g is not a finite number", maxAbs)
	}
	maxAbs = math.Abs(maxAbs)
	for i := 0; i <= w; i++ {
		f := dtype.Fixed{W: w, I: i, Round: dtype.RoundHalfEven, Overflow: dtype.Saturate}
		_, o1 := dtype.FromFloat(f, maxAbs)
		_, o2 := dtype.FromFloat(f, -maxAbs)
		if !o1 && !o2 {
			return f, nil
		}
	}
	return dtype.Fixed{}, fmt.Errorf("max-abs %g is beyond int%d with a power-of-two scale of at most 1 (fixed<%d,%d> reaches %d)",
		maxAbs, w, w, w, int64(1)<<(w-1)-1)
}

// maxAbsOf is the largest magnitude in a (NaNs skipped).
func maxAbsOf(a *dtype.Array) float64 {
	m := 0.0
	for i := range a.Len() {
		if v := math.Abs(a.At(i)); v > m {
			m = v
		}
	}
	return m
}

// floatFormat is a float kind's exponent and fraction bits, for joins.
type floatFormat struct{ exp, man int }

// joinOrder lists the float kinds an operation on two different ones may
// compute in, narrowest first.
var joinOrder = []struct {
	k dtype.Kind
	f floatFormat
}{
	{dtype.F8E4M3FN, floatFormat{4, 3}}, {dtype.F8E5M2, floatFormat{5, 2}},
	{dtype.F16, floatFormat{5, 10}}, {dtype.BF16, floatFormat{8, 7}},
	{dtype.F32, floatFormat{8, 23}}, {dtype.F64, floatFormat{11, 52}},
}

// floatJoin is the narrowest float kind holding every value of a and of b:
// f16 with bf16 gives f32. Kinds outside joinOrder join to f32 (f64 if
// either is f64).
func floatJoin(a, b dtype.Kind) dtype.Kind {
	if a == b {
		return a
	}
	fa, oka := formatOf(a)
	fb, okb := formatOf(b)
	if !oka || !okb {
		if a == dtype.F64 || b == dtype.F64 {
			return dtype.F64
		}
		return dtype.F32
	}
	for _, j := range joinOrder {
		if j.f.exp >= max(fa.exp, fb.exp) && j.f.man >= max(fa.man, fb.man) {
			return j.k
		}
	}
	return dtype.F64
}

func formatOf(k dtype.Kind) (floatFormat, bool) {
	for _, j := range joinOrder {
		if j.k == k {
			return j.f, true
		}
	}
	return floatFormat{}, false
}

// fixedOf is k's fixed type; k must be fixed.
func fixedOf(k dtype.Kind) dtype.Fixed {
	f, ok := k.Fixed()
	if !ok {
		panic(fmt.Sprintf("narrow: %v is not a fixed kind", k))
	}
	return f
}

// fits reports whether the loop IR holds t (signed up to 64 bits, unsigned
// up to 63).
func fits(t dtype.Fixed) bool {
	return t.W <= maxFixedW && !(t.Unsigned && t.W >= maxFixedW)
}

// intBits is the integer bits (sign included when signed) t needs to hold
// every integer part of a value of type of.
func intBits(t dtype.Fixed, signed bool) int {
	if signed && t.Unsigned {
		return t.I + 1
	}
	return t.I
}

// holds reports whether every value of b is a value of a.
func holds(a, b dtype.Fixed) bool {
	if b.FracBits() > a.FracBits() {
		return false
	}
	if a.Unsigned {
		return b.Unsigned && a.I >= b.I
	}
	return a.I >= intBits(b, true)
}

// common is a fixed type holding the values of a and of b: one of them
// when it holds the other (keeping its modes), else the union of their
// integer and fraction bits, fraction bits dropped beyond 64 bits.
func common(a, b dtype.Fixed) dtype.Fixed {
	switch {
	case holds(a, b):
		return a
	case holds(b, a):
		return b
	}
	unsigned := a.Unsigned && b.Unsigned
	i := max(intBits(a, !unsigned), intBits(b, !unsigned))
	f := max(a.FracBits(), b.FracBits())
	t := dtype.Fixed{W: i + f, I: i, Unsigned: unsigned}
	for !fits(t) && t.W > t.I {
		t.W--
	}
	if !fits(t) { // integer parts beyond 64 bits: wrap the widest
		t.W, t.I = maxFixedW, maxFixedW
	}
	return t
}

// exactConst is the smallest signed fixed type holding v exactly, when it
// has at most maxConstFrac fraction bits and maxConstW bits in all.
func exactConst(v float64) (dtype.Fixed, bool) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return dtype.Fixed{}, false
	}
	for f := 0; f <= maxConstFrac; f++ {
		s := math.Ldexp(v, f)
		if s != math.Trunc(s) {
			continue
		}
		w := max(signedBits(s), f, 1)
		if w > maxConstW {
			return dtype.Fixed{}, false
		}
		return dtype.Fixed{W: w, I: w - f}, true
	}
	return dtype.Fixed{}, false
}

// The limits of an exact literal's type (the brief: 0, 1, 0.5, −0.125 …
// stay exact; others round to the weights' type).
const maxConstFrac, maxConstW = 16, 32

// signedBits is the width of the smallest two's-complement integer holding
// the integer s.
func signedBits(s float64) int {
	w := 1
	for s < -math.Ldexp(1, w-1) || s > math.Ldexp(1, w-1)-1 {
		w++
	}
	return w
}

// widened is w with enough integer bits for ±|v|, capped at 64 bits.
func widened(w dtype.Fixed, v float64) dtype.Fixed {
	t := w
	t.Unsigned = false
	for t.I < maxFixedW {
		if _, o := dtype.FromFloat(t, v); !o {
			break
		}
		t.I++
		t.W = min(t.W+1, maxFixedW)
	}
	return t
}
