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

// expr emits e and returns its value and kind; nil after an error.
func (kc *llKernel) expr(e loop.Expr) (value.Value, dtype.Kind) {
	switch e := e.(type) {
	case *loop.Load:
		return kc.load(e)
	case *loop.Const:
		return kc.constant(e)
	case *loop.VarRef:
		if e.Var < 0 || int(e.Var) >= len(kc.vars) || kc.vars[e.Var] == nil {
			kc.errorf("loop variable %d used outside its loop", e.Var)
			return nil, 0
		}
		return kc.cur.NewSExt(kc.vars[e.Var], types.I64), dtype.I64
	case *loop.Bin:
		return kc.bin(e)
	case *loop.Un:
		return kc.un(e)
	case *loop.Cast:
		x, k := kc.expr(e.X)
		if x == nil {
			return nil, 0
		}
		if _, ok := llType(e.To); !ok {
			kc.errorf("cast to %v: kind is not supported", e.To)
			return nil, 0
		}
		return kc.convert(x, k, e.To), e.To
	case *loop.Select:
		return kc.sel(e)
	case *loop.Call:
		return kc.call(e)
	}
	kc.errorf("unknown expression %T", e)
	return nil, 0
}

func (kc *llKernel) load(e *loop.Load) (value.Value, dtype.Kind) {
	ptr, b := kc.address(e.Buf, e.Index)
	if ptr == nil {
		return nil, 0
	}
	v := value.Value(kc.cur.NewLoad(kc.bufs[e.Buf].elem, ptr))
	if b.Kind == dtype.Bool {
		v = kc.cur.NewTrunc(v, types.I1)
	}
	return v, b.Kind
}

func (kc *llKernel) constant(e *loop.Const) (value.Value, dtype.Kind) {
	k := e.Kind
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return constant.NewFloat(llValueType(k).(*types.FloatType), dtype.RoundFloat(k, e.Float, false)), k
	case dtype.ClassInt, dtype.ClassUint:
		if _, ok := llType(k); !ok {
			kc.errorf("constant of kind %v is not supported", k)
			return nil, 0
		}
		v := dtype.WrapInt(k, e.Int) // wrapped to the width, as exec does
		if k.Class() == dtype.ClassUint {
			v = int64(dtype.WrapUint(k, uint64(e.Int)))
		}
		return constant.NewInt(llValueType(k).(*types.IntType), v), k
	case dtype.ClassBool:
		return constant.NewBool(e.Int != 0), k
	case dtype.ClassFixed:
		f, _ := k.Fixed()
		if !llFixedOK(f) {
			kc.errorf("constant of kind %v is not supported", k)
			return nil, 0
		}
		return llFixedConst(f, dtype.WrapRaw(f, e.Int)), k
	}
	kc.errorf("constant of kind %v", k)
	return nil, 0
}

func (kc *llKernel) bin(e *loop.Bin) (value.Value, dtype.Kind) {
	if e.Op.IsLogic() {
		return kc.logic(e)
	}
	x, kx := kc.expr(e.X)
	y, ky := kc.expr(e.Y)
	switch {
	case x == nil || y == nil:
		return nil, 0
	case kx.IsFixed() || ky.IsFixed():
		return kc.fixedBin(e.Op, x, kx, y, ky)
	case kx != ky:
		kc.errorf("%v %v %v: operand kinds differ", kx, e.Op, ky)
		return nil, 0
	case e.Op.IsCompare():
		return kc.compare(e.Op, kx, x, y), dtype.Bool
	}
	b := kc.cur
	var v value.Value
	switch kx.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		switch e.Op {
		case loop.Add:
			v = b.NewFAdd(x, y)
		case loop.Sub:
			v = b.NewFSub(x, y)
		case loop.Mul:
			v = b.NewFMul(x, y)
		case loop.Div:
			v = b.NewFDiv(x, y)
		case loop.Rem:
			v = b.NewFRem(x, y)
		case loop.Min:
			v = kc.libmCall("fmin", kx, x, y)
		case loop.Max:
			v = kc.libmCall("fmax", kx, x, y)
		}
	case dtype.ClassInt, dtype.ClassUint:
		v = kc.intBin(e.Op, kx, x, y)
	}
	if v == nil {
		kc.errorf("%v on %v", e.Op, kx)
		return nil, 0
	}
	if e.Op != loop.Min && e.Op != loop.Max { // min and max pick an operand
		v = kc.roundIf(v, kx)
	}
	return v, kx
}

