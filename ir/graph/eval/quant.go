package eval

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// quantKernels is the kernel table of the types-and-quantisation family.
var quantKernels = []KernelDef{
	{graph.OpCast, runCast},
	{graph.OpQuantizeLinear, runQuantize},
	{graph.OpDequantizeLinear, runDequantize},
}

func runCast(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a := n.Attrs.(graph.CastAttrs)
	return []*dtype.Array{Cast(in[0], a.To, a.Saturate, a.RoundMode)}, nil
}

// Cast converts x to kind `to` with ONNX Cast's rules (Operators.md, Cast):
// floats round to nearest even (saturate and roundMode as in RoundFloat and
// RoundE8M0), floats to integers truncate toward zero and wrap to the
// width like numpy's astype (NaN gives 0, infinities and values beyond
// int64 clamp first: ONNX leaves these undefined), integers wrap to the
// target width, and bool is x != 0 one way and {0, 1} the other.
func Cast(x *dtype.Array, to dtype.Kind, saturate bool, roundMode string) *dtype.Array {
	if roundMode == "" {
		roundMode = "up"
	}
	out := dtype.New(to, x.Shape)
	nel := x.Len()
	switch src := x.Kind.Class(); {
	case src == dtype.ClassInt:
		for i := 0; i < nel; i++ {
			castInt(out, i, x.I64[i], saturate, roundMode)
		}
	case src == dtype.ClassUint:
		for i := 0; i < nel; i++ {
			castUint(out, i, x.U64[i], saturate, roundMode)
		}
	case src == dtype.ClassBool:
		for i := 0; i < nel; i++ {
			var v int64
			if x.Bool[i] {
				v = 1
			}
			castInt(out, i, v, saturate, roundMode)
		}
	default:
		for i := 0; i < nel; i++ {
			castFloat(out, i, x.At(i), saturate, roundMode)
		}
	}
	return out
}

// setFloat stores v rounded to out's float kind.
func setFloat(out *dtype.Array, i int, v float64, saturate bool, roundMode string) {
	switch out.Kind {
	case dtype.F64:
		out.F64[i] = v
	case dtype.F32:
		out.F32[i] = float32(v)
	case dtype.F8E8M0:
		out.F32[i] = float32(dtype.RoundE8M0(v, roundMode, saturate))
	default:
		out.F32[i] = float32(dtype.RoundFloat(out.Kind, v, saturate))
	}
}

func castFloat(out *dtype.Array, i int, v float64, saturate bool, roundMode string) {
	switch out.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		setFloat(out, i, v, saturate, roundMode)
	case dtype.ClassBool:
		out.Bool[i] = v != 0
	case dtype.ClassUint:
		if out.Kind == dtype.U64 && v >= 1<<63 && v < 1<<64 {
			out.U64[i] = uint64(v)
			return
		}
		out.U64[i] = dtype.WrapUint(out.Kind, uint64(truncInt(v)))
	case dtype.ClassInt:
		out.I64[i] = dtype.WrapInt(out.Kind, truncInt(v))
	}
}

// truncInt truncates toward zero; NaN gives 0 and values beyond int64
// clamp (ONNX: undefined).
func truncInt(v float64) int64 {
	switch {
	case math.IsNaN(v):
		return 0
	case v >= 1<<63:
		return math.MaxInt64
	case v < -(1 << 63):
		return math.MinInt64
	}
	return int64(v)
}

func castInt(out *dtype.Array, i int, v int64, saturate bool, roundMode string) {
	switch out.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		if out.Kind == dtype.F32 {
			out.F32[i] = float32(v) // one rounding, exact to the nearest f32
			return
		}
		setFloat(out, i, float64(v), saturate, roundMode)
	case dtype.ClassBool:
		out.Bool[i] = v != 0
	case dtype.ClassUint:
		out.U64[i] = dtype.WrapUint(out.Kind, uint64(v))
	case dtype.ClassInt:
		out.I64[i] = dtype.WrapInt(out.Kind, v)
	}
}

func castUint(out *dtype.Array, i int, v uint64, saturate bool, roundMode string) {
	switch out.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		if out.Kind == dtype.F32 {
			out.F32[i] = float32(v)
			return
		}
		setFloat(out, i, float64(v), saturate, roundMode)
	case dtype.ClassBool:
		out.Bool[i] = v != 0
	case dtype.ClassUint:
		out.U64[i] = dtype.WrapUint(out.Kind, v)
	case dtype.ClassInt:
		out.I64[i] = dtype.WrapInt(out.Kind, int64(v))
	}
}

// arithKind is the float kind a quantisation computes in: an integer or
// f8e8m0 precision computes in f32 (ONNX names no other meaning for it).
func arithKind(k dtype.Kind) dtype.Kind {
	if !k.IsFloat() || k == dtype.F8E8M0 {
		return dtype.F32
	}
	return k
}

func runQuantize(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a := n.Attrs.(graph.QuantAttrs)
	x, scale, zp := in[0], in[1], optIn(in, 2)
	lay, err := graph.QuantScaleLayout(x.Shape, scale.Shape, metaOf(zp), a)
	if err != nil {
		return nil, err
	}
	p := a.Precision
	if p == dtype.Invalid {
		p = scale.Kind
	}
	p = arithKind(p)
	y := dtype.New(out[0].Kind, x.Shape)
	lo, hi := y.Kind.IntRange()
	for i, nel := 0, x.Len(); i < nel; i++ {
		s := lay.ScaleIndex(i)
		q := dtype.RoundFloat(p, dtype.RoundFloat(p, x.At(i), false)/dtype.RoundFloat(p, scale.At(s), false), false)
		var z float64
		if zp != nil {
			z = zp.At(s)
		}
		if y.Kind.IsFloat() {
			y.F32[i] = float32(dtype.RoundFloat(y.Kind, q+z, a.Saturate))
			continue
		}
		if math.IsNaN(q) {
			q = 0 // ONNX: undefined
		}
		r := math.Max(float64(lo), math.Min(float64(hi), math.RoundToEven(q)+z))
		y.Set(i, r)
	}
	return []*dtype.Array{y}, nil
}

func runDequantize(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a := n.Attrs.(graph.QuantAttrs)
	x, scale, zp := in[0], in[1], optIn(in, 2)
	lay, err := graph.QuantScaleLayout(x.Shape, scale.Shape, metaOf(zp), a)
	if err != nil {
		return nil, err
	}
	p := out[0].Kind
	if !p.IsFloat() {
		return nil, fmt.Errorf("cannot dequantize to %v", p)
	}
	y := dtype.New(p, x.Shape)
	for i, nel := 0, x.Len(); i < nel; i++ {
		s := lay.ScaleIndex(i)
		d := x.At(i)
		if zp != nil {
			d -= zp.At(s)
		}
		v := dtype.RoundFloat(p, dtype.RoundFloat(p, d, false)*dtype.RoundFloat(p, scale.At(s), false), false)
		y.F32[i] = float32(v)
	}
	return []*dtype.Array{y}, nil
}

func optIn(in []*dtype.Array, i int) *dtype.Array {
	if i < len(in) {
		return in[i]
	}
	return nil
}

func metaOf(a *dtype.Array) graph.Meta {
	if a == nil {
		return graph.Meta{}
	}
	return graph.Meta{Kind: a.Kind, Shape: a.Shape, Value: a}
}
