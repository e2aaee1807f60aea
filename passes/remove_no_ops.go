package passes

import "github.com/kiln-hls/kiln/ir/graph"

// removeNoOps removes Identity and inference-mode Dropout: readers of the
// output read the input instead. A node whose output is a graph output stays
// when its input is itself a graph input, output or constant (the output
// needs its own name); otherwise the input tensor takes over the output's
// name. A Dropout whose mask is read stays.
//
// Needs: nothing. Guarantees: no Identity or Dropout left but those above.
var removeNoOps = GraphPass{
	Name: "remove-no-ops",
	Doc:  "remove Identity and inference-mode Dropout",
	Run: func(_ *Context, g *graph.Graph) error {
		uses := g.Uses()
		drop := make([]bool, len(g.Nodes))
		for i, n := range g.Nodes {
			if n.Op != graph.OpIdentity && n.Op != graph.OpDropout {
				continue
			}
			if len(n.Out) > 1 && n.Out[1] != graph.None && uses[n.Out[1]] > 0 {
				continue // Dropout's mask is read
			}
			src, dst := n.In[0], n.Out[0]
			if dst == graph.None {
				drop[i] = true
				continue
			}
			if g.IsOutput(dst) {
				s := g.Tensors[src]
				if g.IsInput(src) || g.IsOutput(src) || s.Init != nil {
					continue
				}
				s.Name = g.Tensors[dst].Name
			}
			g.ReplaceUses(dst, src)
			drop[i] = true
		}
		g.Compact(drop)
		return nil
	},
}
