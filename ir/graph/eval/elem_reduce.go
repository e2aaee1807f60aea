package eval

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// elemRed is the operation of a Reduce* kernel.
type elemRed int

const (
	elemRedSum elemRed = iota
	elemRedMean
	elemRedMax
	elemRedMin
	elemRedProd
)

type elemNum interface {
	~float32 | ~float64 | ~int64 | ~uint64
}

// elemFold reduces x into acc: element i of x goes to acc[idx[i]].
// Max and Min propagate NaN (Go's max and min do).
func elemFold[T elemNum](acc, x []T, idx []int, init T, op elemRed) {
	for i := range acc {
		acc[i] = init
	}
	switch op {
	case elemRedSum, elemRedMean:
		for i, v := range x {
			acc[idx[i]] += v
		}
	case elemRedProd:
		for i, v := range x {
			acc[idx[i]] *= v
		}
	case elemRedMax:
		for i, v := range x {
			acc[idx[i]] = max(acc[idx[i]], v)
		}
	case elemRedMin:
		for i, v := range x {
			acc[idx[i]] = min(acc[idx[i]], v)
		}
	}
}

// elemInit is the value a reduction of the empty set gives, per class.
func elemInit(op elemRed, k dtype.Kind) (f float64, i int64, u uint64) {
	lo, hi := k.IntRange()
	switch op {
	case elemRedProd:
		return 1, 1, 1
	case elemRedMax:
		return math.Inf(-1), lo, 0
	case elemRedMin:
		return math.Inf(1), int64(hi), hi
	}
	return 0, 0, 0
}

func elemReduce(op elemRed) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		x := in[0]
		var axes *dtype.Array
		if len(in) > 1 {
			axes = in[1]
		}
		a, _ := n.Attrs.(graph.ReduceAttrs)
		red, err := graph.ReducedAxes(a, len(x.Shape), axes)
		if err != nil {
			return nil, err
		}
		keep := append([]int{}, x.Shape...)
		count := 1
		for i, r := range red {
			if r {
				count *= keep[i]
				keep[i] = 1
			}
		}
		idx := BroadcastIndex(x.Shape, keep)
		res := dtype.New(out[0].Kind, out[0].Shape)
		fi, ii, ui := elemInit(op, x.Kind)
		switch x.Kind.Class() {
		case dtype.ClassFloat:
			elemFold(res.F32, x.F32, idx, float32(fi), op)
		case dtype.ClassDouble:
			elemFold(res.F64, x.F64, idx, fi, op)
		case dtype.ClassInt:
			elemFold(res.I64, x.I64, idx, ii, op)
		case dtype.ClassUint:
			elemFold(res.U64, x.U64, idx, ui, op)
		case dtype.ClassBool:
			if op != elemRedMax && op != elemRedMin {
				return nil, elemNoKernel(n.Op, x.Kind)
			}
			for i := range res.Bool {
				res.Bool[i] = op == elemRedMin
			}
			for i, v := range x.Bool {
				if v == (op == elemRedMax) {
					res.Bool[idx[i]] = v
				}
			}
		default:
			return nil, elemNoKernel(n.Op, x.Kind)
		}
		if op == elemRedMean {
			if err := elemDivide(res, count); err != nil {
				return nil, err
			}
		}
		elemFinish(res)
		return []*dtype.Array{res}, nil
	}
}

// elemDivide divides sums by count for ReduceMean; integer means truncate.
func elemDivide(res *dtype.Array, count int) error {
	if count == 0 && res.Kind.IsInt() && res.Len() > 0 {
		return fmt.Errorf("mean of an empty set of %v", res.Kind)
	}
	c := float64(count)
	for i, v := range res.F32 {
		res.F32[i] = float32(float64(v) / c)
	}
	for i, v := range res.F64 {
		res.F64[i] = v / c
	}
	for i, v := range res.I64 {
		res.I64[i] = int64(float64(v) / c)
	}
	for i, v := range res.U64 {
		res.U64[i] = uint64(float64(v) / c)
	}
	return nil
}

// elemSoftmax is Softmax or LogSoftmax, computed in float64 after
// subtracting each row's maximum.
func elemSoftmax(log bool) Kernel {
	return func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
		x := in[0]
		a, _ := n.Attrs.(graph.SoftmaxAttrs)
		outer, m, inner, err := graph.SoftmaxAxis(a, x.Shape)
		if err != nil {
			return nil, err
		}
		res := dtype.New(out[0].Kind, out[0].Shape)
		row := make([]float64, m)
		for o := range outer {
			for j := range inner {
				base := o*m*inner + j
				mx := math.Inf(-1)
				for k := range row {
					row[k] = x.At(base + k*inner)
					mx = max(mx, row[k])
				}
				sum := 0.0
				for k, v := range row {
					row[k] = v - mx
					sum += math.Exp(row[k])
				}
				ls := math.Log(sum)
				for k, v := range row {
					y := math.Exp(v) / sum
					if log {
						y = v - ls
					}
					elemSet(res, base+k*inner, y)
				}
			}
		}
		elemFinish(res)
		return []*dtype.Array{res}, nil
	}
}

// elemSet stores a float result; narrow kinds are rounded by elemFinish.
func elemSet(a *dtype.Array, i int, v float64) {
	if a.F64 != nil {
		a.F64[i] = v
	} else {
		a.F32[i] = float32(v)
	}
}

// elemScan is a running sum along the middle axis of an [outer, m, inner]
// view of x.
func elemScan[T elemNum](x, out []T, outer, m, inner int, exclusive, reverse bool) {
	for o := range outer {
		for j := range inner {
			base := o*m*inner + j
			var s T
			for kk := range m {
				k := kk
				if reverse {
					k = m - 1 - kk
				}
				p := base + k*inner
				if exclusive {
					out[p] = s
					s += x[p]
				} else {
					s += x[p]
					out[p] = s
				}
			}
		}
	}
}

func elemCumSum(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	x := in[0]
	ax, err := graph.CumSumAxis(in[1], len(x.Shape))
	if err != nil {
		return nil, err
	}
	a, _ := n.Attrs.(graph.CumSumAttrs)
	outer, m, inner := dtype.Size(x.Shape[:ax]), x.Shape[ax], dtype.Size(x.Shape[ax+1:])
	res := dtype.New(out[0].Kind, out[0].Shape)
	switch x.Kind.Class() {
	case dtype.ClassFloat:
		elemScan(x.F32, res.F32, outer, m, inner, a.Exclusive, a.Reverse)
	case dtype.ClassDouble:
		elemScan(x.F64, res.F64, outer, m, inner, a.Exclusive, a.Reverse)
	case dtype.ClassInt:
		elemScan(x.I64, res.I64, outer, m, inner, a.Exclusive, a.Reverse)
	case dtype.ClassUint:
		elemScan(x.U64, res.U64, outer, m, inner, a.Exclusive, a.Reverse)
	default:
		return nil, elemNoKernel(n.Op, x.Kind)
	}
	elemFinish(res)
	return []*dtype.Array{res}, nil
}