func (kc *llKernel) intBin(op loop.BinOp, k dtype.Kind, x, y value.Value) value.Value {
	b, unsigned := kc.cur, k.Class() == dtype.ClassUint
	switch {
	case op == loop.Add:
		return b.NewAdd(x, y)
	case op == loop.Sub:
		return b.NewSub(x, y)
	case op == loop.Mul:
		return b.NewMul(x, y)
	case op == loop.Div && unsigned:
		return b.NewUDiv(x, y)
	case op == loop.Div && llNotMinusOne(y):
		return b.NewSDiv(x, y)
	case op == loop.Div: // MIN / −1 wraps to MIN, as in exec, instead of being undefined
		m1 := b.NewICmp(enum.IPredEQ, y, constant.NewInt(y.Type().(*types.IntType), -1))
		q := b.NewSDiv(x, b.NewSelect(m1, constant.NewInt(y.Type().(*types.IntType), 1), y))
		return b.NewSelect(m1, b.NewSub(llZero(k), x), q)
	case op == loop.Rem && unsigned:
		return b.NewURem(x, y)
	case op == loop.Rem && llNotMinusOne(y):
		return b.NewSRem(x, y)
	case op == loop.Rem: // MIN % −1 is 0
		m1 := b.NewICmp(enum.IPredEQ, y, constant.NewInt(y.Type().(*types.IntType), -1))
		return b.NewSRem(x, b.NewSelect(m1, constant.NewInt(y.Type().(*types.IntType), 1), y))
	case op == loop.Min || op == loop.Max:
		pred := map[[2]bool]enum.IPred{{false, false}: enum.IPredSLT, {false, true}: enum.IPredSGT,
			{true, false}: enum.IPredULT, {true, true}: enum.IPredUGT}[[2]bool{unsigned, op == loop.Max}]
		return b.NewSelect(b.NewICmp(pred, y, x), y, x) // x unless y is beyond it, as exec picks
	}
	return nil
}

// llNotMinusOne reports whether y is a constant other than −1, a divisor
// that needs no guard.
func llNotMinusOne(y value.Value) bool {
	c, ok := y.(*constant.Int)
	return ok && (c.X.BitLen() > 1 || c.X.Sign() >= 0)
}

// compare emits a comparison: IEEE's ordered ones for floats (!= is
// unordered, so NaN != NaN), signed or unsigned ones for integers, false
// below true for bool.
func (kc *llKernel) compare(op loop.BinOp, k dtype.Kind, x, y value.Value) value.Value {
	if k.IsFloat() {
		preds := map[loop.BinOp]enum.FPred{loop.Eq: enum.FPredOEQ, loop.Ne: enum.FPredUNE,
			loop.Lt: enum.FPredOLT, loop.Le: enum.FPredOLE, loop.Gt: enum.FPredOGT, loop.Ge: enum.FPredOGE}
		return kc.cur.NewFCmp(preds[op], x, y)
	}
	signed := map[loop.BinOp]enum.IPred{loop.Eq: enum.IPredEQ, loop.Ne: enum.IPredNE,
		loop.Lt: enum.IPredSLT, loop.Le: enum.IPredSLE, loop.Gt: enum.IPredSGT, loop.Ge: enum.IPredSGE}
	unsigned := map[loop.BinOp]enum.IPred{loop.Eq: enum.IPredEQ, loop.Ne: enum.IPredNE,
		loop.Lt: enum.IPredULT, loop.Le: enum.IPredULE, loop.Gt: enum.IPredUGT, loop.Ge: enum.IPredUGE}
	if k.Class() == dtype.ClassInt {
		return kc.cur.NewICmp(signed[op], x, y)
	}
	return kc.cur.NewICmp(unsigned[op], x, y)
}

// logic emits && and || with branches, so the right operand runs only when
// needed, as in C and ir/loop/exec (a guard may protect a load).
func (kc *llKernel) logic(e *loop.Bin) (value.Value, dtype.Kind) {
	x, kx := kc.expr(e.X)
	if x == nil {
		return nil, 0
	}
	if kx != dtype.Bool {
		kc.errorf("%v on %v", e.Op, kx)
		return nil, 0
	}
	name := "and"
	if e.Op == loop.Or {
		name = "or"
	}
	rhs, end := kc.block(name+".rhs"), kc.block(name+".end")
	from := kc.cur
	short := constant.False
	if e.Op == loop.And {
		from.NewCondBr(x, rhs, end)
	} else {
		from.NewCondBr(x, end, rhs)
		short = constant.True
	}
	kc.cur = rhs
	y, ky := kc.expr(e.Y)
	if y == nil {
		return nil, 0
	}
	if ky != dtype.Bool {
		kc.errorf("%v on %v", e.Op, ky)
		return nil, 0
	}
	kc.cur.NewBr(end)
	kc.moveLast(end)
	phi := end.NewPhi(ir.NewIncoming(short, from), ir.NewIncoming(y, kc.cur))
	kc.cur = end
	return phi, dtype.Bool
}

func (kc *llKernel) sel(e *loop.Select) (value.Value, dtype.Kind) {
	c, kc0 := kc.expr(e.Cond)
	x, kx := kc.expr(e.X)
	y, ky := kc.expr(e.Y)
	switch {
	case c == nil || x == nil || y == nil:
		return nil, 0
	case kc0 != dtype.Bool:
		kc.errorf("select condition is %v, not bool", kc0)
		return nil, 0
	case kx != ky:
		kc.errorf("select of %v and %v", kx, ky)
		return nil, 0
	}
	return kc.cur.NewSelect(c, x, y), kx
}
