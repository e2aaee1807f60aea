package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// cumSum lowers CumSum along the axis of input 1:
//
//	for other axes… { s = 0; for k in 0..n { s = s + x[…k'…]; y[…k'…] = s } }
//
// where k' is k, or n−1−k when Reverse; Exclusive stores s before adding.
// Narrow floats sum in f32, rounding only what they store, as eval does.
// An axis that is not a constant (ONNX's node tests feed it as a graph
// input) is read at run time: one loop nest per axis, chosen by an if
// chain on its value (an axis out of range leaves y unwritten; eval
// rejects it).
func cumSum(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	if b.kindIn(0) == dtype.Bool {
		return fmt.Errorf("CumSum of bool: no lowering")
	}
	axis, err := b.constInput(1, "axis")
	if err == nil && axis == nil {
		err = fmt.Errorf("input 1 (axis) is absent or empty")
	}
	xs := b.shape(x)
	sum := b.tempOf("s", arith(b.bufKind(x)))
	vs := b.axisVars("i", len(xs))
	if err == nil {
		ax, err := graph.CumSumAxis(axis, len(xs))
		if err != nil {
			return err
		}
		b.k.Body = b.cumSumAlong(x, y, sum, ax, vs)
		return nil
	}
	a, aerr := b.in(1)
	if aerr != nil {
		return aerr
	}
	ak, as := b.bufKind(a), b.shape(a)
	if !ak.IsInt() || len(as) > 1 || dtype.Size(as) != 1 {
		return fmt.Errorf("axis is %v%v, want an integer scalar", ak, as)
	}
	av := load(a, make([]loop.Index, len(as))) // index 0 (the zero Index)
	var chain []loop.Stmt
	for ax := len(xs) - 1; ax >= 0; ax-- {
		if ax < len(xs)-1 {
			vs = b.freshVarsLike(vs)
		}
		is := bin(loop.Or, bin(loop.Eq, av, konst(ak, float64(ax))), bin(loop.Eq, av, konst(ak, float64(ax-len(xs)))))
		chain = []loop.Stmt{&loop.If{Cond: is, Then: b.cumSumAlong(x, y, sum, ax, vs), Else: chain}}
	}
	b.k.Body = chain
	return nil
}

// cumSumAlong is CumSum's loop nest for axis ax over variables vs, with
// the running sum in s.
func (b *builder) cumSumAlong(x, y, s loop.BufID, ax int, vs []loop.VarID) []loop.Stmt {
	at, _ := b.n.Attrs.(graph.CumSumAttrs)
	xs := b.shape(x)
	xk, yk := b.bufKind(x), b.bufKind(y)
	w := arith(xk)
	other, otherExt := splitAxes(vs, xs, func(d int) bool { return d != ax })
	ix := idx(vs)
	if at.Reverse {
		ix[ax] = loop.At(loop.V(vs[ax]).Scale(-1).Add(loop.Lit(xs[ax] - 1)))
	}
	sum := set(s, bin(loop.Add, scalar(s), convert(w, xk, load(x, ix))))
	out := store(y, ix, convert(yk, w, scalar(s)))
	step := []loop.Stmt{sum, out}
	if at.Exclusive {
		step = []loop.Stmt{out, sum}
	}
	body := []loop.Stmt{set(s, konst(w, 0))}
	body = append(body, nest(vs[ax:ax+1], xs[ax:ax+1], step...)...)
	return nest(other, otherExt, body...)
}
