package hls

import (
	"math"
	"math/big"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// castFunc returns the helper kiln.cast.<from>.<to> that converts a value
// of kind from to fixed kind to as the loop IR's Cast does (dtype.Convert,
// dtype.FromFloat, or the exact integer converted as a number), bit for
// bit; it is defined once per module. It is straight-line code: selects,
// no branches.
func (e *llEmitter) castFunc(from, to dtype.Kind) *ir.Func {
	name := "kiln.cast." + llKindTag(from) + "." + llKindTag(to)
	if f := e.helpers[name]; f != nil {
		return f
	}
	tf, _ := to.Fixed()
	x := ir.NewParam("x", llValueType(from))
	f := ir.NewFunc(name, llFixedType(tf), x)
	f.Linkage = enum.LinkageInternal
	b := f.NewBlock("entry")
	if from.IsFloat() {
		b.NewRet(e.floatToFixed(b, x, tf))
	} else {
		b.NewRet(llFixedToFixed(b, x, llSourceFixed(from), tf))
	}
	e.helpers[name] = f
	return f
}

// llSourceFixed is the fixed type whose raws are the register values of
// kind k: k's own for a fixed kind; an integer or bool is a fixed type
// with no fraction bits, as wide as its register (sub-byte integers are
// held extended in an i8, bool is an i1 0 or 1). An unsigned one of 64
// bits is no valid dtype.Fixed, but nothing here asks dtype about it.
func llSourceFixed(k dtype.Kind) dtype.Fixed {
	if f, ok := k.Fixed(); ok {
		return f
	}
	w := int(llValueType(k).(*types.IntType).BitSize)
	return dtype.Fixed{W: w, I: w, Unsigned: k.Class() != dtype.ClassInt}
}

// llFixedToFixed is dtype.Convert(from, to, x): the raw extended to an
// integer wide enough for every step, shifted left to the target's binary
// point or rounded right to it in the target's rounding mode, then
// overflowed in its mode.
func llFixedToFixed(b *ir.Block, x value.Value, from, to dtype.Fixed) value.Value {
	u := 0
	if from.Unsigned {
		u = 1
	}
	s := to.FracBits() - from.FracBits()
	if s >= to.W {
		return llShiftedOut(b, x, from, to)
	}
	if s >= 0 {
		need := from.W + s + u // signed bits that hold every shifted value
		if llFits(need, from, to) {
			return llShl(b, llExt(b, x, from.Unsigned, to.W), s)
		}
		n := max(need, to.W+1)
		return llOverflow(b, llShl(b, llExt(b, x, from.Unsigned, n), s), n, to)
	}
	k := -s
	n := max(from.W+1+u, to.W+1) // adding half of 2^k cannot carry out
	v := llRoundShr(b, llExt(b, x, from.Unsigned, n), k, to.Round)
	if llFits(max(from.W-k+1+u, 2), from, to) {
		to.Overflow = dtype.Wrap // nothing overflows: wrapping is truncation
	}
	return llOverflow(b, v, n, to)
}

// llShiftedOut is a conversion that shifts every bit of the value out of
// to's W bits (F grows by W or more), so that every value but 0
// overflows: wrap gives 0, sat the largest or smallest value by the sign.
// It keeps the wide integers below 129 bits (u64 → fixed<64,0>).
func llShiftedOut(b *ir.Block, x value.Value, from, to dtype.Fixed) value.Value {
	t := x.Type().(*types.IntType)
	zero := llFixedConst(to, 0)
	if to.Overflow == dtype.Wrap {
		return zero
	}
	v := value.Value(b.NewSelect(b.NewICmp(enum.IPredNE, x, constant.NewInt(t, 0)), llFixedConst(to, to.MaxRaw()), zero))
	if !from.Unsigned {
		v = b.NewSelect(b.NewICmp(enum.IPredSLT, x, constant.NewInt(t, 0)), llFixedConst(to, to.MinRaw()), v)
	}
	return v
}

// llFits reports whether every value of from, needing need signed bits
// after the shift, is within to's range.
func llFits(need int, from, to dtype.Fixed) bool {
	if to.Unsigned {
		return from.Unsigned && need-1 <= to.W
	}
	return need <= to.W
}

// llRoundShr is the integer v (of n bits, n > k ≥ 1, with room for one
// more carry) divided by 2^k and rounded in mode r: floor (trn), floor of
// v + half (rnd, ties toward +∞), or floor plus one when the dropped bits
// are above half or exactly half with the kept LSB odd (rne). Rounding to
// nearest is symmetric, so the floor-based forms equal dtype's
// sign-magnitude rounding.
func llRoundShr(b *ir.Block, v value.Value, k int, r dtype.Rounding) value.Value {
	t := v.Type().(*types.IntType)
	sh := constant.NewInt(t, int64(k))
	switch r {
	case dtype.Truncate:
		return b.NewAShr(v, sh)
	case dtype.RoundHalfUp:
		return b.NewAShr(b.NewAdd(v, llPow2(t, k-1, 0)), sh)
	}
	q := b.NewAShr(v, sh)
	rem := b.NewAnd(v, llPow2(t, k, -1))
	half := llPow2(t, k-1, 0)
	above := b.NewICmp(enum.IPredUGT, rem, half)
	tie := b.NewAnd(b.NewICmp(enum.IPredEQ, rem, half), b.NewTrunc(q, types.I1))
	return b.NewAdd(q, b.NewZExt(b.NewOr(above, tie), t))
}

// llPow2 is the constant 2^k + d of type t.
func llPow2(t *types.IntType, k int, d int64) *constant.Int {
	x := new(big.Int).Lsh(big.NewInt(1), uint(k))
	return &constant.Int{Typ: t, X: x.Add(x, big.NewInt(d))}
}

// llOverflow fits the integer v (n bits, more than to.W, and holding to's
// whole range) into to: wrap keeps the low W bits, sat clamps to
// [MinRaw, MaxRaw] first.
func llOverflow(b *ir.Block, v value.Value, n int, to dtype.Fixed) value.Value {
	if to.Overflow == dtype.Saturate {
		t := types.NewInt(uint64(n))
		hi, lo := constant.NewInt(t, to.MaxRaw()), constant.NewInt(t, to.MinRaw())
		v = b.NewSelect(b.NewICmp(enum.IPredSGT, v, hi), hi, v)
		v = b.NewSelect(b.NewICmp(enum.IPredSLT, v, lo), lo, v)
	}
	return llExt(b, v, true, to.W)
}

// floatToFixed is dtype.FromFloat(to, x) for a float or double x: v·2^F
// (exact), rounded to an integer r with libm's floor or rint (rnd: floor
// plus one when the dropped fraction is at least half; floor(v+0.5) would
// round above 2^52), then r's overflow: sat clamps to the raw range, ±Inf
// included; wrap keeps r's low W bits (llWrap64 beyond int64's range, so
// ±Inf give 0). NaN gives 0.
func (e *llEmitter) floatToFixed(b *ir.Block, x value.Value, to dtype.Fixed) value.Value {
	d := x
	if !types.Equal(x.Type(), types.Double) {
		d = b.NewFPExt(x, types.Double)
	}
	v := value.Value(d)
	if n := to.FracBits(); n > 0 {
		v = b.NewFMul(d, llF64(math.Ldexp(1, n)))
	}
	r := e.roundToInt(b, v, to.Round)
	in := b.NewFPToSI(r, types.I64) // r within int64's range where it is used
	var raw value.Value
	if to.Overflow == dtype.Saturate {
		hi, lo := math.Ldexp(1, to.W-1), -math.Ldexp(1, to.W-1)
		if to.Unsigned {
			hi, lo = math.Ldexp(1, to.W), 0
		}
		raw = b.NewSelect(b.NewFCmp(enum.FPredOLT, r, llF64(lo)), llI64(to.MinRaw()), in)
		raw = b.NewSelect(b.NewFCmp(enum.FPredOGE, r, llF64(hi)), llI64(to.MaxRaw()), raw)
	} else {
		big := b.NewOr(b.NewFCmp(enum.FPredOGE, r, llF64(0x1p63)), b.NewFCmp(enum.FPredOLT, r, llF64(-0x1p63)))
		raw = b.NewSelect(big, llWrap64(b, r), in)
	}
	raw = llExt(b, raw, true, to.W)
	return b.NewSelect(b.NewFCmp(enum.FPredUNO, d, d), llFixedConst(to, 0), raw)
}

// roundToInt rounds the double v to an integer in mode r (see
// floatToFixed).
func (e *llEmitter) roundToInt(b *ir.Block, v value.Value, r dtype.Rounding) value.Value {
	switch r {
	case dtype.RoundHalfEven:
		return b.NewCall(e.libmDecl("rint"), v)
	case dtype.RoundHalfUp:
		fl := b.NewCall(e.libmDecl("floor"), v)
		up := b.NewFCmp(enum.FPredOGE, b.NewFSub(v, fl), llF64(0.5)) // exact: v − floor(v) is
		return b.NewSelect(up, b.NewFAdd(fl, llF64(1)), fl)
	}
	return b.NewCall(e.libmDecl("floor"), v)
}

// libmDecl is the declaration of the one-argument double libm function
// name, made once per module (as libmCall makes it).
func (e *llEmitter) libmDecl(name string) *ir.Func {
	f := e.libm[name]
	if f == nil {
		f = ir.NewFunc(name, types.Double, ir.NewParam("", types.Double))
		e.libm[name] = f
	}
	return f
}

// llWrap64 is the integer double r, |r| ≥ 2^63 (or ±Inf), modulo 2^64 as
// an i64: its significand shifted left by its exponent, in integer
// arithmetic, so exact; 0 when the shift is 64 or more (every integer
// double from 2^116 up, and the infinities).
func llWrap64(b *ir.Block, r value.Value) value.Value {
	bits := b.NewBitCast(r, types.I64)
	exp := b.NewAnd(b.NewLShr(bits, llI64(52)), llI64(0x7ff))
	sig := b.NewOr(b.NewAnd(bits, llI64(1<<52-1)), llI64(1<<52))
	sh := b.NewSub(exp, llI64(1075))
	val := b.NewSelect(b.NewICmp(enum.IPredSGT, sh, llI64(63)), llI64(0), b.NewShl(sig, b.NewAnd(sh, llI64(63))))
	neg := b.NewICmp(enum.IPredSLT, bits, llI64(0))
	return b.NewSelect(neg, b.NewSub(llI64(0), val), val)
}
