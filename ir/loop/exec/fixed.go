package exec

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Fixed point (see ir/loop's doc for the rules). A fixed value is its raw,
// an int64, in value.i. Add, Sub, Mul, Neg and Abs are exact in their
// result types, which are at most 64 bits wide (63 unsigned), so plain
// int64 arithmetic on raws aligned to the result's fraction bits computes
// them without overflow; Min, Max, comparisons and Select compare raws as
// signed integers (unsigned raws are below 2^63). Only Cast rounds and
// overflows, through the reference functions of ir/dtype, and each Cast
// into a fixed kind is counted in the Program's Stats.

// Stats counts what the casts into fixed-point kinds did during a run.
type Stats struct {
	NarrowCasts int64 // casts into a fixed kind executed
	Overflows   int64 // of those, the ones whose value lay outside the kind's range (or was NaN or ±Inf)
}

// Stats is the totals of the kernel's last Run.
func (p *Program) Stats() Stats { return p.stats }

// Stats is the totals over the kernel calls of the program's last Run.
func (w *Whole) Stats() Stats { return w.stats }

func (s *Stats) add(t Stats) {
	s.NarrowCasts += t.NarrowCasts
	s.Overflows += t.Overflows
}

// The sources of an integer → fixed cast: the integer as a fixed type with
// no fraction bits.
var (
	intAsFixed  = dtype.Fixed{W: 64, I: 64}
	uintAsFixed = dtype.Fixed{W: 64, I: 64, Unsigned: true}
)

// fixedOf is the fixed type of kind k, with ok false when k is not a fixed
// kind the interpreter computes on (ufixed is limited to 63 bits).
func fixedOf(k dtype.Kind) (dtype.Fixed, bool) {
	f, ok := k.Fixed()
	return f, ok && !(f.Unsigned && f.W > 63)
}

// exactFits reports whether t, the exact type of an operation, is a type
// the interpreter holds.
func exactFits(t dtype.Fixed) bool { return t.W <= 64 && !(t.Unsigned && t.W > 63) }

// fixedBin compiles a Bin with a fixed operand.
func (c *compiler) fixedBin(e *loop.Bin, x, y value) value {
	fx, okx := fixedOf(x.kind)
	fy, oky := fixedOf(y.kind)
	if !okx || !oky {
		c.errorf("%v %v %v: fixed point combines only with fixed point", x.kind, e.Op, y.kind)
		return invalid
	}
	switch e.Op {
	case loop.Add, loop.Sub, loop.Mul:
		return c.fixedArith(e.Op, fx, fy, x.i, y.i)
	case loop.Min, loop.Max, loop.Eq, loop.Ne, loop.Lt, loop.Le, loop.Gt, loop.Ge:
		if x.kind != y.kind {
			c.errorf("%v %v %v: operand kinds differ", x.kind, e.Op, y.kind)
			return invalid
		}
		if e.Op.IsCompare() {
			return value{kind: dtype.Bool, b: c.compare(e.Op, x, y)}
		}
		return value{kind: x.kind, i: c.intBin(e.Op, dtype.I64, x.i, y.i)}
	}
	c.errorf("%v on %v and %v", e.Op, x.kind, y.kind)
	return invalid
}

// fixedArith compiles an exact +, − or ×: the raws aligned to the result's
// fraction bits and combined in int64, which holds the exact result.
func (c *compiler) fixedArith(op loop.BinOp, fx, fy dtype.Fixed, x, y func() int64) value {
	t := map[loop.BinOp]func(a, b dtype.Fixed) dtype.Fixed{loop.Add: dtype.AddType, loop.Sub: dtype.SubType, loop.Mul: dtype.MulType}[op](fx, fy)
	if !exactFits(t) {
		c.errorf("%v %v %v: exact result %v is wider than 64 bits", fx, op, fy, t)
		return invalid
	}
	out := value{kind: dtype.FixedKind(t)}
	sx, sy := uint(t.FracBits()-fx.FracBits()), uint(t.FracBits()-fy.FracBits())
	switch {
	case op == loop.Mul:
		out.i = func() int64 { return x() * y() }
	case op == loop.Add && sx == 0 && sy == 0:
		out.i = func() int64 { return x() + y() }
	case op == loop.Add:
		out.i = func() int64 { return x()<<sx + y()<<sy }
	case sx == 0 && sy == 0:
		out.i = func() int64 { return x() - y() }
	default:
		out.i = func() int64 { return x()<<sx - y()<<sy }
	}
	return out
}

// fixedUn compiles Neg or Abs of a fixed value: exact, one bit wider.
func (c *compiler) fixedUn(op loop.UnOp, x value) value {
	f, ok := fixedOf(x.kind)
	if !ok || op != loop.Neg && op != loop.Abs {
		c.errorf("%v on %v", op, x.kind)
		return invalid
	}
	t := dtype.SubType(f, f)
	if !exactFits(t) {
		c.errorf("%v on %v: exact result %v is wider than 64 bits", op, x.kind, t)
		return invalid
	}
	xi, out := x.i, value{kind: dtype.FixedKind(t)}
	if op == loop.Neg {
		out.i = func() int64 { return -xi() }
	} else {
		out.i = func() int64 {
			if v := xi(); v < 0 {
				return -v
			} else {
				return v
			}
		}
	}
	return out
}

// castToFixed compiles a Cast into the fixed kind to, counting each one
// executed and each that overflowed.
func (c *compiler) castToFixed(x value, to dtype.Kind) func() int64 {
	ft, ok := fixedOf(to)
	if !ok {
		c.errorf("cast to %v", to)
		return nil
	}
	st := &c.p.stats
	count := func(r int64, over bool) int64 {
		st.NarrowCasts++
		if over {
			st.Overflows++
		}
		return r
	}
	switch {
	case x.kind.IsFixed():
		ff, ok := fixedOf(x.kind)
		if !ok {
			c.errorf("cast from %v", x.kind)
			return nil
		}
		xi := x.i
		if fast := fastFixedToFixed(ff, ft, xi, st); fast != nil {
			return fast
		}
		return func() int64 { return count(dtype.Convert(ff, ft, xi())) }
	case x.f != nil:
		return fastFloatToFixed(ft, x.f, st)
	case x.i != nil:
		return fastIntToFixed(x.kind.Class() == dtype.ClassUint, ft, x.i, st)
	}
	xb := x.b
	return func() int64 { return count(dtype.Convert(intAsFixed, ft, int64(b2f(xb())))) }
}

// fixedToFloat is a Cast of a fixed value to a float kind: its value as a
// float64 (exact up to 53 significant bits), then rounded to the kind as a
// cast from f64 rounds.
func fixedToFloat(x value, to dtype.Kind) func() float64 {
	f, _ := fixedOf(x.kind)
	xi, scale := x.i, math.Ldexp(1, -f.FracBits())
	switch to {
	case dtype.F64:
		if f.W <= 53 { // the raw converts exactly; scaling by 2^−F is exact
			return func() float64 { return float64(xi()) * scale }
		}
		return func() float64 { return dtype.ToFloat(f, xi()) }
	case dtype.F32:
		if f.W <= 53 {
			return func() float64 { return float64(float32(float64(xi()) * scale)) }
		}
		return func() float64 { return float64(float32(dtype.ToFloat(f, xi()))) }
	}
	return func() float64 { return dtype.RoundFloat(to, dtype.ToFloat(f, xi()), false) }
}

// fixedToInt is a Cast of a fixed value to an integer kind: the floor of
// its value (an arithmetic shift; unsigned raws are non-negative), wrapped
// to the kind as an i64 → kind cast wraps.
func fixedToInt(x value, to dtype.Kind) func() int64 {
	f, _ := fixedOf(x.kind)
	xi, sh, w := x.i, uint(f.FracBits()), wrapper(to)
	return func() int64 { return w(xi() >> sh) }
}

// bindFixed checks that a holds n raws of the fixed kind k, each in range.
func bindFixed(a *dtype.Array, k dtype.Kind, n int) error {
	if len(a.I64) != n {
		return fmt.Errorf("%d values for %d elements", len(a.I64), n)
	}
	f, _ := fixedOf(k)
	lo, hi := f.MinRaw(), f.MaxRaw()
	for i, r := range a.I64 {
		if r < lo || r > hi {
			return fmt.Errorf("element %d (raw %d) is out of range for %v", i, r, k)
		}
	}
	return nil
}
