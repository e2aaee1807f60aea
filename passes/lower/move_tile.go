package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/loop"
)

// expand lowers Expand: the input broadcast (numpy, aligned right) to the
// output's shape.
func expand(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	xs, ys := b.shape(x), b.shape(y)
	if len(xs) > len(ys) {
		return fmt.Errorf("input of rank %d for an output of rank %d", len(xs), len(ys))
	}
	vs := b.axisVars("i", len(ys))
	b.k.Body = nest(vs, ys, store(y, idx(vs), load(x, bcast(xs, vs))))
	return nil
}

// tile lowers Tile without remainders: an axis of n elements repeated r
// times runs a loop over the copies outside a loop over the elements, and
// writes y[n·r_a + j_a] = x[j_a], so both indices are affine (a copy count
// or an element count of 1 drops its loop).
func tile(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	xs, ys := b.shape(x), b.shape(y)
	if len(xs) != len(ys) {
		return fmt.Errorf("input of rank %d for an output of rank %d", len(xs), len(ys))
	}
	var vs []loop.VarID
	var ext []int
	xi, yi := make([]loop.Index, len(xs)), make([]loop.Index, len(xs))
	for a, n := range xs {
		if ys[a]%n != 0 {
			return fmt.Errorf("axis %d of %d elements does not tile %d", a, n, ys[a])
		}
		var ya, xa loop.Affine
		if r := ys[a] / n; r > 1 {
			v := b.k.NewVar(b.unique(fmt.Sprintf("r%d", a)))
			vs, ext = append(vs, v), append(ext, r)
			ya = loop.V(v).Scale(n)
		}
		if n > 1 {
			v := b.k.NewVar(b.unique(fmt.Sprintf("i%d", a)))
			vs, ext = append(vs, v), append(ext, n)
			ya, xa = ya.Add(loop.V(v)), loop.V(v)
		}
		xi[a], yi[a] = loop.At(xa), loop.At(ya)
	}
	b.k.Body = nest(vs, ext, store(y, yi, load(x, xi)))
	return nil
}
