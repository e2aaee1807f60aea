package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// maxPadNests bounds the loop nests of a reflect, edge or wrap Pad (the
// product over axes of their runs, nine for two axes padded on both
// sides); beyond it the axes with several runs read their positions from
// a table. The figure is a judgement: 64 nests of copies stay readable.
const maxPadNests = 64

// pad lowers Pad with constant pads (and axes). Negative pads crop.
// Constant mode is one nest over the output whose If guard picks the
// input or the value; the other modes copy (see padRuns).
func pad(b *builder) error {
	at, _ := b.n.Attrs.(graph.PadAttrs)
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	pads, has, err := moveInts(b, 1, "pads")
	if err != nil {
		return err
	}
	if !has {
		return fmt.Errorf("input 1 (pads) is absent")
	}
	axes, _, err := moveInts(b, 3, "axes")
	if err != nil {
		return err
	}
	xs, ys := b.shape(x), b.shape(y)
	begin, end, err := graph.PadWidths(xs, pads, axes)
	if err != nil {
		return err
	}
	for a := range xs {
		if xs[a]+begin[a]+end[a] != ys[a] {
			return fmt.Errorf("pads %v of %v give dimension %d of %d, the output has %d", pads, xs, a, xs[a]+begin[a]+end[a], ys[a])
		}
	}
	switch at.Mode {
	case "", "constant":
		return padConstant(b, x, y, begin, end)
	case "reflect", "edge", "wrap":
		return padCopy(b, x, y, at.Mode, begin)
	}
	return fmt.Errorf("mode %q is not one of %v", at.Mode, graph.PadModes)
}

// padConstant writes the input where the output position minus the
// leading pads lies inside the (cropped) input, and the value elsewhere.
func padConstant(b *builder, x, y loop.BufID, begin, end []int) error {
	xs, ys := b.shape(x), b.shape(y)
	fill, err := padValue(b)
	if err != nil {
		return err
	}
	vs := b.axisVars("i", len(ys))
	xi := make([]loop.Index, len(xs))
	var cond loop.Expr
	for a := range xs {
		lo, pb := max(-begin[a], 0), max(begin[a], 0)
		size := xs[a] - lo - max(-end[a], 0)
		xi[a] = loop.At(loop.V(vs[a]).Add(loop.Lit(lo - pb)))
		if size == 0 { // cropped away: all value
			b.k.Body = nest(vs, ys, store(y, idx(vs), fill))
			return nil
		}
		cond = and(cond, within(loop.V(vs[a]), pb, pb+size, 0, ys[a]-1))
	}
	var body loop.Stmt = store(y, idx(vs), load(x, xi))
	if cond != nil {
		body = &loop.If{Cond: cond, Then: []loop.Stmt{body}, Else: []loop.Stmt{store(y, idx(vs), fill)}}
	}
	b.k.Body = nest(vs, ys, body)
	return nil
}

// padValue is Pad's constant value (input 2) in the data's kind: zero when
// absent, a literal when constant, else a load of the input.
func padValue(b *builder) (loop.Expr, error) {
	k := b.kindIn(0)
	if !b.has(2) {
		if k == dtype.F8E8M0 { // powers of two only: the reference's 0 is none
			return nil, fmt.Errorf("the default value 0 is not a %v value", k)
		}
		return padLit(dtype.New(k, []int{1}), 0), nil
	}
	t := b.g.Tensor(b.n.In[2])
	if len(t.Shape) > 1 || len(t.Shape) == 1 && t.Shape[0] != 1 {
		return nil, fmt.Errorf("value %q has shape %v, want one element", t.Name, t.Shape)
	}
	if c := t.Init; c != nil {
		if c.Kind != k {
			c = dtype.New(k, []int{1})
			c.Set(0, t.Init.At(0))
		}
		return padLit(c, 0), nil
	}
	buf, err := b.in(2)
	if err != nil {
		return nil, err
	}
	v := scalar(buf)
	if len(t.Shape) == 1 {
		v = load(buf, []loop.Index{loop.At(loop.Lit(0))})
	}
	return convert(k, t.Kind, v), nil
}

// padLit is element i of a as a literal of a's kind (exact for 64-bit
// integers, which konst's float64 is not).
func padLit(a *dtype.Array, i int) *loop.Const {
	switch a.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		return loop.Float(a.Kind, a.At(i))
	case dtype.ClassUint:
		return loop.Int(a.Kind, int64(a.U64[i]))
	}
	return loop.Int(a.Kind, a.Int(i))
}

// padMap is, for each position of an output axis, the input position that
// reflect, edge or wrap copies (as the reference's padSource): the input
// axis keeps [lo, lo+size) after cropping, and pb positions come before it.
func padMap(mode string, d, pb, lo, size int) []int {
	m := make([]int, d)
	for i := range m {
		v := i - pb
		switch {
		case v >= 0 && v < size:
		case mode == "edge":
			v = min(max(v, 0), size-1)
		case mode == "wrap":
			v = (v%size + size) % size
		case size == 1: // reflect
			v = 0
		default:
			p := 2 * (size - 1)
			if v = (v%p + p) % p; v >= size {
				v = p - v
			}
		}
		m[i] = v + lo
	}
	return m
}
