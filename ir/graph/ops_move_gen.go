package graph

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// ShapeRange clamps Shape's start and end for an input of rank r.
func ShapeRange(a ShapeAttrs, r int) (start, end int) {
	clamp := func(v int) int {
		if v < 0 {
			v += r
		}
		return min(max(v, 0), r)
	}
	start, end = clamp(a.Start), r
	if a.HasEnd {
		end = clamp(a.End)
	}
	return start, max(end, start)
}

func inferShape(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[ShapeAttrs](n)
	if err != nil {
		return nil, err
	}
	start, end := ShapeRange(a, len(in[0].Shape))
	v := make([]int64, end-start)
	for i := range v {
		v[i] = int64(in[0].Shape[start+i])
	}
	return one(Meta{Kind: dtype.I64, Shape: []int{len(v)}, Value: dtype.FromI64([]int{len(v)}, v)}), nil
}

// ConstantFill returns ConstantOfShape's fill value: a's one-element Value
// or an f32 zero.
func ConstantFill(a ConstantOfShapeAttrs) (*dtype.Array, error) {
	if a.Value == nil {
		return dtype.New(dtype.F32, []int{1}), nil
	}
	if a.Value.Len() != 1 {
		return nil, fmt.Errorf("value has %d elements, want 1", a.Value.Len())
	}
	return a.Value, nil
}

func inferConstantOfShape(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[ConstantOfShapeAttrs](n)
	if err != nil {
		return nil, err
	}
	fill, err := ConstantFill(a)
	if err != nil {
		return nil, err
	}
	v, err := ConstInts(in, 0, "shape")
	if err != nil {
		return nil, err
	}
	shape, err := shapeValue(v)
	if err != nil {
		return nil, err
	}
	m := Meta{Kind: fill.Kind, Shape: shape}
	if size := dtype.Size(shape); size <= maxInferValue {
		m.Value = fill.Take(make([]int, size), shape)
	}
	return one(m), nil
}

// rangeScalar checks one of Range's inputs.
func rangeScalar(in []Meta, i int, name string) (*dtype.Array, error) {
	m := in[i]
	if m.Kind != in[0].Kind {
		return nil, fmt.Errorf("%s is %v, start is %v", name, m.Kind, in[0].Kind)
	}
	if c := m.Kind.Class(); c != dtype.ClassInt && c != dtype.ClassFloat && c != dtype.ClassDouble {
		return nil, fmt.Errorf("%s is %v, want a signed integer or float kind", name, m.Kind)
	}
	if dtype.Size(m.Shape) != 1 || len(m.Shape) > 1 {
		return nil, fmt.Errorf("%s has shape %v, want a scalar", name, m.Shape)
	}
	if m.Value == nil {
		return nil, fmt.Errorf("input %d (%s): %w (kiln needs static shapes)", i, name, ErrNotConstant)
	}
	return m.Value, nil
}

// RangeLen is the number of elements of Range(start, limit, delta),
// max(ceil((limit-start)/delta), 0), computed exactly for integers and in
// float64 for floats.
func RangeLen(start, limit, delta *dtype.Array) (int, error) {
	if start.Kind.IsInt() {
		s, l, d := start.Int(0), limit.Int(0), delta.Int(0)
		var n uint64
		switch {
		case d == 0:
			return 0, fmt.Errorf("delta is 0")
		case d > 0 && l > s:
			n = (uint64(l)-uint64(s)-1)/uint64(d) + 1
		case d < 0 && s > l:
			n = (uint64(s)-uint64(l)-1)/(uint64(-(d+1))+1) + 1
		}
		if n > maxRange {
			return 0, fmt.Errorf("range of %d elements is too large", n)
		}
		return int(n), nil
	}
	s, l, d := start.At(0), limit.At(0), delta.At(0)
	if d == 0 || math.IsNaN(s+l+d) || math.IsInf(s, 0) || math.IsInf(l, 0) || math.IsInf(d, 0) {
		return 0, fmt.Errorf("range(%v, %v, %v) is not finite", s, l, d)
	}
	c := math.Ceil((l - s) / d)
	if c > maxRange {
		return 0, fmt.Errorf("range(%v, %v, %v) is too large", s, l, d)
	}
	return int(max(c, 0)), nil
}

// RangeValues returns Range's n elements start + i·delta, of start's kind
// (integers exactly; floats computed in float64 and rounded to the kind,
// which for f16/bf16 matches the stash_type=1 (f32) computation).
func RangeValues(start, delta *dtype.Array, n int) *dtype.Array {
	out := dtype.New(start.Kind, []int{n})
	if start.Kind.IsInt() {
		s, d := start.Int(0), delta.Int(0)
		for i := range out.I64 {
			out.I64[i] = dtype.WrapInt(start.Kind, s+int64(i)*d)
		}
		return out
	}
	s, d := start.At(0), delta.At(0)
	for i := range n {
		out.Set(i, s+float64(i)*d)
	}
	return out
}

func inferRange(n *Node, in []Meta) ([]Meta, error) {
	var v [3]*dtype.Array
	for i, name := range []string{"start", "limit", "delta"} {
		var err error
		if v[i], err = rangeScalar(in, i, name); err != nil {
			return nil, err
		}
	}
	size, err := RangeLen(v[0], v[1], v[2])
	if err != nil {
		return nil, err
	}
	m := Meta{Kind: in[0].Kind, Shape: []int{size}}
	if size <= maxInferValue {
		m.Value = RangeValues(v[0], v[2], size)
	}
	return one(m), nil
}
