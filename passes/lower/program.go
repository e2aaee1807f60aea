package lower

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
)

// Program lowers g to a whole program: one kernel per node, in order, and a
// top function named loop.TopName that calls them. The top's parameters
// are g's inputs, then its outputs; the tensors passed between kernels are
// the top's temporaries. A graph output that no node computes (a constant,
// or an input passed through) gets a copy kernel, so the top always writes
// every output. Tensors may be empty (a dimension of 0): a node whose
// outputs are all empty computes nothing and gets no kernel, and the top's
// empty parameters are never read or written. Nodes with no lowering are
// all reported at once, each named, in one error whose parts are
// *UnsupportedError. With opt.Fuse, each chain of element-wise consumers
// is fused into its producer's kernel (FusedProgram, fuse.go).
func Program(g *graph.Graph, opt Options) (*loop.Program, error) {
	if opt.Fuse {
		return program(g, Chains(g), opt)
	}
	return program(g, nil, opt)
}

// program lowers g with the nodes of each chain fused as far as they can
// be (nil: one kernel per node).
func program(g *graph.Graph, chains [][]graph.NodeID, opt Options) (*loop.Program, error) {
	us, err := units(g, chains, opt)
	if err != nil {
		return nil, err
	}
	p := &loop.Program{Name: loop.TopName}
	names := map[string]bool{p.Name: true}
	top := map[graph.TensorID]loop.BufID{}
	topBuf := func(t graph.TensorID, role loop.Role) loop.BufID {
		if id, ok := top[t]; ok {
			return id
		}
		gt := g.Tensor(t)
		b := &loop.Buffer{Name: uniqueName(names, gt.Name), Kind: gt.Kind, Role: role}
		if len(gt.Shape) > 0 {
			b.Shape = slices.Clone(gt.Shape)
		}
		p.Buffers = append(p.Buffers, b)
		p.BufferTensors = append(p.BufferTensors, gt.Name)
		id := loop.BufID(len(p.Buffers) - 1)
		top[t] = id
		return id
	}
	for _, t := range g.Inputs {
		if g.Tensor(t).Init != nil {
			continue // an initializer listed as an input: a constant
		}
		p.Params = append(p.Params, topBuf(t, loop.Input))
	}
	produced := map[graph.TensorID]bool{}
	for _, n := range g.Nodes {
		for _, t := range n.Out {
			produced[t] = true
		}
	}
	// Outputs in g's order; one that no node computes, or that is listed
	// twice, gets its own buffer and a copy kernel.
	type copyOut struct {
		t   graph.TensorID
		buf loop.BufID
	}
	var copies []copyOut
	outSeen := map[graph.TensorID]bool{}
	for _, t := range g.Outputs {
		gt := g.Tensor(t)
		if produced[t] && !outSeen[t] {
			outSeen[t] = true
			p.Params = append(p.Params, topBuf(t, loop.Output))
			continue
		}
		out := &loop.Buffer{Name: uniqueName(names, gt.Name+"_out"), Kind: gt.Kind, Role: loop.Output}
		if len(gt.Shape) > 0 {
			out.Shape = slices.Clone(gt.Shape)
		}
		p.Buffers = append(p.Buffers, out)
		p.BufferTensors = append(p.BufferTensors, gt.Name)
		id := loop.BufID(len(p.Buffers) - 1)
		p.Params = append(p.Params, id)
		copies = append(copies, copyOut{t, id})
	}
	for _, u := range us {
		u.k.Name = uniqueName(names, u.k.Name)
		p.Kernels = append(p.Kernels, u.k)
		p.KernelNodes = append(p.KernelNodes, u.nodes)
		var args []loop.BufID
		for _, t := range u.args {
			args = append(args, topBuf(t, loop.Temp))
		}
		p.Calls = append(p.Calls, loop.KernelCall{Kernel: len(p.Kernels) - 1, Args: args})
	}
	for _, c := range copies {
		gt := g.Tensor(c.t)
		if dtype.Size(gt.Shape) == 0 {
			continue // nothing to copy
		}
		k, src := copyKernel(gt, uniqueName(names, "copy_"+gt.Name))
		p.Kernels = append(p.Kernels, k)
		p.KernelNodes = append(p.KernelNodes, nil)
		args := []loop.BufID{c.buf}
		if src {
			args = []loop.BufID{topBuf(c.t, loop.Temp), c.buf}
		}
		p.Calls = append(p.Calls, loop.KernelCall{Kernel: len(p.Kernels) - 1, Args: args})
	}
	if err := loop.VerifyProgram(p); err != nil {
		return nil, fmt.Errorf("lower: program does not verify: %w", err)
	}
	return p, nil
}

// empty reports whether every present output of n has no elements: such
// a node computes nothing and gets no kernel. (A node that writes elements
// may read an empty input, a parameter nothing reads; an empty constant or
// output of a kernel is refused by the builder.)
func empty(g *graph.Graph, n *graph.Node) bool {
	for _, t := range n.Out {
		if t != graph.None && dtype.Size(g.Tensor(t).Shape) > 0 {
			return false
		}
	}
	return true
}

// copyKernel copies t to an output: from its constant values when it is a
// constant (the kernel's only parameter is the output), else from an input
// parameter (src is true).
func copyKernel(t *graph.Tensor, name string) (k *loop.Kernel, src bool) {
	k = &loop.Kernel{Name: name}
	var shape []int
	if len(t.Shape) > 0 {
		shape = slices.Clone(t.Shape)
	}
	from := &loop.Buffer{Name: "x", Kind: t.Kind, Shape: shape, Role: loop.Input}
	if t.Init != nil {
		from.Role, from.Init = loop.Constant, t.Init
	}
	x := k.NewBuffer(from)
	y := k.NewBuffer(&loop.Buffer{Name: "y", Kind: t.Kind, Shape: shape, Role: loop.Output})
	if t.Init == nil {
		k.Params = append(k.Params, x)
	}
	k.Params = append(k.Params, y)
	vs := make([]loop.VarID, len(shape))
	for i := range vs {
		vs[i] = k.NewVar(fmt.Sprintf("i%d", i))
	}
	k.Body = nest(vs, shape, store(y, idx(vs), load(x, idx(vs))))
	return k, t.Init == nil
}

// uniqueName makes s an identifier that is not in names, not a word of the
// loop IR text and not a name C or its library uses, and records it.
func uniqueName(names map[string]bool, s string) string {
	base := identifier(s)
	if loop.ReservedFunc(base) || reserved[base] {
		base += "_k"
	}
	name := base
	for i := 1; names[name]; i++ {
		name = fmt.Sprintf("%s_%d", base, i)
	}
	names[name] = true
	return name
}
