package exec

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// rounder rounds an exact (float64) result to kind k: f32 to float32, f64
// not at all, narrower kinds to float32 and then to the kind, as the
// hardware computes them in float and stores them narrow.
func rounder(k dtype.Kind) func(float64) float64 {
	switch k {
	case dtype.F64:
		return func(v float64) float64 { return v }
	case dtype.F32:
		return func(v float64) float64 { return float64(float32(v)) }
	}
	return func(v float64) float64 { return dtype.RoundFloat(k, float64(float32(v)), false) }
}

// wrapper wraps an integer result to kind k's width: sign-extended for
// signed kinds, zero-extended for unsigned ones (held as their bits).
func wrapper(k dtype.Kind) func(int64) int64 {
	if k.Class() == dtype.ClassUint {
		m := uint64(1)<<uint(k.Bits()) - 1
		if k.Bits() >= 64 {
			m = ^uint64(0)
		}
		return func(v int64) int64 { return int64(uint64(v) & m) }
	}
	sh := uint(64 - k.Bits())
	return func(v int64) int64 { return v << sh >> sh }
}

func (c *compiler) bin(e *loop.Bin) value {
	x, y := c.expr(e.X), c.expr(e.Y)
	switch {
	case x.kind == dtype.Invalid || y.kind == dtype.Invalid:
		return invalid
	case x.kind.IsFixed() || y.kind.IsFixed():
		return c.fixedBin(e, x, y)
	case x.kind != y.kind:
		c.errorf("%v %v %v: operand kinds differ", x.kind, e.Op, y.kind)
		return invalid
	case e.Op.IsCompare():
		return value{kind: dtype.Bool, b: c.compare(e.Op, x, y)}
	case x.f != nil:
		if f := floatBin(e.Op, x.kind, x.f, y.f); f != nil {
			return value{kind: x.kind, f: f}
		}
	case x.i != nil:
		if f := c.intBin(e.Op, x.kind, x.i, y.i); f != nil {
			return value{kind: x.kind, i: f}
		}
	default:
		if f := boolBin(e.Op, x.b, y.b); f != nil {
			return value{kind: x.kind, b: f}
		}
	}
	c.errorf("%v on %v", e.Op, x.kind)
	return invalid
}

func floatBin(op loop.BinOp, k dtype.Kind, x, y func() float64) func() float64 {
	if k == dtype.F32 { // the common case, without an indirect call to round
		switch op {
		case loop.Add:
			return func() float64 { return float64(float32(x() + y())) }
		case loop.Sub:
			return func() float64 { return float64(float32(x() - y())) }
		case loop.Mul:
			return func() float64 { return float64(float32(x() * y())) }
		case loop.Div:
			return func() float64 { return float64(float32(x() / y())) }
		}
	}
	var f func(a, b float64) float64
	switch op {
	case loop.Add:
		f = func(a, b float64) float64 { return a + b }
	case loop.Sub:
		f = func(a, b float64) float64 { return a - b }
	case loop.Mul:
		f = func(a, b float64) float64 { return a * b }
	case loop.Div:
		f = func(a, b float64) float64 { return a / b }
	case loop.Rem:
		f = math.Mod
	case loop.Min:
		f = fmin
	case loop.Max:
		f = fmax
	default:
		return nil
	}
	r := rounder(k)
	return func() float64 { return r(f(x(), y())) }
}

// fmin is C's fmin: a NaN operand gives the other one; −0 is below +0.
func fmin(a, b float64) float64 {
	switch {
	case a != a:
		return b
	case b != b, a < b, a == b && math.Signbit(a):
		return a
	}
	return b
}

// fmax is C's fmax: a NaN operand gives the other one; +0 is above −0.
func fmax(a, b float64) float64 {
	switch {
	case a != a:
		return b
	case b != b, a > b, a == b && !math.Signbit(a):
		return a
	}
	return b
}

func (c *compiler) intBin(op loop.BinOp, k dtype.Kind, x, y func() int64) func() int64 {
	w, p, unsigned := wrapper(k), c.p, k.Class() == dtype.ClassUint
	zero := func(v int64) bool {
		if v == 0 {
			p.fail(p.errorf("%v %v by zero: %w", k, op, ErrDivideByZero))
			return true
		}
		return false
	}
	switch {
	case op == loop.Add:
		return func() int64 { return w(x() + y()) }
	case op == loop.Sub:
		return func() int64 { return w(x() - y()) }
	case op == loop.Mul:
		return func() int64 { return w(x() * y()) }
	case op == loop.Div && unsigned:
		return func() int64 {
			if a, b := x(), y(); !zero(b) {
				return int64(uint64(a) / uint64(b))
			}
			return 0
		}
	case op == loop.Div:
		return func() int64 {
			if a, b := x(), y(); !zero(b) {
				return w(a / b) // truncates toward zero; MinInt/−1 wraps
			}
			return 0
		}
	case op == loop.Rem && unsigned:
		return func() int64 {
			if a, b := x(), y(); !zero(b) {
				return int64(uint64(a) % uint64(b))
			}
			return 0
		}
	case op == loop.Rem:
		return func() int64 {
			if a, b := x(), y(); !zero(b) {
				return a % b // the sign of the dividend, as in C
			}
			return 0
		}
	case op == loop.Min || op == loop.Max:
		less, pickY := intLess(unsigned), op == loop.Min
		return func() int64 {
			a, b := x(), y()
			if less(b, a) == pickY {
				return b
			}
			return a
		}
	}
	return nil
}

func intLess(unsigned bool) func(a, b int64) bool {
	if unsigned {
		return func(a, b int64) bool { return uint64(a) < uint64(b) }
	}
	return func(a, b int64) bool { return a < b }
}

// boolBin is && and ||, which skip their right operand as C's do (a guard
// may protect a load).
func boolBin(op loop.BinOp, x, y func() bool) func() bool {
	switch op {
	case loop.And:
		return func() bool { return x() && y() }
	case loop.Or:
		return func() bool { return x() || y() }
	}
	return nil
}

// compare compiles a comparison; floats compare as IEEE does (NaN is
// unordered), unsigned integers as unsigned, false below true.
func (c *compiler) compare(op loop.BinOp, x, y value) func() bool {
	var less func() (lt, eq bool)
	switch {
	case x.f != nil:
		xf, yf := x.f, y.f
		switch op { // direct forms, so NaN compares false (and != true)
		case loop.Eq:
			return func() bool { return xf() == yf() }
		case loop.Ne:
			return func() bool { return xf() != yf() }
		case loop.Lt:
			return func() bool { return xf() < yf() }
		case loop.Le:
			return func() bool { return xf() <= yf() }
		case loop.Gt:
			return func() bool { return xf() > yf() }
		}
		return func() bool { return xf() >= yf() }
	case x.i != nil:
		xi, yi, lt := x.i, y.i, intLess(x.kind.Class() == dtype.ClassUint)
		less = func() (bool, bool) { a, b := xi(), yi(); return lt(a, b), a == b }
	default:
		xb, yb := x.b, y.b
		less = func() (bool, bool) { a, b := xb(), yb(); return !a && b, a == b }
	}
	switch op {
	case loop.Eq:
		return func() bool { _, eq := less(); return eq }
	case loop.Ne:
		return func() bool { _, eq := less(); return !eq }
	case loop.Lt:
		return func() bool { lt, _ := less(); return lt }
	case loop.Le:
		return func() bool { lt, eq := less(); return lt || eq }
	case loop.Gt:
		return func() bool { lt, eq := less(); return !lt && !eq }
	}
	return func() bool { lt, _ := less(); return !lt }
}
