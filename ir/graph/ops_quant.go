package graph

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// quantOps is the op table of the types-and-quantisation family.
var quantOps = []OpDef{
	{OpCast, "Cast", "y = x converted to attrs.To (floats round to nearest even, float->int truncates, int->int wraps)", inferCast, 1, 1, 1, 1},
	{OpQuantizeLinear, "QuantizeLinear", "y = saturate(round_half_even(x / scale) + zero_point), per tensor, per axis or per block", inferQuantize, 2, 3, 1, 1},
	{OpDequantizeLinear, "DequantizeLinear", "y = (x - zero_point) * scale, per tensor, per axis or per block", inferDequantize, 2, 3, 1, 1},
}

func inferCast(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(CastAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want CastAttrs", n.Attrs)
	}
	if !a.To.Computable() {
		return nil, fmt.Errorf("cannot cast to %v", a.To)
	}
	if !in[0].Kind.Computable() {
		return nil, fmt.Errorf("cannot cast from %v", in[0].Kind)
	}
	switch a.RoundMode {
	case "", "up", "down", "nearest":
	default:
		return nil, fmt.Errorf("round_mode %q is not up, down or nearest", a.RoundMode)
	}
	return []Meta{{Kind: a.To, Shape: in[0].Shape}}, nil
}

// Kinds QuantizeLinear and DequantizeLinear accept (Operators.md, type
// constraints of version 25).
var (
	quantInKinds      = kindSet(dtype.F32, dtype.F16, dtype.BF16, dtype.I32)
	quantScaleKinds   = kindSet(dtype.F32, dtype.F16, dtype.BF16, dtype.I32, dtype.F8E8M0)
	quantOutKinds     = kindSet(quantizedKinds...)
	dequantInKinds    = kindSet(append([]dtype.Kind{dtype.I32}, quantizedKinds...)...)
	dequantScaleKinds = kindSet(dtype.F32, dtype.F16, dtype.BF16, dtype.F8E8M0)
	dequantOutKinds   = kindSet(dtype.F32, dtype.F16, dtype.BF16)
)

func kindSet(ks ...dtype.Kind) map[dtype.Kind]bool {
	m := map[dtype.Kind]bool{}
	for _, k := range ks {
		m[k] = true
	}
	return m
}

// quantizedKinds are QuantizeLinear's outputs (T3) and, with i32,
// DequantizeLinear's inputs (T1).
var quantizedKinds = []dtype.Kind{dtype.I8, dtype.U8, dtype.I16, dtype.U16, dtype.F8E4M3FN, dtype.F8E4M3FNUZ,
	dtype.F8E5M2, dtype.F8E5M2FNUZ, dtype.U4, dtype.I4, dtype.F4E2M1, dtype.U2, dtype.I2}

// QuantOutKind is QuantizeLinear's output kind: attrs.Out (output_dtype)
// when set, else the zero point's kind, else u8.
func QuantOutKind(a QuantAttrs, zeroPoint Meta) dtype.Kind {
	switch {
	case a.Out != dtype.Invalid:
		return a.Out
	case zeroPoint.Present():
		return zeroPoint.Kind
	}
	return dtype.U8
}

// DequantOutKind is DequantizeLinear's output kind: attrs.Out when set,
// else the scale's kind (an f8e8m0 scale therefore needs output_dtype).
func DequantOutKind(a QuantAttrs, scale Meta) dtype.Kind {
	if a.Out != dtype.Invalid {
		return a.Out
	}
	return scale.Kind
}

func inferQuantize(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(QuantAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want QuantAttrs", n.Attrs)
	}
	zp := quantZeroPoint(in)
	out := QuantOutKind(a, zp)
	switch {
	case !quantInKinds[in[0].Kind]:
		return nil, fmt.Errorf("cannot quantize %v input", in[0].Kind)
	case !quantScaleKinds[in[1].Kind]:
		return nil, fmt.Errorf("scale of kind %v is not supported", in[1].Kind)
	case !quantOutKinds[out]:
		return nil, fmt.Errorf("cannot quantize to %v", out)
	case zp.Present() && zp.Kind != out:
		return nil, fmt.Errorf("zero point is %v, output_dtype is %v", zp.Kind, out)
	case a.Precision != dtype.Invalid && !a.Precision.IsFloat():
		return nil, fmt.Errorf("precision %v is not a float kind", a.Precision)
	}
	if _, err := QuantScaleLayout(in[0].Shape, in[1].Shape, zp, a); err != nil {
		return nil, err
	}
	return []Meta{{Kind: out, Shape: in[0].Shape}}, nil
}

