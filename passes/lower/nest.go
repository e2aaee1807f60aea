package lower

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// nest wraps body in loops over vars (outermost first), var d running over
// 0..ext[d].
func nest(vars []loop.VarID, ext []int, body ...loop.Stmt) []loop.Stmt {
	for d := len(vars) - 1; d >= 0; d-- {
		body = []loop.Stmt{&loop.For{Var: vars[d], Lo: loop.At(loop.Lit(0)), Hi: loop.At(loop.Lit(ext[d])), Step: 1, Body: body}}
	}
	return body
}

// idx indexes with one variable per dimension.
func idx(vars []loop.VarID) []loop.Index {
	ix := make([]loop.Index, len(vars))
	for i, v := range vars {
		ix[i] = loop.At(loop.V(v))
	}
	return ix
}

// bcast indexes a buffer of shape s broadcast (numpy, aligned right) to the
// iteration space of vars: broadcast axes get index 0.
func bcast(s []int, vars []loop.VarID) []loop.Index {
	off := len(vars) - len(s)
	ix := make([]loop.Index, len(s))
	for j, d := range s {
		if d == 1 || off+j < 0 {
			ix[j] = loop.At(loop.Lit(0))
		} else {
			ix[j] = loop.At(loop.V(vars[off+j]))
		}
	}
	return ix
}

func load(buf loop.BufID, ix []loop.Index) loop.Expr { return &loop.Load{Buf: buf, Index: ix} }

func store(buf loop.BufID, ix []loop.Index, v loop.Expr) *loop.Store {
	return &loop.Store{Buf: buf, Index: ix, Value: v}
}

// scalar reads or writes a rank-0 buffer.
func scalar(buf loop.BufID) loop.Expr { return &loop.Load{Buf: buf} }

func set(buf loop.BufID, v loop.Expr) *loop.Store { return &loop.Store{Buf: buf, Value: v} }

func f32(v float32) loop.Expr { return loop.Float(dtype.F32, float64(v)) }

// konst is the constant v of kind k: a float rounded to k (ties to even),
// an integer truncated toward zero and wrapped to k's width (an unsigned
// kind's as its bits), a bool true when v != 0.
func konst(k dtype.Kind, v float64) loop.Expr {
	switch k.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return loop.Float(k, dtype.RoundFloat(k, v, false))
	case dtype.ClassInt:
		return loop.Int(k, dtype.WrapInt(k, int64(v)))
	case dtype.ClassUint:
		return loop.Int(k, int64(dtype.WrapUint(k, uint64(int64(v)))))
	case dtype.ClassBool:
		if v != 0 {
			return loop.Int(k, 1)
		}
		return loop.Int(k, 0)
	}
	return loop.Float(k, v) // Verify names the kind
}

// arith is the kind element-wise arithmetic on kind k happens in: narrow
// floats (f16, bf16, the float8 and float4 kinds) compute in f32 and round
// to their kind once, at the end, as ir/graph/eval does; every other kind
// computes in itself.
func arith(k dtype.Kind) dtype.Kind {
	if k.Class() == dtype.ClassFloat {
		return dtype.F32
	}
	return k
}

// convert casts x of kind from to kind to; x itself when they are equal.
func convert(to, from dtype.Kind, x loop.Expr) loop.Expr {
	if to == from {
		return x
	}
	return &loop.Cast{To: to, X: x}
}

func sel(c, x, y loop.Expr) loop.Expr { return &loop.Select{Cond: c, X: x, Y: y} }

func bin(op loop.BinOp, x, y loop.Expr) loop.Expr { return &loop.Bin{Op: op, X: x, Y: y} }

func un(op loop.UnOp, x loop.Expr) loop.Expr { return &loop.Un{Op: op, X: x} }

// affExpr is an i64 expression for the terms of a (its constant left out).
func affExpr(a loop.Affine) loop.Expr {
	var e loop.Expr
	for _, t := range a.Terms {
		var term loop.Expr = &loop.VarRef{Var: t.Var}
		if t.Coeff != 1 {
			term = bin(loop.Mul, loop.Int(dtype.I64, int64(t.Coeff)), term)
		}
		if e == nil {
			e = term
		} else {
			e = bin(loop.Add, e, term)
		}
	}
	if e == nil {
		e = loop.Int(dtype.I64, 0)
	}
	return e
}

// within is the condition lo <= a < hi, printed with a's constant moved to
// the right-hand sides; a side that always holds is left out (nil if both).
func within(a loop.Affine, lo, hi, min, max int) loop.Expr {
	var c loop.Expr
	e := affExpr(a)
	if min < lo {
		c = bin(loop.Ge, e, loop.Int(dtype.I64, int64(lo-a.Const)))
	}
	if max >= hi {
		up := bin(loop.Lt, e, loop.Int(dtype.I64, int64(hi-a.Const)))
		if c == nil {
			c = up
		} else {
			c = bin(loop.And, c, up)
		}
	}
	return c
}

func and(x, y loop.Expr) loop.Expr {
	switch {
	case x == nil:
		return y
	case y == nil:
		return x
	}
	return bin(loop.And, x, y)
}
