package graph

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// nnMatMulKind reports whether Gemm and MatMul take elements of kind k.
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
		if name == "" {
			continue
		}
		switch in[i].Kind {
		case dtype.F8E4M3FN, dtype.F8E4M3FNUZ, dtype.F8E5M2, dtype.F8E5M2FNUZ:
			// valid since opset 21, but ONNX leaves the float8 arithmetic
			// unspecified; kiln evaluates the integer forms only
			return nil, fmt.Errorf("%s is %v: float8 QLinearMatMul is %w", name, in[i].Kind, ErrUnsupported)
		}
		if err := nnInt8(name, in[i].Kind); err != nil {
			return nil, err
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
