package dtype

import (
	"cmp"
	"fmt"
	"math"
	"math/bits"
)

// This file holds the bit-exact fixed-point operations. Each one computes
// its exact result first (a product of two 64-bit raws needs up to 128 bits,
// kept as a sign and a 128-bit magnitude) and then rounds and overflows it
// once into the destination type, as ap_fixed's assignment does.

// FromFloat rounds v to f, in f's rounding and overflow modes, and reports
// whether v lay outside f's range (so wrapped or saturated). v is exact as
// a binary number, so the result is bit-exact whatever f's width. NaN gives
// 0 and reports overflow. ±Inf saturate to f's largest or smallest value
// under Saturate and give 0 under Wrap (the low W bits of a large enough
// power of two are all zero); both report overflow. −0 gives 0.
func FromFloat(f Fixed, v float64) (raw int64, overflowed bool) {
	mustValid(f)
	switch {
	case math.IsNaN(v):
		return 0, true
	case math.IsInf(v, 0):
		if f.Overflow == Wrap {
			return 0, true
		}
		if v < 0 {
			return f.MinRaw(), true
		}
		return f.MaxRaw(), true
	case v == 0:
		return 0, false
	}
	frac, exp := math.Frexp(math.Abs(v)) // |v| = frac·2^exp, 0.5 ≤ frac < 1
	m := uint64(math.Ldexp(frac, 53))    // exact: frac has 53 significant bits
	return fit(f, v < 0, u128{lo: m}, exp-53+f.FracBits(), false)
}

// ToFloat is the number held by raw in f. It is exact when the raw value
// has at most 53 significant bits, so always for W ≤ 53; otherwise it is
// rounded to the nearest float64, ties to even.
func ToFloat(f Fixed, raw int64) float64 {
	neg, mag := decode(f, raw)
	v := math.Ldexp(float64(mag), -f.FracBits()) // 2^−64 and up: no subnormals
	if neg {
		return -v
	}
	return v
}

// Convert changes raw from type from to type to, applying to's rounding and
// overflow modes, and reports whether the value lay outside to's range.
func Convert(from, to Fixed, raw int64) (int64, bool) {
	neg, mag := decode(from, raw)
	return fit(to, neg, u128{lo: mag}, to.FracBits()-from.FracBits(), false)
}

// MulType is the exact type of a product of a and b, ap_fixed's rule:
// fixed<Wa+Wb, Ia+Ib>, unsigned only when both are. Its modes are the
// defaults, which never act on an exact product. It may be wider than 64
// bits, and then it is not Valid and Mul cannot produce it; MulTo can.
func MulType(a, b Fixed) Fixed {
	return Fixed{W: a.W + b.W, I: a.I + b.I, Unsigned: a.Unsigned && b.Unsigned}
}

// AddType is the exact type of a sum of a and b, ap_fixed's rule: the larger
// fraction, the larger integer part plus one carry bit, signed when either
// is. An unsigned operand added to a signed one counts one integer bit more,
// for the sign. It may be wider than 64 bits; see Add.
func AddType(a, b Fixed) Fixed {
	return sumType(a, b, a.Unsigned && b.Unsigned)
}

// SubType is the exact type of a difference a − b: as AddType, but always
// signed, since a difference of unsigned values can be negative.
func SubType(a, b Fixed) Fixed {
	return sumType(a, b, false)
}

func sumType(a, b Fixed, unsigned bool) Fixed {
	ia, ib := a.I, b.I
	if a.Unsigned && !b.Unsigned {
		ia++
	}
	if b.Unsigned && !a.Unsigned {
		ib++
	}
	i := max(ia, ib) + 1
	return Fixed{W: i + max(a.FracBits(), b.FracBits()), I: i, Unsigned: unsigned}
}

// Mul is the exact product x·y in MulType(a, b). It panics when that type is
// wider than 64 bits: check MulType(a, b).Validate() when the types are
// chosen, or use MulTo, which takes operands of any width.
func Mul(a, b Fixed, x, y int64) int64 {
	r, _ := MulTo(a, b, exactType("Mul", MulType(a, b)), x, y)
	return r
}

