package lower

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// sparseMatMul lowers a MatMul whose constant 2-D float operand is sparse
// (sparseOperand) to a loop over that operand's non-zeros; it reports
// false, doing nothing, when neither operand is. A constant A (M×K) is
// stored row by row (CSR: rowptr, col, val), a constant B (K×N) column by
// column (CSC: colptr, row, val), each in ascending k, so that the sum is
// the dense one over k with the zero terms left out:
//
//	for b…, i, j { acc = 0; for p in rowptr[i]..rowptr[i + 1] { acc = acc + val[p] * x[b…, col[p], j] }; y[b…, i, j] = acc }
//
// The loop bounds and x's row are the data-dependent parts of their
// loop.Index; the verifier bounds them by the constants' values.
func (b *builder) sparseMatMul() (bool, error) {
	s := b.sparseOperand()
	if s < 0 {
		return false, nil
	}
	other, err := b.in(1 - s)
	if err != nil {
		return false, err
	}
	y, err := b.out(0)
	if err != nil {
		return false, err
	}
	c := b.g.Tensor(b.n.In[s])
	as, ws := c.Shape, b.shape(other)
	if s == 1 {
		as, ws = ws, c.Shape
	}
	p := b.planMatMul(as, ws, b.shape(y), "p")
	ptr, pos, val := compressMatrix(c.Init, s == 0)
	names := [3]string{"rowptr", "col", "val"}
	if s == 1 {
		names = [3]string{"colptr", "row", "val"}
	}
	ptrBuf := b.csrBuf(names[0], ptr)
	posBuf := b.csrBuf(names[1], pos)
	valBuf := b.csrBuf(names[2], val)
	r := p.i // the variable the non-zeros are grouped by
	if s == 1 {
		r = p.j
	}
	p.lo = loop.Index{Dyn: load(ptrBuf, []loop.Index{loop.At(loop.V(r))})}
	p.hi = loop.Index{Dyn: load(ptrBuf, []loop.Index{loop.At(loop.V(r).Add(loop.Lit(1)))})}
	k := b.kindIn(0)
	ak := arith(k)
	nz := convert(ak, k, load(valBuf, []loop.Index{loop.At(loop.V(p.k))}))
	row := loop.Index{Dyn: load(posBuf, []loop.Index{loop.At(loop.V(p.k))})}
	var term loop.Expr
	if s == 0 {
		term = bin(loop.Mul, nz, convert(ak, k, load(other, substVar(p.wi, p.k, row))))
	} else {
		term = bin(loop.Mul, convert(ak, k, load(other, substVar(p.ai, p.k, row))), nz)
	}
	acc := b.tempOf("acc", ak)
	b.k.Body = p.nest(acc, konst(ak, 0), term, y, convert(k, ak, scalar(acc)))
	return true, nil
}

// sparseOperand is the input (0 or 1) of the MatMul that lowers as sparse:
// a 2-D float constant with some non-zeros and a density (non-zeros over
// elements) at most Options.SparseDensity (0: graph.SparseDensity), the
// operand graph.NodeMACs counts as sparse. It is -1 when there is none or
// sparse lowering is off.
func (b *builder) sparseOperand() int {
	d := b.opt.SparseDensity
	switch {
	case d < 0:
		return -1
	case d == 0:
		d = graph.SparseDensity
	}
	for i := range 2 {
		if !b.has(i) {
			continue
		}
		t := b.g.Tensor(b.n.In[i])
		if t.Init == nil || len(t.Shape) != 2 || !t.Kind.IsFloat() {
			continue
		}
		nnz := countNonZeros(t.Init)
		if nnz > 0 && float64(nnz) <= d*float64(t.Init.Len()) {
			return i
		}
	}
	return -1
}

// countNonZeros counts the elements of a that are not zero.
func countNonZeros(a *dtype.Array) int {
	n := 0
	for j := range a.Len() {
		if a.At(j) != 0 {
			n++
		}
	}
	return n
}

// compressMatrix stores the non-zeros of the matrix a (R×C) row by row
// (byRow) or column by column, each in ascending order: ptr (i32) holds
// where each row (column) starts in pos and val and where the last ends,
// pos (i32) each non-zero's column (row), val its value in a's kind.
func compressMatrix(a *dtype.Array, byRow bool) (ptr, pos, val *dtype.Array) {
	rows, cols := a.Shape[0], a.Shape[1]
	outer, inner := rows, cols
	if !byRow {
		outer, inner = cols, rows
	}
	nnz := countNonZeros(a)
	ptr = dtype.New(dtype.I32, []int{outer + 1})
	pos = dtype.New(dtype.I32, []int{nnz})
	val = dtype.New(a.Kind, []int{nnz})
	n := 0
	for o := range outer {
		for in := range inner {
			at := o*cols + in
			if !byRow {
				at = in*cols + o
			}
			if v := a.At(at); v != 0 {
				pos.I64[n] = int64(in)
				val.Set(n, v)
				n++
			}
		}
		ptr.I64[o+1] = int64(n)
	}
	return ptr, pos, val
}

// csrBuf adds a constant buffer named name (made unique) holding a.
func (b *builder) csrBuf(name string, a *dtype.Array) loop.BufID {
	return b.k.NewBuffer(&loop.Buffer{Name: b.unique(name), Kind: a.Kind, Shape: a.Shape, Role: loop.Constant, Init: a})
}

// substVar is ix with each index that is exactly the variable v replaced
// by with.
func substVar(ix []loop.Index, v loop.VarID, with loop.Index) []loop.Index {
	out := make([]loop.Index, len(ix))
	for d, x := range ix {
		out[d] = x
		if x.Dyn == nil && x.Aff.Equal(loop.V(v)) {
			out[d] = with
		}
	}
	return out
}
