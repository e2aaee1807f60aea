package lower

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// slice lowers Slice with constant starts, ends, axes and steps: y[i…] =
// x[start + step·i…] per axis, affine whatever the steps' signs.
func slice(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	var v [4][]int64
	for i, what := range []string{"starts", "ends", "axes", "steps"} {
		if v[i], _, err = moveInts(b, i+1, what); err != nil {
			return err
		}
	}
	if v[0] == nil || v[1] == nil {
		return fmt.Errorf("starts and ends are required")
	}
	xs, ys := b.shape(x), b.shape(y)
	start, step, shape, err := graph.SliceParams(xs, v[0], v[1], v[2], v[3])
	if err != nil {
		return err
	}
	if !slices.Equal(shape, ys) {
		return fmt.Errorf("slice of %v has shape %v, the output %v", xs, shape, ys)
	}
	vs := b.axisVars("i", len(ys))
	xi := make([]loop.Index, len(xs))
	for a := range xs {
		at := loop.Lit(start[a])
		if ys[a] > 1 { // a lone element needs no step (steps may be huge)
			at = at.Add(loop.V(vs[a]).Scale(step[a]))
		}
		xi[a] = loop.At(at)
	}
	b.k.Body = nest(vs, ys, store(y, idx(vs), load(x, xi)))
	return nil
}

// gather lowers Gather: y[o…, j…, i…] = x[o…, idx[j…], i…]. Constant
// indices are wrapped (negative ones count from the end) and checked at
// compile time; indices read at run time are wrapped in the loop and
// clamped into the axis, which also lets the verifier bound them (ONNX
// leaves out-of-range indices undefined; the reference reports them).
func gather(b *builder) error {
	at, _ := b.n.Attrs.(graph.AxisAttrs)
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	xs, ys := b.shape(x), b.shape(y)
	axis, err := graph.NormAxis(at.Axis, len(xs))
	if err != nil {
		return err
	}
	if !b.has(1) {
		return fmt.Errorf("input 1 (indices) is absent")
	}
	q := len(b.g.Tensor(b.n.In[1]).Shape)
	if len(ys) != len(xs)-1+q {
		return fmt.Errorf("output rank %d, want %d for data %v and indices of rank %d", len(ys), len(xs)-1+q, xs, q)
	}
	vs := b.axisVars("i", len(ys))
	wrap, pick, err := gatherIndex(b, xs[axis], idx(vs[axis:axis+q]))
	if err != nil {
		return err
	}
	xi := make([]loop.Index, 0, len(xs))
	xi = append(xi, idx(vs[:axis])...)
	xi = append(xi, pick)
	xi = append(xi, idx(vs[axis+q:])...)
	body := []loop.Stmt{store(y, idx(vs), load(x, xi))}
	if wrap != nil {
		body = append([]loop.Stmt{wrap}, body...)
	}
	b.k.Body = nest(vs, ys, body...)
	return nil
}

// gatherIndex is the position along an axis of d elements that Gather's
// indices (input 1) give at ix, and the statement that computes it first
// (nil for constant indices).
func gatherIndex(b *builder, d int, ix []loop.Index) (loop.Stmt, loop.Index, error) {
	t := b.g.Tensor(b.n.In[1])
	if !t.Kind.IsInt() {
		return nil, loop.Index{}, fmt.Errorf("indices %q are %v, want integers", t.Name, t.Kind)
	}
	if t.Init != nil {
		pick, err := gatherConst(b, t, d, ix)
		return nil, pick, err
	}
	ind, err := b.in(1)
	if err != nil {
		return nil, loop.Index{}, err
	}
	v := convert(dtype.I64, t.Kind, load(ind, ix))
	j := b.tempOf("j", dtype.I64)
	i64 := func(c int) loop.Expr { return loop.Int(dtype.I64, int64(c)) }
	wrap := set(j, sel(bin(loop.Lt, v, i64(0)), bin(loop.Add, v, i64(d)), v))
	return wrap, loop.Index{Dyn: bin(loop.Min, bin(loop.Max, scalar(j), i64(0)), i64(d-1))}, nil
}

// gatherConst reads constant indices, wrapped and checked: a scalar is a
// constant position, a tensor a const i64 buffer of the positions.
func gatherConst(b *builder, t *graph.Tensor, d int, ix []loop.Index) (loop.Index, error) {
	v := t.Init.Ints()
	for i, p := range v {
		if p < -int64(d) || p >= int64(d) {
			return loop.Index{}, fmt.Errorf("index %d of %q out of range for an axis of %d", p, t.Name, d)
		}
		if p < 0 {
			v[i] = p + int64(d)
		}
	}
	if len(t.Shape) == 0 {
		return loop.At(loop.Lit(int(v[0]))), nil
	}
	buf := b.k.NewBuffer(&loop.Buffer{Name: b.unique(t.Name), Kind: dtype.I64, Shape: slices.Clone(t.Shape),
		Role: loop.Constant, Init: dtype.FromI64(slices.Clone(t.Shape), v)})
	return loop.Index{Dyn: load(buf, ix)}, nil
}
