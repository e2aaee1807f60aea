package passes

import "github.com/kiln-hls/kiln/ir/graph"

// eliminateDead removes nodes none of whose outputs is read, transitively,
// and every tensor nothing defines or reads.
//
// Needs: nothing. Guarantees: every node contributes to a graph output.
var eliminateDead = GraphPass{
	Name: "eliminate-dead",
	Doc:  "remove nodes and tensors that no graph output depends on",
	Run: func(_ *Context, g *graph.Graph) error {
		live := make([]bool, len(g.Tensors))
		for _, t := range g.Outputs {
			live[t] = true
		}
		drop := make([]bool, len(g.Nodes))
		for i := len(g.Nodes) - 1; i >= 0; i-- {
			n := g.Nodes[i]
			used := false
			for _, t := range n.Out {
				if t != graph.None && live[t] {
					used = true
				}
			}
			if !used {
				drop[i] = true
				continue
			}
			for _, t := range n.In {
				if t != graph.None {
					live[t] = true
				}
			}
		}
		g.Compact(drop)
		return nil
	},
}
