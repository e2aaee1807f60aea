package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// moveInts is the value of input i, a constant integer tensor (what says
// which input it is); present is false when the input is absent. kiln
// needs these values at compile time: an input computed at run time is an
// error.
func moveInts(b *builder, i int, what string) (v []int64, present bool, err error) {
	if !b.has(i) {
		return nil, false, nil
	}
	t := b.g.Tensor(b.n.In[i])
	if t.Init == nil {
		return nil, true, fmt.Errorf("input %d (%s) %q is not a constant: not yet", i, what, t.Name)
	}
	if !t.Kind.IsInt() {
		return nil, true, fmt.Errorf("input %d (%s) %q is %v, want an integer tensor", i, what, t.Name, t.Kind)
	}
	return t.Init.Ints(), true, nil
}

// shifted indexes with one variable per dimension, axis moved by off.
func shifted(vs []loop.VarID, axis, off int) []loop.Index {
	ix := idx(vs)
	ix[axis] = loop.At(loop.V(vs[axis]).Add(loop.Lit(off)))
	return ix
}

// concat lowers Concat to one copy nest per input, each writing its block
// of the output's axis.
func concat(b *builder) error {
	at, _ := b.n.Attrs.(graph.AxisAttrs)
	y, err := b.out(0)
	if err != nil {
		return err
	}
	ys := b.shape(y)
	axis, err := graph.NormAxis(at.Axis, len(ys))
	if err != nil {
		return err
	}
	off := 0
	for i := range b.n.In {
		x, err := b.in(i)
		if err != nil {
			return err
		}
		xs := b.shape(x)
		if len(xs) != len(ys) || off+xs[axis] > ys[axis] {
			return fmt.Errorf("input %d of shape %v does not fit output %v at %d along axis %d", i, xs, ys, off, axis)
		}
		vs := b.axisVars("i", len(xs))
		b.k.Body = append(b.k.Body, nest(vs, xs, store(y, shifted(vs, axis, off), load(x, idx(vs))))...)
		off += xs[axis]
	}
	if off != ys[axis] {
		return fmt.Errorf("inputs fill %d of the %d elements of axis %d", off, ys[axis], axis)
	}
	return nil
}

// split lowers Split to one copy nest per present output, each reading its
// block of the input's axis. The sizes are the constant split input, or
// num_outputs parts (the last one smaller), or equal parts.
func split(b *builder) error {
	at, _ := b.n.Attrs.(graph.SplitAttrs)
	x, err := b.in(0)
	if err != nil {
		return err
	}
	xs := b.shape(x)
	axis, err := graph.NormAxis(at.Axis, len(xs))
	if err != nil {
		return err
	}
	sv, has, err := moveInts(b, 1, "split")
	if err != nil {
		return err
	}
	sizes, err := graph.SplitSizes(xs[axis], len(b.n.Out), sv, has, at.NumOutputs)
	if err != nil {
		return err
	}
	off := 0
	for k, size := range sizes {
		if b.n.Out[k] == graph.None {
			off += size
			continue
		}
		y, err := b.out(k)
		if err != nil {
			return err
		}
		ys := b.shape(y)
		if len(ys) != len(xs) || ys[axis] != size {
			return fmt.Errorf("output %d has shape %v, want %d elements along axis %d of %v", k, ys, size, axis, xs)
		}
		vs := b.axisVars("i", len(ys))
		b.k.Body = append(b.k.Body, nest(vs, ys, store(y, idx(vs), load(x, shifted(vs, axis, off))))...)
		off += size
	}
	return nil
}
