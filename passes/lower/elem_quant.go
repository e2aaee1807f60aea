package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// quantIter iterates over x's elements for QuantizeLinear and
// DequantizeLinear, with the index of each element's scale (and zero
// point). A blocked scale splits the axis into a loop over blocks and one
// within a block, so that both indices stay affine; a partial last block
// is guarded.
type quantIter struct {
	vars  []loop.VarID
	ext   []int
	xIx   []loop.Index
	sIx   []loop.Index // nil: per tensor
	guard loop.Expr    // nil: every iteration is an element
}

func (b *builder) quantIter(x []int, lay graph.QuantLayout) quantIter {
	if lay.PerTensor || !lay.Blocked {
		vs := b.axisVars("i", len(x))
		it := quantIter{vars: vs, ext: x, xIx: idx(vs)}
		if !lay.PerTensor {
			it.sIx = []loop.Index{loop.At(loop.V(vs[lay.Axis]))}
		}
		return it
	}
	var it quantIter
	for d, n := range x {
		if d != lay.Axis {
			v := b.vars(fmt.Sprintf("i%d", d))[0]
			it.vars, it.ext = append(it.vars, v), append(it.ext, n)
			it.xIx, it.sIx = append(it.xIx, loop.At(loop.V(v))), append(it.sIx, loop.At(loop.V(v)))
			continue
		}
		blk := b.vars("blk", "off")
		it.vars, it.ext = append(it.vars, blk...), append(it.ext, lay.ScaleLen, lay.Block)
		a := loop.V(blk[0]).Scale(lay.Block).Add(loop.V(blk[1]))
		it.xIx, it.sIx = append(it.xIx, loop.At(a)), append(it.sIx, loop.At(loop.V(blk[0])))
		if lay.ScaleLen*lay.Block != n {
			it.guard = within(a, 0, n, 0, lay.ScaleLen*lay.Block-1)
		}
	}
	return it
}

// loops wraps body in the iteration's loops (and guard).
func (it quantIter) loops(body ...loop.Stmt) []loop.Stmt {
	if it.guard != nil {
		body = []loop.Stmt{&loop.If{Cond: it.guard, Then: body}}
	}
	return nest(it.vars, it.ext, body...)
}

// quantOps are a quantisation node's attributes, iteration and operands
// loaded for one element: x, its scale s and zero point z (nil if absent).
type quantOps struct {
	a       graph.QuantAttrs
	it      quantIter
	x, s, z loop.Expr
	kx, ks  dtype.Kind
	kz      dtype.Kind // Invalid without a zero point
}

func (b *builder) quantOps() (*quantOps, error) {
	a, _ := b.n.Attrs.(graph.QuantAttrs)
	if !b.has(0) || !b.has(1) {
		return nil, fmt.Errorf("x or scale is absent")
	}
	xt, st := b.g.Tensor(b.n.In[0]), b.g.Tensor(b.n.In[1])
	q := &quantOps{a: a, kx: xt.Kind, ks: st.Kind, kz: b.kindIn(2)}
	var zp graph.Meta
	if b.has(2) {
		zp = graph.Meta{Kind: q.kz, Shape: b.g.Tensor(b.n.In[2]).Shape}
	}
	lay, err := graph.QuantScaleLayout(xt.Shape, st.Shape, zp, a)
	if err != nil {
		return nil, err
	}
	q.it = b.quantIter(xt.Shape, lay)
	for i, e := range []*loop.Expr{&q.x, &q.s, &q.z} {
		if !b.has(i) {
			continue
		}
		buf, err := b.in(i)
		if err != nil {
			return nil, err
		}
		switch s := b.shape(buf); {
		case i == 0:
			*e = load(buf, q.it.xIx)
		case q.it.sIx == nil || len(s) != len(q.it.sIx):
			*e = load(buf, make([]loop.Index, len(s))) // per tensor
		default:
			*e = load(buf, q.it.sIx)
		}
	}
	return q, nil
}

// quantize lowers QuantizeLinear as eval computes it: q = x/scale in the
// precision (the scale's float kind, f32 for integer and f8e8m0 scales);
// to an integer kind y = clamp(rint(q) + zero point) with NaN taken as 0,
// to a float kind y = cast(q + zero point), saturating if asked. The sum
// and clamp are in f32: exact for the 16-bit and narrower outputs, and
// beyond 2^24 the clamp decides alone.
func quantize(b *builder) error {
	q, err := b.quantOps()
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	ky := b.kindOut(0)
	p := q.a.Precision
	if p == dtype.Invalid {
		p = q.ks
	}
	if !p.IsFloat() || p == dtype.F8E8M0 {
		p = dtype.F32
	}
	qt, vt := b.tempOf("q", p), b.tempOf("v", dtype.F32)
	body := []loop.Stmt{set(qt, bin(loop.Div, convert(p, q.kx, q.x), convert(p, q.ks, q.s)))}
	z := konst(dtype.F32, 0) // even without a zero point: -0 + 0 is +0, as in eval
	if q.z != nil {
		z = convert(dtype.F32, q.kz, q.z)
	}
	v := scalar(vt)
	if ky.IsFloat() {
		body = append(body, set(vt, bin(loop.Add, convert(dtype.F32, p, scalar(qt)), z)))
		v = castExpr(dtype.F32, ky, v, q.a.Saturate)
	} else {
		r := sel(bin(loop.Ne, scalar(qt), scalar(qt)), konst(p, 0), un(loop.Rint, scalar(qt)))
		body = append(body, set(vt, bin(loop.Add, convert(dtype.F32, p, r), z)))
		lo, hi := ky.IntRange()
		flo, fhi := konst(dtype.F32, float64(lo)), konst(dtype.F32, float64(hi))
		v = convert(ky, dtype.F32, sel(bin(loop.Lt, v, flo), flo, sel(bin(loop.Gt, v, fhi), fhi, v)))
	}
	b.k.Body = q.it.loops(append(body, store(y, q.it.xIx, v))...)
	return nil
}

// dequantize lowers DequantizeLinear as eval computes it: y = (x - zero
// point) · scale, the difference exact (i64 for integers, f32 for float8,
// whose differences round to f32 and then to y's kind as eval's exact
// ones do) and rounded to y's kind, the scale rounded to it, the product
// rounded once.
func dequantize(b *builder) error {
	q, err := b.quantOps()
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	p := b.kindOut(0)
	if !p.IsFloat() {
		return fmt.Errorf("cannot dequantize to %v", p)
	}
	d, dk := q.x, q.kx
	if q.z != nil {
		dk = dtype.I64
		if q.kx.IsFloat() {
			dk = dtype.F32
		}
		d = bin(loop.Sub, convert(dk, q.kx, q.x), convert(dk, q.kz, q.z))
	}
	v := bin(loop.Mul, convert(p, dk, d), convert(p, q.ks, q.s))
	b.k.Body = q.it.loops(store(y, q.it.xIx, v))
	return nil
}
