package lower

import (
	"errors"
	"slices"

	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// fusable are the element-wise operators fusion may append to a chain: one
// output the shape of the input read from the chain.
var fusable = map[graph.Op]bool{
	graph.OpRelu: true, graph.OpSigmoid: true, graph.OpTanh: true, graph.OpLeakyRelu: true,
	graph.OpElu: true, graph.OpSelu: true, graph.OpHardSigmoid: true, graph.OpSoftplus: true,
	graph.OpClip: true, graph.OpExp: true, graph.OpLog: true, graph.OpAbs: true,
	graph.OpNeg: true, graph.OpSqrt: true, graph.OpReciprocal: true, graph.OpErf: true,
	graph.OpFloor: true, graph.OpCeil: true, graph.OpSign: true, graph.OpPRelu: true,
	graph.OpAdd: true, graph.OpSub: true, graph.OpMul: true, graph.OpDiv: true,
	graph.OpPow: true, graph.OpMax: true, graph.OpMin: true, graph.OpSum: true,
	graph.OpMean: true, graph.OpCast: true,
}

// Chains lists g's fusion candidates, in node order: each is a node whose
// only output is read once, by a fusable element-wise node of the same
// output shape, and so on; no graph output is inside a chain. Nodes appear
// in at most one chain; a node in no chain is lowered alone.
func Chains(g *graph.Graph) [][]graph.NodeID {
	uses := g.Uses()
	reader := make([]graph.NodeID, len(g.Tensors))
	for i := range reader {
		reader[i] = graph.None
	}
	for _, n := range g.Nodes {
		for _, t := range n.In {
			if t != graph.None {
				reader[t] = n.ID
			}
		}
	}
	claimed := make([]bool, len(g.Nodes))
	var chains [][]graph.NodeID
	for _, n := range g.Nodes {
		if claimed[n.ID] {
			continue
		}
		chain := []graph.NodeID{n.ID}
		for cur := n; ; {
			t, ok := onlyOutput(cur)
			if !ok || uses[t] != 1 || g.IsOutput(t) || reader[t] == graph.None {
				break
			}
			next := g.Nodes[reader[t]]
			out, ok := onlyOutput(next)
			if !ok || !fusable[next.Op] || claimed[next.ID] || !slices.Equal(g.Tensor(out).Shape, g.Tensor(t).Shape) {
				break
			}
			chain, cur = append(chain, next.ID), next
			claimed[next.ID] = true
		}
		if len(chain) > 1 {
			claimed[n.ID] = true
			chains = append(chains, chain)
		}
	}
	return chains
}

// onlyOutput is n's output when it has exactly one present output.
func onlyOutput(n *graph.Node) (graph.TensorID, bool) {
	out := graph.TensorID(graph.None)
	for _, t := range n.Out {
		if t == graph.None {
			continue
		}
		if out != graph.None {
			return graph.None, false
		}
		out = t
	}
	return out, out != graph.None
}

// unit is one kernel of a program: the kernel, the graph tensor each of its
// parameters is, and the index of the last node it computes (its place in
// the program).
type unit struct {
	k     *loop.Kernel
	args  []graph.TensorID
	last  int
	nodes []string // the names of the nodes it computes, in order
}

// nodeArgs are the tensors of Node's kernel parameters: the node's present
// non-constant inputs, each once, then its present outputs.
func nodeArgs(g *graph.Graph, n *graph.Node) []graph.TensorID {
	var args []graph.TensorID
	for _, t := range n.In {
		if t != graph.None && g.Tensor(t).Init == nil && !slices.Contains(args, t) {
			args = append(args, t)
		}
	}
	for _, t := range n.Out {
		if t != graph.None {
			args = append(args, t)
		}
	}
	return args
}

// units lowers g's nodes to kernels, each chain of chains fused as far as
// fuseInto allows, and returns them in program order. All failures are
// reported at once.
func units(g *graph.Graph, chains [][]graph.NodeID, opt Options) ([]unit, error) {
	inChain := make([]bool, len(g.Nodes))
	head := map[graph.NodeID][]graph.NodeID{}
	for _, c := range chains {
		c = slices.DeleteFunc(slices.Clone(c), func(id graph.NodeID) bool { return empty(g, g.Nodes[id]) })
		if len(c) == 0 {
			continue
		}
		head[c[0]] = c
		for _, id := range c {
			inChain[id] = true
		}
	}
	var us []unit
	var errs []error
	lowerOne := func(n *graph.Node) (unit, bool) {
		k, err := Node(g, n, opt)
		if err != nil {
			errs = append(errs, err)
			return unit{}, false
		}
		return unit{k: k, args: nodeArgs(g, n), last: int(n.ID), nodes: []string{n.Name}}, true
	}
	for _, n := range g.Nodes {
		switch {
		case empty(g, n):
			// computes nothing: no kernel
		case head[n.ID] != nil:
			us = append(us, lowerChain(g, head[n.ID], lowerOne)...)
		case !inChain[n.ID]:
			if u, ok := lowerOne(n); ok {
				us = append(us, u)
			}
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	slices.SortFunc(us, func(a, b unit) int { return a.last - b.last })
	return us, nil
}

// lowerChain fuses the kernels of a chain from its first node on, starting
// a new kernel where fuseInto refuses. A node that does not lower is
// recorded by lowerOne; the chain then gives no kernel.
func lowerChain(g *graph.Graph, chain []graph.NodeID, lowerOne func(*graph.Node) (unit, bool)) []unit {
	var us []unit
	failed := false
	for _, id := range chain {
		u, ok := lowerOne(g.Nodes[id])
		if failed = failed || !ok; failed {
			continue // lower the rest: every failure is reported
		}
		if len(us) > 0 {
			cur := us[len(us)-1]
			y, _ := onlyOutput(g.Nodes[cur.last])
			if f, ok := fuseInto(cur, y, u); ok {
				us[len(us)-1] = f
				continue
			}
		}
		us = append(us, u)
	}
	if failed {
		return nil
	}
	return us
}

// FusedProgram is Program with fusion of element-wise consumers into their
// producer's kernel (the second half of fuse-ops; passes' fuse-ops pass,
// run before, folds BatchNormalization into the layer before it).
//
// A chain is a producer node followed by element-wise nodes, each reading
// the one before it (Conv → Add(bias) → Relu, Gemm → Sigmoid, …): Chains
// finds them in the graph, and FusedProgram lowers each to ONE kernel. The
// producer is lowered as usual; at its store of an output element, the
// consumer's per-element expression is computed from the stored value
// instead, and stored to the consumer's output:
//
//	y[n, m, o] = acc            ⇒   r[n, m, o] = select(acc < 0.0, 0.0, acc)
//
// The stored expression moves into the consumer's when the consumer reads
// it once (or it is a constant or a scalar read); otherwise it is kept in a
// register temporary of the producer's output kind. Either way every
// operation rounds as it did unfused.
//
// Needs: nothing beyond Program's needs (any graph Program lowers). That
// fusion is valid only when the producer stores each element of its output
// exactly once, with its final value, is checked on the producer's kernel
// (one store, not under an If, never read back, at an index that is
// one-to-one in the enclosing loops); the consumer's kernel must be a
// perfect loop nest over its output reading the producer's element at its
// own position. Where a check fails the chain is cut and the rest starts a
// chain of its own.
//
// Guarantees: the program computes exactly what Program computes (the
// same operations in the same order per element); a fused chain's
// intermediate tensors are not buffers of the program; each fused kernel
// runs at the position of its chain's last node (every input of the chain
// is computed by then) and takes the producer's non-constant inputs, then
// each consumer's other non-constant inputs not passed already, then the
// chain's output.
func FusedProgram(g *graph.Graph, opt Options) (*loop.Program, error) {
	return program(g, Chains(g), opt)
}
