package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// Propagate runs shape inference over g in node order and sets every node
// output's Kind and Shape. Whatever is computable at compile time is
// computed: a node whose inputs are all known (constants, or outputs of
// such nodes, or values shape inference derived, like Shape's) is evaluated
// with the reference kernels. It returns the known value of every tensor
// (nil where unknown); constant folding turns those into constants.
// limit bounds the bytes of any tensor (0: none).
func Propagate(g *graph.Graph, limit int64) ([]*dtype.Array, error) {
	vals := make([]*dtype.Array, len(g.Tensors))
	for _, t := range g.Tensors {
		vals[t.ID] = t.Init
	}
	for _, n := range g.Nodes {
		in := make([]graph.Meta, len(n.In))
		known := true
		for i, id := range n.In {
			if id == graph.None {
				continue
			}
			t := g.Tensors[id]
			in[i] = graph.Meta{Kind: t.Kind, Shape: t.Shape, Value: vals[id]}
			if vals[id] == nil {
				known = false
			}
		}
		out, err := graph.Infer(n, in)
		if err != nil {
			return nil, err
		}
		for i, id := range n.Out {
			if id == graph.None {
				continue
			}
			if limit > 0 && dtype.BytesFor(out[i].Kind, out[i].Shape) > limit {
				return nil, fmt.Errorf("%s: output %q of shape %v (%v) needs more than the %d-byte tensor limit", n.Label(), g.Tensors[id].Name, out[i].Shape, out[i].Kind, limit)
			}
			t := g.Tensors[id]
			t.Kind, t.Shape = out[i].Kind, out[i].Shape
			vals[id] = out[i].Value
		}
		if !known || !Supports(n.Op) || allKnown(n.Out, vals) {
			continue
		}
		arrs := make([]*dtype.Array, len(n.In))
		for i, id := range n.In {
			if id != graph.None {
				arrs[i] = vals[id]
			}
		}
		res, err := Node(n, arrs, limit)
		if err != nil {
			return nil, err
		}
		for i, id := range n.Out {
			if id != graph.None {
				vals[id] = res[i]
			}
		}
	}
	return vals, nil
}

func allKnown(ids []graph.TensorID, vals []*dtype.Array) bool {
	for _, id := range ids {
		if id != graph.None && vals[id] == nil {
			return false
		}
	}
	return true
}
