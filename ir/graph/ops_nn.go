package graph

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// nnOps is the op table of the neural-network layers.
var nnOps = []OpDef{
	{OpConv, "Conv", "N-D convolution of X by W (+ B), with groups, strides, dilations and pads", inferConv, 2, 3, 1, 1},
	{OpConvInteger, "ConvInteger", "integer convolution of x-x_zero_point by w-w_zero_point into int32", inferConvInteger, 2, 4, 1, 1},
	{OpQLinearConv, "QLinearConv", "quantised convolution: int32 accumulation, requantised to y_scale/y_zero_point", inferQLinearConv, 8, 9, 1, 1},
	{OpAveragePool, "AveragePool", "mean over each sliding window", inferPool, 1, 1, 1, 1},
	{OpMaxPool, "MaxPool", "maximum over each sliding window, and optionally where it is", inferPool, 1, 1, 1, 2},
	{OpGlobalAveragePool, "GlobalAveragePool", "mean over all spatial positions of each channel", inferGlobalPool, 1, 1, 1, 1},
	{OpGlobalMaxPool, "GlobalMaxPool", "maximum over all spatial positions of each channel", inferGlobalPool, 1, 1, 1, 1},
	{OpGemm, "Gemm", "Y = alpha·A'·B' + beta·C for matrices, C broadcast to Y", inferGemm, 2, 3, 1, 1},
	{OpMatMul, "MatMul", "matrix product with numpy matmul semantics", inferMatMul, 2, 2, 1, 1},
	{OpMatMulInteger, "MatMulInteger", "integer matmul of A-a_zero_point by B-b_zero_point into int32", inferMatMulInteger, 2, 4, 1, 1},
	{OpQLinearMatMul, "QLinearMatMul", "quantised matmul: int32 accumulation, requantised to y_scale/y_zero_point", inferQLinearMatMul, 8, 8, 1, 1},
	{OpEinsum, "Einsum", "Einstein summation over an index equation", inferEinsum, 1, nnMaxInputs, 1, 1},
	{OpBatchNormalization, "BatchNormalization", "per-channel (X-mean)/sqrt(var+epsilon)·scale + B with stored statistics", inferBatchNorm, 5, 5, 1, 3},
	{OpInstanceNormalization, "InstanceNormalization", "normalise each channel of each instance over its spatial axes, then scale and shift", inferInstanceNorm, 3, 3, 1, 1},
	{OpLayerNormalization, "LayerNormalization", "normalise over the axes from axis on, then scale and shift", inferLayerNorm, 2, 3, 1, 3},
}

// nnMaxInputs bounds variadic operators.
const nnMaxInputs = 1 << 16

func nnConvAttrs(n *Node) (ConvAttrs, error) {
	a, ok := n.Attrs.(ConvAttrs)
	if !ok {
		return a, fmt.Errorf("attributes are %T, want graph.ConvAttrs", n.Attrs)
	}
	return a, nil
}

// ConvGroup is the node's group count (0 in the attributes means 1).
func (a ConvAttrs) ConvGroup() int { return max(a.Group, 1) }

// nnConvOut checks the channel arithmetic and returns the window and the
// output shape N x M x O1…
func nnConvOut(a ConvAttrs, x, w []int) (Window, []int, error) {
	win, err := ConvWindow(a, x, w)
	if err != nil {
		return win, nil, err
	}
	g := a.ConvGroup()
	if a.Group < 0 {
		return win, nil, fmt.Errorf("group %d, want at least 1", a.Group)
	}
	if w[1]*g != x[1] {
		return win, nil, fmt.Errorf("input has %d channels, weight has %d per group × %d groups", x[1], w[1], g)
	}
	if w[0]%g != 0 {
		return win, nil, fmt.Errorf("%d output channels do not divide into %d groups", w[0], g)
	}
	return win, append([]int{x[0], w[0]}, win.Out...), nil
}

func inferConv(n *Node, in []Meta) ([]Meta, error) {
	a, err := nnConvAttrs(n)
	if err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	if w.Kind != x.Kind {
		return nil, fmt.Errorf("W is %v, X is %v", w.Kind, x.Kind)
	}
	_, out, err := nnConvOut(a, x.Shape, w.Shape)
	if err != nil {
		return nil, err
	}
	if len(in) > 2 && in[2].Present() {
		if err := nnVector("B", in[2], x.Kind, w.Shape[0]); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: x.Kind, Shape: out}}, nil
}

func inferConvInteger(n *Node, in []Meta) ([]Meta, error) {
	a, err := nnConvAttrs(n)
	if err != nil {
		return nil, err
	}
	x, w := in[0], in[1]
	if err := nnInt8("x", x.Kind); err != nil {
		return nil, err
	}
	if err := nnInt8("w", w.Kind); err != nil {
		return nil, err
	}
	_, out, err := nnConvOut(a, x.Shape, w.Shape)
	if err != nil {
		return nil, err
	}
	if len(in) > 2 && in[2].Present() {
		if err := nnScalar("x_zero_point", in[2], x.Kind); err != nil {
			return nil, err
		}
	}
	if len(in) > 3 && in[3].Present() {
		if err := nnScalarOrVector("w_zero_point", in[3], w.Kind, w.Shape[0]); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: dtype.I32, Shape: out}}, nil
}

