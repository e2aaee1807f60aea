package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// nnKernels is the kernel table of the neural-network layers.
var nnKernels = []KernelDef{
	{graph.OpConv, runConv},
	{graph.OpConvInteger, runConvInteger},
	{graph.OpQLinearConv, runQLinearConv},
	{graph.OpAveragePool, runPool},
	{graph.OpMaxPool, runPool},
	{graph.OpGlobalAveragePool, runGlobalPool},
	{graph.OpGlobalMaxPool, runGlobalPool},
	{graph.OpGemm, runGemm},
	{graph.OpMatMul, runMatMul},
	{graph.OpMatMulInteger, runMatMulInteger},
	{graph.OpQLinearMatMul, runQLinearMatMul},
	{graph.OpEinsum, runEinsum},
	{graph.OpBatchNormalization, runBatchNorm},
	{graph.OpInstanceNormalization, runInstanceNorm},
	{graph.OpLayerNormalization, runLayerNorm},
}

// nnFloat is the element type float kernels compute in: float32 for f32 and
// the narrower float kinds (rounded to their kind at the end), float64 for
// f64.
type nnFloat interface{ float32 | float64 }

// nnNum is every element type an Array stores numbers in.
type nnNum interface {
	float32 | float64 | int64 | uint64
}

// nnData returns the slice holding a's elements as []T; T must match a's
// storage class.
func nnData[T nnNum](a *dtype.Array) []T {
	var v any
	switch any(*new(T)).(type) {
	case float32:
		v = a.F32
	case float64:
		v = a.F64
	case int64:
		v = a.I64
	case uint64:
		v = a.U64
	}
	s, ok := v.([]T)
	if !ok || s == nil && a.Len() > 0 {
		panic(fmt.Sprintf("eval: %v array read as %T (kiln bug)", a.Kind, s))
	}
	return s
}

// nnIsDouble reports whether a float array is stored as float64.
func nnIsDouble(a *dtype.Array) bool { return a.Kind.Class() == dtype.ClassDouble }

// nnRound rounds the float32 elements of an array of a narrow float
// kind (f16, bf16…) to that kind; f32 and f64 arrays are left as they are.
func nnRound(a *dtype.Array) *dtype.Array {
	if a.Kind == dtype.F32 || a.Kind.Class() != dtype.ClassFloat {
		return a
	}
	for i, v := range a.F32 {
		a.F32[i] = float32(dtype.RoundFloat(a.Kind, float64(v), false))
	}
	return a
}

// nnFloats64 reads a small float or integer array (scales, zero points,
// per-channel parameters) as float64.
func nnFloats64(a *dtype.Array) []float64 {
	out := make([]float64, a.Len())
	for i := range out {
		out[i] = a.At(i)
	}
	return out
}

// nnUnravel writes the multi-index of flat index i in shape into idx.
func nnUnravel(i int, shape, idx []int) {
	for d := len(shape) - 1; d >= 0; d-- {
		idx[d] = i % shape[d]
		i /= shape[d]
	}
}
