package eval_test

import (
	"testing"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func TestGemm(t *testing.T) {
	a := nnSeq(1, 2, 3) // [[1 2 3] [4 5 6]]
	b := nnSeq(1, 3, 2) // [[1 2] [3 4] [5 6]]
	// A·B = [[22 28] [49 64]]
	nnRun(t, []nnCase{
		{name: "plain", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1, Beta: 1},
			in: []*dtype.Array{a, b}, want: nnWant(nnF32([]int{2, 2}, 22, 28, 49, 64))},
		{name: "alpha beta row bias", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 0.5, Beta: 2},
			in: []*dtype.Array{a, b, nnF32([]int{2}, 1, 2)}, want: nnWant(nnF32([]int{2, 2}, 13, 18, 26.5, 36))},
		{name: "column bias", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1, Beta: 1},
			in: []*dtype.Array{a, b, nnF32([]int{2, 1}, 1, 2)}, want: nnWant(nnF32([]int{2, 2}, 23, 29, 51, 66))},
		// Aᵀ and Bᵀ given: (Aᵀ)ᵀ·(Bᵀ)ᵀ is A·B again.
		{name: "transposed", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1, Beta: 1, TransA: true, TransB: true},
			in:   []*dtype.Array{nnF32([]int{3, 2}, 1, 4, 2, 5, 3, 6), nnF32([]int{2, 3}, 1, 3, 5, 2, 4, 6), nnF32(nil, 1)},
			want: nnWant(nnF32([]int{2, 2}, 23, 29, 50, 65))},
		{name: "f64", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1, Beta: 0},
			in:   []*dtype.Array{nnArr(dtype.F64, []int{1, 2}, 1, 2), nnArr(dtype.F64, []int{2, 1}, 3, 4), nnArr(dtype.F64, nil, 100)},
			want: nnWant(nnArr(dtype.F64, []int{1, 1}, 11))},
		{name: "int32", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1, Beta: 1},
			in:   []*dtype.Array{nnArr(dtype.I32, []int{2, 2}, 1, 2, 3, 4), nnArr(dtype.I32, []int{2, 2}, 1, 0, 0, 1), nnArr(dtype.I32, nil, 5)},
			want: nnWant(nnArr(dtype.I32, []int{2, 2}, 6, 7, 8, 9))},
		// ONNX's reference truncates alpha·A·B + beta·C back to the integers
		{name: "int64 alpha", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 0.5, Beta: 1},
			in:   []*dtype.Array{nnArr(dtype.I64, []int{1, 1}, 3), nnArr(dtype.I64, []int{1, 1}, 3)},
			want: nnWant(nnArr(dtype.I64, []int{1, 1}, 4))},
		{name: "empty K", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1, Beta: 1},
			in:   []*dtype.Array{nnF32([]int{2, 0}), nnF32([]int{0, 1}), nnF32([]int{1}, 7)},
			want: nnWant(nnF32([]int{2, 1}, 7, 7))},
		{name: "inner mismatch", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1},
			in: []*dtype.Array{a, a}, err: "inner dimensions differ"},
		{name: "C does not broadcast", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1},
			in: []*dtype.Array{a, b, nnF32([]int{3}, 1, 2, 3)}, err: "C: shape [3] does not broadcast"},
		{name: "vector A", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1},
			in: []*dtype.Array{nnF32([]int{3}, 1, 2, 3), b}, err: "matrices"},
		{name: "bool", op: graph.OpGemm, attrs: graph.GemmAttrs{Alpha: 1},
			in: []*dtype.Array{nnArr(dtype.Bool, []int{1, 1}, 1), nnArr(dtype.Bool, []int{1, 1}, 1)}, err: "Gemm does not take"},
	})
}

