package lower

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// identity lowers Identity and inference Dropout: y = x, any kind; a
// Dropout's optional mask output is all true.
func identity(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	body := []loop.Stmt{store(y, idx(vs), load(x, idx(vs)))}
	if len(b.n.Out) > 1 && b.kindOut(1) != dtype.Invalid {
		mask, err := b.out(1)
		if err != nil {
			return err
		}
		body = append(body, store(mask, idx(vs), konst(dtype.Bool, 1)))
	}
	b.k.Body = nest(vs, b.shape(y), body...)
	return nil
}

// cast lowers Cast.
func cast(b *builder) error {
	a, _ := b.n.Attrs.(graph.CastAttrs)
	from, to := b.kindIn(0), b.kindOut(0)
	if err := castable(from, to, a.RoundMode); err != nil {
		return err
	}
	return b.broadcastMap(1, func(x []loop.Expr) loop.Expr { return castExpr(from, to, x[0], a.Saturate) })
}

// castable reports whether castExpr converts from to to.
func castable(from, to dtype.Kind, roundMode string) error {
	switch {
	case !from.Computable() || !to.Computable():
		return fmt.Errorf("cast from %v to %v", from, to)
	case to == dtype.F8E8M0 && roundMode != "" && roundMode != "up":
		return fmt.Errorf("cast to %v with round_mode %q: not yet (the loop IR's cast rounds up)", to, roundMode)
	}
	return nil
}

// castExpr converts x from kind from to kind to as ONNX's Cast and eval do.
// The loop IR's Cast rounds floats once, to nearest even (f8e8m0 up), and
// wraps integers; around it come the parts eval adds: saturation of the
// float8 kinds and f8e8m0 (a clamp to the largest finite value; NaN stays
// NaN), and for floats to integers NaN giving 0 and values beyond int64
// clamping (ONNX leaves both undefined).
func castExpr(from, to dtype.Kind, x loop.Expr, saturate bool) loop.Expr {
	switch {
	case to.Class() == dtype.ClassFloat && saturate && saturates(to):
		return castSaturating(from, to, x)
	case from.IsFloat() && to.IsInt():
		return floatToInt(from, to, x)
	case from == dtype.Bool && to.Class() == dtype.ClassFloat && to != dtype.F32:
		// through f32: false is 0, which f8e8m0 does not hold (NaN)
		return convert(to, dtype.F32, convert(dtype.F32, from, x))
	}
	return convert(to, from, x)
}

// saturates reports whether Cast's saturate applies to float kind k: the
// float8 kinds and f8e8m0 (f16 and bf16 overflow to infinity; f4e2m1
// always saturates, as the loop IR's cast does).
func saturates(k dtype.Kind) bool {
	switch k {
	case dtype.F8E4M3FN, dtype.F8E4M3FNUZ, dtype.F8E5M2, dtype.F8E5M2FNUZ, dtype.F8E8M0:
		return true
	}
	return false
}

// castSaturating clamps x to to's finite range before the cast: in f32
// for narrow floats and integers narrower than 32 bits (exact there), in
// x's kind otherwise. f8e8m0 has no sign and no zero: zero and values
// below its range become its smallest value.
func castSaturating(from, to dtype.Kind, x loop.Expr) loop.Expr {
	ck := from
	if from.Class() == dtype.ClassFloat || from.IsInt() && from.Bits() < 32 || from == dtype.Bool {
		ck = dtype.F32
	}
	if from.IsInt() && from.Bits() >= 32 {
		ck = dtype.F64 // one rounding, as eval's float64(v) (integers beyond 2^53 round twice)
	}
	x = convert(ck, from, x)
	hi := konst(ck, dtype.RoundFloat(to, math.Inf(1), true))
	v := sel(bin(loop.Gt, x, hi), hi, x)
	if to == dtype.F8E8M0 {
		lo := konst(ck, math.Ldexp(1, -127)) // ONNX technical-float8.md: 2^-127..2^127
		v = sel(and(bin(loop.Ge, x, konst(ck, 0)), bin(loop.Lt, x, lo)), lo, v)
	} else {
		v = sel(bin(loop.Lt, x, un(loop.Neg, hi)), un(loop.Neg, hi), v)
	}
	return convert(to, ck, v)
}

// floatToInt is the cast of float x to integer kind to as eval computes
// it: truncation toward zero, wrapped to the width; NaN gives 0 and values
// at or beyond 2^63 (2^64 for u64) give the largest int64, wrapped. The
// loop IR's cast gives the same for narrow kinds on NaN and below -2^63.
func floatToInt(from, to dtype.Kind, x loop.Expr) loop.Expr {
	v := convert(to, from, x)
	if to.Bits() == 64 {
		v = sel(bin(loop.Ne, x, x), konst(to, 0), v)
	}
	if r := dtype.RoundFloat(from, math.Inf(1), false); !math.IsInf(r, 1) && from != dtype.F8E8M0 {
		return v // no infinity and a small range: every value is below 2^63
	}
	big := math.Ldexp(1, 63)
	if to == dtype.U64 {
		big = math.Ldexp(1, 64)
	}
	// big rounds to infinity in kinds whose finite values are all below it.
	top := loop.Int(to, int64(dtype.WrapUint(to, math.MaxInt64)))
	if to.Class() == dtype.ClassInt {
		top = loop.Int(to, dtype.WrapInt(to, math.MaxInt64))
	}
	return sel(bin(loop.Ge, x, konst(from, big)), top, v)
}
