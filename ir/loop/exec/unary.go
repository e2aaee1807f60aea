package exec

import (
	"math"
	"math/bits"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// unaryMath are the float functions of Un and of one-argument Calls.
var unaryMath = map[string]func(float64) float64{
	"abs": math.Abs, "sqrt": math.Sqrt, "exp": math.Exp, "log": math.Log, "tanh": math.Tanh,
	"floor": math.Floor, "ceil": math.Ceil, "rint": math.RoundToEven,
	"erf": math.Erf, "sin": math.Sin, "cos": math.Cos, "tan": math.Tan,
	"asin": math.Asin, "acos": math.Acos, "atan": math.Atan,
	"sinh": math.Sinh, "cosh": math.Cosh, "asinh": math.Asinh, "acosh": math.Acosh, "atanh": math.Atanh,
	"exp2": math.Exp2, "expm1": math.Expm1, "log2": math.Log2, "log10": math.Log10, "log1p": math.Log1p,
	"cbrt": math.Cbrt, "trunc": math.Trunc, "round": math.Round, // C's round: halves away from zero
}

var binaryMath = map[string]func(float64, float64) float64{
	"pow": math.Pow, "fmod": math.Mod, "atan2": math.Atan2, "hypot": math.Hypot, "copysign": math.Copysign,
}

func (c *compiler) un(e *loop.Un) value {
	x := c.expr(e.X)
	k := x.kind
	switch {
	case k == dtype.Invalid:
		return invalid
	case k.IsFixed():
		return c.fixedUn(e.Op, x)
	case e.Op == loop.Not && x.b != nil:
		xb := x.b
		return value{kind: k, b: func() bool { return !xb() }}
	case x.f != nil && e.Op == loop.Neg:
		xf, r := x.f, rounder(k)
		return value{kind: k, f: func() float64 { return r(-xf()) }}
	case x.f != nil && e.Op != loop.Not:
		if f := unaryMath[e.Op.String()]; f != nil {
			xf, r := x.f, rounder(k)
			return value{kind: k, f: func() float64 { return r(f(xf())) }}
		}
	case x.i != nil && e.Op == loop.Neg:
		xi, w := x.i, wrapper(k)
		return value{kind: k, i: func() int64 { return w(-xi()) }}
	case x.i != nil && e.Op == loop.Abs && k.Class() == dtype.ClassUint:
		return x
	case x.i != nil && e.Op == loop.Abs:
		xi, w := x.i, wrapper(k)
		return value{kind: k, i: func() int64 {
			if v := xi(); v < 0 {
				return w(-v) // the most negative value stays itself
			} else {
				return v
			}
		}}
	}
	c.errorf("%v on %v", e.Op, k)
	return invalid
}

// call computes a libm function in float64 and rounds the result to the
// arguments' kind.
func (c *compiler) call(e *loop.Call) value {
	args := make([]func() float64, len(e.Args))
	k := dtype.Invalid
	for i, a := range e.Args {
		v := c.expr(a)
		if v.kind == dtype.Invalid {
			return invalid
		}
		if v.f == nil || (i > 0 && v.kind != k) {
			c.errorf("%s argument %d is %v", e.Func, i, v.kind)
			return invalid
		}
		args[i], k = v.f, v.kind
	}
	r := rounder(k)
	switch f1, f2 := unaryMath[e.Func], binaryMath[e.Func]; {
	case f1 != nil && len(args) == 1:
		x := args[0]
		return value{kind: k, f: func() float64 { return r(f1(x())) }}
	case f2 != nil && len(args) == 2:
		x, y := args[0], args[1]
		return value{kind: k, f: func() float64 { return r(f2(x(), y())) }}
	case e.Func == "fma" && len(args) == 3:
		x, y, z := args[0], args[1], args[2]
		return value{kind: k, f: func() float64 { return r(math.FMA(x(), y(), z())) }}
	}
	c.errorf("call of %s with %d arguments", e.Func, len(args))
	return invalid
}

// cast converts as C and ONNX's Cast do: floats round to nearest even
// (once, from the exact value), floats to integers truncate toward zero and
// wrap to the width, integers wrap, numbers to bool are != 0, bool is 0 or 1.
func (c *compiler) cast(e *loop.Cast) value {
	x, to := c.expr(e.X), e.To
	if x.kind == dtype.Invalid {
		return invalid
	}
	out := value{kind: to}
	switch to.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		out.f = castToFloat(x, to)
	case dtype.ClassInt, dtype.ClassUint:
		out.i = castToInt(x, to)
	case dtype.ClassBool:
		out.b = castToBool(x)
	case dtype.ClassFixed:
		if out.i = c.castToFixed(x, to); out.i == nil {
			return invalid
		}
	default:
		c.errorf("cast to %v", to)
		return invalid
	}
	return out
}

func castToFloat(x value, to dtype.Kind) func() float64 {
	switch {
	case x.kind.IsFixed():
		return fixedToFloat(x, to)
	case x.i != nil && to == dtype.F64:
		// One rounding, to nearest even, as C's (double) conversion.
		xi := x.i
		if x.kind.Class() == dtype.ClassUint {
			return func() float64 { return float64(uint64(xi())) }
		}
		return func() float64 { return float64(xi()) }
	case x.f != nil:
		xf := x.f
		return func() float64 { return dtype.RoundFloat(to, xf(), false) }
	case x.i != nil && x.kind.Class() == dtype.ClassUint:
		xi := x.i
		return func() float64 { return dtype.RoundFloat(to, uintToFloat(uint64(xi())), false) }
	case x.i != nil:
		xi := x.i
		return func() float64 {
			v := xi()
			if v < 0 {
				return dtype.RoundFloat(to, -uintToFloat(-uint64(v)), false)
			}
			return dtype.RoundFloat(to, uintToFloat(uint64(v)), false)
		}
	}
	xb := x.b
	return func() float64 { return dtype.RoundFloat(to, b2f(xb()), false) }
}

// uintToFloat converts u to float64 rounding to odd: beyond 53 bits the
// dropped bits set the last kept one, so that rounding the result again to
// any narrower float gives the correctly rounded value of u.
func uintToFloat(u uint64) float64 {
	n := bits.Len64(u)
	if n <= 53 {
		return float64(u)
	}
	sh := uint(n - 53)
	m := u >> sh
	if u&(1<<sh-1) != 0 {
		m |= 1
	}
	return math.Ldexp(float64(m), int(sh))
}

func castToInt(x value, to dtype.Kind) func() int64 {
	w := wrapper(to)
	switch {
	case x.kind.IsFixed():
		return fixedToInt(x, to)
	case x.f != nil:
		xf := x.f
		return func() int64 { return w(floatToInt(xf())) }
	case x.i != nil: // the same bits, wrapped: modular for every pair of kinds
		xi := x.i
		return func() int64 { return w(xi()) }
	}
	xb := x.b
	return func() int64 { return int64(b2f(xb())) }
}

// floatToInt truncates v toward zero. Values beyond 64 bits, infinities and
// NaN give the most negative int64 (x86's "integer indefinite"), which
// wraps to 0 in narrower kinds.
func floatToInt(v float64) int64 {
	t := math.Trunc(v)
	switch {
	case t >= -(1<<63) && t < 1<<63:
		return int64(t)
	case t >= 0 && t < 1<<64:
		return int64(uint64(t))
	}
	return math.MinInt64
}

func castToBool(x value) func() bool {
	switch {
	case x.f != nil:
		xf := x.f
		return func() bool { return xf() != 0 } // NaN is true, as in C
	case x.i != nil:
		xi := x.i
		return func() bool { return xi() != 0 }
	}
	return x.b
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
