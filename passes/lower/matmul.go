package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// gemm lowers Y = alpha·A'·B' + beta·C with a rank-0 accumulator:
//
//	for i, j { acc = 0; for k { acc = acc + a[i,k]*b[k,j] }; y[i,j] = alpha*acc + beta*c[…] }
//
// A transposed operand swaps its indices; C broadcasts to Y. Floats sum in
// arith(kind) (f32 for f32 and the narrow floats, f64 for f64). Integers
// sum in their kind, wrapping, when alpha is 1 and beta is 0 or 1; other
// scales are applied in f64 to a 64-bit sum and truncated back, as
// ir/graph/eval's nnGemmInt does.
func gemm(b *builder) error {
	at, _ := b.n.Attrs.(graph.GemmAttrs)
	a, w, y, err := b.inInOut()
	if err != nil {
		return err
	}
	m, kk, n, err := graph.GemmDims(at, b.shape(a), b.shape(w))
	if err != nil {
		return err
	}
	k := b.kindIn(0)
	withC := b.has(2) && at.Beta != 0
	exact := at.Alpha == 1 && (!withC || at.Beta == 1)
	ak, err := gemmAccKind(k, exact)
	if err != nil {
		return err
	}
	var c loop.BufID
	if withC {
		if c, err = b.in(2); err != nil {
			return err
		}
	}
	acc := b.tempOf("acc", ak)
	vs := b.vars("i", "j", "k")
	i, j, kx := loop.At(loop.V(vs[0])), loop.At(loop.V(vs[1])), loop.At(loop.V(vs[2]))
	ai, wi := []loop.Index{i, kx}, []loop.Index{kx, j}
	if at.TransA {
		ai = []loop.Index{kx, i}
	}
	if at.TransB {
		wi = []loop.Index{j, kx}
	}
	term := bin(loop.Mul, convert(ak, k, load(a, ai)), convert(ak, k, load(w, wi)))
	sum := nest(vs[2:], []int{kk}, set(acc, bin(loop.Add, scalar(acc), term)))
	var cv loop.Expr
	if withC {
		cv = load(c, bcast(b.shape(c), vs[:2]))
	}
	v := gemmScale(at, k, ak, scalar(acc), cv)
	body := append([]loop.Stmt{set(acc, konst(ak, 0))}, sum...)
	body = append(body, store(y, idx(vs[:2]), v))
	b.k.Body = nest(vs[:2], []int{m, n}, body...)
	return nil
}

// gemmAccKind is the kind Gemm of kind k sums in (exact: alpha is 1 and
// beta 0 or 1).
func gemmAccKind(k dtype.Kind, exact bool) (dtype.Kind, error) {
	switch {
	case k.IsFloat():
		return arith(k), nil
	case k.IsInt() && exact:
		return k, nil
	case k.Class() == dtype.ClassInt:
		return dtype.I64, nil
	case k.Class() == dtype.ClassUint:
		return dtype.U64, nil
	}
	return 0, fmt.Errorf("Gemm is not defined on %v", k)
}

// gemmScale is alpha·acc + beta·c (c nil: absent) as kind k, acc of kind ak.
func gemmScale(at graph.GemmAttrs, k, ak dtype.Kind, acc, c loop.Expr) loop.Expr {
	fk := ak // the kind the scaling computes in
	if !ak.IsFloat() && (at.Alpha != 1 || c != nil && at.Beta != 1) {
		fk = dtype.F64
	}
	v := convert(fk, ak, acc)
	if at.Alpha != 1 {
		v = bin(loop.Mul, konst(fk, float64(at.Alpha)), v)
	}
	if c != nil {
		c = convert(fk, k, c)
		if at.Beta != 1 {
			c = bin(loop.Mul, konst(fk, float64(at.Beta)), c)
		}
		v = bin(loop.Add, v, c)
	}
	return convert(k, fk, v)
}

// inInOut returns the buffers of inputs 0 and 1 and output 0.
func (b *builder) inInOut() (x, w, y loop.BufID, err error) {
	if x, err = b.in(0); err != nil {
		return
	}
	if w, err = b.in(1); err != nil {
		return
	}
	y, err = b.out(0)
	return
}

