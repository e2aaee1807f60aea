package lower

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// einsum lowers Einsum from its equation (graph.ParseEinsum): one loop per
// label, the output's labels outside, and inside them an accumulator that
// sums, over the labels the output leaves out (in the reference's order),
// the product of the operands. An operand axis that repeats a label reads
// the diagonal; one of size 1 under a larger label is broadcast. Narrow
// floats compute in f32 and round once at the end, as the reference does.
func einsum(b *builder) error {
	at, _ := b.n.Attrs.(graph.EinsumAttrs)
	y, err := b.out(0)
	if err != nil {
		return err
	}
	ins := make([]loop.BufID, len(b.n.In))
	shapes := make([][]int, len(b.n.In))
	for i := range b.n.In {
		if ins[i], err = b.in(i); err != nil {
			return err
		}
		shapes[i] = b.shape(ins[i])
	}
	p, err := graph.ParseEinsum(at.Equation, shapes)
	if err != nil {
		return err
	}
	ys := b.shape(y)
	if !slices.Equal(p.OutShape(), ys) {
		return fmt.Errorf("equation %q gives shape %v, the output is %v", at.Equation, p.OutShape(), ys)
	}
	k := b.kindOut(0)
	if k.Class() == dtype.ClassBool || !k.Computable() {
		return fmt.Errorf("Einsum of %v", k)
	}
	work := arith(k)
	if len(ins) == 1 && len(p.Summed) == 0 { // a lone operand is copied
		work = k
	}
	vars := make([]loop.VarID, len(p.Sizes))
	out := einsumVars(b, vars, p.Output, "i")
	sum := einsumVars(b, vars, p.Summed, "s")
	prod := einsumProduct(b, p, ins, shapes, vars, work)
	if len(sum) == 0 {
		b.k.Body = nest(out, ys, store(y, idx(out), convert(k, work, prod)))
		return nil
	}
	acc := b.tempOf("acc", work)
	body := []loop.Stmt{set(acc, konst(work, 0))}
	body = append(body, nest(sum, einsumSizes(p, p.Summed), set(acc, bin(loop.Add, scalar(acc), prod)))...)
	body = append(body, store(y, idx(out), convert(k, work, scalar(acc))))
	b.k.Body = nest(out, ys, body...)
	return nil
}

// einsumVars adds a loop variable for each of labels (prefix0, prefix1, …).
func einsumVars(b *builder, vars []loop.VarID, labels []int, prefix string) []loop.VarID {
	vs := b.axisVars(prefix, len(labels))
	for i, l := range labels {
		vars[l] = vs[i]
	}
	return vs
}

func einsumSizes(p *graph.EinsumPlan, labels []int) []int {
	s := make([]int, len(labels))
	for i, l := range labels {
		s[i] = p.Sizes[l]
	}
	return s
}

// einsumProduct is the product of the operands at the labels' variables,
// each converted to the working kind.
func einsumProduct(b *builder, p *graph.EinsumPlan, ins []loop.BufID, shapes [][]int, vars []loop.VarID, work dtype.Kind) loop.Expr {
	var prod loop.Expr
	for i, x := range ins {
		ix := make([]loop.Index, len(shapes[i]))
		for a, l := range p.Operands[i] {
			ix[a] = loop.At(loop.Lit(0))
			if shapes[i][a] == p.Sizes[l] && p.Sizes[l] > 1 {
				ix[a] = loop.At(loop.V(vars[l]))
			}
		}
		v := convert(work, b.k.Buffers[x].Kind, load(x, ix))
		if prod == nil {
			prod = v
		} else {
			prod = bin(loop.Mul, prod, v)
		}
	}
	return prod
}
