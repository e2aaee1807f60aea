package graph

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// moveOps is the op table of the data-movement and shape operators. Their
// output shapes often depend on the VALUE of a shape-like input (Reshape's
// shape, Slice's starts…): such an input must be a constant, otherwise
// inference fails with an error wrapping ErrNotConstant. Shape, and
// ConstantOfShape and Range on constant inputs, also give their output's
// value, so that chains of shape arithmetic become constants.
var moveOps = []OpDef{
	{OpReshape, "Reshape", "data with the shape of input 1 (0 copies the input dim unless AllowZero, one -1 is inferred)", inferReshape, 2, 2, 1, 1},
	{OpFlatten, "Flatten", "data as a matrix [prod(dims[:Axis]), prod(dims[Axis:])]", inferFlatten, 1, 1, 1, 1},
	{OpSqueeze, "Squeeze", "data without the size-1 axes of input 1 (absent: all size-1 axes)", inferSqueeze, 1, 2, 1, 1},
	{OpUnsqueeze, "Unsqueeze", "data with size-1 axes inserted at the output axes of input 1", inferUnsqueeze, 2, 2, 1, 1},
	{OpTranspose, "Transpose", "data with its axes permuted: output axis i is input axis Perm[i] (nil: reversed)", inferTranspose, 1, 1, 1, 1},
	{OpConcat, "Concat", "the inputs joined along Axis", inferConcat, 1, math.MaxInt, 1, 1},
	{OpSplit, "Split", "data cut along Axis into parts of the sizes of input 1 (absent: equal parts, the last smaller with NumOutputs)", inferSplit, 1, 2, 1, math.MaxInt},
	{OpSlice, "Slice", "data[starts:ends:steps] along axes (inputs 1..4), numpy-style with clamping", inferSlice, 3, 5, 1, 1},
	{OpGather, "Gather", "entries of data along Axis picked by the indices (negative counts from the end)", inferGather, 2, 2, 1, 1},
	{OpTile, "Tile", "data repeated repeats[i] times along axis i", inferTile, 2, 2, 1, 1},
	{OpExpand, "Expand", "data broadcast (both ways) with the shape of input 1", inferExpand, 2, 2, 1, 1},
	{OpPad, "Pad", "data padded by pads (input 1; negative crops) along axes (input 3) in Mode, constant_value input 2", inferPad, 2, 4, 1, 1},
	{OpShape, "Shape", "the dims [Start, End) of the input's shape, as i64", inferShape, 1, 1, 1, 1},
	{OpConstantOfShape, "ConstantOfShape", "a tensor of the shape of input 0 filled with Value (default f32 0)", inferConstantOfShape, 1, 1, 1, 1},
	{OpRange, "Range", "start, start+delta, … up to limit (exclusive): max(ceil((limit-start)/delta), 0) elements", inferRange, 3, 3, 1, 1},
}

// maxInferValue is the largest number of elements whose value shape
// inference computes (Shape, ConstantOfShape, Range): enough for any shape
// arithmetic, small enough that inference never allocates much.
const maxInferValue = 1 << 16

// attrsOf returns n's attributes as a T; nil attributes give T's zero value.
func attrsOf[T Attrs](n *Node) (T, error) {
	var zero T
	if n.Attrs == nil {
		return zero, nil
	}
	a, ok := n.Attrs.(T)
	if !ok {
		return zero, fmt.Errorf("attributes are %T, want %T", n.Attrs, zero)
	}
	return a, nil
}

// ConstInts returns the value of input i, an integer scalar or 1-D tensor
// whose value shape inference needs (name says which input it is). It fails
// with an error wrapping ErrNotConstant when the value is not known.
func ConstInts(in []Meta, i int, name string) ([]int64, error) {
	m := in[i]
	if !m.Kind.IsInt() {
		return nil, fmt.Errorf("input %d (%s) is %v, want an integer tensor", i, name, m.Kind)
	}
	if len(m.Shape) > 1 {
		return nil, fmt.Errorf("input %d (%s) has shape %v, want 1-D", i, name, m.Shape)
	}
	if m.Value == nil {
		return nil, fmt.Errorf("input %d (%s): %w (kiln needs static shapes)", i, name, ErrNotConstant)
	}
	return m.Value.Ints(), nil
}

// toInt converts a dimension-like value, rejecting ones that do not fit.
func toInt(v int64) (int, error) {
	if int64(int(v)) != v {
		return 0, fmt.Errorf("value %d does not fit an int", v)
	}
	return int(v), nil
}

