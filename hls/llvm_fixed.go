package hls

import (
	"fmt"
	"math"

	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Fixed point (the loop IR's contract, ir/loop/doc.go): a value of
// fixed<W,I> is its raw, an integer of exactly W bits (i6, i12, i40 …),
// in registers, buffers, constants and pointer parameters; Bambu
// synthesises those widths bit-exactly. Add, Sub, Mul, Neg and Abs are
// exact in their result types (dtype.AddType …), so they are plain integer
// arithmetic after extending the operands; every rounding and overflow
// happens in a Cast into a fixed kind, which calls a helper
// kiln.cast.<from>.<to> defined once per module (llvm_fixed_cast.go).

// llFixedType is the register and memory type of fixed type f: iW.
func llFixedType(f dtype.Fixed) *types.IntType { return types.NewInt(uint64(f.W)) }

// llFixedOK reports whether the loop IR allows fixed type f: W ≤ 64, and
// W ≤ 63 when unsigned (every raw fits an int64).
func llFixedOK(f dtype.Fixed) bool { return f.W <= 64 && !(f.Unsigned && f.W > 63) }

// llFixedConst is the raw r (already within f's range) as an iW constant.
func llFixedConst(f dtype.Fixed, r int64) constant.Constant {
	if f.W == 1 {
		return constant.NewBool(r != 0)
	}
	return constant.NewInt(llFixedType(f), r)
}

// llExt sign- or zero-extends (or truncates) the integer x to w bits.
func llExt(b *ir.Block, x value.Value, unsigned bool, w int) value.Value {
	have := int(x.Type().(*types.IntType).BitSize)
	t := types.NewInt(uint64(w))
	switch {
	case have == w:
		return x
	case have > w:
		return b.NewTrunc(x, t)
	case unsigned:
		return b.NewZExt(x, t)
	}
	return b.NewSExt(x, t)
}

// fixedBin emits a Bin with a fixed operand: Add, Sub and Mul exactly in
// their exact result type; Min, Max and the comparisons on one kind.
func (kc *llKernel) fixedBin(op loop.BinOp, x value.Value, kx dtype.Kind, y value.Value, ky dtype.Kind) (value.Value, dtype.Kind) {
	fx, okx := kx.Fixed()
	fy, oky := ky.Fixed()
	switch {
	case !okx || !oky:
		kc.errorf("%v %v %v: fixed point combines only with fixed point", kx, op, ky)
	case op == loop.Add || op == loop.Sub || op == loop.Mul:
		return kc.fixedArith(op, x, fx, y, fy)
	case kx != ky:
		kc.errorf("%v %v %v: operand kinds differ", kx, op, ky)
	case op.IsCompare():
		return kc.compare(op, llIntProxy(fx), x, y), dtype.Bool
	case op == loop.Min || op == loop.Max:
		return kc.intBin(op, llIntProxy(fx), x, y), kx
	default:
		kc.errorf("%v on %v", op, kx)
	}
	return nil, 0
}

// llIntProxy is the integer kind whose comparisons (signed or unsigned)
// are those of raws of f.
func llIntProxy(f dtype.Fixed) dtype.Kind {
	if f.Unsigned {
		return dtype.U64
	}
	return dtype.I64
}

// fixedArith emits x op y (Add, Sub or Mul) in the exact result type: both
// operands extended to its width, a sum's operands shifted to its binary
// point. The result type is wide enough, so the integer operation is
// exact (and were it not, it would wrap as dtype's does).
func (kc *llKernel) fixedArith(op loop.BinOp, x value.Value, fx dtype.Fixed, y value.Value, fy dtype.Fixed) (value.Value, dtype.Kind) {
	t := map[loop.BinOp]func(a, b dtype.Fixed) dtype.Fixed{loop.Add: dtype.AddType, loop.Sub: dtype.SubType, loop.Mul: dtype.MulType}[op](fx, fy)
	if !llFixedOK(t) {
		kc.errorf("%v %v %v: exact result %v is wider than the loop IR allows; cast an operand first", fx, op, fy, t)
		return nil, 0
	}
	b := kc.cur
	ex, ey := llExt(b, x, fx.Unsigned, t.W), llExt(b, y, fy.Unsigned, t.W)
	if op == loop.Mul {
		return b.NewMul(ex, ey), dtype.FixedKind(t)
	}
	ex, ey = llShl(b, ex, t.FracBits()-fx.FracBits()), llShl(b, ey, t.FracBits()-fy.FracBits())
	if op == loop.Add {
		return b.NewAdd(ex, ey), dtype.FixedKind(t)
	}
	return b.NewSub(ex, ey), dtype.FixedKind(t)
}

// llShl shifts the integer x left by n ≥ 0 bits (less than its width).
func llShl(b *ir.Block, x value.Value, n int) value.Value {
	if n == 0 {
		return x
	}
	return b.NewShl(x, constant.NewInt(x.Type().(*types.IntType), int64(n)))
}

// fixedUn emits Neg and Abs of a fixed value, exact in one bit more.
func (kc *llKernel) fixedUn(op loop.UnOp, x value.Value, k dtype.Kind) (value.Value, dtype.Kind) {
	f, _ := k.Fixed()
	if op != loop.Neg && op != loop.Abs {
		kc.errorf("%v on %v", op, k)
		return nil, 0
	}
	t := dtype.SubType(f, f)
	if !llFixedOK(t) {
		kc.errorf("%v on %v: exact result %v is wider than 64 bits; cast the operand first", op, k, t)
		return nil, 0
	}
	b := kc.cur
	ex := llExt(b, x, f.Unsigned, t.W)
	neg := b.NewSub(constant.NewInt(llFixedType(t), 0), ex)
	if op == loop.Neg {
		return neg, dtype.FixedKind(t)
	}
	if f.Unsigned {
		return ex, dtype.FixedKind(t)
	}
	isNeg := b.NewICmp(enum.IPredSLT, ex, constant.NewInt(llFixedType(t), 0))
	return b.NewSelect(isNeg, neg, ex), dtype.FixedKind(t)
}

// fixedConvert is a Cast into or out of a fixed kind (from ≠ to): into
// one through the module's helper for the pair, out of one inline.
func (kc *llKernel) fixedConvert(x value.Value, from, to dtype.Kind) value.Value {
	b := kc.cur
	if to.IsFixed() {
		return b.NewCall(kc.e.castFunc(from, to), x)
	}
	f, _ := from.Fixed()
	switch {
	case to == dtype.Bool:
		return b.NewICmp(enum.IPredNE, x, llFixedConst(f, 0))
	case to.IsFloat():
		return kc.fixedToFloat(x, f, to)
	}
	return kc.fixedToInt(x, f, to)
}

// fixedToInt is floor(value), the raw shifted right by F (arithmetically
// for signed raws), then wrapped to the integer kind as an i64 is.
func (kc *llKernel) fixedToInt(x value.Value, f dtype.Fixed, to dtype.Kind) value.Value {
	b, n := kc.cur, f.FracBits()
	t := llFixedType(f)
	v := x
	switch {
	case n == 0:
	case f.Unsigned && n >= f.W: // every value is below 1
		v = constant.NewInt(t, 0)
	case f.Unsigned:
		v = b.NewLShr(x, constant.NewInt(t, int64(n)))
	case n >= f.W: // −1 or 0: the sign
		v = b.NewAShr(x, constant.NewInt(t, int64(f.W-1)))
	default:
		v = b.NewAShr(x, constant.NewInt(t, int64(n)))
	}
	return kc.intConvert(llExt(b, v, f.Unsigned, 64), dtype.I64, to)
}

// fixedToFloat is dtype.ToFloat (the raw converted to double, rounding to
// nearest even beyond 53 bits, then scaled by 2^−F exactly), then rounded
// to the float kind as a cast from f64 is.
func (kc *llKernel) fixedToFloat(x value.Value, f dtype.Fixed, to dtype.Kind) value.Value {
	b := kc.cur
	var d value.Value
	if f.Unsigned {
		d = b.NewUIToFP(x, types.Double)
	} else {
		d = b.NewSIToFP(x, types.Double)
	}
	if n := f.FracBits(); n > 0 {
		d = b.NewFMul(d, llF64(math.Ldexp(1, -n)))
	}
	return kc.convert(d, dtype.F64, to)
}

// llKindTag is k in a helper's name: k.String() but for fixed kinds,
// fixed16_6, ufixed12_4_rnd, fixed16_6_rne_sat.
func llKindTag(k dtype.Kind) string {
	f, ok := k.Fixed()
	if !ok {
		return k.String()
	}
	s := fmt.Sprintf("fixed%d_%d", f.W, f.I)
	if f.Unsigned {
		s = "u" + s
	}
	if f.Round != dtype.Truncate || f.Overflow != dtype.Wrap {
		s += "_" + f.Round.String()
	}
	if f.Overflow != dtype.Wrap {
		s += "_" + f.Overflow.String()
	}
	return s
}
