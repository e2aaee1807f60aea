package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

var compareOps = map[graph.Op]loop.BinOp{
	graph.OpEqual: loop.Eq, graph.OpLess: loop.Lt, graph.OpGreater: loop.Gt,
	graph.OpLessOrEqual: loop.Le, graph.OpGreaterOrEqual: loop.Ge,
	graph.OpAnd: loop.And, graph.OpOr: loop.Or,
}

// compare lowers a broadcasting comparison or logic operator to a bool
// output. Operands compare in their own kind: narrow floats hold exact
// values, which compare as eval's float64 copies do.
func compare(b *builder) error {
	op, ok := compareOps[b.n.Op]
	if !ok {
		return fmt.Errorf("%v is not a comparison", b.n.Op)
	}
	if k := b.kindIn(0); !compareDefined(op, k) {
		return fmt.Errorf("%v is not defined on %v", b.n.Op, k)
	}
	return b.broadcastMap(2, func(x []loop.Expr) loop.Expr { return bin(op, x[0], x[1]) })
}

// compareDefined reports whether eval has a kernel for op on kind k: logic
// on bools, Equal on every kind, orderings on numbers.
func compareDefined(op loop.BinOp, k dtype.Kind) bool {
	switch {
	case op.IsLogic():
		return k == dtype.Bool
	case k == dtype.Bool:
		return op == loop.Eq
	}
	return k.IsFloat() || k.IsInt()
}

// broadcastMap lowers y[i…] = f(the n inputs at i…, broadcast), f's value
// of y's kind.
func (b *builder) broadcastMap(n int, f func(x []loop.Expr) loop.Expr) error {
	y, err := b.out(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	ins, err := b.broadcastLoads(vs, n)
	if err != nil {
		return err
	}
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), f(ins)))
	return nil
}

// where lowers Where: z = cond ? x : y, all three broadcast.
func where(b *builder) error {
	return b.broadcastMap(3, func(x []loop.Expr) loop.Expr { return sel(x[0], x[1], x[2]) })
}

// not lowers Not on bools.
func not(b *builder) error {
	if k := b.kindIn(0); k != dtype.Bool {
		return fmt.Errorf("Not is not defined on %v", k)
	}
	return b.broadcastMap(1, func(x []loop.Expr) loop.Expr { return un(loop.Not, x[0]) })
}

// prelu lowers PRelu: y = x<0 ? slope·x : x, slope broadcast to x; on
// unsigned kinds y = x, as eval has it.
func prelu(b *builder) error {
	k := b.kindIn(0)
	ck := arith(k)
	if !ck.IsFloat() && !ck.IsInt() {
		return fmt.Errorf("PRelu is not defined on %v", k)
	}
	return b.broadcastMap(2, func(in []loop.Expr) loop.Expr {
		x, s := convert(ck, k, in[0]), convert(ck, k, in[1])
		if ck.Class() == dtype.ClassUint {
			return in[0]
		}
		return convert(k, ck, sel(bin(loop.Lt, x, konst(ck, 0)), bin(loop.Mul, s, x), x))
	})
}

// clip lowers Clip: x below min becomes min, then above max max (max wins
// when min > max; NaN stays NaN); an absent bound does not bound. Bounds
// are one-element tensors, f32 for any float x before opset 11: narrow
// floats compare in f32, and an f64 bound makes the comparison f64, as
// eval compares in float64.
func clip(b *builder) error {
	k := b.kindIn(0)
	ck := arith(k)
	if !ck.IsFloat() && !ck.IsInt() {
		return fmt.Errorf("Clip is not defined on %v", k)
	}
	if b.kindIn(1) == dtype.F64 || b.kindIn(2) == dtype.F64 {
		ck = dtype.F64
	}
	var bounds [3]loop.Expr
	for i := 1; i <= 2; i++ {
		if !b.has(i) {
			continue
		}
		buf, err := b.in(i)
		if err != nil {
			return err
		}
		bounds[i] = convert(ck, b.kindIn(i), load(buf, make([]loop.Index, len(b.shape(buf)))))
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	x, err := b.in(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	v := convert(ck, k, load(x, idx(vs)))
	if lo := bounds[1]; lo != nil {
		v = sel(bin(loop.Lt, v, lo), lo, v)
	}
	if hi := bounds[2]; hi != nil {
		v = sel(bin(loop.Gt, v, hi), hi, v)
	}
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), convert(k, ck, v)))
	return nil
}