// checkMatMul reports an error unless inputs ia and ib (A and B) have
// shapes numpy's matmul takes (rank at least 1, A's last axis B's reduced
// one) and output 0 has the matching rank.
func (b *builder) checkMatMul(ia, ib int) error {
	if !b.has(ia) || !b.has(ib) || len(b.n.Out) == 0 || b.n.Out[0] == graph.None {
		return fmt.Errorf("want inputs A and B and output Y")
	}
	as, ws := b.g.Tensor(b.n.In[ia]).Shape, b.g.Tensor(b.n.In[ib]).Shape
	ys := b.g.Tensor(b.n.Out[0]).Shape
	if len(as) == 0 || len(ws) == 0 {
		return fmt.Errorf("operands of shapes %v and %v: want rank at least 1", as, ws)
	}
	kw := ws[0]
	if len(ws) > 1 {
		kw = ws[len(ws)-2]
	}
	nb := max(len(as), len(ws)) - 2
	want := max(nb, 0) + min(len(as)-1, 1) + min(len(ws)-1, 1)
	if as[len(as)-1] != kw || len(ys) != want {
		return fmt.Errorf("operands of shapes %v and %v do not give %v", as, ws, ys)
	}
	return nil
}

// mmPlan is the loop nest of a numpy matmul: the output's variables
// (batch…, i if A is not 1-D, j if B is not 1-D; -1 when absent), the
// reduction variable k running over lo..hi (0..K for a dense product), and
// the indices of A and B.
type mmPlan struct {
	out    []loop.VarID
	ys     []int
	i, j   loop.VarID
	k      loop.VarID
	lo, hi loop.Index
	ai, wi []loop.Index
}

// planMatMul plans numpy's matmul of shapes as and ws into ys, naming the
// reduction variable red: 1-D operands are promoted (and the added axis is
// absent from Y), batch axes broadcast.
func (b *builder) planMatMul(as, ws, ys []int, red string) mmPlan {
	nb := len(ys)
	if len(as) > 1 {
		nb--
	}
	if len(ws) > 1 {
		nb--
	}
	batch := b.axisVars("b", nb)
	p := mmPlan{out: append([]loop.VarID{}, batch...), ys: ys, i: -1, j: -1,
		lo: loop.At(loop.Lit(0)), hi: loop.At(loop.Lit(as[len(as)-1]))}
	if len(as) > 1 {
		p.i = b.vars("i")[0]
	}
	if len(ws) > 1 {
		p.j = b.vars("j")[0]
	}
	p.k = b.vars(red)[0]
	k := loop.At(loop.V(p.k))
	p.ai, p.wi = []loop.Index{k}, []loop.Index{k}
	if p.i >= 0 {
		p.out = append(p.out, p.i)
		p.ai = append(bcast(as[:len(as)-2], batch), loop.At(loop.V(p.i)), k)
	}
	if p.j >= 0 {
		p.out = append(p.out, p.j)
		p.wi = append(bcast(ws[:len(ws)-2], batch), k, loop.At(loop.V(p.j)))
	}
	return p
}

// nest is the matmul's loops around acc = init; for k { acc = acc +
// term }; pre…; y[…] = result.
func (p mmPlan) nest(acc loop.BufID, init, term loop.Expr, y loop.BufID, result loop.Expr, pre ...loop.Stmt) []loop.Stmt {
	body := []loop.Stmt{set(acc, init)}
	body = append(body, &loop.For{Var: p.k, Lo: p.lo, Hi: p.hi, Step: 1,
		Body: []loop.Stmt{set(acc, bin(loop.Add, scalar(acc), term))}})
	body = append(body, pre...)
	body = append(body, store(y, idx(p.out), result))
	return nest(p.out, p.ys, body...)
}

// matmul lowers numpy's matmul (see planMatMul), summing in arith(kind);
// a sparse constant operand lowers to a loop over its non-zeros
// (sparse.go).
func matmul(b *builder) error {
	k := b.kindIn(0)
	if !k.IsFloat() && !k.IsInt() {
		return fmt.Errorf("MatMul is not defined on %v", k)
	}
	if err := b.checkMatMul(0, 1); err != nil {
		return err
	}
	if ok, err := b.sparseMatMul(); ok || err != nil {
		return err
	}
	a, w, y, err := b.inInOut()
	if err != nil {
		return err
	}
	ak := arith(k)
	p := b.planMatMul(b.shape(a), b.shape(w), b.shape(y), "k")
	acc := b.tempOf("acc", ak)
	term := bin(loop.Mul, convert(ak, k, load(a, p.ai)), convert(ak, k, load(w, p.wi)))
	b.k.Body = p.nest(acc, konst(ak, 0), term, y, convert(k, ak, scalar(acc)))
	return nil
}
