package hls

import (
	"math"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
)

func llI64(v int64) *constant.Int { return constant.NewInt(types.I64, v) }

func llF64(v float64) *constant.Float { return constant.NewFloat(types.Double, v) }

// roundFunc returns the helper that rounds a double to narrow float kind
// k as dtype.RoundFloat(k, v, false) does, returning the float holding
// the result; it is defined once per module.
func (e *llEmitter) roundFunc(k dtype.Kind) *ir.Func {
	name := "kiln.round." + k.String()
	if f := e.helpers[name]; f != nil {
		return f
	}
	v := ir.NewParam("v", types.Double)
	f := ir.NewFunc(name, types.Float, v)
	f.Linkage = enum.LinkageInternal
	b := f.NewBlock("entry")
	var r value.Value
	if k == dtype.F8E8M0 {
		r = llRoundE8M0(b, v)
	} else {
		r = llRoundFormat(b, v, narrowFormats[k])
	}
	b.NewRet(b.NewFPTrunc(r, types.Float))
	e.helpers[name] = f
	return f
}

// llRoundFormat rounds v to format f (see narrow.go), then applies f's
// overflow, sign and NaN rules.
func llRoundFormat(b *ir.Block, v value.Value, f narrowFormat) value.Value {
	bits := b.NewBitCast(v, types.I64)
	abits := b.NewLShr(b.NewShl(bits, llI64(1)), llI64(1)) // the sign bit cleared
	a := b.NewBitCast(abits, types.Double)
	e := b.NewSub(b.NewLShr(abits, llI64(52)), llI64(1023))
	emin, eclamp := llI64(int64(f.emin)), llI64(int64(f.eclamp()))
	e1 := b.NewSelect(b.NewICmp(enum.IPredSLT, e, emin), emin, e)
	e2 := b.NewSelect(b.NewICmp(enum.IPredSGT, e1, eclamp), eclamp, e1)
	c := b.NewBitCast(b.NewShl(b.NewAdd(e2, llI64(int64(1023+52-f.man))), llI64(52)), types.Double)
	r := b.NewFSub(b.NewFAdd(a, c), c)
	over := b.NewFCmp(enum.FPredOGT, r, llF64(f.max))
	r2 := b.NewSelect(over, llF64(f.overflow()), r)
	neg := b.NewICmp(enum.IPredSLT, bits, llI64(0))
	signed := value.Value(b.NewSelect(neg, b.NewFNeg(r2), r2))
	if f.uz { // −0 is +0
		signed = b.NewSelect(b.NewFCmp(enum.FPredOEQ, r2, llF64(0)), r2, signed)
	}
	var nan value.Value = llF64(math.NaN())
	switch {
	case f.noNaN:
		nan = llF64(math.Copysign(0, -1))
	case !f.uz:
		nan = b.NewSelect(neg, llF64(math.Copysign(math.NaN(), -1)), nan)
	}
	return b.NewSelect(b.NewFCmp(enum.FPredUNO, v, v), nan, signed)
}

// llRoundE8M0 rounds v to f8e8m0 as dtype.RoundFloat does (round_mode
// "up", no saturation): a power of two, 2^ceil(log2 v); zero, negative
// values, NaN, infinities and powers beyond the range give NaN.
func llRoundE8M0(b *ir.Block, v value.Value) value.Value {
	bits := b.NewBitCast(v, types.I64)
	be := b.NewLShr(bits, llI64(52)) // the sign bit makes it ≥ 2048
	m := b.NewShl(bits, llI64(12))   // the mantissa bits, at the top
	up := b.NewZExt(b.NewICmp(enum.IPredNE, m, llI64(0)), types.I64)
	e := b.NewAdd(b.NewSub(be, llI64(1023)), up)
	bad := b.NewOr(b.NewICmp(enum.IPredEQ, be, llI64(0)), b.NewICmp(enum.IPredUGE, be, llI64(2047)))
	bad = b.NewOr(bad, b.NewICmp(enum.IPredSLT, e, llI64(e8m0MinExp)))
	bad = b.NewOr(bad, b.NewICmp(enum.IPredSGT, e, llI64(e8m0MaxExp)))
	pow := b.NewBitCast(b.NewShl(b.NewAdd(e, llI64(1023)), llI64(52)), types.Double)
	return b.NewSelect(bad, llF64(math.NaN()), pow)
}

// round rounds x, a float or double, to narrow kind k.
func (kc *llKernel) round(x value.Value, k dtype.Kind) value.Value {
	if !types.Equal(x.Type(), types.Double) {
		x = kc.cur.NewFPExt(x, types.Double)
	}
	return kc.cur.NewCall(kc.e.roundFunc(k), x)
}

// roundIf rounds the result v of an operation on kind k when k is a narrow
// float, and wraps it when k is a sub-byte integer.
func (kc *llKernel) roundIf(v value.Value, k dtype.Kind) value.Value {
	switch {
	case isNarrow(k):
		return kc.round(v, k)
	case isSubByte(k):
		return kc.wrap(v, k)
	}
	return v
}

// wrap wraps a sub-byte integer held in an i8 to its width: sign-extended
// for signed kinds, zero-extended for unsigned ones.
func (kc *llKernel) wrap(v value.Value, k dtype.Kind) value.Value {
	sh := constant.NewInt(types.I8, int64(8-k.Bits()))
	if k.Class() == dtype.ClassUint {
		return kc.cur.NewAnd(v, constant.NewInt(types.I8, int64(1)<<k.Bits()-1))
	}
	return kc.cur.NewAShr(kc.cur.NewShl(v, sh), sh)
}

// intToNarrow converts an integer of kind from (at most 64 bits) to
// narrow float kind to as exec does: from the exact value, rounded once.
// A 64-bit magnitude of more than 53 bits keeps bits 11 and up, bit 11
// set when any lower bit is (rounding to odd: every narrow kind rounds at
// bit 42 or above there), so that the double is exact and rounds as the
// integer does.
func (kc *llKernel) intToNarrow(x value.Value, from, to dtype.Kind) value.Value {
	b := kc.cur
	signed := from.Class() == dtype.ClassInt
	u := kc.intConvert(x, from, map[bool]dtype.Kind{true: dtype.I64, false: dtype.U64}[signed])
	var neg value.Value
	if signed {
		neg = b.NewICmp(enum.IPredSLT, u, llI64(0))
		u = b.NewSelect(neg, b.NewSub(llI64(0), u), u)
	}
	sticky := b.NewShl(b.NewZExt(b.NewICmp(enum.IPredNE, b.NewAnd(u, llI64(0x7ff)), llI64(0)), types.I64), llI64(11))
	odd := b.NewOr(b.NewAnd(u, llI64(^0x7ff)), sticky)
	big := b.NewICmp(enum.IPredNE, b.NewLShr(u, llI64(53)), llI64(0)) // (1<<53 prints as u0x…)
	d := value.Value(b.NewUIToFP(b.NewSelect(big, odd, u), types.Double))
	if signed {
		d = b.NewSelect(neg, b.NewFNeg(d), d)
	}
	return kc.round(d, to)
}
