package lower

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// elemFloatUnary are the float-only unary operators beyond the first ones:
// each is f(x) on float kind k, written as ir/graph/eval's kernel computes
// it (eval computes in float64 and rounds once; the loop IR rounds each
// operation, well within ONNX's tolerance).
var elemFloatUnary = map[graph.Op]func(n *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr{
	graph.OpLog: func(_ *graph.Node, _ dtype.Kind, x loop.Expr) loop.Expr { return un(loop.Log, x) },
	graph.OpReciprocal: func(_ *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr {
		return bin(loop.Div, konst(k, 1), x)
	},
	graph.OpElu: func(n *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr { // x<0 ? α(e^x-1) : x
		a, _ := n.Attrs.(graph.ActAttrs)
		neg := bin(loop.Mul, konst(k, float64(a.Alpha)), bin(loop.Sub, un(loop.Exp, x), konst(k, 1)))
		return sel(bin(loop.Lt, x, konst(k, 0)), neg, x)
	},
	graph.OpSelu: func(n *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr { // x<=0 ? γ(αe^x-α) : γx
		a, _ := n.Attrs.(graph.ActAttrs)
		alpha, gamma := konst(k, float64(a.Alpha)), konst(k, float64(a.Gamma))
		neg := bin(loop.Mul, gamma, bin(loop.Sub, bin(loop.Mul, alpha, un(loop.Exp, x)), alpha))
		return sel(bin(loop.Le, x, konst(k, 0)), neg, bin(loop.Mul, gamma, x))
	},
	graph.OpHardSigmoid: hardSigmoid,
	graph.OpFloor:       func(_ *graph.Node, _ dtype.Kind, x loop.Expr) loop.Expr { return un(loop.Floor, x) },
	graph.OpCeil:        func(_ *graph.Node, _ dtype.Kind, x loop.Expr) loop.Expr { return un(loop.Ceil, x) },
	graph.OpErf: func(_ *graph.Node, _ dtype.Kind, x loop.Expr) loop.Expr {
		return &loop.Call{Func: "erf", Args: []loop.Expr{x}}
	},
	graph.OpSoftplus: func(_ *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr {
		// max(x,0) + ln(1+e^-|x|): neither term overflows.
		tail := &loop.Call{Func: "log1p", Args: []loop.Expr{un(loop.Exp, un(loop.Neg, un(loop.Abs, x)))}}
		return bin(loop.Add, sel(bin(loop.Lt, x, konst(k, 0)), konst(k, 0), x), tail)
	},
}

// hardSigmoid is max(0, min(1, αx+β)), NaN staying NaN as with Go's max
// and min (C's fmax and fmin, the loop IR's, would give a bound).
func hardSigmoid(n *graph.Node, k dtype.Kind, x loop.Expr) loop.Expr {
	a, _ := n.Attrs.(graph.ActAttrs)
	v := bin(loop.Add, bin(loop.Mul, konst(k, float64(a.Alpha)), x), konst(k, float64(a.Beta)))
	zero, one := konst(k, 0), konst(k, 1)
	return sel(bin(loop.Lt, v, zero), zero, sel(bin(loop.Gt, v, one), one, v))
}
