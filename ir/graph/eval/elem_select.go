package eval

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// elemPick sets out[i] = c ? x : y, each operand through its index.
func elemPick[T any](out, x, y []T, c []bool, ic, ix, iy []int) {
	for i := range out {
		if c[elemAt(ic, i)] {
			out[i] = x[elemAt(ix, i)]
		} else {
			out[i] = y[elemAt(iy, i)]
		}
	}
}

func elemWhere(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	c, x, y := in[0], in[1], in[2]
	res := dtype.New(out[0].Kind, out[0].Shape)
	ic, ix, iy := elemIdx(res.Shape, c.Shape), elemIdx(res.Shape, x.Shape), elemIdx(res.Shape, y.Shape)
	switch x.Kind.Class() {
	case dtype.ClassFloat:
		elemPick(res.F32, x.F32, y.F32, c.Bool, ic, ix, iy)
	case dtype.ClassDouble:
		elemPick(res.F64, x.F64, y.F64, c.Bool, ic, ix, iy)
	case dtype.ClassInt:
		elemPick(res.I64, x.I64, y.I64, c.Bool, ic, ix, iy)
	case dtype.ClassUint:
		elemPick(res.U64, x.U64, y.U64, c.Bool, ic, ix, iy)
	case dtype.ClassBool:
		elemPick(res.Bool, x.Bool, y.Bool, c.Bool, ic, ix, iy)
	default:
		return nil, elemNoKernel(n.Op, x.Kind)
	}
	return []*dtype.Array{res}, nil
}

// elemClamp bounds x to [lo, hi], hi winning when lo > hi (ONNX: Min(max,
// Max(x, min))).
func elemClamp[T int64 | uint64 | float64](x, lo, hi T) T {
	if x < lo {
		x = lo
	}
	if x > hi {
		x = hi
	}
	return x
}

// elemClip is Clip; an absent bound does not bound.
func elemClip(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	x := in[0]
	var bmin, bmax *dtype.Array
	if len(in) > 1 {
		bmin = in[1]
	}
	if len(in) > 2 {
		bmax = in[2]
	}
	res := dtype.New(out[0].Kind, out[0].Shape)
	switch x.Kind.Class() {
	case dtype.ClassFloat, dtype.ClassDouble:
		lo, hi := math.Inf(-1), math.Inf(1)
		if bmin != nil {
			lo = bmin.At(0)
		}
		if bmax != nil {
			hi = bmax.At(0)
		}
		for i, v := range x.F32 {
			res.F32[i] = float32(elemClamp(float64(v), lo, hi))
		}
		for i, v := range x.F64 {
			res.F64[i] = elemClamp(v, lo, hi)
		}
	case dtype.ClassInt:
		lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
		if bmin != nil {
			lo = bmin.I64[0]
		}
		if bmax != nil {
			hi = bmax.I64[0]
		}
		for i, v := range x.I64 {
			res.I64[i] = elemClamp(v, lo, hi)
		}
	case dtype.ClassUint:
		lo, hi := uint64(0), uint64(math.MaxUint64)
		if bmin != nil {
			lo = bmin.U64[0]
		}
		if bmax != nil {
			hi = bmax.U64[0]
		}
		for i, v := range x.U64 {
			res.U64[i] = elemClamp(v, lo, hi)
		}
	default:
		return nil, elemNoKernel(n.Op, x.Kind)
	}
	elemFinish(res)
	return []*dtype.Array{res}, nil
}

// elemPowInt is x^e in wrapping int64 arithmetic; negative exponents give
// the truncated real power (0 unless |x| is 1).
func elemPowInt(x, e int64) (int64, error) {
	if e < 0 {
		switch {
		case x == 0:
			return 0, fmt.Errorf("integer zero to the negative power %d", e)
		case x == 1:
			return 1, nil
		case x == -1:
			return 1 - 2*(e&1), nil
		}
		return 0, nil
	}
	return int64(elemPowUint(uint64(x), uint64(e))), nil
}

// elemPowUint is x^e modulo 2^64 (square and multiply).
func elemPowUint(x, e uint64) uint64 {
	r := uint64(1)
	for ; e > 0; e >>= 1 {
		if e&1 != 0 {
			r *= x
		}
		x *= x
	}
	return r
}

// elemPow is Pow: the result has the base's kind. Float bases and float
// exponents are computed in float64 and rounded; integer bases with
// integer exponents exactly (wrapping); integer bases with float exponents
// truncate the real power, as ONNX's reference (numpy astype) does.
func elemPow(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	x, y := in[0], in[1]
	_, ys, err := graph.BinaryShapes(n, x.Shape, y.Shape)
	if err != nil {
		return nil, err
	}
	res := dtype.New(out[0].Kind, out[0].Shape)
	ix, iy := elemIdx(res.Shape, x.Shape), elemIdx(res.Shape, ys)
	yInt, yUint := y.Kind.Class() == dtype.ClassInt, y.Kind.Class() == dtype.ClassUint
	for i := range res.Len() {
		xi, yi := elemAt(ix, i), elemAt(iy, i)
		switch c := x.Kind.Class(); {
		case c == dtype.ClassFloat:
			res.F32[i] = float32(math.Pow(float64(x.F32[xi]), y.At(yi)))
		case c == dtype.ClassDouble:
			res.F64[i] = math.Pow(x.F64[xi], y.At(yi))
		case c == dtype.ClassInt && yUint:
			res.I64[i] = int64(elemPowUint(uint64(x.I64[xi]), y.U64[yi]))
		case c == dtype.ClassInt && yInt:
			if res.I64[i], err = elemPowInt(x.I64[xi], y.I64[yi]); err != nil {
				return nil, err
			}
		case c == dtype.ClassInt:
			res.I64[i] = int64(math.Pow(float64(x.I64[xi]), y.At(yi)))
		case c == dtype.ClassUint && (yUint || yInt):
			e := y.Int(yi)
			if yInt && e < 0 {
				if x.U64[xi] == 0 {
					return nil, fmt.Errorf("integer zero to the negative power %d", e)
				}
				res.U64[i] = 0
				if x.U64[xi] == 1 {
					res.U64[i] = 1
				}
				continue
			}
			res.U64[i] = elemPowUint(x.U64[xi], uint64(e))
		case c == dtype.ClassUint:
			res.U64[i] = uint64(math.Pow(float64(x.U64[xi]), y.At(yi)))
		default:
			return nil, elemNoKernel(n.Op, x.Kind)
		}
	}
	elemFinish(res)
	return []*dtype.Array{res}, nil
}
