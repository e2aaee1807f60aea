package lower

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// reduceLowerings: the reductions, Softmax, CumSum and the normalisations
// other than LayerNormalization (norm.go, in coreLowerings).
var reduceLowerings = map[graph.Op]lowerFunc{
	graph.OpReduceSum: reduce, graph.OpReduceMean: reduce, graph.OpReduceMax: reduce,
	graph.OpReduceMin: reduce, graph.OpReduceProd: reduce,
	graph.OpSoftmax: softmax, graph.OpLogSoftmax: softmax,
	graph.OpCumSum:             cumSum,
	graph.OpBatchNormalization: batchNorm, graph.OpInstanceNormalization: instanceNorm,
}

// reduce lowers ReduceSum, ReduceMean, ReduceMax, ReduceMin and ReduceProd
// over the axes of the constant input 1 (graph.ReducedAxes: keepdims,
// noop_with_empty_axes):
//
//	for kept axes… { acc = init; for reduced axes… { acc = acc ⊕ x[…] }; y[…] = acc or acc / count }
//
// The reduced elements are folded in increasing order, as eval folds them,
// so float sums are eval's to the bit. Bool ReduceMax and ReduceMin are ||
// and &&.
func reduce(b *builder) error {
	at, _ := b.n.Attrs.(graph.ReduceAttrs)
	if b.has(0) && dtype.Size(b.g.Tensor(b.n.In[0]).Shape) == 0 {
		return b.reduceEmpty()
	}
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	axes, err := b.constInput(1, "axes")
	if err != nil {
		return err
	}
	xs := b.shape(x)
	red, err := graph.ReducedAxes(at, len(xs), axes)
	if err != nil {
		return err
	}
	xk := b.bufKind(x)
	r, err := newReducer(b.n.Op, xk)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(xs))
	kept, keptExt := splitAxes(vs, xs, func(d int) bool { return !red[d] })
	rv, rext := splitAxes(vs, xs, func(d int) bool { return red[d] })
	acc := b.tempOf("acc", r.acc)
	body := []loop.Stmt{set(acc, r.init)}
	xv := convert(r.acc, xk, load(x, idx(vs)))
	step := []loop.Stmt{set(acc, r.step(scalar(acc), xv))}
	if r.twice { // max and min read x four times: once into v
		v := b.tempOf("v", r.acc)
		step = []loop.Stmt{set(v, xv), set(acc, r.step(scalar(acc), scalar(v)))}
	}
	body = append(body, nest(rv, rext, step...)...)
	var v loop.Expr = scalar(acc)
	if b.n.Op == graph.OpReduceMean {
		v = bin(loop.Div, v, konst(r.acc, float64(prod(rext))))
	}
	body = append(body, store(y, reducedIndex(vs, red, at.KeepDims), convert(b.bufKind(y), r.acc, v)))
	b.k.Body = nest(kept, keptExt, body...)
	return nil
}

// reducedIndex indexes a reduction's output at the point vs of its input:
// the kept axes' variables, 0 for a reduced axis kept with length 1.
func reducedIndex(vs []loop.VarID, red []bool, keepDims bool) []loop.Index {
	var yi []loop.Index
	for d, v := range vs {
		switch {
		case !red[d]:
			yi = append(yi, loop.At(loop.V(v)))
		case keepDims:
			yi = append(yi, loop.At(loop.Lit(0)))
		}
	}
	return yi
}

// reduceEmpty lowers a reduction of an empty input, which it does not
// read: every output element is the reduction of the empty set (a mean's
// is NaN, 0/0, as eval's; an integer mean's is an error, as in eval). The
// input stays a parameter of no elements (not one if it is a constant).
func (b *builder) reduceEmpty() error {
	y, err := b.out(0)
	if err != nil {
		return err
	}
	r, err := newReducer(b.n.Op, b.kindIn(0))
	if err != nil {
		return err
	}
	v := r.init
	if b.n.Op == graph.OpReduceMean {
		if !r.acc.IsFloat() {
			return fmt.Errorf("mean of an empty set of %v", b.kindIn(0))
		}
		v = konst(r.acc, math.NaN())
	}
	vs := b.axisVars("i", len(b.shape(y)))
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), convert(b.bufKind(y), r.acc, v)))
	return nil
}

// constInput is the value of input i, a constant, or nil when the input is
// absent or an empty tensor.
func (b *builder) constInput(i int, name string) (*dtype.Array, error) {
	if !b.has(i) {
		return nil, nil
	}
	t := b.g.Tensor(b.n.In[i])
	if t.Init == nil {
		if dtype.Size(t.Shape) == 0 {
			return nil, nil
		}
		return nil, fmt.Errorf("input %d (%s) is not a constant: not yet (kiln lowers static %s)", i, name, name)
	}
	return t.Init, nil
}

// reducer is one Reduce* operator on one kind: the accumulator's kind,
// its start (the reduction of the empty set), its step, and whether the
// step reads x more than once (float max and min, which test for NaN).
type reducer struct {
	acc   dtype.Kind
	init  loop.Expr
	step  func(acc, x loop.Expr) loop.Expr
	twice bool
}

func newReducer(op graph.Op, xk dtype.Kind) (reducer, error) {
	k := arith(xk)
	r := reducer{acc: k}
	lo, hi := k.IntRange()
	switch {
	case k == dtype.Bool && (op == graph.OpReduceMax || op == graph.OpReduceMin):
		r.init = loop.Int(k, b2i(op == graph.OpReduceMin))
		lop := map[graph.Op]loop.BinOp{graph.OpReduceMax: loop.Or, graph.OpReduceMin: loop.And}[op]
		r.step = func(acc, x loop.Expr) loop.Expr { return bin(lop, acc, x) }
		return r, nil
	case !k.IsFloat() && !k.IsInt():
		return r, fmt.Errorf("%v of %v: no lowering", op, xk)
	case op == graph.OpReduceMean && k.IsInt():
		// eval divides the int64 sum: sum in 64 bits, cast at the end.
		r.acc = dtype.I64
		if k.Class() == dtype.ClassUint {
			r.acc = dtype.U64
		}
	}
	r.init = konst(r.acc, 0)
	switch op {
	case graph.OpReduceSum, graph.OpReduceMean:
		r.step = func(acc, x loop.Expr) loop.Expr { return bin(loop.Add, acc, x) }
	case graph.OpReduceProd:
		r.init = konst(r.acc, 1)
		r.step = func(acc, x loop.Expr) loop.Expr { return bin(loop.Mul, acc, x) }
	case graph.OpReduceMax, graph.OpReduceMin:
		bop, inf, ilim := loop.Max, -1.0, lo
		if op == graph.OpReduceMin {
			bop, inf, ilim = loop.Min, 1, int64(hi)
		}
		r.init = loop.Int(k, ilim)
		if k.IsFloat() {
			r.init = loop.Float(k, inf*math.Inf(1))
		}
		r.step = func(acc, x loop.Expr) loop.Expr { return goMinMax(bop, k, acc, x) }
		r.twice = k.IsFloat()
	default:
		return r, fmt.Errorf("%v is not a reduction", op)
	}
	return r, nil
}

func b2i(v bool) int64 {
	if v {
		return 1
	}
	return 0
}
