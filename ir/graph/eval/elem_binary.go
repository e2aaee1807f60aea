package eval

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// elemBinFns is a binary element-wise function per storage class; nil elemWhere the
// operator does not take the class. Integer results are wrapped afterwards.
type elemBinFns struct {
	f func(x, y float64) float64
	i func(x, y int64) int64
	u func(x, y uint64) uint64
	b func(x, y bool) bool
}

// elemCmpFns is a comparison per storage class.
type elemCmpFns struct {
	f func(x, y float64) bool
	i func(x, y int64) bool
	u func(x, y uint64) bool
	b func(x, y bool) bool
}

var (
	addFns = elemBinFns{
		f: func(x, y float64) float64 { return x + y },
		i: func(x, y int64) int64 { return x + y },
		u: func(x, y uint64) uint64 { return x + y },
	}
	subFns = elemBinFns{
		f: func(x, y float64) float64 { return x - y },
		i: func(x, y int64) int64 { return x - y },
		u: func(x, y uint64) uint64 { return x - y },
	}
	mulFns = elemBinFns{
		f: func(x, y float64) float64 { return x * y },
		i: func(x, y int64) int64 { return x * y },
		u: func(x, y uint64) uint64 { return x * y },
	}
	// divFns divide; integer divisors were checked for zero. Go's signed
	// division truncates toward zero and wraps MinInt64 / -1.
	divFns = elemBinFns{
		f: func(x, y float64) float64 { return x / y },
		i: func(x, y int64) int64 { return x / y },
		u: func(x, y uint64) uint64 { return x / y },
	}
	maxFns = elemBinFns{
		f: math.Max, // NaN if either is NaN, as numpy's maximum
		i: func(x, y int64) int64 { return max(x, y) },
		u: func(x, y uint64) uint64 { return max(x, y) },
	}
	minFns = elemBinFns{
		f: math.Min,
		i: func(x, y int64) int64 { return min(x, y) },
		u: func(x, y uint64) uint64 { return min(x, y) },
	}
	preluFns = elemBinFns{
		f: func(x, s float64) float64 {
			if x < 0 {
				return s * x
			}
			return x
		},
		i: func(x, s int64) int64 {
			if x < 0 {
				return s * x
			}
			return x
		},
		u: func(x, s uint64) uint64 { return x },
	}

	eqFns = elemCmpFns{
		f: func(x, y float64) bool { return x == y },
		i: func(x, y int64) bool { return x == y },
		u: func(x, y uint64) bool { return x == y },
		b: func(x, y bool) bool { return x == y },
	}
	gtFns = elemCmpFns{
		f: func(x, y float64) bool { return x > y },
		i: func(x, y int64) bool { return x > y },
		u: func(x, y uint64) bool { return x > y },
	}
	ltFns = elemCmpFns{
		f: func(x, y float64) bool { return x < y },
		i: func(x, y int64) bool { return x < y },
		u: func(x, y uint64) bool { return x < y },
	}
	geFns = elemCmpFns{
		f: func(x, y float64) bool { return x >= y },
		i: func(x, y int64) bool { return x >= y },
		u: func(x, y uint64) bool { return x >= y },
	}
	leFns = elemCmpFns{
		f: func(x, y float64) bool { return x <= y },
		i: func(x, y int64) bool { return x <= y },
		u: func(x, y uint64) bool { return x <= y },
	}
)

// elemZip sets out[i] = f(a[ia[i]], b[ib[i]]) (nil index: elemIdentity); out may be a.
func elemZip[T, U any](out []U, a, b []T, ia, ib []int, f func(T, T) U) {
	for i := range out {
		out[i] = f(a[elemAt(ia, i)], b[elemAt(ib, i)])
	}
}

func elemF32(f func(x, y float64) float64) func(x, y float32) float32 {
	return func(x, y float32) float32 { return float32(f(float64(x), float64(y))) }
}

func elemF32Cmp(f func(x, y float64) bool) func(x, y float32) bool {
	return func(x, y float32) bool { return f(float64(x), float64(y)) }
}