// Add is the exact sum x+y in AddType(a, b). It panics when that type is
// wider than 64 bits; AddTo takes operands of any width.
func Add(a, b Fixed, x, y int64) int64 {
	r, _ := AddTo(a, b, exactType("Add", AddType(a, b)), x, y)
	return r
}

// Sub is the exact difference x−y in SubType(a, b). It panics when that type
// is wider than 64 bits; SubTo takes operands of any width.
func Sub(a, b Fixed, x, y int64) int64 {
	r, _ := SubTo(a, b, exactType("Sub", SubType(a, b)), x, y)
	return r
}

func exactType(op string, t Fixed) Fixed {
	if t.W > 64 {
		panic(fmt.Sprintf("dtype: %s: exact type %s is wider than 64 bits", op, t))
	}
	return t
}

// MulTo is the product x·y of an a and a b, computed exactly (up to 128
// bits) and then rounded and overflowed once into to; it reports whether the
// product lay outside to's range.
func MulTo(a, b, to Fixed, x, y int64) (int64, bool) {
	nx, mx := decode(a, x)
	ny, my := decode(b, y)
	hi, lo := bits.Mul64(mx, my)
	return fit(to, nx != ny, u128{hi, lo}, to.FracBits()-a.FracBits()-b.FracBits(), false)
}

// AddTo is the sum x+y of an a and a b, computed exactly and then rounded
// and overflowed once into to; it reports whether the sum lay outside to's
// range. With a, b and to the same type it is an accumulator's add: exact
// but for to's overflow mode.
func AddTo(a, b, to Fixed, x, y int64) (int64, bool) {
	ny, my := decode(b, y)
	return addTo(a, b, to, x, ny, my)
}

// SubTo is the difference x−y, computed exactly and then rounded and
// overflowed once into to, as AddTo.
func SubTo(a, b, to Fixed, x, y int64) (int64, bool) {
	ny, my := decode(b, y)
	return addTo(a, b, to, x, !ny, my)
}

// Accumulate adds the product x·y of an a and a b to sum, an acc, and
// reports whether it overflowed. The product is rounded and overflowed into
// acc (MulTo), then added to sum in acc (AddTo: exact but for acc's overflow
// mode). That is hls4ml's order, where the product is cast to accum_t
// before +=, and C's `acc += (acc_t)(x * y)`; a bare ap_fixed
// `acc += x * y` rounds and overflows the sum once instead, which differs
// under rne rounding and sat overflow.
func Accumulate(acc Fixed, sum int64, a, b Fixed, x, y int64) (int64, bool) {
	p, o1 := MulTo(a, b, acc, x, y)
	s, o2 := AddTo(acc, acc, acc, sum, p)
	return s, o1 || o2
}

// addTo adds x, an a, to the b whose sign is ny and magnitude my.
func addTo(a, b, to Fixed, x int64, ny bool, my uint64) (int64, bool) {
	nx, mx := decode(a, x)
	f := max(a.FracBits(), b.FracBits())
	ma := u128{lo: mx}.shl(uint(f - a.FracBits())) // < 2^128: mx < 2^64, shift ≤ 64
	mb := u128{lo: my}.shl(uint(f - b.FracBits()))
	var (
		neg   bool
		mag   u128
		carry bool
	)
	switch {
	case nx == ny:
		mag, carry = ma.add(mb)
		neg = nx
	case ma.cmp(mb) >= 0:
		mag, neg = ma.sub(mb), nx
	default:
		mag, neg = mb.sub(ma), ny
	}
	return fit(to, neg, mag, to.FracBits()-f, carry)
}

// decode reads the low W bits of raw as an f: its sign and magnitude.
func decode(f Fixed, raw int64) (neg bool, mag uint64) {
	mustValid(f)
	v := WrapRaw(f, raw)
	if f.Unsigned || v >= 0 {
		return false, uint64(v)
	}
	return true, uint64(-v) // −MinInt64 wraps to MinInt64, whose uint64 is 2^63
}