// SizeOf is the number of elements of shape, or an error when it overflows
// or a dimension is negative.
func SizeOf(shape []int) (int, error) {
	n := 1
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > math.MaxInt/d {
			return 0, fmt.Errorf("shape %v has too many elements", shape)
		}
		n *= d
	}
	return n, nil
}

func one(m Meta) []Meta { return []Meta{m} }

func inferReshape(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[ReshapeAttrs](n)
	if err != nil {
		return nil, err
	}
	shape, err := ConstInts(in, 1, "shape")
	if err != nil {
		return nil, err
	}
	src := in[0].Shape
	out := make([]int, len(shape))
	infer, zero := -1, false
	for i, d := range shape {
		switch {
		case d == -1:
			if infer >= 0 {
				return nil, fmt.Errorf("shape %v has more than one -1", shape)
			}
			infer = i
		case d == 0 && !a.AllowZero:
			if i >= len(src) {
				return nil, fmt.Errorf("shape %v copies dimension %d of an input of rank %d", shape, i, len(src))
			}
			out[i] = src[i]
		case d < 0:
			return nil, fmt.Errorf("shape %v has negative dimension %d", shape, d)
		default:
			if out[i], err = toInt(d); err != nil {
				return nil, err
			}
			zero = zero || d == 0
		}
	}
	if zero && infer >= 0 {
		return nil, fmt.Errorf("shape %v has both 0 and -1 with allowzero", shape)
	}
	size := dtype.Size(src)
	if infer >= 0 {
		out[infer] = 1
		known, err := SizeOf(out)
		if err != nil {
			return nil, err
		}
		if known == 0 || size%known != 0 {
			return nil, fmt.Errorf("cannot reshape %v to %v", src, shape)
		}
		out[infer] = size / known
	}
	if got, err := SizeOf(out); err != nil || got != size {
		return nil, fmt.Errorf("cannot reshape %v (%d elements) to %v", src, size, out)
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

func inferFlatten(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[AxisAttrs](n)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape
	axis := a.Axis
	if axis < -len(s) || axis > len(s) {
		return nil, fmt.Errorf("axis %d out of range for rank %d", axis, len(s))
	}
	if axis < 0 {
		axis += len(s)
	}
	return one(Meta{Kind: in[0].Kind, Shape: []int{dtype.Size(s[:axis]), dtype.Size(s[axis:])}}), nil
}

// normAxes normalises a list of axes for a given rank and rejects repeats.
func normAxes(axes []int64, rank int) ([]bool, error) {
	seen := make([]bool, rank)
	for _, v := range axes {
		if v < -int64(rank) || v >= int64(rank) {
			return nil, fmt.Errorf("axis %d out of range for rank %d", v, rank)
		}
		ax := int(v)
		if ax < 0 {
			ax += rank
		}
		if seen[ax] {
			return nil, fmt.Errorf("axis %d repeated in %v", v, axes)
		}
		seen[ax] = true
	}
	return seen, nil
}

func inferSqueeze(n *Node, in []Meta) ([]Meta, error) {
	s := in[0].Shape
	out := []int{}
	if len(in) < 2 || !in[1].Present() {
		for _, d := range s {
			if d != 1 {
				out = append(out, d)
			}
		}
		return one(Meta{Kind: in[0].Kind, Shape: out}), nil
	}
	axes, err := ConstInts(in, 1, "axes")
	if err != nil {
		return nil, err
	}
	drop, err := normAxes(axes, len(s))
	if err != nil {
		return nil, err
	}
	for i, d := range s {
		switch {
		case !drop[i]:
			out = append(out, d)
		case d != 1:
			return nil, fmt.Errorf("cannot squeeze axis %d of size %d", i, d)
		}
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

func inferUnsqueeze(n *Node, in []Meta) ([]Meta, error) {
	axes, err := ConstInts(in, 1, "axes")
	if err != nil {
		return nil, err
	}
	s := in[0].Shape
	ins, err := normAxes(axes, len(s)+len(axes))
	if err != nil {
		return nil, err
	}
	out := make([]int, len(ins))
	j := 0
	for i := range out {
		if ins[i] {
			out[i] = 1
		} else {
			out[i] = s[j]
			j++
		}
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

// TransposePerm checks perm against rank and returns it, or the reversed
// axes when perm is nil.
func TransposePerm(perm []int, rank int) ([]int, error) {
	if perm == nil {
		p := make([]int, rank)
		for i := range p {
			p[i] = rank - 1 - i
		}
		return p, nil
	}
	if len(perm) != rank {
		return nil, fmt.Errorf("perm %v has %d axes, input has rank %d", perm, len(perm), rank)
	}
	seen := make([]bool, rank)
	for _, p := range perm {
		if p < 0 || p >= rank || seen[p] {
			return nil, fmt.Errorf("perm %v is not a permutation of 0..%d", perm, rank-1)
		}
		seen[p] = true
	}
	return perm, nil
}

func inferTranspose(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[TransposeAttrs](n)
	if err != nil {
		return nil, err
	}
	perm, err := TransposePerm(a.Perm, len(in[0].Shape))
	if err != nil {
		return nil, err
	}
	out := make([]int, len(perm))
	for i, p := range perm {
		out[i] = in[0].Shape[p]
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

func inferConcat(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[AxisAttrs](n)
	if err != nil {
		return nil, err
	}
	first := in[0]
	axis, err := NormAxis(a.Axis, len(first.Shape))
	if err != nil {
		return nil, err
	}
	out := append([]int{}, first.Shape...)
	out[axis] = 0
	for i, m := range in {
		if m.Kind != first.Kind {
			return nil, fmt.Errorf("input %d is %v, input 0 is %v", i, m.Kind, first.Kind)
		}
		if len(m.Shape) != len(first.Shape) {
			return nil, fmt.Errorf("input %d has rank %d, input 0 has rank %d", i, len(m.Shape), len(first.Shape))
		}
		for ax, d := range m.Shape {
			if ax != axis && d != first.Shape[ax] {
				return nil, fmt.Errorf("input %d has shape %v, input 0 has %v (they may differ only on axis %d)", i, m.Shape, first.Shape, axis)
			}
		}
		out[axis] += m.Shape[axis]
	}
	return one(Meta{Kind: first.Kind, Shape: out}), nil
}

// SplitSizes gives the part sizes of Split on an axis of size dim into nOut
// outputs: split when given (hasSplit), else NumOutputs parts with the last
// one smaller, else (NumOutputs 0) nOut equal parts.
func SplitSizes(dim, nOut int, split []int64, hasSplit bool, numOutputs int) ([]int, error) {
	sizes := make([]int, nOut)
	switch {
	case hasSplit:
		if numOutputs != 0 {
			return nil, fmt.Errorf("both the split input and num_outputs are given")
		}
		if len(split) != nOut {
			return nil, fmt.Errorf("split %v has %d sizes for %d outputs", split, len(split), nOut)
		}
		sum := int64(0)
		for i, s := range split {
			if s < 0 || s > int64(dim) {
				return nil, fmt.Errorf("split %v has invalid size %d for an axis of size %d", split, s, dim)
			}
			sizes[i] = int(s)
			sum += s
		}
		if sum != int64(dim) {
			return nil, fmt.Errorf("split %v sums to %d, the axis has size %d", split, sum, dim)
		}
	case numOutputs != 0:
		if numOutputs != nOut {
			return nil, fmt.Errorf("num_outputs is %d but the node has %d outputs", numOutputs, nOut)
		}
		chunk := (dim + nOut - 1) / nOut
		last := dim - chunk*(nOut-1)
		if last < 0 {
			return nil, fmt.Errorf("an axis of size %d cannot be split into %d parts of %d", dim, nOut, chunk)
		}
		for i := range sizes {
			sizes[i] = chunk
		}
		sizes[nOut-1] = last
	default:
		if dim%nOut != 0 {
			return nil, fmt.Errorf("an axis of size %d cannot be split into %d equal parts", dim, nOut)
		}
		for i := range sizes {
			sizes[i] = dim / nOut
		}
	}
	return sizes, nil
}

func inferSplit(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[SplitAttrs](n)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape
	axis, err := NormAxis(a.Axis, len(s))
	if err != nil {
		return nil, err
	}
	var split []int64
	hasSplit := len(in) > 1 && in[1].Present()
	if hasSplit {
		if split, err = ConstInts(in, 1, "split"); err != nil {
			return nil, err
		}
	}
	sizes, err := SplitSizes(s[axis], len(n.Out), split, hasSplit, a.NumOutputs)
	if err != nil {
		return nil, err
	}
	out := make([]Meta, len(sizes))
	for i, d := range sizes {
		sh := append([]int{}, s...)
		sh[axis] = d
		out[i] = Meta{Kind: in[0].Kind, Shape: sh}
	}
	return out, nil
}

func inferGather(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[AxisAttrs](n)
	if err != nil {
		return nil, err
	}
	s := in[0].Shape
	axis, err := NormAxis(a.Axis, len(s))
	if err != nil {
		return nil, err
	}
	if k := in[1].Kind; k != dtype.I32 && k != dtype.I64 {
		return nil, fmt.Errorf("indices are %v, want i32 or i64", k)
	}
	out := append(append(append([]int{}, s[:axis]...), in[1].Shape...), s[axis+1:]...)
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}
