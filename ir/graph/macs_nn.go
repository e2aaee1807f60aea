package graph

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// macsNN counts the multiply-accumulates of one neural-network layer:
//   - Conv, ConvInteger, QLinearConv: output elements × C_in/group × kernel
//     size (every tap of every window, padding included);
//   - Gemm: M·N·K; MatMul, MatMulInteger, QLinearMatMul: M·N·K per batch
//     (output elements × K);
//   - Einsum: the product of all index sizes times (operands - 1), the
//     multiplications of the direct sum; a one-operand Einsum only adds;
//   - pools and normalisations: 0 (they add and compare, never multiply-
//     accumulate a weight).
//
// A node whose inputs do not check gives 0; the count saturates at MaxInt64.
func macsNN(n *Node, in []Meta, out []Meta) int64 {
	if len(out) == 0 || len(in) < 2 {
		return 0
	}
	switch n.Op {
	case OpConv, OpConvInteger, OpQLinearConv:
		w := in[1].Shape
		if n.Op == OpQLinearConv {
			if len(in) < 4 {
				return 0
			}
			w = in[3].Shape
		}
		if len(w) < 2 {
			return 0
		}
		return nnMulSat(append([]int{nnSizeSat(out[0].Shape)}, w[1:]...))
	case OpGemm:
		a, ok := n.Attrs.(GemmAttrs)
		if !ok {
			return 0
		}
		m, k, nn, err := GemmDims(a, in[0].Shape, in[1].Shape)
		if err != nil {
			return 0
		}
		return nnMulSat([]int{m, k, nn})
	case OpMatMul, OpMatMulInteger, OpQLinearMatMul:
		a := in[0].Shape // K is A's last axis, also for a 1-D A
		if len(a) == 0 {
			return 0
		}
		if n.Op == OpMatMul {
			if m, ok := sparseMatMulMACs(in, out[0].Shape); ok {
				return m
			}
		}
		return nnMulSat([]int{nnSizeSat(out[0].Shape), a[len(a)-1]})
	case OpEinsum:
		a, ok := n.Attrs.(EinsumAttrs)
		if !ok {
			return 0
		}
		shapes := make([][]int, len(in))
		for i, m := range in {
			shapes[i] = m.Shape
		}
		p, err := ParseEinsum(a.Equation, shapes)
		if err != nil {
			return 0
		}
		return nnMulSat(append(p.Sizes, len(in)-1))
	}
	return 0
}

// nnSizeSat is the element count of a shape, saturated to fit an int.
func nnSizeSat(s []int) int {
	v := nnMulSat(s)
	if v > math.MaxInt {
		return math.MaxInt
	}
	return int(v)
}

// nnMulSat multiplies non-negative factors, saturating at MaxInt64.
func nnMulSat(f []int) int64 {
	total := int64(1)
	for _, x := range f {
		if x <= 0 {
			return 0
		}
		if total > math.MaxInt64/int64(x) {
			return math.MaxInt64
		}
		total *= int64(x)
	}
	return total
}

// SparseDensity is the density (non-zeros over elements) at or below which
// a constant 2-D MatMul operand counts as sparse: its zeros are skipped, as
// kiln's lowering of such products (the graph convolution's normalised
// adjacency) loops over the non-zeros only.
const SparseDensity = 0.5

// sparseMatMulMACs counts a MatMul with a sparse constant 2-D operand as
// non-zeros × the other operand's free dimension × batch: for the STGCN's
// Ŝ·H (68×68, 151 non-zeros) that is 151·32 per time step, the count of
// PAPER_MODELS.md §4.1, not 68·68·32.
func sparseMatMulMACs(in []Meta, out []int) (int64, bool) {
	if len(out) < 2 {
		return 0, false
	}
	for i, m := range in[:2] {
		v := m.Value
		if v == nil || len(m.Shape) != 2 || !isSparse(v) {
			continue
		}
		nnz := nonZeros(v)
		free := out[len(out)-1] // N, for a constant A (M×K)
		if i == 1 {
			free = out[len(out)-2] // M, for a constant B (K×N)
		}
		rows := nnSizeSat(out) / max(out[len(out)-1]*out[len(out)-2], 1) // batch
		return nnMulSat([]int{nnz, free, rows}), true
	}
	return 0, false
}

// nonZeros counts the non-zero elements of a.
func nonZeros(a *dtype.Array) int {
	nnz := 0
	for j := 0; j < a.Len(); j++ {
		if a.At(j) != 0 {
			nnz++
		}
	}
	return nnz
}

// isSparse reports whether a float constant has a density at or below
// SparseDensity.
func isSparse(a *dtype.Array) bool {
	return a.Len() > 0 && a.Kind.IsFloat() && float64(nonZeros(a)) <= SparseDensity*float64(a.Len())
}