// fit rounds and overflows the number (−1 if neg)·mag·2^shift, given in
// units of to's least significant bit, into a raw of to, and reports
// whether it overflowed. carry says the magnitude had a 129th bit that mag
// lacks; such a number overflows every type.
func fit(to Fixed, neg bool, mag u128, shift int, carry bool) (int64, bool) {
	mustValid(to)
	var q u128
	over := carry
	if shift >= 0 {
		n := uint(shift)
		over = over || n >= 128 && !mag.isZero() || n > 0 && n < 128 && !mag.shr(128-n).isZero()
		q = mag.shl(n)
	} else {
		q = roundShr(to.Round, neg, mag, uint(-shift))
	}
	if neg && q.isZero() && !over {
		neg = false // −0
	}
	if !over {
		over = q.hi != 0 || q.lo > maxMag(to, neg)
	}
	r := q.lo
	if neg {
		r = -r
	}
	if !over {
		return int64(r), false
	}
	if to.Overflow == Saturate {
		if neg {
			return to.MinRaw(), true
		}
		return to.MaxRaw(), true
	}
	return WrapRaw(to, int64(r)), true
}

// maxMag is the largest magnitude to holds with the given sign.
func maxMag(to Fixed, neg bool) uint64 {
	switch {
	case to.Unsigned && neg:
		return 0
	case to.Unsigned:
		return uint64(to.MaxRaw())
	case neg:
		return 1 << (to.W - 1)
	}
	return uint64(to.MaxRaw())
}

// roundShr is the magnitude of (−1 if neg)·mag·2^−n rounded to an integer
// in mode r; n ≥ 1.
func roundShr(r Rounding, neg bool, mag u128, n uint) u128 {
	q := mag.shr(n)
	rem := mag.sub(q.shl(n)) // the n bits shifted out (all of mag when n ≥ 128)
	if rem.isZero() {
		return q
	}
	c := -1 // rem compared with half an integer, 2^(n−1)
	if n <= 128 {
		c = rem.cmp(u128{lo: 1}.shl(n - 1))
	}
	var up bool // away from zero; q < 2^127, so q+1 cannot carry
	switch r {
	case Truncate:
		up = neg
	case RoundHalfUp:
		up = c > 0 || c == 0 && !neg
	case RoundHalfEven:
		up = c > 0 || c == 0 && q.lo&1 == 1
	}
	if up {
		q, _ = q.add(u128{lo: 1})
	}
	return q
}

// mustValid panics on a type that Validate rejects: types come from
// ParseFixed or are checked where a pass chooses them, so an invalid one
// here is a bug in kiln.
func mustValid(f Fixed) {
	if msg := f.check(); msg != "" {
		panic(fmt.Sprintf("dtype: fixed type %s: %s", f, msg))
	}
}

// u128 is an unsigned 128-bit integer.
type u128 struct{ hi, lo uint64 }

func (a u128) isZero() bool { return a.hi|a.lo == 0 }

// shl is a·2^n mod 2^128, for any n (Go's shifts by 64 or more give 0).
func (a u128) shl(n uint) u128 {
	if n < 64 {
		return u128{a.hi<<n | a.lo>>(64-n), a.lo << n}
	}
	return u128{a.lo << (n - 64), 0}
}

// shr is ⌊a·2^−n⌋, for any n.
func (a u128) shr(n uint) u128 {
	if n < 64 {
		return u128{a.hi >> n, a.lo>>n | a.hi<<(64-n)}
	}
	return u128{0, a.hi >> (n - 64)}
}

// add is a+b mod 2^128 and whether it carried out.
func (a u128) add(b u128) (u128, bool) {
	lo, c := bits.Add64(a.lo, b.lo, 0)
	hi, c := bits.Add64(a.hi, b.hi, c)
	return u128{hi, lo}, c != 0
}

// sub is a−b mod 2^128.
func (a u128) sub(b u128) u128 {
	lo, c := bits.Sub64(a.lo, b.lo, 0)
	hi, _ := bits.Sub64(a.hi, b.hi, c)
	return u128{hi, lo}
}

func (a u128) cmp(b u128) int {
	if a.hi != b.hi {
		return cmp.Compare(a.hi, b.hi)
	}
	return cmp.Compare(a.lo, b.lo)
}
