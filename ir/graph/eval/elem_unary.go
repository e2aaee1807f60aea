package eval

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// elemUnaryFns is an element-wise function per storage class; nil elemWhere the
// operator does not take the class. Integer results are wrapped afterwards.
type elemUnaryFns struct {
	f func(float64) float64
	i func(int64) int64
	u func(uint64) uint64
	b func(bool) bool
}

func elemFloatFn(f func(float64) float64) elemUnaryFns { return elemUnaryFns{f: f} }

var (
	elemExp   = math.Exp
	elemLog   = math.Log
	elemSqrt  = math.Sqrt
	elemFloor = math.Floor
	elemCeil  = math.Ceil
	elemTanh  = math.Tanh

	absFns = elemUnaryFns{
		f: math.Abs,
		i: func(x int64) int64 { return max(x, -x) },
		u: func(x uint64) uint64 { return x },
	}
	negFns = elemUnaryFns{
		f: func(x float64) float64 { return -x },
		i: func(x int64) int64 { return -x },
	}
	reluFns = elemUnaryFns{
		f: func(x float64) float64 {
			if x < 0 {
				return 0
			}
			return x
		},
		i: func(x int64) int64 { return max(x, 0) },
	}
	erfFns = elemUnaryFns{
		f: math.Erf,
		i: func(x int64) int64 { return int64(math.Erf(float64(x))) },
		u: func(x uint64) uint64 { return uint64(math.Erf(float64(x))) },
	}
	signFns = elemUnaryFns{
		f: func(x float64) float64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return x // ±0 and NaN
		},
		i: func(x int64) int64 {
			switch {
			case x > 0:
				return 1
			case x < 0:
				return -1
			}
			return 0
		},
		u: func(x uint64) uint64 { return min(x, 1) },
	}
)

// elemSigmoid is 1/(1+e^-x), written so that neither branch overflows.
func elemSigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// elemSoftplus is ln(e^x+1) = max(x,0) + ln(1+e^-|x|).
func elemSoftplus(x float64) float64 {
	return max(x, 0) + math.Log1p(math.Exp(-math.Abs(x)))
}

func leakyReluFns(a graph.ActAttrs) elemUnaryFns {
	alpha := float64(a.Alpha)
	return elemFloatFn(func(x float64) float64 {
		if x < 0 {
			return alpha * x
		}
		return x
	})
}

func eluFns(a graph.ActAttrs) elemUnaryFns {
	alpha := float64(a.Alpha)
	return elemFloatFn(func(x float64) float64 {
		if x < 0 {
			return alpha * (math.Exp(x) - 1)
		}
		return x
	})
}

func seluFns(a graph.ActAttrs) elemUnaryFns {
	alpha, gamma := float64(a.Alpha), float64(a.Gamma)
	return elemFloatFn(func(x float64) float64 {
		if x <= 0 {
			return gamma * (alpha*math.Exp(x) - alpha)
		}
		return gamma * x
	})
}

func hardSigmoidFns(a graph.ActAttrs) elemUnaryFns {
	alpha, beta := float64(a.Alpha), float64(a.Beta)
	return elemFloatFn(func(x float64) float64 {
		return max(0, min(1, alpha*x+beta))
	})
}

func elemUnary(fns elemUnaryFns) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		return elemMap(n.Op, in[0], out[0], fns)
	}
}

func elemUnaryAttr(mk func(graph.ActAttrs) elemUnaryFns) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		a, _ := n.Attrs.(graph.ActAttrs)
		return elemMap(n.Op, in[0], out[0], mk(a))
	}
}

func elemMap(op graph.Op, x *dtype.Array, m graph.Meta, fns elemUnaryFns) ([]*dtype.Array, error) {
	res := dtype.New(m.Kind, m.Shape)
	switch c := x.Kind.Class(); {
	case (c == dtype.ClassFloat || c == dtype.ClassDouble) && fns.f != nil:
		for i, v := range x.F32 {
			res.F32[i] = float32(fns.f(float64(v)))
		}
		for i, v := range x.F64 {
			res.F64[i] = fns.f(v)
		}
	case c == dtype.ClassInt && fns.i != nil:
		for i, v := range x.I64 {
			res.I64[i] = fns.i(v)
		}
	case c == dtype.ClassUint && fns.u != nil:
		for i, v := range x.U64 {
			res.U64[i] = fns.u(v)
		}
	case c == dtype.ClassBool && fns.b != nil:
		for i, v := range x.Bool {
			res.Bool[i] = fns.b(v)
		}
	default:
		return nil, elemNoKernel(op, x.Kind)
	}
	elemFinish(res)
	return []*dtype.Array{res}, nil
}
