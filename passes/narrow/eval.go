package narrow

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// equal reports whether a and b are the same expression, structurally.
func equal(a, b loop.Expr) bool {
	switch x := a.(type) {
	case *loop.Load:
		y, ok := b.(*loop.Load)
		return ok && x.Buf == y.Buf && slices.EqualFunc(x.Index, y.Index, equalIndex)
	case *loop.Const:
		y, ok := b.(*loop.Const)
		return ok && x.Kind == y.Kind && x.Int == y.Int && math.Float64bits(x.Float) == math.Float64bits(y.Float)
	case *loop.VarRef:
		y, ok := b.(*loop.VarRef)
		return ok && x.Var == y.Var
	case *loop.Bin:
		y, ok := b.(*loop.Bin)
		return ok && x.Op == y.Op && equal(x.X, y.X) && equal(x.Y, y.Y)
	case *loop.Un:
		y, ok := b.(*loop.Un)
		return ok && x.Op == y.Op && equal(x.X, y.X)
	case *loop.Cast:
		y, ok := b.(*loop.Cast)
		return ok && x.To == y.To && equal(x.X, y.X)
	case *loop.Select:
		y, ok := b.(*loop.Select)
		return ok && equal(x.Cond, y.Cond) && equal(x.X, y.X) && equal(x.Y, y.Y)
	case *loop.Call:
		y, ok := b.(*loop.Call)
		return ok && x.Func == y.Func && slices.EqualFunc(x.Args, y.Args, equal)
	}
	return false
}

func equalIndex(a, b loop.Index) bool {
	if !a.Aff.Equal(b.Aff) || (a.Dyn == nil) != (b.Dyn == nil) {
		return false
	}
	return a.Dyn == nil || equal(a.Dyn, b.Dyn)
}

// eval64 computes e in float64 with its input l set to x (bools as 0 and
// 1), for a table's entries.
func eval64(e, l loop.Expr, x float64) (float64, error) {
	if equal(e, l) {
		return x, nil
	}
	ev := func(a loop.Expr) (float64, error) { return eval64(a, l, x) }
	switch e := e.(type) {
	case *loop.Const:
		if e.Kind.IsFloat() {
			return e.Float, nil
		}
		return float64(e.Int), nil
	case *loop.Bin:
		a, err := ev(e.X)
		if err != nil {
			return 0, err
		}
		b, err := ev(e.Y)
		if err != nil {
			return 0, err
		}
		return bin64(e.Op, a, b), nil
	case *loop.Un:
		a, err := ev(e.X)
		return un64(e.Op, a), err
	case *loop.Cast:
		a, err := ev(e.X)
		return cast64(e.To, a), err
	case *loop.Select:
		c, err := ev(e.Cond)
		if err != nil {
			return 0, err
		}
		if c != 0 {
			return ev(e.X)
		}
		return ev(e.Y)
	case *loop.Call:
		args := make([]float64, len(e.Args))
		for i, a := range e.Args {
			v, err := ev(a)
			if err != nil {
				return 0, err
			}
			args[i] = v
		}
		if f, ok := libm64[e.Func]; ok && len(args) == loop.LibmArity(e.Func) {
			return f(args), nil
		}
		return 0, fmt.Errorf("no float64 %s", e.Func)
	}
	return 0, fmt.Errorf("%T is not a function of the table's input", e)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func bin64(op loop.BinOp, a, b float64) float64 {
	switch op {
	case loop.Add:
		return a + b
	case loop.Sub:
		return a - b
	case loop.Mul:
		return a * b
	case loop.Div:
		return a / b
	case loop.Rem:
		return math.Mod(a, b)
	case loop.Min:
		return math.Min(a, b)
	case loop.Max:
		return math.Max(a, b)
	case loop.Eq:
		return b2f(a == b)
	case loop.Ne:
		return b2f(a != b)
	case loop.Lt:
		return b2f(a < b)
	case loop.Le:
		return b2f(a <= b)
	case loop.Gt:
		return b2f(a > b)
	case loop.Ge:
		return b2f(a >= b)
	case loop.And:
		return b2f(a != 0 && b != 0)
	}
	return b2f(a != 0 || b != 0) // Or
}

func un64(op loop.UnOp, a float64) float64 {
	switch op {
	case loop.Neg:
		return -a
	case loop.Not:
		return b2f(a == 0)
	case loop.Abs:
		return math.Abs(a)
	case loop.Sqrt:
		return math.Sqrt(a)
	case loop.Exp:
		return math.Exp(a)
	case loop.Log:
		return math.Log(a)
	case loop.Tanh:
		return math.Tanh(a)
	case loop.Floor:
		return math.Floor(a)
	case loop.Ceil:
		return math.Ceil(a)
	}
	return math.RoundToEven(a) // Rint
}

// cast64 converts like a Cast to kind to: integers truncate toward zero,
// bools test for non-zero, floats keep the value.
func cast64(to dtype.Kind, a float64) float64 {
	switch {
	case to == dtype.Bool:
		return b2f(a != 0)
	case to.IsInt():
		return math.Trunc(a)
	}
	return a
}

// libm64 is Call's functions in float64.
var libm64 = map[string]func([]float64) float64{
	"pow":      func(a []float64) float64 { return math.Pow(a[0], a[1]) },
	"fmod":     func(a []float64) float64 { return math.Mod(a[0], a[1]) },
	"atan2":    func(a []float64) float64 { return math.Atan2(a[0], a[1]) },
	"hypot":    func(a []float64) float64 { return math.Hypot(a[0], a[1]) },
	"fma":      func(a []float64) float64 { return math.FMA(a[0], a[1], a[2]) },
	"copysign": func(a []float64) float64 { return math.Copysign(a[0], a[1]) },
	"erf":      func(a []float64) float64 { return math.Erf(a[0]) },
	"sin":      func(a []float64) float64 { return math.Sin(a[0]) },
	"cos":      func(a []float64) float64 { return math.Cos(a[0]) },
	"tan":      func(a []float64) float64 { return math.Tan(a[0]) },
	"asin":     func(a []float64) float64 { return math.Asin(a[0]) },
	"acos":     func(a []float64) float64 { return math.Acos(a[0]) },
	"atan":     func(a []float64) float64 { return math.Atan(a[0]) },
	"sinh":     func(a []float64) float64 { return math.Sinh(a[0]) },
	"cosh":     func(a []float64) float64 { return math.Cosh(a[0]) },
	"asinh":    func(a []float64) float64 { return math.Asinh(a[0]) },
	"acosh":    func(a []float64) float64 { return math.Acosh(a[0]) },
	"atanh":    func(a []float64) float64 { return math.Atanh(a[0]) },
	"exp2":     func(a []float64) float64 { return math.Exp2(a[0]) },
	"expm1":    func(a []float64) float64 { return math.Expm1(a[0]) },
	"log2":     func(a []float64) float64 { return math.Log2(a[0]) },
	"log10":    func(a []float64) float64 { return math.Log10(a[0]) },
	"log1p":    func(a []float64) float64 { return math.Log1p(a[0]) },
	"cbrt":     func(a []float64) float64 { return math.Cbrt(a[0]) },
	"trunc":    func(a []float64) float64 { return math.Trunc(a[0]) },
	"round":    func(a []float64) float64 { return math.Round(a[0]) },
}
