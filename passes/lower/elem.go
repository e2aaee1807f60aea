package lower

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// unary lowers an element-wise unary operator: y[i…] = f(x[i…]), computed
// in arith(kind) and converted to y's kind.
func unary(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	kx, ky := b.kindIn(0), b.kindOut(0)
	ck := arith(kx)
	vs := b.axisVars("i", len(b.shape(y)))
	v, err := unaryExpr(b.n, ck, convert(ck, kx, load(x, idx(vs))))
	if err != nil {
		return err
	}
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), convert(ky, ck, v)))
	return nil
}

// unaryExpr is f(x) for x of kind k, the arithmetic of ir/graph/eval's
// kernel for that kind; an operator eval has no kernel for on k is an
// error.
func unaryExpr(n *graph.Node, k dtype.Kind, x loop.Expr) (loop.Expr, error) {
	c := k.Class()
	if c == dtype.ClassBool || c == dtype.ClassUint && (n.Op == graph.OpNeg || n.Op == graph.OpRelu) {
		return nil, fmt.Errorf("%v is not defined on %v", n.Op, k)
	}
	switch n.Op {
	case graph.OpAbs:
		if c == dtype.ClassUint {
			return x, nil
		}
		return un(loop.Abs, x), nil
	case graph.OpNeg:
		return un(loop.Neg, x), nil
	case graph.OpErf:
		if k.IsInt() { // eval: the integer part of erf(float64(x))
			return &loop.Cast{To: k, X: &loop.Call{Func: "erf", Args: []loop.Expr{&loop.Cast{To: dtype.F64, X: x}}}}, nil
		}
	case graph.OpSign: // ±0 and NaN stay as they are
		pos := sel(bin(loop.Gt, x, konst(k, 0)), konst(k, 1), x)
		if c == dtype.ClassUint {
			return pos, nil
		}
		return sel(bin(loop.Lt, x, konst(k, 0)), konst(k, -1), pos), nil
	case graph.OpRelu:
		if k.IsInt() {
			return bin(loop.Max, x, konst(k, 0)), nil
		}
		return sel(bin(loop.Lt, x, konst(k, 0)), konst(k, 0), x), nil // NaN stays NaN
	}
	if !k.IsFloat() {
		return nil, fmt.Errorf("%v is not defined on %v", n.Op, k)
	}
	return floatUnary(n, k, x)
}

// floatUnary is f(x) for the operators defined on float kinds only.
func floatUnary(n *graph.Node, k dtype.Kind, x loop.Expr) (loop.Expr, error) {
	one := konst(k, 1)
	switch n.Op {
	case graph.OpSigmoid: // 1/(1+exp(-x))
		return bin(loop.Div, one, bin(loop.Add, one, un(loop.Exp, un(loop.Neg, x)))), nil
	case graph.OpTanh: // 1 - 2/(exp(2x)+1), not tanhf (ten times expf's cost in Bambu)
		two := konst(k, 2)
		e := un(loop.Exp, bin(loop.Mul, two, x))
		return bin(loop.Sub, one, bin(loop.Div, two, bin(loop.Add, e, one))), nil
	case graph.OpExp:
		return un(loop.Exp, x), nil
	case graph.OpSqrt:
		return un(loop.Sqrt, x), nil
	case graph.OpLeakyRelu:
		a, _ := n.Attrs.(graph.ActAttrs)
		return sel(bin(loop.Lt, x, konst(k, 0)), bin(loop.Mul, konst(k, float64(a.Alpha)), x), x), nil
	}
	if f := elemFloatUnary[n.Op]; f != nil {
		return f(n, k, x), nil
	}
	return nil, fmt.Errorf("%v is not unary", n.Op)
}

var binOps = map[graph.Op]loop.BinOp{
	graph.OpAdd: loop.Add, graph.OpSub: loop.Sub, graph.OpMul: loop.Mul,
	graph.OpDiv: loop.Div, graph.OpMax: loop.Max, graph.OpMin: loop.Min,
	graph.OpSum: loop.Add, graph.OpMean: loop.Add,
}

