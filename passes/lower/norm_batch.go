package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// batchNorm lowers inference-mode BatchNormalization with eval's formula,
// per channel c (axis 1; a 1-D input has one channel):
//
//	for n, c { mul = scale[c] / sqrt(var[c] + ε); for d… { y[n, c, d…] = (x[n, c, d…] − mean[c])·mul + B[c] } }
//
// eval computes in float64; the loop IR in f32 (f64 for f64). Folding a
// BatchNormalization into the Conv before it is a graph pass (fuse-ops).
func batchNorm(b *builder) error {
	at, _ := b.n.Attrs.(graph.NormAttrs)
	x, err := b.in(0)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	xs := b.shape(x)
	ch := &channels{b: b, w: arith(b.bufKind(x))}
	if err := ch.vectors(1, 2, 3, 4); err != nil { // scale, B, mean, var
		return err
	}
	vs := b.axisVars("i", len(xs))
	c := loop.At(loop.Lit(0))
	outer := 1
	if len(xs) > 1 {
		c, outer = loop.At(loop.V(vs[1])), 2
	}
	mul := b.tempOf("mul", ch.w)
	body := []loop.Stmt{set(mul, ch.inv(ch.at(0, c), ch.at(3, c), at.Epsilon))}
	v := bin(loop.Add, bin(loop.Mul, bin(loop.Sub, ch.load(x, idx(vs)), ch.at(2, c)), scalar(mul)), ch.at(1, c))
	body = append(body, nest(vs[outer:], xs[outer:], store(y, idx(vs), convert(b.bufKind(y), ch.w, v)))...)
	b.k.Body = nest(vs[:outer], xs[:outer], body...)
	return nil
}

// instanceNorm lowers InstanceNormalization: each channel of each instance
// is normalised over its spatial axes, mean and variance in two passes as
// eval computes them:
//
//	for n, c { acc = Σ x[n, c, …]; mean = acc / S; acc = Σ (x[n, c, …] − mean)²
//	           mul = scale[c] / sqrt(acc / S + ε); for d… { y[n, c, d…] = (x[n, c, d…] − mean)·mul + B[c] } }
//
// eval computes in float64; the loop IR in f32 (f64 for f64).
func instanceNorm(b *builder) error {
	at, _ := b.n.Attrs.(graph.NormAttrs)
	x, err := b.in(0)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	xs := b.shape(x)
	if len(xs) < 3 {
		return fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(xs))
	}
	ch := &channels{b: b, w: arith(b.bufKind(x))}
	if err := ch.vectors(1, 2); err != nil { // scale, B
		return err
	}
	nc := b.vars("n", "c")
	sp, ext := b.axisVars("d", len(xs)-2), xs[2:]
	at3 := func(sp []loop.VarID) []loop.Index { return idx(append(append([]loop.VarID{}, nc...), sp...)) }
	acc, mean, mul := b.tempOf("acc", ch.w), b.tempOf("mean", ch.w), b.tempOf("mul", ch.w)
	count := konst(ch.w, float64(prod(ext)))
	body := []loop.Stmt{set(acc, konst(ch.w, 0))}
	body = append(body, nest(sp, ext, set(acc, bin(loop.Add, scalar(acc), ch.load(x, at3(sp)))))...)
	body = append(body, set(mean, bin(loop.Div, scalar(acc), count)), set(acc, konst(ch.w, 0)))
	sp2 := b.freshVarsLike(sp)
	d := bin(loop.Sub, ch.load(x, at3(sp2)), scalar(mean))
	body = append(body, nest(sp2, ext, set(acc, bin(loop.Add, scalar(acc), bin(loop.Mul, d, d))))...)
	c := loop.At(loop.V(nc[1]))
	body = append(body, set(mul, ch.inv(ch.at(0, c), bin(loop.Div, scalar(acc), count), at.Epsilon)))
	sp3 := b.freshVarsLike(sp)
	v := bin(loop.Add, bin(loop.Mul, bin(loop.Sub, ch.load(x, at3(sp3)), scalar(mean)), scalar(mul)), ch.at(1, c))
	body = append(body, nest(sp3, ext, store(y, at3(sp3), convert(b.bufKind(y), ch.w, v)))...)
	b.k.Body = nest(nc, xs[:2], body...)
	return nil
}

// channels reads the per-channel vector inputs of a normalisation in the
// kind w it computes in.
type channels struct {
	b   *builder
	w   dtype.Kind
	vec []loop.BufID // by the order vectors was given them
}

// vectors adds the buffers of inputs ins (ONNX's shape inference has
// checked that each is a vector of one element per channel).
func (ch *channels) vectors(ins ...int) error {
	for _, i := range ins {
		id, err := ch.b.in(i)
		if err != nil {
			return err
		}
		ch.vec = append(ch.vec, id)
	}
	return nil
}

// load reads buf at ix in the kind computed in.
func (ch *channels) load(buf loop.BufID, ix []loop.Index) loop.Expr {
	return convert(ch.w, ch.b.bufKind(buf), load(buf, ix))
}

// at reads element c of the j-th vector.
func (ch *channels) at(j int, c loop.Index) loop.Expr {
	return ch.load(ch.vec[j], []loop.Index{c})
}

// inv is scale / sqrt(variance + eps).
func (ch *channels) inv(scale, variance loop.Expr, eps float32) loop.Expr {
	return bin(loop.Div, scale, un(loop.Sqrt, bin(loop.Add, variance, konst(ch.w, float64(eps)))))
}
