package graph

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// TensorID and NodeID are dense indices into Graph.Tensors and Graph.Nodes,
// so side tables are slices. None marks an absent optional input or output.
type (
	TensorID int
	NodeID   int
)

// None is the ID of an absent tensor or node.
const None = -1

// Graph is a dataflow graph of ONNX-style operators over tensors whose
// shapes are fully known (symbolic dimensions are bound on import).
type Graph struct {
	Name    string
	Tensors []*Tensor
	Nodes   []*Node // in a topological order once Verify succeeds
	Inputs  []TensorID
	Outputs []TensorID
}

// Tensor is a value of the graph: a graph input, a constant (Init != nil) or
// the output of exactly one node (Producer).
type Tensor struct {
	ID       TensorID
	Name     string
	Kind     dtype.Kind
	Shape    []int
	Producer NodeID       // None for inputs and constants
	Init     *dtype.Array // the value of a constant, nil otherwise
	// Derived marks a constant computed at compile time (constant folding)
	// rather than read from the model: not a parameter.
	Derived bool
}

// Node is one operator application. In and Out may hold None for optional
// operands that are left out.
type Node struct {
	ID    NodeID
	Op    Op
	Name  string
	In    []TensorID
	Out   []TensorID
	Attrs Attrs
}

// Meta is what shape inference knows of an operand: kind, shape and, for
// constants, the value.
type Meta struct {
	Kind  dtype.Kind
	Shape []int
	Value *dtype.Array
}

// Present reports whether the operand exists (optional operands may not).
func (m Meta) Present() bool { return m.Kind != dtype.Invalid }

// AddTensor appends a tensor and returns its ID.
func (g *Graph) AddTensor(name string, k dtype.Kind, shape []int, init *dtype.Array) TensorID {
	id := TensorID(len(g.Tensors))
	g.Tensors = append(g.Tensors, &Tensor{ID: id, Name: name, Kind: k, Shape: shape, Producer: None, Init: init})
	return id
}

// AddNode appends a node and sets the producer of its outputs.
func (g *Graph) AddNode(op Op, name string, in, out []TensorID, attrs Attrs) *Node {
	n := &Node{ID: NodeID(len(g.Nodes)), Op: op, Name: name, In: in, Out: out, Attrs: attrs}
	g.Nodes = append(g.Nodes, n)
	for _, t := range out {
		if t != None {
			g.Tensors[t].Producer = n.ID
		}
	}
	return n
}

// Tensor returns the tensor with the given ID.
func (g *Graph) Tensor(id TensorID) *Tensor { return g.Tensors[id] }

// TensorByName finds a tensor by name.
func (g *Graph) TensorByName(name string) (*Tensor, bool) {
	for _, t := range g.Tensors {
		if t.Name == name {
			return t, true
		}
	}
	return nil, false
}

// Meta returns what is known of tensor id; None gives an absent Meta.
func (g *Graph) Meta(id TensorID) Meta {
	if id == None {
		return Meta{}
	}
	t := g.Tensors[id]
	return Meta{Kind: t.Kind, Shape: t.Shape, Value: t.Init}
}

// InMetas returns the Metas of a node's inputs.
func (g *Graph) InMetas(n *Node) []Meta {
	ms := make([]Meta, len(n.In))
	for i, t := range n.In {
		ms[i] = g.Meta(t)
	}
	return ms
}

// Uses counts, for every tensor, the node inputs and graph outputs that read it.
func (g *Graph) Uses() []int {
	u := make([]int, len(g.Tensors))
	for _, n := range g.Nodes {
		for _, t := range n.In {
			if t != None {
				u[t]++
			}
		}
	}
	for _, t := range g.Outputs {
		u[t]++
	}
	return u
}

// Label is how errors name a node: `node "conv_3" (Conv)`.
func (n *Node) Label() string {
	if n.Name == "" {
		return fmt.Sprintf("node #%d (%v)", n.ID, n.Op)
	}
	return fmt.Sprintf("node %q (%v)", n.Name, n.Op)
}

// IsParams marks, per tensor, the parameters: floating-point constants read
// from the model (weights, biases, statistics) that some node reads — not
// integer shape or axis operands, not values derived at compile time, and
// not a sparse constant matrix multiplied in a MatMul (see SparseDensity):
// that is the model's graph structure, the STGCN's normalised adjacency,
// which PAPER_MODELS.md does not count among the 105,010 parameters.
func (g *Graph) IsParams() []bool {
	is := make([]bool, len(g.Tensors))
	structure := make([]bool, len(g.Tensors))
	for _, n := range g.Nodes {
		for i, t := range n.In {
			if t == None {
				continue
			}
			tt := g.Tensors[t]
			is[t] = tt.Init != nil && !tt.Derived && tt.Kind.IsFloat()
			if n.Op == OpMatMul && i < 2 && tt.Init != nil && len(tt.Shape) == 2 && isSparse(tt.Init) {
				structure[t] = true
			}
		}
	}
	for i := range is {
		is[i] = is[i] && !structure[i]
	}
	return is
}

// Params is the number of parameter elements (IsParams) of the graph.
func (g *Graph) Params() int64 {
	var p int64
	for i, ok := range g.IsParams() {
		if ok {
			p += int64(g.Tensors[i].Init.Len())
		}
	}
	return p
}
