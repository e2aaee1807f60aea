package eval_test

import (
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func TestEinsum(t *testing.T) {
	m22 := nnSeq(1, 2, 2) // [[1 2] [3 4]]
	m22b := nnSeq(5, 2, 2)
	ein := func(eq string) graph.EinsumAttrs { return graph.EinsumAttrs{Equation: eq} }
	nnRun(t, []nnCase{
		{name: "matmul", op: graph.OpEinsum, attrs: ein("ij,jk->ik"), in: []*dtype.Array{m22, m22b},
			want: nnWant(nnF32([]int{2, 2}, 19, 22, 43, 50))},
		{name: "implicit matmul", op: graph.OpEinsum, attrs: ein("ij,jk"), in: []*dtype.Array{m22, m22b},
			want: nnWant(nnF32([]int{2, 2}, 19, 22, 43, 50))},
		{name: "spaces", op: graph.OpEinsum, attrs: ein(" ij , jk -> ki "), in: []*dtype.Array{m22, m22b},
			want: nnWant(nnF32([]int{2, 2}, 19, 43, 22, 50))},
		{name: "trace", op: graph.OpEinsum, attrs: ein("ii"), in: []*dtype.Array{m22}, want: nnWant(nnF32(nil, 5))},
		{name: "diagonal", op: graph.OpEinsum, attrs: ein("ii->i"), in: []*dtype.Array{m22}, want: nnWant(nnF32([]int{2}, 1, 4))},
		{name: "sum all", op: graph.OpEinsum, attrs: ein("ij->"), in: []*dtype.Array{m22}, want: nnWant(nnF32(nil, 10))},
		{name: "outer", op: graph.OpEinsum, attrs: ein("i,j->ij"), in: []*dtype.Array{nnSeq(1, 2), nnSeq(3, 3)},
			want: nnWant(nnF32([]int{2, 3}, 3, 4, 5, 6, 8, 10))},
		// implicit output is in ASCII order: "ba" on a 2x3 input transposes
		{name: "implicit order transposes", op: graph.OpEinsum, attrs: ein("ba"), in: []*dtype.Array{nnSeq(1, 2, 3)},
			want: nnWant(nnF32([]int{3, 2}, 1, 4, 2, 5, 3, 6))},
		{name: "upper before lower", op: graph.OpEinsum, attrs: ein("aB"), in: []*dtype.Array{nnSeq(1, 2, 3)},
			want: nnWant(nnF32([]int{3, 2}, 1, 4, 2, 5, 3, 6))},
		{name: "batch diagonal", op: graph.OpEinsum, attrs: ein("...ii->...i"), in: []*dtype.Array{nnSeq(1, 2, 2, 2)},
			want: nnWant(nnF32([]int{2, 2}, 1, 4, 5, 8))},
		// ellipses broadcast like numpy: [2,3] against [3]
		{name: "ellipsis broadcast", op: graph.OpEinsum, attrs: ein("...i,...i->..."), in: []*dtype.Array{nnSeq(1, 2, 3), nnF32([]int{3}, 1, 0, -1)},
			want: nnWant(nnF32([]int{2}, -2, -2))},
		{name: "implicit ellipsis first", op: graph.OpEinsum, attrs: ein("i...->"), in: []*dtype.Array{nnSeq(1, 2, 2)},
			want: nnWant(nnF32(nil, 10))},
		{name: "implicit ellipsis kept", op: graph.OpEinsum, attrs: ein("i..."), in: []*dtype.Array{nnSeq(1, 2, 3)},
			want: nnWant(nnF32([]int{3, 2}, 1, 4, 2, 5, 3, 6))},
		{name: "three operands", op: graph.OpEinsum, attrs: ein("i,i,i->"), in: []*dtype.Array{nnSeq(1, 2), nnSeq(3, 2), nnSeq(5, 2)},
			want: nnWant(nnF32(nil, 63))},
		{name: "batched matmul", op: graph.OpEinsum, attrs: ein("bij,bjk->bik"), in: []*dtype.Array{nnSeq(1, 2, 1, 2), nnSeq(1, 2, 2, 1)},
			want: nnWant(nnF32([]int{2, 1, 1}, 5, 25))},
		{name: "scalar", op: graph.OpEinsum, attrs: ein("->"), in: []*dtype.Array{nnArr(dtype.F64, nil, 2.5)},
			want: nnWant(nnArr(dtype.F64, nil, 2.5))},
		{name: "int64", op: graph.OpEinsum, attrs: ein("ij,ij->i"), in: []*dtype.Array{nnArr(dtype.I64, []int{1, 2}, 3, 4), nnArr(dtype.I64, []int{1, 2}, 5, 6)},
			want: nnWant(nnArr(dtype.I64, []int{1}, 39))},
		{name: "empty sum", op: graph.OpEinsum, attrs: ein("ij->i"), in: []*dtype.Array{nnF32([]int{2, 0})},
			want: nnWant(nnF32([]int{2}, 0, 0))},
		{name: "term count", op: graph.OpEinsum, attrs: ein("ij,jk->ik"), in: []*dtype.Array{m22}, err: "2 terms for 1 inputs"},
		{name: "letters for rank", op: graph.OpEinsum, attrs: ein("ijk"), in: []*dtype.Array{m22}, err: "3 letters"},
		{name: "size clash", op: graph.OpEinsum, attrs: ein("ij,jk"), in: []*dtype.Array{m22, nnSeq(1, 3, 2)}, err: "size"},
		{name: "diagonal of non-square", op: graph.OpEinsum, attrs: ein("ii"), in: []*dtype.Array{nnSeq(1, 2, 3)}, err: "repeated index"},
		{name: "unknown output letter", op: graph.OpEinsum, attrs: ein("ij->k"), in: []*dtype.Array{m22}, err: "in no input"},
		{name: "repeated output letter", op: graph.OpEinsum, attrs: ein("ij->ii"), in: []*dtype.Array{m22}, err: "repeated"},
		{name: "bad character", op: graph.OpEinsum, attrs: ein("i1"), in: []*dtype.Array{m22}, err: "character"},
		{name: "two ellipses", op: graph.OpEinsum, attrs: ein("......"), in: []*dtype.Array{m22}, err: "two ellipses"},
		{name: "kinds differ", op: graph.OpEinsum, attrs: ein("i,i"), in: []*dtype.Array{nnSeq(1, 2), nnArr(dtype.F64, []int{2}, 1, 2)}, err: "input 1 is f64"},
	})
}
