package hls

import (
	"github.com/llir/llvm/ir"
	"github.com/llir/llvm/ir/constant"
	"github.com/llir/llvm/ir/enum"
	"github.com/llir/llvm/ir/types"
	"github.com/llir/llvm/ir/value"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

func (kc *llKernel) un(e *loop.Un) (value.Value, dtype.Kind) {
	x, k := kc.expr(e.X)
	if x == nil {
		return nil, 0
	}
	b := kc.cur
	switch {
	case k.IsFixed():
		return kc.fixedUn(e.Op, x, k)
	case e.Op == loop.Not && k == dtype.Bool:
		return b.NewXor(x, constant.True), k
	case e.Op == loop.Neg && k.IsFloat():
		return kc.roundIf(b.NewFNeg(x), k), k
	case e.Op == loop.Abs && k.IsFloat():
		return kc.libmCall("fabs", k, x), k
	case e.Op.FloatOnly() && e.Op.String() != "unop?" && k.IsFloat():
		return kc.libmCall(e.Op.String(), k, x), k
	case e.Op == loop.Neg && k.IsInt():
		return kc.roundIf(b.NewSub(llZero(k), x), k), k
	case e.Op == loop.Abs && k.Class() == dtype.ClassUint:
		return x, k
	case e.Op == loop.Abs && k.Class() == dtype.ClassInt:
		neg := b.NewICmp(enum.IPredSLT, x, llZero(k))
		return kc.roundIf(b.NewSelect(neg, b.NewSub(llZero(k), x), x), k), k
	}
	kc.errorf("%v on %v", e.Op, k)
	return nil, 0
}

// call emits a libm call; the float variant (powf) for f32 arguments.
func (kc *llKernel) call(e *loop.Call) (value.Value, dtype.Kind) {
	args := make([]value.Value, len(e.Args))
	k := dtype.Invalid
	for i, a := range e.Args {
		v, ka := kc.expr(a)
		if v == nil {
			return nil, 0
		}
		if !ka.IsFloat() || (i > 0 && ka != k) {
			kc.errorf("%s argument %d is %v", e.Func, i, ka)
			return nil, 0
		}
		args[i], k = v, ka
	}
	if n := loop.LibmArity(e.Func); n == 0 || n != len(args) {
		kc.errorf("call of %s with %d arguments", e.Func, len(args))
		return nil, 0
	}
	return kc.libmCall(e.Func, k, args...), k
}

// libmCall calls the libm function named by its double-precision name, in
// the variant of kind k (expf for f32, exp for f64), declaring it once. A
// narrow float kind computes in double, as exec does, and rounds the
// result to float and then to the kind; fmin and fmax, which pick an
// operand, take the float variant.
func (kc *llKernel) libmCall(name string, k dtype.Kind, args ...value.Value) value.Value {
	t := llValueType(k)
	narrow := isNarrow(k) && name != "fmin" && name != "fmax"
	if narrow {
		t = types.Double
		for i, a := range args {
			args[i] = kc.cur.NewFPExt(a, types.Double)
		}
	} else if k.Class() == dtype.ClassFloat {
		name += "f"
	}
	f := kc.e.libm[name]
	if f == nil {
		params := make([]*ir.Param, len(args))
		for i := range params {
			params[i] = ir.NewParam("", t)
		}
		f = ir.NewFunc(name, t, params...)
		kc.e.libm[name] = f
	}
	v := value.Value(kc.cur.NewCall(f, args...))
	if narrow {
		v = kc.round(kc.cur.NewFPTrunc(v, types.Float), k)
	}
	return v
}

// convert is Cast as ir/loop/exec does it: floats round to nearest even,
// floats truncate toward zero into a 64-bit integer and wrap to the width,
// integers wrap (sign- or zero-extending by the source's signedness),
// numbers to bool are != 0, bool is 0 or 1; fixed point as the loop IR's
// contract says (fixedConvert).
func (kc *llKernel) convert(x value.Value, from, to dtype.Kind) value.Value {
	b, tt := kc.cur, llValueType(to)
	switch {
	case from == to:
		return x
	case from.IsFixed() || to.IsFixed():
		return kc.fixedConvert(x, from, to)
	case to == dtype.Bool && from.IsFloat():
		return b.NewFCmp(enum.FPredUNE, x, llZero(from))
	case to == dtype.Bool:
		return b.NewICmp(enum.IPredNE, x, llZero(from))
	case isNarrow(to) && from.IsFloat():
		return kc.round(x, to)
	case isNarrow(to) && from.IsInt():
		return kc.intToNarrow(x, from, to)
	case isNarrow(to): // bool: 0 or 1, rounded (0 is NaN in f8e8m0)
		return kc.round(b.NewUIToFP(x, types.Double), to)
	case to.IsFloat() && from.IsFloat():
		switch ft := llValueType(from); {
		case types.Equal(ft, tt): // a narrow float to f32: exact
			return x
		case ft == types.Float:
			return b.NewFPExt(x, tt)
		}
		return b.NewFPTrunc(x, tt)
	case to.IsFloat() && from.Class() == dtype.ClassInt:
		return b.NewSIToFP(x, tt)
	case to.IsFloat(): // unsigned or bool
		return b.NewUIToFP(x, tt)
	case from.IsFloat():
		return kc.intConvert(b.NewFPToSI(x, types.I64), dtype.I64, to)
	}
	return kc.intConvert(x, from, to)
}

// intConvert wraps an integer or bool of kind from to integer kind to.
func (kc *llKernel) intConvert(x value.Value, from, to dtype.Kind) value.Value {
	fb, tb := llValueType(from).(*types.IntType).BitSize, llValueType(to).(*types.IntType).BitSize
	var v value.Value
	switch {
	case fb == tb:
		v = x
	case fb > tb:
		v = kc.cur.NewTrunc(x, llValueType(to))
	case from.Class() == dtype.ClassInt:
		v = kc.cur.NewSExt(x, llValueType(to))
	default:
		v = kc.cur.NewZExt(x, llValueType(to))
	}
	if isSubByte(to) && (to.Bits() < from.Bits() || to.Class() != from.Class()) {
		v = kc.wrap(v, to)
	}
	return v
}
