package lower

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// reshape lowers Reshape, Flatten, Squeeze and Unsqueeze to a copy. The
// loops run over the finest shape that both the input's and the output's
// shapes are groupings of, so both indices are affine; when there is none
// ([2,3,4] to [4,2,3]) they run over the output and the input's indices
// are divisions and remainders of the position.
func reshape(b *builder) error {
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	xs, ys := b.shape(x), b.shape(y)
	fine, ok := refine(xs, ys)
	if !ok {
		vs := b.axisVars("i", len(ys))
		b.k.Body = nest(vs, ys, store(y, idx(vs), load(x, unflatten(xs, ys, vs))))
		return nil
	}
	vs := b.axisVars("i", len(fine))
	b.k.Body = nest(vs, fine, store(y, group(ys, fine, vs), load(x, group(xs, fine, vs))))
	return nil
}

// refine returns the shape whose prefix products are the union of a's and
// b's, if each divides the next.
func refine(a, b []int) ([]int, bool) {
	var ps []int
	for _, s := range [][]int{a, b} {
		p := 1
		for _, d := range s {
			p *= d
			ps = append(ps, p)
		}
	}
	slices.Sort(ps)
	ps = slices.Compact(ps)
	var fine []int
	prev := 1
	for _, p := range ps {
		if p == prev {
			continue
		}
		if prev == 0 || p%prev != 0 {
			return nil, false
		}
		fine = append(fine, p/prev)
		prev = p
	}
	return fine, true
}

// group indexes shape s, a grouping of fine, with fine's loop variables:
// each dimension of s is the row-major combination of the fine axes it
// spans (dimensions of 1 take index 0).
func group(s, fine []int, vs []loop.VarID) []loop.Index {
	ix := make([]loop.Index, len(s))
	f := 0
	for d, n := range s {
		var a loop.Affine
		for p := 1; p < n && f < len(fine); f++ {
			a = a.Scale(fine[f]).Add(loop.V(vs[f]))
			p *= fine[f]
		}
		ix[d] = loop.At(a)
	}
	return ix
}

// unflatten indexes shape s at the row-major position of vars over shape
// o: position p is affine, its index along axis d is (p / stride_d) % s[d],
// a data-dependent index that the verifier bounds by interval arithmetic.
func unflatten(s, o []int, vs []loop.VarID) []loop.Index {
	var p loop.Affine
	for d, v := range vs {
		p = p.Scale(o[d]).Add(loop.V(v))
	}
	ix := make([]loop.Index, len(s))
	stride := 1
	for d := len(s) - 1; d >= 0; d-- {
		var e loop.Expr = affExpr(p)
		if stride > 1 {
			e = bin(loop.Div, e, loop.Int(dtype.I64, int64(stride)))
		}
		if d > 0 {
			e = bin(loop.Rem, e, loop.Int(dtype.I64, int64(s[d])))
		}
		ix[d] = loop.Index{Dyn: e}
		if s[d] == 1 {
			ix[d] = loop.At(loop.Lit(0))
		}
		stride *= s[d]
	}
	return ix
}

// transpose lowers Transpose: y[i0, i1, …] = x[…] with x's axis perm[d]
// indexed by i_d.
func transpose(b *builder) error {
	at, _ := b.n.Attrs.(graph.TransposeAttrs)
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	ys := b.shape(y)
	perm := at.Perm
	if perm == nil {
		for d := len(ys) - 1; d >= 0; d-- {
			perm = append(perm, d)
		}
	}
	if len(perm) != len(ys) {
		return fmt.Errorf("perm %v for rank %d", perm, len(ys))
	}
	vs := b.axisVars("i", len(ys))
	xi := make([]loop.Index, len(ys))
	for d, p := range perm {
		if p < 0 || p >= len(xi) || xi[p].Aff.Terms != nil {
			return fmt.Errorf("perm %v is not a permutation", perm)
		}
		xi[p] = loop.At(loop.V(vs[d]))
	}
	b.k.Body = nest(vs, ys, store(y, idx(vs), load(x, xi)))
	return nil
}
