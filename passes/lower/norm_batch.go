package lower

import (
	"fmt"
	"math"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// batchNorm lowers inference-mode BatchNormalization with eval's formula,
// per channel c (axis 1; a 1-D input has one channel):
//
//	for n, c { mul = scale[c] / sqrt(var[c] + ε); for d… { y[n, c, d…] = (x[n, c, d…] − mean[c])·mul + B[c] } }
//
// eval computes in float64; the loop IR in f32 (f64 for f64). When scale
// and var are constants, as in a trained model, mul is a constant vector
// computed now in float64 (batchNormMul), and the kernel has no square
// root or division. Folding a BatchNormalization into the Conv before it
// is a graph pass (fuse-ops).
func batchNorm(b *builder) error {
	at, _ := b.n.Attrs.(graph.NormAttrs)
	x, y, err := b.inOut()
	if err != nil {
		return err
	}
	xs := b.shape(x)
	ch := &channels{b: b, w: arith(b.bufKind(x))}
	mulc, folded := b.batchNormMul(ch.w, at.Epsilon)
	ins := []int{2, 3, 1, 4} // B, mean, then scale, var unless folded
	if folded {
		ins = ins[:2]
	}
	if err := ch.vectors(ins...); err != nil {
		return err
	}
	vs := b.axisVars("i", len(xs))
	c := loop.At(loop.Lit(0))
	outer := 1
	if len(xs) > 1 {
		c, outer = loop.At(loop.V(vs[1])), 2
	}
	var body []loop.Stmt
	mul := load(mulc, []loop.Index{c})
	if !folded {
		t := b.tempOf("mul", ch.w)
		body = append(body, set(t, ch.inv(ch.at(2, c), ch.at(3, c), at.Epsilon)))
		mul = scalar(t)
	}
	v := bin(loop.Add, bin(loop.Mul, bin(loop.Sub, ch.load(x, idx(vs)), ch.at(1, c)), mul), ch.at(0, c))
	body = append(body, nest(vs[outer:], xs[outer:], store(y, idx(vs), convert(b.bufKind(y), ch.w, v)))...)
	b.k.Body = nest(vs[:outer], xs[:outer], body...)
	return nil
}

// batchNormMul is a constant vector of kind w holding scale / sqrt(var + ε)
// per channel, computed in float64 as eval computes it, when inputs 1
// (scale) and 4 (var) are constants; false otherwise.
func (b *builder) batchNormMul(w dtype.Kind, eps float32) (loop.BufID, bool) {
	if !b.has(1) || !b.has(4) {
		return 0, false
	}
	scale, vr := b.g.Tensor(b.n.In[1]).Init, b.g.Tensor(b.n.In[4]).Init
	if scale == nil || vr == nil || scale.Len() != vr.Len() || len(scale.Shape) != 1 {
		return 0, false
	}
	m := dtype.New(w, scale.Shape)
	for i := range m.Len() {
		m.Set(i, scale.At(i)/math.Sqrt(vr.At(i)+float64(eps)))
	}
	buf := &loop.Buffer{Name: b.unique("mul"), Kind: w, Shape: slices.Clone(scale.Shape), Role: loop.Constant, Init: m}
	return b.k.NewBuffer(buf), true
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
	x, y, err := b.inOut()
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
