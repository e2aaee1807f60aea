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

// matmulKinds are the element kinds of Gemm and MatMul.
func nnMatMulKind(k dtype.Kind) bool {
	switch k {
	case dtype.F32, dtype.F64, dtype.F16, dtype.BF16, dtype.I32, dtype.I64, dtype.U32, dtype.U64:
		return true
	}
	return false
}

func inferGemm(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(GemmAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want graph.GemmAttrs", n.Attrs)
	}
	m, k, nn, err := GemmDims(a, in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	if !nnMatMulKind(in[0].Kind) {
		return nil, fmt.Errorf("A is %v, which Gemm does not take", in[0].Kind)
	}
	_ = k
	if in[1].Kind != in[0].Kind {
		return nil, fmt.Errorf("B is %v, A is %v", in[1].Kind, in[0].Kind)
	}
	out := []int{m, nn}
	if len(in) > 2 && in[2].Present() {
		if in[2].Kind != in[0].Kind {
			return nil, fmt.Errorf("C is %v, A is %v", in[2].Kind, in[0].Kind)
		}
		if err := Unidirectional(in[2].Shape, out); err != nil {
			return nil, fmt.Errorf("C: %w", err)
		}
	}
	return []Meta{{Kind: in[0].Kind, Shape: out}}, nil
}

// GemmDims gives M, K and N of a Gemm with A and B of the given shapes.
func GemmDims(a GemmAttrs, as, bs []int) (m, k, n int, err error) {
	if len(as) != 2 || len(bs) != 2 {
		return 0, 0, 0, fmt.Errorf("A has rank %d and B rank %d, Gemm wants matrices", len(as), len(bs))
	}
	m, k = as[0], as[1]
	if a.TransA {
		m, k = k, m
	}
	kb, n := bs[0], bs[1]
	if a.TransB {
		kb, n = n, kb
	}
	if k != kb {
		return 0, 0, 0, fmt.Errorf("A' is %dx%d and B' is %dx%d: inner dimensions differ", m, k, kb, n)
	}
	return m, k, n, nil
}

// Unidirectional checks that shape s broadcasts to target in numpy's way
// without growing target (ONNX's unidirectional broadcasting).
func Unidirectional(s, target []int) error {
	if len(s) > len(target) {
		return fmt.Errorf("shape %v has more axes than %v", s, target)
	}
	off := len(target) - len(s)
	for i, d := range s {
		if d != 1 && d != target[off+i] {
			return fmt.Errorf("shape %v does not broadcast to %v", s, target)
		}
	}
	return nil
}

// MatMulShape is the shape numpy.matmul gives for operands of shapes a and
// b: 1-D operands are promoted to matrices and the added axis removed, the
// batch axes broadcast.
func MatMulShape(a, b []int) ([]int, error) {
	if len(a) == 0 || len(b) == 0 {
		return nil, fmt.Errorf("MatMul operands must have rank at least 1, got %v and %v", a, b)
	}
	a2, b2 := a, b
	if len(a) == 1 {
		a2 = []int{1, a[0]}
	}
	if len(b) == 1 {
		b2 = []int{b[0], 1}
	}
	ra, rb := len(a2), len(b2)
	if a2[ra-1] != b2[rb-2] {
		return nil, fmt.Errorf("shapes %v and %v: inner dimensions %d and %d differ", a, b, a2[ra-1], b2[rb-2])
	}
	batch, err := BroadcastShapes(a2[:ra-2], b2[:rb-2])
	if err != nil {
		return nil, fmt.Errorf("batch axes: %w", err)
	}
	out := batch
	if len(a) > 1 {
		out = append(out, a2[ra-2])
	}
	if len(b) > 1 {
		out = append(out, b2[rb-1])
	}
	return out, nil
}

func inferMatMul(n *Node, in []Meta) ([]Meta, error) {
	if !nnMatMulKind(in[0].Kind) {
		return nil, fmt.Errorf("A is %v, which MatMul does not take", in[0].Kind)
	}
	if in[1].Kind != in[0].Kind {
		return nil, fmt.Errorf("B is %v, A is %v", in[1].Kind, in[0].Kind)
	}
	out, err := MatMulShape(in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, err
	}
	return []Meta{{Kind: in[0].Kind, Shape: out}}, nil
}

func inferMatMulInteger(n *Node, in []Meta) ([]Meta, error) {
	a, b := in[0], in[1]
	if err := nnInt8("A", a.Kind); err != nil {
		return nil, err
	}
	if err := nnInt8("B", b.Kind); err != nil {
		return nil, err
	}
	out, err := MatMulShape(a.Shape, b.Shape)
	if err != nil {
		return nil, err
	}
	if len(in) > 2 && in[2].Present() {
		if err := nnQuantParam("a_zero_point", in[2], a.Kind, a.Shape, true); err != nil {
			return nil, err
		}
	}
	if len(in) > 3 && in[3].Present() {
		if err := nnQuantParam("b_zero_point", in[3], b.Kind, b.Shape, false); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: dtype.I32, Shape: out}}, nil
}