// binary lowers an element-wise operator of two or more inputs with numpy
// broadcasting: each input is indexed with 0 on its broadcast axes.
// Variadic Max, Min, Sum and Mean fold left, in arith(kind).
func binary(b *builder) error {
	y, err := b.out(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	ins, err := b.broadcastLoads(vs, 0)
	if err != nil {
		return err
	}
	k := b.kindIn(0)
	ck := arith(k)
	if !ck.IsFloat() && !ck.IsInt() {
		return fmt.Errorf("%v is not defined on %v", b.n.Op, k)
	}
	op := binOps[b.n.Op]
	fold := func(v, e loop.Expr) loop.Expr { return mathBinExpr(op, ck, v, e) }
	var body []loop.Stmt
	var v loop.Expr
	if len(ins) > 2 && ck.IsFloat() && (op == loop.Max || op == loop.Min) {
		// NaN-propagating max reads its operands twice: fold through a
		// temporary, not a nested expression of exponential size.
		acc, x := b.tempOf("acc", ck), b.tempOf("v", ck)
		body = append(body, set(acc, convert(ck, k, ins[0])))
		for _, e := range ins[1:] {
			body = append(body, set(x, convert(ck, k, e)), set(acc, fold(scalar(acc), scalar(x))))
		}
		v = scalar(acc)
	} else {
		for i, e := range ins {
			if e = convert(ck, k, e); i == 0 {
				v = e
			} else {
				v = fold(v, e)
			}
		}
	}
	if b.n.Op == graph.OpMean {
		v = bin(loop.Div, v, konst(ck, float64(len(ins))))
	}
	body = append(body, store(y, idx(vs), convert(b.kindOut(0), ck, v)))
	b.k.Body = nest(vs, b.shape(y), body...)
	return nil
}

// binExpr is x op y on kind k with Go's operators: float max and min
// propagate NaN, as Go's built-in max and min (eval's Reduce*), where the
// loop IR's max and min are C's fmax and fmin, which ignore a NaN operand.
func binExpr(op loop.BinOp, k dtype.Kind, x, y loop.Expr) loop.Expr {
	if k.IsFloat() && (op == loop.Max || op == loop.Min) {
		nan := bin(loop.Or, bin(loop.Ne, x, x), bin(loop.Ne, y, y))
		return sel(nan, bin(loop.Add, x, y), bin(op, x, y))
	}
	return bin(op, x, y)
}

// mathBinExpr is binExpr but for float max and min as Go's math.Max and
// math.Min (eval's Max and Min operators): an infinity in the direction
// of the operator wins over NaN, which propagates otherwise.
func mathBinExpr(op loop.BinOp, k dtype.Kind, x, y loop.Expr) loop.Expr {
	if !k.IsFloat() || op != loop.Max && op != loop.Min {
		return bin(op, x, y)
	}
	inf := math.Inf(1)
	if op == loop.Min {
		inf = math.Inf(-1)
	}
	nan := bin(loop.Or, bin(loop.Ne, x, x), bin(loop.Ne, y, y))
	return sel(and(nan, bin(loop.Ne, bin(op, x, y), konst(k, inf))), bin(loop.Add, x, y), bin(op, x, y))
}

// broadcastLoads are the loads of every input at the iteration point vs,
// broadcast; the node must have n inputs (n = 0: one or more). A
// legacy-aligned B (opset < 7) keeps its tensor's shape: it is indexed
// with the indices of the axes it was aligned to.
func (b *builder) broadcastLoads(vs []loop.VarID, n int) ([]loop.Expr, error) {
	if len(b.n.In) == 0 || n > 0 && len(b.n.In) != n {
		return nil, fmt.Errorf("%d inputs, want %d", len(b.n.In), max(n, 1))
	}
	loads := make([]loop.Expr, len(b.n.In))
	for i := range b.n.In {
		x, err := b.in(i)
		if err != nil {
			return nil, err
		}
		loads[i] = load(x, bcast(b.shape(x), vs))
	}
	at, ok := b.n.Attrs.(graph.BinaryAttrs)
	if !ok || !at.Aligned || len(loads) != 2 {
		return loads, nil
	}
	a, s := b.g.Tensor(b.n.In[0]).Shape, b.g.Tensor(b.n.In[1]).Shape
	aligned, err := graph.LegacyAlign(a, s, at.Axis)
	if err != nil {
		return nil, err
	}
	if len(aligned) != len(s) { // padded with ones around s from the axis
		ax, err := graph.NormAxis(at.Axis, len(a))
		if err != nil {
			return nil, err
		}
		x, _ := b.in(1)
		loads[1] = load(x, bcast(aligned, vs)[ax:ax+len(s)])
	}
	return loads, nil
}
