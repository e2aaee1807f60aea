package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// layerNorm lowers LayerNormalization over the axes from Axis on, the
// statistics in stash_type (f32 or f64), as eval follows ONNX's function:
//
//	for outer… { sum over inner → mean; sum of (x−mean)² → inv = 1/sqrt(var+ε);
//	             y = cast<X>((x−mean)·inv)·scale + bias }
//
// the last products in X's kind. eval sums in float64; the loop IR in the
// stash kind, within ONNX's tolerance. Mean and InvStdDev, when asked for,
// get mean and inv.
func layerNorm(b *builder) error {
	at, _ := b.n.Attrs.(graph.NormAttrs)
	x, err := b.in(0)
	if err != nil {
		return err
	}
	scale, err := b.in(1)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	bias := loop.BufID(-1)
	if b.has(2) {
		if bias, err = b.in(2); err != nil {
			return err
		}
	}
	xs := b.shape(x)
	axis, err := graph.NormAxis(at.Axis, len(xs))
	if err != nil {
		return err
	}
	w := at.LayerNormStash()
	if w != dtype.F32 && w != dtype.F64 {
		return fmt.Errorf("stash_type %v: not yet (f32 and f64 are lowered)", w)
	}
	ln := &layerNormer{b: b, x: x, w: w, outer: b.axisVars("i", axis), ext: xs[axis:]}
	// Each of the three inner loops binds its own variables, named alike.
	ln.names = b.axisVars("j", len(xs)-axis)
	ln.mean, ln.inv = b.tempOf("mean", w), b.tempOf("inv", w)
	body := ln.moments(at.Epsilon)
	in := ln.inner()
	vs := ln.all(in)
	xk := b.bufKind(x)
	norm := convert(xk, w, bin(loop.Mul, ln.diff(in), scalar(ln.inv)))
	v := bin(loop.Mul, norm, load(scale, bcast(b.shape(scale), vs)))
	if bias >= 0 {
		v = bin(loop.Add, v, load(bias, bcast(b.shape(bias), vs)))
	}
	body = append(body, nest(in, ln.ext, store(y, idx(vs), v))...)
	stats, err := b.normStats(ln.outer, len(ln.ext), ln.mean, ln.inv)
	if err != nil {
		return err
	}
	body = append(body, stats...)
	b.k.Body = nest(ln.outer, xs[:axis], body...)
	return nil
}

// layerNormer builds the loops of one LayerNormalization.
type layerNormer struct {
	b         *builder
	x         loop.BufID
	w         dtype.Kind   // the stash kind, the statistics'
	outer     []loop.VarID // the loops over the leading axes
	names     []loop.VarID // the first inner loops' variables, whose names the others reuse
	ext       []int        // the normalised axes
	used      bool
	mean, inv loop.BufID
}

// inner gives variables for one loop nest over the normalised axes.
func (ln *layerNormer) inner() []loop.VarID {
	if !ln.used {
		ln.used = true
		return ln.names
	}
	vs := make([]loop.VarID, len(ln.names))
	for i, v := range ln.names {
		vs[i] = ln.b.k.NewVar(ln.b.k.Vars[v].Name)
	}
	return vs
}

func (ln *layerNormer) all(in []loop.VarID) []loop.VarID {
	return append(append([]loop.VarID{}, ln.outer...), in...)
}

// xw is x at the point of the inner variables in, in the stash kind.
func (ln *layerNormer) xw(in []loop.VarID) loop.Expr {
	return convert(ln.w, ln.b.bufKind(ln.x), load(ln.x, idx(ln.all(in))))
}

func (ln *layerNormer) diff(in []loop.VarID) loop.Expr {
	return bin(loop.Sub, ln.xw(in), scalar(ln.mean))
}

// moments sets mean and inv = 1/sqrt(variance + epsilon), two passes over
// the normalised axes with an accumulator.
func (ln *layerNormer) moments(eps float32) []loop.Stmt {
	acc := ln.b.tempOf("acc", ln.w)
	count := konst(ln.w, float64(prod(ln.ext)))
	in := ln.inner()
	body := []loop.Stmt{set(acc, konst(ln.w, 0))}
	body = append(body, nest(in, ln.ext, set(acc, bin(loop.Add, scalar(acc), ln.xw(in))))...)
	body = append(body, set(ln.mean, bin(loop.Div, scalar(acc), count)), set(acc, konst(ln.w, 0)))
	in = ln.inner()
	body = append(body, nest(in, ln.ext, set(acc, bin(loop.Add, scalar(acc), bin(loop.Mul, ln.diff(in), ln.diff(in)))))...)
	variance := bin(loop.Add, bin(loop.Div, scalar(acc), count), konst(ln.w, float64(eps)))
	return append(body, set(ln.inv, bin(loop.Div, konst(ln.w, 1), un(loop.Sqrt, variance))))
}

// normStats stores mean and inv into the optional outputs 1 and 2 (x's
// shape with ones on the normalised axes).
func (b *builder) normStats(outer []loop.VarID, ones int, mean, inv loop.BufID) ([]loop.Stmt, error) {
	var out []loop.Stmt
	for i, v := range []loop.BufID{mean, inv} {
		if i+1 >= len(b.n.Out) || b.n.Out[i+1] == graph.None {
			continue
		}
		o, err := b.out(i + 1)
		if err != nil {
			return nil, err
		}
		ix := idx(outer)
		for range ones {
			ix = append(ix, loop.At(loop.Lit(0)))
		}
		out = append(out, store(o, ix, scalar(v)))
	}
	return out, nil
}

func prod(s []int) int {
	p := 1
	for _, d := range s {
		p *= d
	}
	return p
}
