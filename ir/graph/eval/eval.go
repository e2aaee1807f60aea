package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// Kernel computes one node. in[i] is nil for an absent optional input; out
// holds the kinds and shapes that shape inference gave, one per output
// (absent outputs included); the kernel returns one array per output, nil
// allowed for absent outputs. Kernels never modify their inputs.
type Kernel func(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error)

// KernelDef is one row of a kernel table.
type KernelDef struct {
	Op  graph.Op
	Run Kernel
}

var kernels = buildKernels(elemKernels, moveKernels, nnKernels, rnnKernels, quantKernels)

func buildKernels(families ...[]KernelDef) map[graph.Op]Kernel {
	m := map[graph.Op]Kernel{}
	for _, f := range families {
		for _, d := range f {
			if _, dup := m[d.Op]; dup {
				panic(fmt.Sprintf("eval: kernel for %v defined twice", d.Op))
			}
			m[d.Op] = d.Run
		}
	}
	return m
}

// Supports reports whether op has a reference kernel.
func Supports(op graph.Op) bool { _, ok := kernels[op]; return ok }

// Node evaluates one node on concrete inputs: it infers the output shapes,
// checks them against limit (bytes per tensor; 0 means no limit), runs the
// kernel and checks that what it returned matches the inference.
func Node(n *graph.Node, in []*dtype.Array, limit int64) ([]*dtype.Array, error) {
	k, ok := kernels[n.Op]
	if !ok {
		return nil, fmt.Errorf("%s: no reference kernel for %v", n.Label(), n.Op)
	}
	metas := make([]graph.Meta, len(in))
	for i, a := range in {
		if a != nil {
			metas[i] = graph.Meta{Kind: a.Kind, Shape: a.Shape, Value: a}
		}
	}
	outs, err := graph.Infer(n, metas)
	if err != nil {
		return nil, err
	}
	for i, m := range outs {
		if limit > 0 && n.Out[i] != graph.None && dtype.BytesFor(m.Kind, m.Shape) > limit {
			return nil, fmt.Errorf("%s: output %d of shape %v (%v) needs more than the %d-byte tensor limit", n.Label(), i, m.Shape, m.Kind, limit)
		}
	}
	res, err := k(n, in, outs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", n.Label(), err)
	}
	if len(res) != len(outs) {
		return nil, fmt.Errorf("%s: kernel gave %d outputs for %d (kiln bug)", n.Label(), len(res), len(outs))
	}
	for i, r := range res {
		if r == nil {
			if n.Out[i] != graph.None {
				return nil, fmt.Errorf("%s: kernel gave no output %d (kiln bug)", n.Label(), i)
			}
			continue
		}
		if r.Kind != outs[i].Kind || !graph.SameShape(r.Shape, outs[i].Shape) || r.Len() != dtype.Size(r.Shape) {
			return nil, fmt.Errorf("%s: output %d is %v%v, shape inference said %v%v (kiln bug)", n.Label(), i, r.Kind, r.Shape, outs[i].Kind, outs[i].Shape)
		}
	}
	return res, nil
}

// Options control a graph evaluation.
type Options struct {
	MaxTensorBytes int64 // per tensor; 0 means no limit
	// Observe, when set, sees every tensor's value once: the graph's
	// inputs first, then each node's outputs as the node computes them
	// (calibration watches values this way). It must not change them.
	Observe func(t graph.TensorID, v *dtype.Array)
}

// Run evaluates g on the given inputs, one per graph input in order, and
// returns the graph outputs in order.
func Run(g *graph.Graph, inputs []*dtype.Array, opt Options) ([]*dtype.Array, error) {
	if len(inputs) != len(g.Inputs) {
		return nil, fmt.Errorf("eval: graph has %d inputs, got %d", len(g.Inputs), len(inputs))
	}
	vals := make([]*dtype.Array, len(g.Tensors))
	for _, t := range g.Tensors {
		if t.Init != nil {
			vals[t.ID] = t.Init
		}
	}
	for i, id := range g.Inputs {
		t := g.Tensors[id]
		a := inputs[i]
		if a == nil {
			return nil, fmt.Errorf("eval: input %q not given", t.Name)
		}
		if a.Kind != t.Kind || !graph.SameShape(a.Shape, t.Shape) {
			return nil, fmt.Errorf("eval: input %q is %v%v, the graph wants %v%v", t.Name, a.Kind, a.Shape, t.Kind, t.Shape)
		}
		vals[id] = a
		if opt.Observe != nil {
			opt.Observe(id, a)
		}
	}
	for _, n := range g.Nodes {
		in := make([]*dtype.Array, len(n.In))
		for i, t := range n.In {
			if t != graph.None {
				if vals[t] == nil {
					return nil, fmt.Errorf("eval: %s reads %q before it is computed", n.Label(), g.Tensors[t].Name)
				}
				in[i] = vals[t]
			}
		}
		res, err := Node(n, in, opt.MaxTensorBytes)
		if err != nil {
			return nil, err
		}
		for i, t := range n.Out {
			if t != graph.None {
				vals[t] = res[i]
				if opt.Observe != nil {
					opt.Observe(t, res[i])
				}
			}
		}
	}
	out := make([]*dtype.Array, len(g.Outputs))
	for i, id := range g.Outputs {
		out[i] = vals[id]
		if out[i] == nil {
			return nil, fmt.Errorf("eval: output %q is never computed", g.Tensors[id].Name)
		}
	}
	return out, nil
}
