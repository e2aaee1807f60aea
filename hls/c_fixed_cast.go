package hls

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// fixedCast prints a Cast into or out of a fixed kind (from ≠ to), as the
// loop IR's contract defines it: fixed → fixed is dtype.Convert, a float
// → fixed dtype.FromFloat, fixed → float dtype.ToFloat then the float
// kind's rounding, an integer → fixed the exact integer converted,
// fixed → integer the floor wrapped to the integer kind.
func (e *cEmitter) fixedCast(x *loop.Cast, from, to dtype.Kind) cVal {
	ft, toFixed := to.Fixed()
	ff, fromFixed := from.Fixed()
	switch {
	case toFixed && fromFixed:
		return e.fxConvert(e.expr(x.X, 0), ff, ft, false)
	case toFixed && from.IsFloat():
		name := "kiln_f64_to_" + cFixedID(ft)
		e.helpers[name] = cFromDoubleCode(name, ft)
		return e.helperCall(name, to, x.X)
	case toFixed && (from.IsInt() || from == dtype.Bool):
		return e.fxConvert(e.expr(x.X, 0), cIntAsFixed(from), ft, from == dtype.U64)
	case fromFixed && to.IsFloat():
		return e.fixedToFloat(x.X, ff, to)
	case fromFixed && to == dtype.Bool:
		return cVal{paren(e.expr(x.X, 0), cPrecRel) + " != 0", cPrecEq, to}
	case fromFixed && to.IsInt():
		return e.fixedToInt(x.X, ff, to)
	}
	e.errorf("cast from %v to %v", from, to)
	return cVal{"0", cPrecPrimary, to}
}

// cIntAsFixed is the fixed type holding exactly the values of the integer
// kind k (bool: 0 and 1), e.g. fixed<8,8> for i8, ufixed<64,64> for u64.
func cIntAsFixed(k dtype.Kind) dtype.Fixed {
	if k == dtype.Bool {
		return dtype.Fixed{W: 1, I: 1, Unsigned: true}
	}
	return dtype.Fixed{W: k.Bits(), I: k.Bits(), Unsigned: k.Class() == dtype.ClassUint}
}

// cMayOverflow reports whether some value of from lies outside to's range
// once rounded to it (Convert is monotone, so the extremes tell).
func cMayOverflow(from, to dtype.Fixed) bool {
	_, lo := dtype.Convert(from, to, from.MinRaw())
	_, hi := dtype.Convert(from, to, from.MaxRaw())
	return lo || hi
}

// fxConvert converts v, a raw of from in an integer C type (uint64_t when
// u64, the u64 kind's values; an integer type of at most 64 bits holding
// the value otherwise), to a raw of to as dtype.Convert does: a left shift
// by the difference of fraction bits, or a rounding right shift, then the
// overflow mode, skipped when no value of from overflows.
func (e *cEmitter) fxConvert(v cVal, from, to dtype.Fixed, u64 bool) cVal {
	k := dtype.FixedKind(to)
	d := to.FracBits() - from.FracBits()
	over := d >= 64 || cMayOverflow(from, to)
	switch {
	case d < 0:
		name := "kiln_fx_shr_" + to.Round.String()
		e.fxHelper(name)
		r := cVal{fmt.Sprintf("%s(%s, %d)", name, paren(v, cPrecCond), -d), cPrecPrimary, k}
		if !over {
			return r
		}
		if to.Overflow == dtype.Wrap {
			return e.fxWrap("(uint64_t)"+r.s, to)
		}
		e.fxHelper("kiln_fx_sat")
		return cVal{fmt.Sprintf("kiln_fx_sat(%s, %s, %s)", r.s, cInt64(to.MinRaw()), cInt64(to.MaxRaw())), cPrecPrimary, k}
	case !over && d == 0:
		return cVal{"(int64_t)" + paren(v, cPrecUnary), cPrecUnary, k}
	case !over:
		e.fxHelper("kiln_fx_shl")
		return cVal{fmt.Sprintf("kiln_fx_shl(%s, %d)", paren(v, cPrecCond), d), cPrecPrimary, k}
	case to.Overflow == dtype.Wrap && d >= 64:
		return cVal{"0", cPrecPrimary, k} // every bit of v·2^d is above bit 63
	case to.Overflow == dtype.Wrap:
		u := "(uint64_t)" + paren(v, cPrecUnary)
		if u64 {
			u = paren(v, cPrecMul+1)
		}
		if d > 0 {
			u = fmt.Sprintf("%s << %d", u, d)
		}
		return e.fxWrap(u, to)
	case u64:
		e.fxHelper("kiln_fx_sat_shlu")
		return cVal{fmt.Sprintf("kiln_fx_sat_shlu(%s, %d, %s)", paren(v, cPrecCond), d, cInt64(to.MaxRaw())), cPrecPrimary, k}
	case d == 0:
		e.fxHelper("kiln_fx_sat")
		return cVal{fmt.Sprintf("kiln_fx_sat(%s, %s, %s)", paren(v, cPrecCond), cInt64(to.MinRaw()), cInt64(to.MaxRaw())), cPrecPrimary, k}
	}
	e.fxHelper("kiln_fx_sat_shl")
	return cVal{fmt.Sprintf("kiln_fx_sat_shl(%s, %d, %s, %s)", paren(v, cPrecCond), d, cInt64(to.MinRaw()), cInt64(to.MaxRaw())), cPrecPrimary, k}
}

// fxWrap keeps the low W bits of u, a uint64_t expression, as a raw of to.
func (e *cEmitter) fxWrap(u string, to dtype.Fixed) cVal {
	name := "kiln_fx_wrap"
	if to.Unsigned {
		name = "kiln_fx_wrapu"
	}
	e.fxHelper(name)
	return cVal{fmt.Sprintf("%s(%s, %d)", name, u, to.W), cPrecPrimary, dtype.FixedKind(to)}
}

// fixedToFloat prints the value of x, a raw of f, as the float kind to:
// (double)raw·2^−F, exact for W ≤ 53 and rounded to nearest even above as
// dtype.ToFloat rounds, then rounded to to as a cast from f64 rounds.
func (e *cEmitter) fixedToFloat(x loop.Expr, f dtype.Fixed, to dtype.Kind) cVal {
	v := cVal{"(double)" + paren(e.expr(x, 0), cPrecUnary), cPrecUnary, dtype.F64}
	if f.FracBits() > 0 {
		v = cVal{fmt.Sprintf("%s * 0x1p-%d", v.s, f.FracBits()), cPrecMul, dtype.F64}
	}
	switch {
	case to == dtype.F64:
		return v
	case to == dtype.F32:
		return cVal{"(float)" + paren(v, cPrecUnary), cPrecUnary, to}
	}
	return e.rounded(v, to)
}

// fixedToInt prints ⌊x⌋, x a raw of f, wrapped to the integer kind to as
// an i64 → to cast wraps.
func (e *cEmitter) fixedToInt(x loop.Expr, f dtype.Fixed, to dtype.Kind) cVal {
	q := e.expr(x, 0)
	if f.FracBits() > 0 {
		e.fxHelper("kiln_fx_shr_trn")
		q = cVal{fmt.Sprintf("kiln_fx_shr_trn(%s, %d)", paren(q, cPrecCond), f.FracBits()), cPrecPrimary, dtype.I64}
	}
	v := cVal{"(" + cType(to) + ")" + paren(q, cPrecUnary), cPrecUnary, to}
	if isSubByte(to) {
		v = e.rounded(v, to)
	}
	return v
}
