package lower

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop"
)

// knownLowerings are the shape operators. With static shapes their outputs
// are known at compile time, and fold-constants turns them into constants
// before lowering; a graph lowered without the clean-up (conform --raw)
// still has them, and each becomes a copy of its value, computed here.
var knownLowerings = map[graph.Op]lowerFunc{
	graph.OpShape: known, graph.OpConstantOfShape: known, graph.OpRange: known,
}

// known lowers a node whose output is known at compile time to a copy of
// that value: Shape from its input's shape, ConstantOfShape and Range from
// their constant inputs (reference evaluation computes them).
func known(b *builder) error {
	v, err := knownValue(b.g, b.n)
	if err != nil {
		return err
	}
	y, err := b.out(0)
	if err != nil {
		return err
	}
	if v.Kind != b.k.Buffers[y].Kind || dtype.Size(v.Shape) != dtype.Size(b.shape(y)) {
		return fmt.Errorf("value %v%v for output %v%v", v.Kind, v.Shape, b.k.Buffers[y].Kind, b.shape(y))
	}
	c := b.k.NewBuffer(&loop.Buffer{Name: b.unique("value"), Kind: v.Kind, Shape: b.shape(y), Role: loop.Constant, Init: v.Reshaped(b.shape(y))})
	vs := b.axisVars("i", len(b.shape(y)))
	b.k.Body = nest(vs, b.shape(y), store(y, idx(vs), load(c, idx(vs))))
	return nil
}

func knownValue(g *graph.Graph, n *graph.Node) (*dtype.Array, error) {
	if n.Op == graph.OpShape {
		a, _ := n.Attrs.(graph.ShapeAttrs)
		shape := g.Tensor(n.In[0]).Shape
		lo, hi := clampAxis(a.Start, len(shape)), len(shape)
		if a.HasEnd {
			hi = clampAxis(a.End, len(shape))
		}
		dims := []int64{}
		for i := lo; i < hi; i++ {
			dims = append(dims, int64(shape[i]))
		}
		v := dtype.New(dtype.I64, []int{len(dims)})
		copy(v.I64, dims)
		return v, nil
	}
	ins := make([]*dtype.Array, len(n.In))
	for i, t := range n.In {
		if t == graph.None {
			continue
		}
		if ins[i] = g.Tensor(t).Init; ins[i] == nil {
			return nil, fmt.Errorf("input %d (%s) is computed at run time: %v needs it at compile time", i, g.Tensor(t).Name, n.Op)
		}
	}
	out, err := eval.Node(n, ins, 1<<30)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// clampAxis is Shape's start/end: negative counts from the end, then
// clamped into [0, rank].
func clampAxis(a, rank int) int {
	if a < 0 {
		a += rank
	}
	return max(0, min(a, rank))
}
