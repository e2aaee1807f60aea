package exec

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// value is a compiled expression of kind: f for float kinds (the value,
// already rounded to kind, in a float64), i for integer kinds (signed
// values, or unsigned ones as their bits) and b for bool. An expression
// that failed to compile has kind Invalid.
type value struct {
	kind dtype.Kind
	f    func() float64
	i    func() int64
	b    func() bool
}

var invalid = value{}

func (c *compiler) expr(e loop.Expr) value {
	switch e := e.(type) {
	case *loop.Load:
		return c.load(e)
	case *loop.Const:
		return c.constant(e)
	case *loop.VarRef:
		if !c.validVar(e.Var) {
			return invalid
		}
		env, x := c.p.env, e.Var
		return value{kind: dtype.I64, i: func() int64 { return int64(env[x]) }}
	case *loop.Bin:
		return c.bin(e)
	case *loop.Un:
		return c.un(e)
	case *loop.Cast:
		return c.cast(e)
	case *loop.Select:
		return c.sel(e)
	case *loop.Call:
		return c.call(e)
	}
	c.errorf("unknown expression %T", e)
	return invalid
}

func (c *compiler) load(e *loop.Load) value {
	off := c.access(e.Buf, e.Index, false)
	if off == nil {
		return invalid
	}
	b := c.p.bufs[e.Buf]
	k := b.decl.Kind
	switch k.Class() {
	case dtype.ClassFloat:
		return value{kind: k, f: func() float64 {
			if o := off(); o >= 0 {
				return float64(b.f32[o])
			}
			return 0
		}}
	case dtype.ClassDouble:
		return value{kind: k, f: func() float64 {
			if o := off(); o >= 0 {
				return b.f64[o]
			}
			return 0
		}}
	case dtype.ClassInt, dtype.ClassFixed:
		return value{kind: k, i: func() int64 {
			if o := off(); o >= 0 {
				return b.i64[o]
			}
			return 0
		}}
	case dtype.ClassUint:
		return value{kind: k, i: func() int64 {
			if o := off(); o >= 0 {
				return int64(b.u64[o])
			}
			return 0
		}}
	}
	return value{kind: k, b: func() bool {
		if o := off(); o >= 0 {
			return b.bools[o]
		}
		return false
	}}
}

func (c *compiler) constant(e *loop.Const) value {
	k := e.Kind
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		v := dtype.RoundFloat(k, e.Float, false)
		return value{kind: k, f: func() float64 { return v }}
	case dtype.ClassInt:
		v := dtype.WrapInt(k, e.Int)
		return value{kind: k, i: func() int64 { return v }}
	case dtype.ClassUint:
		v := int64(dtype.WrapUint(k, uint64(e.Int)))
		return value{kind: k, i: func() int64 { return v }}
	case dtype.ClassBool:
		v := e.Int != 0
		return value{kind: k, b: func() bool { return v }}
	case dtype.ClassFixed:
		if f, ok := fixedOf(k); ok {
			v := dtype.WrapRaw(f, e.Int)
			return value{kind: k, i: func() int64 { return v }}
		}
	}
	c.errorf("constant of kind %v", k)
	return invalid
}

// sel evaluates both arms, as a multiplexer does, then picks one.
func (c *compiler) sel(e *loop.Select) value {
	cond, x, y := c.expr(e.Cond), c.expr(e.X), c.expr(e.Y)
	switch {
	case cond.kind == dtype.Invalid || x.kind == dtype.Invalid || y.kind == dtype.Invalid:
		return invalid
	case cond.b == nil:
		c.errorf("select condition is %v, not bool", cond.kind)
		return invalid
	case x.kind != y.kind:
		c.errorf("select of %v and %v", x.kind, y.kind)
		return invalid
	}
	cb := cond.b
	out := value{kind: x.kind}
	switch {
	case x.f != nil:
		xf, yf := x.f, y.f
		out.f = func() float64 {
			c, a, b := cb(), xf(), yf()
			if c {
				return a
			}
			return b
		}
	case x.i != nil:
		xi, yi := x.i, y.i
		out.i = func() int64 {
			c, a, b := cb(), xi(), yi()
			if c {
				return a
			}
			return b
		}
	default:
		xb, yb := x.b, y.b
		out.b = func() bool {
			c, a, b := cb(), xb(), yb()
			if c {
				return a
			}
			return b
		}
	}
	return out
}