// elemApply computes res = fns(a, b) elementwise with broadcasting.
func elemApply(op graph.Op, res, a, b *dtype.Array, fns elemBinFns) error {
	ia, ib := elemIdx(res.Shape, a.Shape), elemIdx(res.Shape, b.Shape)
	switch c := a.Kind.Class(); {
	case c == dtype.ClassFloat && fns.f != nil:
		elemZip(res.F32, a.F32, b.F32, ia, ib, elemF32(fns.f))
	case c == dtype.ClassDouble && fns.f != nil:
		elemZip(res.F64, a.F64, b.F64, ia, ib, fns.f)
	case c == dtype.ClassInt && fns.i != nil:
		elemZip(res.I64, a.I64, b.I64, ia, ib, fns.i)
	case c == dtype.ClassUint && fns.u != nil:
		elemZip(res.U64, a.U64, b.U64, ia, ib, fns.u)
	case c == dtype.ClassBool && fns.b != nil:
		elemZip(res.Bool, a.Bool, b.Bool, ia, ib, fns.b)
	default:
		return elemNoKernel(op, a.Kind)
	}
	return nil
}

// elemBinaryArgs returns a and b, b reshaped by the node's legacy alignment.
func elemBinaryArgs(n *graph.Node, in []*dtype.Array) (*dtype.Array, *dtype.Array, error) {
	_, bs, err := graph.BinaryShapes(n, in[0].Shape, in[1].Shape)
	if err != nil {
		return nil, nil, err
	}
	return in[0], in[1].Reshaped(bs), nil
}

func elemBinary(fns elemBinFns) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		a, b, err := elemBinaryArgs(n, in)
		if err != nil {
			return nil, err
		}
		res := dtype.New(out[0].Kind, out[0].Shape)
		if err := elemApply(n.Op, res, a, b, fns); err != nil {
			return nil, err
		}
		elemFinish(res)
		return []*dtype.Array{res}, nil
	}
}

var elemDivInts = elemBinary(divFns)

// elemDiv is Div: integer division by zero is an error, not a panic.
func elemDiv(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	for _, v := range in[1].I64 {
		if v == 0 {
			return nil, fmt.Errorf("integer division by zero")
		}
	}
	for _, v := range in[1].U64 {
		if v == 0 {
			return nil, fmt.Errorf("integer division by zero")
		}
	}
	return elemDivInts(n, in, out)
}

func elemCompare(fns elemCmpFns) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		a, b, err := elemBinaryArgs(n, in)
		if err != nil {
			return nil, err
		}
		res := dtype.New(dtype.Bool, out[0].Shape)
		ia, ib := elemIdx(res.Shape, a.Shape), elemIdx(res.Shape, b.Shape)
		switch c := a.Kind.Class(); {
		case c == dtype.ClassFloat && fns.f != nil:
			elemZip(res.Bool, a.F32, b.F32, ia, ib, elemF32Cmp(fns.f))
		case c == dtype.ClassDouble && fns.f != nil:
			elemZip(res.Bool, a.F64, b.F64, ia, ib, fns.f)
		case c == dtype.ClassInt && fns.i != nil:
			elemZip(res.Bool, a.I64, b.I64, ia, ib, fns.i)
		case c == dtype.ClassUint && fns.u != nil:
			elemZip(res.Bool, a.U64, b.U64, ia, ib, fns.u)
		case c == dtype.ClassBool && fns.b != nil:
			elemZip(res.Bool, a.Bool, b.Bool, ia, ib, fns.b)
		default:
			return nil, elemNoKernel(n.Op, a.Kind)
		}
		return []*dtype.Array{res}, nil
	}
}

// elemVariadic folds fns over all inputs (Max, Min, Sum; Mean divides the sum).
func elemVariadic(fns elemBinFns, mean bool) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		shape := out[0].Shape
		acc := in[0].Take(BroadcastIndex(shape, in[0].Shape), shape)
		for _, x := range in[1:] {
			if err := elemApply(n.Op, acc, acc, x, fns); err != nil {
				return nil, err
			}
		}
		if mean {
			k := float64(len(in))
			for i, v := range acc.F32 {
				acc.F32[i] = float32(float64(v) / k)
			}
			for i, v := range acc.F64 {
				acc.F64[i] = v / k
			}
		}
		elemFinish(acc)
		return []*dtype.Array{acc}, nil
	}
}
