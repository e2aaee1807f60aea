package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func runEinsum(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.EinsumAttrs)
	shapes := make([][]int, len(in))
	for i, x := range in {
		shapes[i] = x.Shape
	}
	p, err := graph.ParseEinsum(a.Equation, shapes)
	if err != nil {
		return nil, err
	}
	y := dtype.New(out[0].Kind, out[0].Shape)
	switch y.Kind.Class() {
	case dtype.ClassFloat:
		nnEinsum(p, in, y.F32)
		nnRound(y)
	case dtype.ClassDouble:
		nnEinsum(p, in, y.F64)
	case dtype.ClassInt:
		nnEinsum(p, in, y.I64)
		for i, v := range y.I64 {
			y.I64[i] = dtype.WrapInt(y.Kind, v)
		}
	case dtype.ClassUint:
		nnEinsum(p, in, y.U64)
		for i, v := range y.U64 {
			y.U64[i] = dtype.WrapUint(y.Kind, v)
		}
	default:
		return nil, fmt.Errorf("Einsum of %v", y.Kind)
	}
	return []*dtype.Array{y}, nil
}

// nnOdometer steps through the index space of some labels, last fastest,
// keeping one flat offset per operand up to date.
type nnOdometer struct {
	sizes []int
	step  [][]int // per label, per operand: the offset change of one step
	count []int
}

func newNNOdometer(p *graph.EinsumPlan, labels []int, strides [][]int) *nnOdometer {
	o := &nnOdometer{count: make([]int, len(labels))}
	for _, l := range labels {
		o.sizes = append(o.sizes, p.Sizes[l])
		o.step = append(o.step, strides[l])
	}
	return o
}

func (o *nnOdometer) next(off []int) {
	for d := len(o.sizes) - 1; d >= 0; d-- {
		o.count[d]++
		for i, s := range o.step[d] {
			off[i] += s
		}
		if o.count[d] < o.sizes[d] {
			return
		}
		for i, s := range o.step[d] {
			off[i] -= s * o.sizes[d]
		}
		o.count[d] = 0
	}
}

// nnEinsum evaluates the plan directly: for each output element, the sum
// over the summed labels of the product of the operands. An operand axis
// that repeats a label adds its stride to that label's (a diagonal); an
// axis of size 1 under a larger label is broadcast (stride 0).
func nnEinsum[T nnNum](p *graph.EinsumPlan, in []*dtype.Array, y []T) {
	ops := make([][]T, len(in))
	// strides[label][operand]
	strides := make([][]int, len(p.Sizes))
	for l := range strides {
		strides[l] = make([]int, len(in))
	}
	for i, x := range in {
		ops[i] = nnData[T](x)
		st := dtype.Strides(x.Shape)
		for a, l := range p.Operands[i] {
			if x.Shape[a] == p.Sizes[l] {
				strides[l][i] += st[a]
			}
		}
	}
	outer := newNNOdometer(p, p.Output, strides)
	inner := newNNOdometer(p, p.Summed, strides)
	nSum := 1
	for _, l := range p.Summed {
		nSum *= p.Sizes[l]
	}
	base := make([]int, len(in))
	cur := make([]int, len(in))
	for o := range y {
		var acc T
		copy(cur, base)
		for range nSum {
			prod := T(1)
			for i, op := range ops {
				prod *= op[cur[i]]
			}
			acc += prod
			inner.next(cur)
		}
		y[o] = acc
		outer.next(base)
	}
}