// QLinearMatMul inputs: a, a_scale, a_zero_point, b, b_scale,
// b_zero_point, y_scale, y_zero_point.
func inferQLinearMatMul(n *Node, in []Meta) ([]Meta, error) {
	a, b, yzp := in[0], in[3], in[7]
	for i, name := range []string{"a", "", "", "b", "", "", "", "y_zero_point"} {
		if name != "" {
			if err := nnInt8(name, in[i].Kind); err != nil {
				return nil, err
			}
		}
	}
	out, err := MatMulShape(a.Shape, b.Shape)
	if err != nil {
		return nil, err
	}
	for _, err := range []error{
		nnQuantParam("a_scale", in[1], dtype.Invalid, a.Shape, true),
		nnQuantParam("a_zero_point", in[2], a.Kind, a.Shape, true),
		nnQuantParam("b_scale", in[4], dtype.Invalid, b.Shape, false),
		nnQuantParam("b_zero_point", in[5], b.Kind, b.Shape, false),
		nnScale("y_scale", in[6], 1),
		nnScalar("y_zero_point", yzp, yzp.Kind),
	} {
		if err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: yzp.Kind, Shape: out}}, nil
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

// BatchNormChannels is the channel count of a BatchNormalization input: its
// axis 1, or 1 for a 1-D input.
func BatchNormChannels(x []int) int {
	if len(x) < 2 {
		return 1
	}
	return x[1]
}

func inferBatchNorm(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	if len(x.Shape) == 0 {
		return nil, fmt.Errorf("X is a scalar, want N x C x D1…")
	}
	for i, t := range n.Out {
		if i > 0 && t != None {
			return nil, fmt.Errorf("output %d (running statistics) exists only in training mode, which is %w (kiln evaluates inference)", i, ErrUnsupported)
		}
	}
	c := BatchNormChannels(x.Shape)
	for i, name := range []string{"", "scale", "B", "input_mean", "input_var"} {
		if i == 0 {
			continue
		}
		if err := nnVector(name, in[i], dtype.Invalid, c); err != nil {
			return nil, err
		}
	}
	out := make([]Meta, len(n.Out))
	out[0] = Meta{Kind: x.Kind, Shape: slices.Clone(x.Shape)}
	return out, nil
}

func inferInstanceNorm(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("input is %v, want a float kind", x.Kind)
	}
	if len(x.Shape) < 3 {
		return nil, fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(x.Shape))
	}
	for i, name := range []string{"", "scale", "B"} {
		if i == 0 {
			continue
		}
		if err := nnVector(name, in[i], x.Kind, x.Shape[1]); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: x.Kind, Shape: slices.Clone(x.Shape)}}, nil
}

// LayerNormStash is the kind LayerNormalization computes its statistics in
// (Invalid in the attributes means f32, the ONNX default).
func (a NormAttrs) LayerNormStash() dtype.Kind {
	if a.StashType == dtype.Invalid {
		return dtype.F32
	}
	return a.StashType
}

func inferLayerNorm(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(NormAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want graph.NormAttrs", n.Attrs)
	}
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	axis, err := NormAxis(a.Axis, len(x.Shape))
	if err != nil {
		return nil, err
	}
	stash := a.LayerNormStash()
	if !stash.IsFloat() {
		return nil, fmt.Errorf("stash_type %v, want a float kind", stash)
	}
	for i, name := range []string{"", "Scale", "B"} {
		if i == 0 || i >= len(in) || !in[i].Present() {
			continue
		}
		if in[i].Kind != x.Kind {
			return nil, fmt.Errorf("%s is %v, X is %v", name, in[i].Kind, x.Kind)
		}
		if err := Unidirectional(in[i].Shape, x.Shape); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	stat := slices.Clone(x.Shape)
	for i := axis; i < len(stat); i++ {
		stat[i] = 1
	}
	out := make([]Meta, len(n.Out))
	out[0] = Meta{Kind: x.Kind, Shape: slices.Clone(x.Shape)}
	for i := 1; i < len(out); i++ {
		out[i] = Meta{Kind: stash, Shape: slices.Clone(stat)}
	}
	return out, nil
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

// nnQuantParam checks the scale or zero point of a matmul operand of shape
// op: per tensor (one element), per row of A (rows=true: [M], or
// [..., M, 1]) or per column of B ([N], or [..., 1, N]). k Invalid means
// any float kind.
func nnQuantParam(name string, m Meta, k dtype.Kind, op []int, rows bool) error {
	if k == dtype.Invalid && !m.Kind.IsFloat() {
		return fmt.Errorf("%s is %v, want a float kind", name, m.Kind)
	}
	if k != dtype.Invalid && m.Kind != k {
		return fmt.Errorf("%s is %v, want %v", name, m.Kind, k)
	}
	if _, err := QuantParamShape(m.Shape, op, rows); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// QuantParamShape gives the shape under which a matmul scale or zero point
// broadcasts against its operand of shape op: a one-element parameter is
// per tensor; otherwise it is per row of A (rows: [M] or [..., M, 1]) or per
// column of B ([N] or [..., 1, N]).
func QuantParamShape(p, op []int, rows bool) ([]int, error) {
	if dtype.Size(p) == 1 {
		return []int{1}, nil
	}
	if len(op) < 2 {
		return nil, fmt.Errorf("shape %v: a 1-D operand takes only per-tensor parameters", p)
	}
	r := len(op)
	want := slices.Clone(op)
	if rows {
		want[r-1] = 1
	} else {
		want[r-2] = 1
	}
	s := p
	if len(p) == 1 {
		if rows {
			s = []int{p[0], 1}
		} else {
			s = []int{1, p[0]}
		}
	}
	if len(s) > r || Unidirectional(s, want) != nil {
		return nil, fmt.Errorf("shape %v does not fit operand %v (per tensor, or per %s)", p, op, map[bool]string{true: "row", false: "column"}[rows])
	}
	return s, nil
}
