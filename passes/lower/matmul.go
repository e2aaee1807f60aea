package lower

import (
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// gemm lowers Y = alpha·A'·B' + beta·C with a rank-0 accumulator:
//
//	for i, j { acc = 0; for k { acc = acc + a[i,k]*b[k,j] }; y[i,j] = alpha*acc + beta*c[…] }
//
// A transposed operand swaps its indices; C broadcasts to Y.
func gemm(b *builder) error {
	at, _ := b.n.Attrs.(graph.GemmAttrs)
	a, err := b.in(0)
	if err != nil {
		return err
	}
	w, err := b.in(1)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	m, kk, n, err := graph.GemmDims(at, b.shape(a), b.shape(w))
	if err != nil {
		return err
	}
	var c loop.BufID
	withC := b.has(2) && at.Beta != 0
	if withC {
		if c, err = b.in(2); err != nil {
			return err
		}
	}
	acc := b.temp("acc")
	vs := b.vars("i", "j", "k")
	i, j, k := loop.At(loop.V(vs[0])), loop.At(loop.V(vs[1])), loop.At(loop.V(vs[2]))
	ai, wi := []loop.Index{i, k}, []loop.Index{k, j}
	if at.TransA {
		ai = []loop.Index{k, i}
	}
	if at.TransB {
		wi = []loop.Index{j, k}
	}
	sum := nest(vs[2:], []int{kk}, set(acc, bin(loop.Add, scalar(acc), bin(loop.Mul, load(a, ai), load(w, wi)))))
	v := scalar(acc)
	if at.Alpha != 1 {
		v = bin(loop.Mul, f32(at.Alpha), v)
	}
	if withC {
		cv := load(c, bcast(b.shape(c), vs[:2]))
		if at.Beta != 1 {
			cv = bin(loop.Mul, f32(at.Beta), cv)
		}
		v = bin(loop.Add, v, cv)
	}
	body := append([]loop.Stmt{set(acc, f32(0))}, sum...)
	body = append(body, store(y, idx(vs[:2]), v))
	b.k.Body = nest(vs[:2], []int{m, n}, body...)
	return nil
}

// matmul lowers numpy's matmul: 1-D operands are promoted (and the added
// axis is absent from Y), batch axes broadcast.
func matmul(b *builder) error {
	a, err := b.in(0)
	if err != nil {
		return err
	}
	w, err := b.in(1)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	as, ws, ys := b.shape(a), b.shape(w), b.shape(y)
	nb := len(ys)
	if len(as) > 1 {
		nb--
	}
	if len(ws) > 1 {
		nb--
	}
	batch := b.axisVars("b", nb)
	outVars := append([]loop.VarID{}, batch...)
	var i, j []loop.VarID
	if len(as) > 1 {
		i = b.vars("i")
	}
	if len(ws) > 1 {
		j = b.vars("j")
	}
	kv := b.vars("k")
	k := loop.At(loop.V(kv[0]))
	ai, wi := []loop.Index{k}, []loop.Index{k}
	if len(as) > 1 {
		outVars = append(outVars, i[0])
		ai = append(bcast(as[:len(as)-2], batch), loop.At(loop.V(i[0])), k)
	}
	if len(ws) > 1 {
		outVars = append(outVars, j[0])
		wi = append(bcast(ws[:len(ws)-2], batch), k, loop.At(loop.V(j[0])))
	}
	acc := b.temp("acc")
	kk := as[len(as)-1]
	body := []loop.Stmt{set(acc, f32(0))}
	body = append(body, nest(kv, []int{kk}, set(acc, bin(loop.Add, scalar(acc), bin(loop.Mul, load(a, ai), load(w, wi)))))...)
	body = append(body, store(y, idx(outVars), scalar(acc)))
	b.k.Body = nest(outVars, ys, body...)
	return nil
}