func inferDequantize(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(QuantAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want QuantAttrs", n.Attrs)
	}
	zp := quantZeroPoint(in)
	out := DequantOutKind(a, in[1])
	switch {
	case !dequantInKinds[in[0].Kind]:
		return nil, fmt.Errorf("cannot dequantize %v input", in[0].Kind)
	case !dequantScaleKinds[in[1].Kind]:
		return nil, fmt.Errorf("scale of kind %v is not supported", in[1].Kind)
	case !dequantOutKinds[out]:
		return nil, fmt.Errorf("cannot dequantize to %v", out)
	case zp.Present() && zp.Kind != in[0].Kind:
		return nil, fmt.Errorf("zero point is %v, input is %v", zp.Kind, in[0].Kind)
	}
	if _, err := QuantScaleLayout(in[0].Shape, in[1].Shape, zp, a); err != nil {
		return nil, err
	}
	return []Meta{{Kind: out, Shape: in[0].Shape}}, nil
}

func quantZeroPoint(in []Meta) Meta {
	if len(in) > 2 {
		return in[2]
	}
	return Meta{}
}

// QuantLayout says which scale (and zero point) element each element of a
// QuantizeLinear/DequantizeLinear input uses. With x's shape split at Axis
// into (outer, Len, Inner), element (o, j, r) reads scale element
// (o*ScaleLen + j/Block)*Inner + r when blocked (Block > 0, per-axis being
// Block 1 and Inner 1 in the scale), and element 0 when PerTensor.
type QuantLayout struct {
	PerTensor bool
	Blocked   bool // scale has x's rank; otherwise it is 1-D along Axis
	Axis      int
	Block     int
	Len       int // x's size along Axis
	ScaleLen  int // scale's size along Axis
	Inner     int // product of x's dims after Axis
}

// ScaleIndex is the scale element that x's flat element i uses.
func (l QuantLayout) ScaleIndex(i int) int {
	if l.PerTensor {
		return 0
	}
	r := i % l.Inner
	j := i / l.Inner % l.Len
	if !l.Blocked {
		return j
	}
	o := i / l.Inner / l.Len
	return (o*l.ScaleLen+j/l.Block)*l.Inner + r
}

// QuantScaleLayout checks the scale's (and zero point's) shape against x's
// and the axis/block_size attributes (Operators.md QuantizeLinear-25):
// a scale of one element is per tensor; with block_size 0 a 1-D scale of
// x's size along axis is per axis; with block_size B the scale has x's
// shape except ceil(D/B) along axis.
func QuantScaleLayout(x, scale []int, zp Meta, a QuantAttrs) (QuantLayout, error) {
	if zp.Present() && !SameShape(zp.Shape, scale) && !(dtype.Size(zp.Shape) == 1 && dtype.Size(scale) == 1) {
		return QuantLayout{}, fmt.Errorf("zero point shape %v differs from scale shape %v", zp.Shape, scale)
	}
	if a.BlockSize < 0 {
		return QuantLayout{}, fmt.Errorf("block_size %d is negative", a.BlockSize)
	}
	if dtype.Size(scale) == 1 && len(scale) <= max(1, len(x)) {
		return QuantLayout{PerTensor: true}, nil
	}
	axis, err := NormAxis(a.Axis, len(x))
	if err != nil {
		return QuantLayout{}, fmt.Errorf("scale %v is not per tensor and %w", scale, err)
	}
	l := QuantLayout{Axis: axis, Block: 1, Len: x[axis], Inner: dtype.Size(x[axis+1:])}
	if a.BlockSize == 0 {
		if len(scale) != 1 || scale[0] != x[axis] {
			return QuantLayout{}, fmt.Errorf("per-axis scale has shape %v, want [%d] (axis %d of %v)", scale, x[axis], axis, x)
		}
		l.ScaleLen = scale[0]
		return l, nil
	}
	l.Blocked, l.Block = true, a.BlockSize
	want := append([]int{}, x...)
	want[axis] = (x[axis] + a.BlockSize - 1) / a.BlockSize
	if !SameShape(scale, want) {
		return QuantLayout{}, fmt.Errorf("blocked scale has shape %v, want %v (block_size %d along axis %d of %v)", scale, want, a.BlockSize, axis, x)
	}
	l.ScaleLen = want[axis]
	return l, nil
}
