package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// pow lowers Pow: z = x^y, broadcast, z of x's kind, as eval computes it.
// A float base takes pow in arith(kind), in f64 when the exponent is f64
// or an integer beyond f32's 24 bits (eval's float64 pow, rounded once);
// an integer base with a float exponent truncates the f64 power; an
// integer base with an integer exponent multiplies exactly, wrapping.
func pow(b *builder) error {
	kx, ky := b.kindIn(0), b.kindIn(1)
	switch {
	case !kx.IsFloat() && !kx.IsInt():
		return fmt.Errorf("Pow is not defined on base %v", kx)
	case !ky.IsFloat() && !ky.IsInt():
		return fmt.Errorf("Pow is not defined on exponent %v", ky)
	case kx.IsInt() && ky.IsInt():
		return b.intPow(kx, ky)
	}
	ck := arith(kx)
	if kx.IsInt() || ky == dtype.F64 || ky.IsInt() && ky.Bits() > 24 {
		ck = dtype.F64
	}
	return b.broadcastMap(2, func(in []loop.Expr) loop.Expr {
		p := &loop.Call{Func: "pow", Args: []loop.Expr{convert(ck, kx, in[0]), convert(ck, ky, in[1])}}
		return convert(kx, ck, p)
	})
}

// intPow lowers an integer power by square and multiply over the
// exponent's bits, in the base's kind (wrapping as eval's does). A
// negative exponent gives the truncated real power: 1 for base 1, ±1 for
// base -1, else 0 (eval's error for base 0 gives 0 here).
func (b *builder) intPow(kx, ky dtype.Kind) error {
	y, err := b.out(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	ins, err := b.broadcastLoads(vs, 2)
	if err != nil {
		return err
	}
	r, p, e := b.tempOf("r", kx), b.tempOf("p", kx), b.tempOf("e", ky)
	bits := ky.Bits()
	if ky.Class() == dtype.ClassInt {
		bits-- // a negative exponent takes the other branch
	}
	odd := bin(loop.Ne, bin(loop.Rem, scalar(e), konst(ky, 2)), konst(ky, 0))
	step := nest(b.vars("j"), []int{bits},
		&loop.If{Cond: odd, Then: []loop.Stmt{set(r, bin(loop.Mul, scalar(r), scalar(p)))}},
		set(p, bin(loop.Mul, scalar(p), scalar(p))),
		set(e, bin(loop.Div, scalar(e), konst(ky, 2))))
	v := scalar(r)
	if ky.Class() == dtype.ClassInt {
		neg := sel(bin(loop.Eq, ins[0], konst(kx, 1)), konst(kx, 1), konst(kx, 0))
		if kx.Class() == dtype.ClassInt {
			oddY := bin(loop.Ne, bin(loop.Rem, ins[1], konst(ky, 2)), konst(ky, 0))
			neg = sel(bin(loop.Eq, ins[0], konst(kx, -1)), sel(oddY, konst(kx, -1), konst(kx, 1)), neg)
		}
		v = sel(bin(loop.Lt, ins[1], konst(ky, 0)), neg, v)
	}
	body := append([]loop.Stmt{set(r, konst(kx, 1)), set(p, ins[0]), set(e, ins[1])}, step...)
	b.k.Body = nest(vs, b.shape(y), append(body, store(y, idx(vs), v))...)
	return nil
}