// QLinearConv inputs: x, x_scale, x_zero_point, w, w_scale, w_zero_point,
// y_scale, y_zero_point, B.
func inferQLinearConv(n *Node, in []Meta) ([]Meta, error) {
	a, err := nnConvAttrs(n)
	if err != nil {
		return nil, err
	}
	x, w, yzp := in[0], in[3], in[7]
	for _, c := range []struct {
		name string
		k    dtype.Kind
	}{{"x", x.Kind}, {"w", w.Kind}, {"y_zero_point", yzp.Kind}} {
		if err := nnInt8(c.name, c.k); err != nil {
			return nil, err
		}
	}
	_, out, err := nnConvOut(a, x.Shape, w.Shape)
	if err != nil {
		return nil, err
	}
	m := w.Shape[0]
	checks := []error{
		nnScalar("x_zero_point", in[2], x.Kind),
		nnScalarOrVector("w_zero_point", in[5], w.Kind, m),
		nnScalar("y_zero_point", yzp, yzp.Kind),
		nnScale("x_scale", in[1], 1),
		nnScale("w_scale", in[4], m),
		nnScale("y_scale", in[6], 1),
	}
	if len(in) > 8 && in[8].Present() {
		checks = append(checks, nnVector("B", in[8], dtype.I32, m))
	}
	for _, err := range checks {
		if err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: yzp.Kind, Shape: out}}, nil
}

func inferPool(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(PoolAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want graph.PoolAttrs", n.Attrs)
	}
	x := in[0]
	if !x.Kind.IsFloat() && !(n.Op == OpMaxPool && (x.Kind == dtype.I8 || x.Kind == dtype.U8)) {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	if a.StorageOrder != 0 && a.StorageOrder != 1 {
		return nil, fmt.Errorf("storage_order %d, want 0 or 1", a.StorageOrder)
	}
	win, err := PoolWindow(a, x.Shape)
	if err != nil {
		return nil, err
	}
	shape := append([]int{x.Shape[0], x.Shape[1]}, win.Out...)
	out := []Meta{{Kind: x.Kind, Shape: shape}}
	if len(n.Out) > 1 {
		out = append(out, Meta{Kind: dtype.I64, Shape: slices.Clone(shape)})
	}
	return out, nil
}

func inferGlobalPool(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	if len(x.Shape) < 2 {
		return nil, fmt.Errorf("X has rank %d, want at least 2 (N x C x D1…)", len(x.Shape))
	}
	shape := slices.Clone(x.Shape)
	for i := 2; i < len(shape); i++ {
		shape[i] = 1
	}
	return []Meta{{Kind: x.Kind, Shape: shape}}, nil
}

func inferEinsum(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(EinsumAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want graph.EinsumAttrs", n.Attrs)
	}
	shapes := make([][]int, len(in))
	for i, m := range in {
		if !m.Present() {
			return nil, fmt.Errorf("input %d is absent", i)
		}
		if m.Kind != in[0].Kind {
			return nil, fmt.Errorf("input %d is %v, input 0 is %v", i, m.Kind, in[0].Kind)
		}
		shapes[i] = m.Shape
	}
	if !in[0].Kind.IsFloat() && !in[0].Kind.IsInt() {
		return nil, fmt.Errorf("inputs are %v, want numbers", in[0].Kind)
	}
	p, err := ParseEinsum(a.Equation, shapes)
	if err != nil {
		return nil, err
	}
	return []Meta{{Kind: in[0].Kind, Shape: p.OutShape()}}, nil
}

func nnInt8(name string, k dtype.Kind) error {
	if k != dtype.I8 && k != dtype.U8 {
		return fmt.Errorf("%s is %v, want i8 or u8", name, k)
	}
	return nil
}

// nnVector checks a 1-D operand of length n (kind Invalid: any float kind).
func nnVector(name string, m Meta, k dtype.Kind, n int) error {
	if k == dtype.Invalid && !m.Kind.IsFloat() {
		return fmt.Errorf("%s is %v, want a float kind", name, m.Kind)
	}
	if k != dtype.Invalid && m.Kind != k {
		return fmt.Errorf("%s is %v, want %v", name, m.Kind, k)
	}
	if len(m.Shape) != 1 || m.Shape[0] != n {
		return fmt.Errorf("%s has shape %v, want [%d]", name, m.Shape, n)
	}
	return nil
}

// nnScalar checks a per-tensor operand: a scalar or a one-element vector.
func nnScalar(name string, m Meta, k dtype.Kind) error {
	if m.Kind != k {
		return fmt.Errorf("%s is %v, want %v", name, m.Kind, k)
	}
	if len(m.Shape) > 1 || dtype.Size(m.Shape) != 1 {
		return fmt.Errorf("%s has shape %v, want a scalar", name, m.Shape)
	}
	return nil
}

// nnScalarOrVector checks a per-tensor or per-channel (n channels) operand.
func nnScalarOrVector(name string, m Meta, k dtype.Kind, n int) error {
	if m.Kind != k {
		return fmt.Errorf("%s is %v, want %v", name, m.Kind, k)
	}
	if len(m.Shape) > 1 || len(m.Shape) == 1 && m.Shape[0] != 1 && m.Shape[0] != n {
		return fmt.Errorf("%s has shape %v, want a scalar or [%d]", name, m.Shape, n)
	}
	return nil
}

// nnScale checks a scale: a float scalar, or a vector of n.
func nnScale(name string, m Meta, n int) error {
	if !m.Kind.IsFloat() {
		return fmt.Errorf("%s is %v, want a float kind", name, m.Kind)
	}
	return nnScalarOrVector(name, m, m.Kind, n)
}
