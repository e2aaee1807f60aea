package passes

import (
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
)

// foldConstants evaluates at compile time every node whose inputs are all
// known — constants, or values that follow from static shapes, such as the
// Shape→Gather→Unsqueeze→Concat→Expand chains PyTorch exports for an LSTM's
// zero initial state once the batch is fixed — and replaces it by constants.
//
// Needs: shapes inferred (a graph from the frontend). Guarantees: no node
// left has only constant inputs; the graph's outputs are unchanged.
var foldConstants = GraphPass{
	Name: "fold-constants",
	Doc:  "evaluate nodes whose inputs are known at compile time and make their outputs constants",
	Run: func(ctx *Context, g *graph.Graph) error {
		vals, err := eval.Propagate(g, ctx.MaxTensorBytes)
		if err != nil {
			return err
		}
		drop := make([]bool, len(g.Nodes))
		any := false
		for i, n := range g.Nodes {
			folded := true
			for _, t := range n.Out {
				if t != graph.None && vals[t] == nil {
					folded = false
				}
			}
			if !folded {
				continue
			}
			for _, t := range n.Out {
				if t != graph.None {
					g.Tensors[t].Init = vals[t]
					g.Tensors[t].Producer = graph.None
					g.Tensors[t].Derived = true
				}
			}
			drop[i], any = true, true
		}
		if any {
			g.Compact(drop)
		}
		return nil
	},
}
