package graph

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/kiln-hls/kiln/ir/dtype"
)

func TestMacsNN(t *testing.T) {
	m := func(shape ...int) Meta { return Meta{Kind: dtype.F32, Shape: shape} }
	u8 := func(shape ...int) Meta { return Meta{Kind: dtype.U8, Shape: shape} }
	cases := []struct {
		name    string
		op      Op
		attrs   Attrs
		in, out []Meta
		want    int64
	}{
		// 1x4x8x8 outputs, each 3 channels × 3x3 taps
		{"conv", OpConv, ConvAttrs{Pads: []int{1, 1, 1, 1}}, []Meta{m(1, 3, 8, 8), m(4, 3, 3, 3)}, []Meta{m(1, 4, 8, 8)}, 256 * 27},
		// depthwise: one input channel per output
		{"depthwise conv", OpConv, ConvAttrs{Group: 4}, []Meta{m(2, 4, 6, 6), m(4, 1, 3, 3)}, []Meta{m(2, 4, 4, 4)}, 128 * 9},
		{"qlinearconv", OpQLinearConv, ConvAttrs{}, []Meta{u8(1, 2, 5), m(), u8(), u8(3, 2, 2), m(), u8(), m(), u8()}, []Meta{u8(1, 3, 4)}, 12 * 4},
		{"gemm", OpGemm, GemmAttrs{TransB: true}, []Meta{m(4, 10), m(8, 10), m(8)}, []Meta{m(4, 8)}, 4 * 8 * 10},
		{"batched matmul", OpMatMul, NoAttrs{}, []Meta{m(2, 3, 4), m(4, 5)}, []Meta{m(2, 3, 5)}, 2 * 3 * 5 * 4},
		{"vector matmul", OpMatMul, NoAttrs{}, []Meta{m(4), m(4)}, []Meta{m()}, 4},
		{"einsum matmul", OpEinsum, EinsumAttrs{Equation: "ij,jk->ik"}, []Meta{m(2, 3), m(3, 4)}, []Meta{m(2, 4)}, 24},
		{"einsum one operand", OpEinsum, EinsumAttrs{Equation: "ii"}, []Meta{m(3, 3)}, []Meta{m()}, 0},
		{"pool", OpMaxPool, PoolAttrs{KernelShape: []int{2}}, []Meta{m(1, 1, 4)}, []Meta{m(1, 1, 3)}, 0},
		{"norm", OpBatchNormalization, NormAttrs{}, []Meta{m(1, 2), m(2), m(2), m(2), m(2)}, []Meta{m(1, 2)}, 0},
		{"bad gemm", OpGemm, GemmAttrs{}, []Meta{m(4, 10), m(8, 10)}, []Meta{m(4, 8)}, 0},
		{"saturates", OpMatMul, NoAttrs{}, []Meta{m(1<<31, 1<<31), m(1<<31, 1<<31)}, []Meta{m(1<<31, 1<<31)}, math.MaxInt64},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := &Node{Op: c.op, Attrs: c.attrs}
			assert.Equal(t, c.want, macsNN(n, c.in, c.out))
		})
	}
}

func TestSparseMatMulMACs(t *testing.T) {
	// A constant 4×4 with 3 non-zeros times a [2,4,5] operand: 3·5 MACs per
	// batch, 2 batches; a dense constant counts in full.
	sparse := dtype.FromF32([]int{4, 4}, []float32{1, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 3})
	dense := dtype.FromF32([]int{4, 4}, []float32{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0})
	x := Meta{Kind: dtype.F32, Shape: []int{2, 4, 5}}
	out := []Meta{{Kind: dtype.F32, Shape: []int{2, 4, 5}}}
	n := &Node{Op: OpMatMul, Attrs: NoAttrs{}}
	assert.Equal(t, int64(30), MACs(n, []Meta{{Kind: dtype.F32, Shape: []int{4, 4}, Value: sparse}, x}, out))
	assert.Equal(t, int64(2*4*5*4), MACs(n, []Meta{{Kind: dtype.F32, Shape: []int{4, 4}, Value: dense}, x}, out))
	// constant on the right: [2,5,4]·S(4×4) = 3 non-zeros × M=5 × 2
	xr := Meta{Kind: dtype.F32, Shape: []int{2, 5, 4}}
	outR := []Meta{{Kind: dtype.F32, Shape: []int{2, 5, 4}}}
	assert.Equal(t, int64(30), MACs(n, []Meta{xr, {Kind: dtype.F32, Shape: []int{4, 4}, Value: sparse}}, outR))
}