func TestMatMul(t *testing.T) {
	nnRun(t, []nnCase{
		{name: "vector·vector", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 3), nnSeq(4, 3)}, want: nnWant(nnF32(nil, 32))},
		{name: "vector·matrix", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 2), nnSeq(1, 2, 3)},
			want: nnWant(nnF32([]int{3}, 9, 12, 15))},
		{name: "matrix·vector", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 2, 3), nnF32([]int{3}, 1, 0, -1)},
			want: nnWant(nnF32([]int{2}, -2, -2))},
		// A is two 1x2 matrices, B one 2x1 broadcast to both
		{name: "batch broadcast", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 2, 1, 2), nnF32([]int{2, 1}, 1, 1)},
			want: nnWant(nnF32([]int{2, 1, 1}, 3, 7))},
		{name: "batch both", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 2, 1, 1, 1), nnSeq(1, 3, 1, 1)},
			want: nnWant(nnF32([]int{2, 3, 1, 1}, 1, 2, 3, 2, 4, 6))},
		{name: "vector·batch", op: graph.OpMatMul, in: []*dtype.Array{nnF32([]int{2}, 1, 1), nnSeq(1, 2, 2, 1)},
			want: nnWant(nnF32([]int{2, 1}, 3, 7))},
		{name: "int64", op: graph.OpMatMul, in: []*dtype.Array{nnArr(dtype.I64, []int{1, 2}, 1e12, 1), nnArr(dtype.I64, []int{2, 1}, 3, 5)},
			want: nnWant(nnArr(dtype.I64, []int{1, 1}, 3e12+5))},
		{name: "uint32 wraps", op: graph.OpMatMul, in: []*dtype.Array{nnArr(dtype.U32, []int{1, 1}, 1<<31), nnArr(dtype.U32, []int{1, 1}, 2)},
			want: nnWant(nnArr(dtype.U32, []int{1, 1}, 0))},
		{name: "f16", op: graph.OpMatMul, in: []*dtype.Array{nnArr(dtype.F16, []int{1, 2}, 1, 2), nnArr(dtype.F16, []int{2, 1}, 0.5, 0.25)},
			want: nnWant(nnArr(dtype.F16, []int{1, 1}, 1))},
		{name: "inner mismatch", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 2, 3), nnSeq(1, 2, 3)}, err: "inner dimensions"},
		{name: "batch mismatch", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 2, 1, 1), nnSeq(1, 3, 1, 1)}, err: "batch axes"},
		{name: "scalar", op: graph.OpMatMul, in: []*dtype.Array{nnF32(nil, 1), nnF32(nil, 1)}, err: "rank at least 1"},
		{name: "kinds differ", op: graph.OpMatMul, in: []*dtype.Array{nnSeq(1, 1, 1), nnArr(dtype.F64, []int{1, 1}, 1)}, err: "B is f64"},
	})
}

func TestMatMulInteger(t *testing.T) {
	u8 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.U8, shape, v...) }
	i32 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.I32, shape, v...) }
	a := u8([]int{4, 3}, 11, 7, 3, 10, 6, 2, 9, 5, 1, 8, 4, 0)
	b := u8([]int{3, 2}, 1, 4, 2, 5, 3, 6)
	nnRun(t, []nnCase{
		// Operators.md, MatMulInteger example.
		{name: "spec", op: graph.OpMatMulInteger, in: []*dtype.Array{a, b, u8(nil, 12), u8(nil, 0)},
			want: nnWant(i32([]int{4, 2}, -38, -83, -44, -98, -50, -113, -56, -128))},
		{name: "no zero points", op: graph.OpMatMulInteger, in: []*dtype.Array{u8([]int{1, 2}, 255, 255), u8([]int{2, 1}, 255, 255)},
			want: nnWant(i32([]int{1, 1}, 130050))},
		// per row of A ([M]) and per column of B ([N])
		{name: "per row and column", op: graph.OpMatMulInteger,
			in:   []*dtype.Array{u8([]int{2, 1}, 5, 5), u8([]int{1, 2}, 3, 3), u8([]int{2}, 1, 2), u8([]int{2}, 0, 1)},
			want: nnWant(i32([]int{2, 2}, 12, 8, 9, 6))},
		{name: "signed batched", op: graph.OpMatMulInteger,
			in:   []*dtype.Array{nnArr(dtype.I8, []int{2, 1, 1}, -128, 127), nnArr(dtype.I8, []int{1, 1}, -128)},
			want: nnWant(i32([]int{2, 1, 1}, 16384, -16256))},
		{name: "zero point shape", op: graph.OpMatMulInteger, in: []*dtype.Array{a, b, u8([]int{3}, 1, 2, 3)}, err: "a_zero_point"},
		{name: "float input", op: graph.OpMatMulInteger, in: []*dtype.Array{nnSeq(1, 1, 1), b}, err: "A is f32"},
	})
}

