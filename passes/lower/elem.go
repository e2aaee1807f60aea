package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// unary lowers an element-wise unary operator: y[i…] = f(x[i…]).
func unary(b *builder) error {
	x, err := b.in(0)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	v, err := unaryExpr(b.n, load(x, idx(vs)))
	if err != nil {
		return err
	}
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), v))
	return nil
}

func unaryExpr(n *graph.Node, x loop.Expr) (loop.Expr, error) {
	switch n.Op {
	case graph.OpRelu:
		return bin(loop.Max, x, f32(0)), nil
	case graph.OpSigmoid: // 1/(1+exp(-x))
		return bin(loop.Div, f32(1), bin(loop.Add, f32(1), un(loop.Exp, un(loop.Neg, x)))), nil
	case graph.OpTanh: // 1 - 2/(exp(2x)+1), not tanhf (ten times expf's cost in Bambu)
		e := un(loop.Exp, bin(loop.Mul, f32(2), x))
		return bin(loop.Sub, f32(1), bin(loop.Div, f32(2), bin(loop.Add, e, f32(1)))), nil
	case graph.OpExp:
		return un(loop.Exp, x), nil
	case graph.OpAbs:
		return un(loop.Abs, x), nil
	case graph.OpNeg:
		return un(loop.Neg, x), nil
	case graph.OpSqrt:
		return un(loop.Sqrt, x), nil
	case graph.OpLeakyRelu:
		a, _ := n.Attrs.(graph.ActAttrs)
		return &loop.Select{Cond: bin(loop.Lt, x, f32(0)), X: bin(loop.Mul, f32(a.Alpha), x), Y: x}, nil
	}
	return nil, fmt.Errorf("%v is not unary", n.Op)
}

var binOps = map[graph.Op]loop.BinOp{
	graph.OpAdd: loop.Add, graph.OpSub: loop.Sub, graph.OpMul: loop.Mul,
	graph.OpDiv: loop.Div, graph.OpMax: loop.Max, graph.OpMin: loop.Min,
	graph.OpSum: loop.Add,
}

// binary lowers an element-wise operator of two or more inputs with numpy
// broadcasting: each input is indexed with 0 on its broadcast axes.
// Variadic Max, Min and Sum fold left.
func binary(b *builder) error {
	y, err := b.out(0)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(b.shape(y)))
	shapes, err := b.inShapes()
	if err != nil {
		return err
	}
	var v loop.Expr
	for i, s := range shapes {
		x, err := b.in(i)
		if err != nil {
			return err
		}
		e := load(x, bcast(s, vs))
		if v == nil {
			v = e
		} else {
			v = bin(binOps[b.n.Op], v, e)
		}
	}
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), v))
	return nil
}

// inShapes are the input shapes as broadcasting sees them (legacy aligned
// broadcasting reshapes B). A buffer keeps its tensor's shape: an aligned B
// must have the same element layout, which LegacyAlign's padding with ones
// preserves.
func (b *builder) inShapes() ([][]int, error) {
	shapes := make([][]int, len(b.n.In))
	for i, t := range b.n.In {
		if t == graph.None {
			return nil, fmt.Errorf("input %d is absent", i)
		}
		shapes[i] = b.g.Tensor(t).Shape
	}
	if len(shapes) == 2 {
		a, c, err := graph.BinaryShapes(b.n, shapes[0], shapes[1])
		if err != nil {
			return nil, err
		}
		if len(c) != len(shapes[1]) && len(c) > 0 {
			return nil, fmt.Errorf("legacy aligned broadcasting: not yet")
		}
		shapes[0], shapes[1] = a, c
	}
	return shapes, nil
}
