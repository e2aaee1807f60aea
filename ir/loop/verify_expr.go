package loop

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

const boolKind = dtype.Bool

// expr checks e and returns its kind, or Invalid after reporting an error.
func (v *verifier) expr(e Expr) dtype.Kind {
	switch e := e.(type) {
	case *Load:
		if !v.validBuf(e.Buf) {
			v.errorf("load of unknown buffer %d", e.Buf)
			return dtype.Invalid
		}
		v.access(e.Buf, e.Index)
		return v.k.Buffers[e.Buf].Kind
	case *Const:
		return v.constant(e)
	case *VarRef:
		if !v.varInScope(e.Var) {
			return dtype.Invalid
		}
		return indexKind
	case *Bin:
		return v.bin(e)
	case *Un:
		return v.un(e)
	case *Cast:
		k := v.expr(e.X)
		if !e.To.Computable() {
			v.errorf("cast to %v", e.To)
			return dtype.Invalid
		}
		if msg := fixedOK(e.To); msg != "" {
			v.errorf("cast to %s", msg)
			return dtype.Invalid
		}
		if k == dtype.Invalid {
			return dtype.Invalid
		}
		return e.To
	case *Select:
		return v.sel(e)
	case *Call:
		return v.call(e)
	case nil:
		v.errorf("missing expression")
	default:
		v.errorf("unknown expression %T", e)
	}
	return dtype.Invalid
}

func (v *verifier) constant(c *Const) dtype.Kind {
	k := c.Kind
	switch k.Class() {
	case dtype.ClassFloat:
		if r := dtype.RoundFloat(k, c.Float, false); r != c.Float && !math.IsNaN(c.Float) {
			v.errorf("constant %v is not a %v value", c.Float, k)
		}
	case dtype.ClassInt, dtype.ClassUint, dtype.ClassBool:
		lo, hi := k.IntRange()
		if k.Class() != dtype.ClassUint && (c.Int < lo || c.Int >= 0 && uint64(c.Int) > hi) ||
			k.Class() == dtype.ClassUint && k.Bits() < 64 && (c.Int < 0 || uint64(c.Int) > hi) {
			v.errorf("constant %d out of range for %v", c.Int, k)
		}
	case dtype.ClassFixed:
		if msg := fixedOK(k); msg != "" {
			v.errorf("constant of kind %s", msg)
			return dtype.Invalid
		}
		v.fixedConst(c)
	case dtype.ClassDouble:
	default:
		v.errorf("constant of kind %v", k)
		return dtype.Invalid
	}
	return k
}

func (v *verifier) bin(e *Bin) dtype.Kind {
	kx, ky := v.expr(e.X), v.expr(e.Y)
	if e.Op >= numBinOps {
		v.errorf("unknown binary operator %d", e.Op)
		return dtype.Invalid
	}
	if kx == dtype.Invalid || ky == dtype.Invalid {
		return dtype.Invalid
	}
	if kx.IsFixed() || ky.IsFixed() {
		return v.fixedBin(e, kx, ky)
	}
	if kx != ky {
		v.errorf("%v %v %v: operand kinds differ (cast explicitly)", kx, e.Op, ky)
		return dtype.Invalid
	}
	switch {
	case e.Op.IsLogic() && kx != boolKind:
		v.errorf("%v on %v (want bool)", e.Op, kx)
		return dtype.Invalid
	case !e.Op.IsLogic() && !e.Op.IsCompare() && kx == boolKind:
		v.errorf("%v on bool", e.Op)
		return dtype.Invalid
	case e.Op.IsCompare():
		return boolKind
	}
	return kx
}

func (v *verifier) un(e *Un) dtype.Kind {
	k := v.expr(e.X)
	switch {
	case e.Op >= numUnOps:
		v.errorf("unknown unary operator %d", e.Op)
	case k == dtype.Invalid:
	case k.IsFixed():
		return v.fixedUn(e, k)
	case e.Op == Not && k != boolKind:
		v.errorf("! on %v (want bool)", k)
	case e.Op != Not && k == boolKind:
		v.errorf("%v on bool", e.Op)
	case e.Op.FloatOnly() && !k.IsFloat():
		v.errorf("%v on %v (want a float kind)", e.Op, k)
	default:
		return k
	}
	return dtype.Invalid
}

func (v *verifier) sel(e *Select) dtype.Kind {
	kc, kx, ky := v.expr(e.Cond), v.expr(e.X), v.expr(e.Y)
	switch {
	case kc == dtype.Invalid || kx == dtype.Invalid || ky == dtype.Invalid:
	case kc != boolKind:
		v.errorf("select condition is %v, not bool", kc)
	case kx != ky:
		v.errorf("select of %v and %v (cast explicitly)", kx, ky)
	default:
		return kx
	}
	return dtype.Invalid
}

func (v *verifier) call(e *Call) dtype.Kind {
	n := LibmArity(e.Func)
	if n == 0 {
		v.errorf("call of %q, not a libm function kiln knows", e.Func)
	} else if len(e.Args) != n {
		v.errorf("%s takes %d arguments, has %d", e.Func, n, len(e.Args))
	}
	k := dtype.Invalid
	for i, a := range e.Args {
		ka := v.expr(a)
		switch {
		case ka == dtype.Invalid:
			return dtype.Invalid
		case !ka.IsFloat():
			v.errorf("%s argument %d is %v (want a float kind)", e.Func, i, ka)
			return dtype.Invalid
		case i > 0 && ka != k:
			v.errorf("%s arguments of kinds %v and %v (cast explicitly)", e.Func, k, ka)
			return dtype.Invalid
		}
		k = ka
	}
	if n == 0 || len(e.Args) != n {
		return dtype.Invalid
	}
	return k
}