func TestQLinearMatMul(t *testing.T) {
	u8 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.U8, shape, v...) }
	// Operators.md, QLinearMatMul example (2-D, uint8, float32 scales).
	spec := []*dtype.Array{
		u8([]int{2, 4}, 208, 236, 0, 238, 3, 214, 255, 29), nnF32([]int{1}, 0.0066), u8([]int{1}, 113),
		u8([]int{4, 3}, 152, 51, 244, 60, 26, 255, 0, 127, 246, 127, 254, 247), nnF32([]int{1}, 0.00705), u8([]int{1}, 114),
		nnF32([]int{1}, 0.0107), u8([]int{1}, 118),
	}
	f16 := make([]*dtype.Array, len(spec))
	copy(f16, spec)
	for _, i := range []int{1, 4, 6} {
		f16[i] = nnArr(dtype.F16, []int{1}, spec[i].At(0))
	}
	nnRun(t, []nnCase{
		{name: "spec uint8", op: graph.OpQLinearMatMul, in: spec, want: nnWant(u8([]int{2, 3}, 168, 115, 255, 1, 66, 151))},
		{name: "spec float16 scales", op: graph.OpQLinearMatMul, in: f16, want: nnWant(u8([]int{2, 3}, 168, 115, 255, 1, 66, 151))},
		// a_scale per row: [1 2]; y = 10·scale
		{name: "per row scale", op: graph.OpQLinearMatMul,
			in: []*dtype.Array{u8([]int{2, 1}, 10, 10), nnF32([]int{2}, 1, 2), u8([]int{2}, 0, 0),
				u8([]int{1, 1}, 1), nnF32(nil, 1), u8(nil, 0), nnF32(nil, 1), u8(nil, 0)},
			want: nnWant(u8([]int{2, 1}, 10, 20))},
		// 0.5 and 1.5 round half to even: 0 and 2; 2.5 → 2, then + zero point 1
		{name: "half to even", op: graph.OpQLinearMatMul,
			in: []*dtype.Array{u8([]int{3, 1}, 1, 3, 5), nnF32(nil, 0.5), u8(nil, 0),
				u8([]int{1, 1}, 1), nnF32(nil, 1), u8(nil, 0), nnF32(nil, 1), nnArr(dtype.I8, nil, 1)},
			want: nnWant(nnArr(dtype.I8, []int{3, 1}, 1, 3, 3))},
		{name: "scale shape", op: graph.OpQLinearMatMul,
			in:  []*dtype.Array{spec[0], nnF32([]int{3}, 1, 1, 1), spec[2], spec[3], spec[4], spec[5], spec[6], spec[7]},
			err: "a_scale"},
	})
}

func TestQLinearMatMulEdges(t *testing.T) {
	u8 := func(shape []int, v ...float64) *dtype.Array { return nnArr(dtype.U8, shape, v...) }
	one := func() []*dtype.Array { return []*dtype.Array{nnF32(nil, 1), u8(nil, 3)} }
	nnRun(t, []nnCase{
		// K = 0: every accumulator is 0, the output is the zero point
		{name: "empty K", op: graph.OpQLinearMatMul,
			in:   []*dtype.Array{u8([]int{2, 0}), one()[0], one()[1], u8([]int{0, 2}), one()[0], one()[1], one()[0], one()[1]},
			want: nnWant(u8([]int{2, 2}, 3, 3, 3, 3))},
		// b_scale per column of a batched B: [2, 1, N]
		{name: "batched per column", op: graph.OpQLinearMatMul,
			in: []*dtype.Array{u8([]int{1, 1}, 2), nnF32(nil, 1), u8(nil, 0),
				u8([]int{2, 1, 2}, 1, 1, 1, 1), nnF32([]int{2, 1, 2}, 1, 2, 3, 4), u8(nil, 0), nnF32(nil, 1), u8(nil, 0)},
			want: nnWant(u8([]int{2, 1, 2}, 2, 4, 6, 8))},
		{name: "vector operands", op: graph.OpQLinearMatMul,
			in:   []*dtype.Array{u8([]int{2}, 1, 2), one()[0], u8(nil, 0), u8([]int{2}, 3, 4), one()[0], u8(nil, 0), nnF32(nil, 2), u8(nil, 0)},
			want: nnWant(u8(nil, 6))},
	})
}
