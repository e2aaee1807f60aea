package lower

import (
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// layerNorm lowers LayerNormalization over the axes from Axis on, in f32:
//
//	for outer… { sum over inner → mean; sum of (x−mean)² → inv = 1/sqrt(var+ε);
//	             y = (x−mean)·inv·scale + bias }
//
// Mean and InvStdDev, when asked for, get mean and inv.
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
	xs := b.shape(x)
	axis, err := graph.NormAxis(at.Axis, len(xs))
	if err != nil {
		return err
	}
	outer := b.axisVars("i", axis)
	// Each of the three inner loops binds its own variables, named alike.
	inner := b.axisVars("j", len(xs)-axis)
	innerAgain := func() []loop.VarID {
		vs := make([]loop.VarID, len(inner))
		for i, v := range inner {
			vs[i] = b.k.NewVar(b.k.Vars[v].Name)
		}
		return vs
	}
	count := f32(float32(prod(xs[axis:])))
	acc, mean, inv := b.temp("acc"), b.temp("mean"), b.temp("inv")
	all := func(in []loop.VarID) []loop.VarID { return append(append([]loop.VarID{}, outer...), in...) }
	diff := func(in []loop.VarID) loop.Expr { return bin(loop.Sub, load(x, idx(all(in))), scalar(mean)) }
	ext := xs[axis:]
	body := []loop.Stmt{set(acc, f32(0))}
	body = append(body, nest(inner, ext, set(acc, bin(loop.Add, scalar(acc), load(x, idx(all(inner))))))...)
	body = append(body, set(mean, bin(loop.Div, scalar(acc), count)), set(acc, f32(0)))
	in2 := innerAgain()
	body = append(body, nest(in2, ext, set(acc, bin(loop.Add, scalar(acc), bin(loop.Mul, diff(in2), diff(in2)))))...)
	variance := bin(loop.Add, bin(loop.Div, scalar(acc), count), f32(at.Epsilon))
	body = append(body, set(inv, bin(loop.Div, f32(1), un(loop.Sqrt, variance))))
	in3 := innerAgain()
	vs := all(in3)
	v := bin(loop.Mul, bin(loop.Mul, diff(in3), scalar(inv)), load(scale, bcast(b.shape(scale), vs)))
	if b.has(2) {
		bias, err := b.in(2)
		if err != nil {
			return err
		}
		v = bin(loop.Add, v, load(bias, bcast(b.shape(bias), vs)))
	}
	body = append(body, nest(in3, ext, store(y, idx(vs), v))...)
	stats, err := b.normStats(outer, len(inner), mean, inv)
	if err != nil {
		return err
	}
	body = append(body, stats...)
	b.k.Body = nest(outer, xs[:axis], body...)
	return nil
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
