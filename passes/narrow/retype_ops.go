package narrow

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

func (r *rewriter) un(e *loop.Un) (loop.Expr, dtype.Kind) {
	if e.Op != loop.Neg && e.Op != loop.Abs && e.Op != loop.Not {
		return r.nonlinearOp(e.Op.String(), []loop.Expr{e.X}, func(a []loop.Expr) loop.Expr {
			return &loop.Un{Op: e.Op, X: a[0]}
		})
	}
	x, k := r.expr(e.X)
	if !k.IsFixed() {
		return &loop.Un{Op: e.Op, X: x}, k
	}
	t := dtype.SubType(fixedOf(k), fixedOf(k))
	if !fits(t) { // a 64-bit operand: drop a fraction bit (or wrap) first
		n := cut(fixedOf(k), maxFixedW-1)
		x, k = castTo(x, k, dtype.FixedKind(n)), dtype.FixedKind(n)
		t = dtype.SubType(n, n)
	}
	return &loop.Un{Op: e.Op, X: x}, dtype.FixedKind(t)
}

func (r *rewriter) call(e *loop.Call) (loop.Expr, dtype.Kind) {
	return r.nonlinearOp(e.Func, e.Args, func(a []loop.Expr) loop.Expr {
		return &loop.Call{Func: e.Func, Args: a}
	})
}

// nonlinearOp retypes a division, remainder, libm operator or call that
// is not part of a table. Float operands compute in their join. Fixed
// operands in a float kernel convert to its activation kind; in a fixed
// kernel they fall back to f32: cast to f32, computed there, and the f32
// result converted where it is used (counted in the report).
func (r *rewriter) nonlinearOp(name string, args []loop.Expr, mk func([]loop.Expr) loop.Expr) (loop.Expr, dtype.Kind) {
	xs := make([]loop.Expr, len(args))
	ks := make([]dtype.Kind, len(args))
	for i, a := range args {
		if !isF32Const(a) {
			xs[i], ks[i] = r.expr(a)
		}
	}
	k := dtype.Invalid
	anyFixed := false
	for _, kk := range ks {
		switch {
		case kk.IsFixed():
			anyFixed = true
		case kk.IsFloat() && k == dtype.Invalid:
			k = kk
		case kk.IsFloat():
			k = floatJoin(k, kk)
		}
	}
	switch {
	case anyFixed && r.fixedAct():
		k = dtype.F32
		r.fallbacks = append(r.fallbacks, name)
	case anyFixed && r.act.IsFloat():
		k = floatJoin(orInvalid(k, r.act), r.act)
	case k == dtype.Invalid && r.act.IsFloat():
		k = r.act // literals only
	case k == dtype.Invalid:
		k = dtype.F32
	}
	for i, a := range args {
		if xs[i] == nil {
			xs[i], ks[i] = r.constAs(a.(*loop.Const), k)
		}
		xs[i] = castTo(xs[i], ks[i], k)
	}
	return mk(xs), k
}

func orInvalid(k, def dtype.Kind) dtype.Kind {
	if k == dtype.Invalid {
		return def
	}
	return k
}

// cast retypes a conversion. A conversion to f32 (the model's float) now
// converts to the activation kind; one to an integer or bool kind stays
// (from fixed point through a float, to truncate toward zero as before).
func (r *rewriter) cast(e *loop.Cast) (loop.Expr, dtype.Kind) {
	var x loop.Expr
	var k dtype.Kind
	to := e.To
	if to == dtype.F32 {
		to = r.act
	}
	if isF32Const(e.X) {
		x, k = r.constAs(e.X.(*loop.Const), to)
	} else {
		x, k = r.expr(e.X)
	}
	if to.IsInt() && k.IsFixed() {
		// A float converts to an integer toward zero, a fixed value floors:
		// go through a float that holds it exactly to keep the model's
		// meaning.
		via := dtype.F64
		if fixedOf(k).W <= 24 {
			via = dtype.F32
		}
		x, k = castTo(x, k, via), via
	}
	return castTo(x, k, to), to
}

func (r *rewriter) sel(e *loop.Select) (loop.Expr, dtype.Kind) {
	c, _ := r.expr(e.Cond)
	x, kx, y, ky := r.pair(e.X, e.Y)
	if !(kx.IsFloat() || kx.IsFixed()) || !(ky.IsFloat() || ky.IsFixed()) {
		return &loop.Select{Cond: c, X: x, Y: y}, kx
	}
	x, y, k := r.same("select", x, kx, y, ky)
	return &loop.Select{Cond: c, X: x, Y: y}, k
}
