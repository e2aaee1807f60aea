package graph

// ReplaceUses makes every reader of old (node inputs, graph outputs) read
// new instead.
func (g *Graph) ReplaceUses(old, new TensorID) {
	for _, n := range g.Nodes {
		for i, t := range n.In {
			if t == old {
				n.In[i] = new
			}
		}
	}
	for i, t := range g.Outputs {
		if t == old {
			g.Outputs[i] = new
		}
	}
}

// IsOutput reports whether t is a graph output.
func (g *Graph) IsOutput(t TensorID) bool {
	for _, o := range g.Outputs {
		if o == t {
			return true
		}
	}
	return false
}

// IsInput reports whether t is a graph input.
func (g *Graph) IsInput(t TensorID) bool {
	for _, o := range g.Inputs {
		if o == t {
			return true
		}
	}
	return false
}

// Compact removes the nodes for which drop is true (drop may be nil) and
// every tensor no one defines or reads (graph inputs stay), then renumbers
// nodes and tensors densely, keeping their order. Outputs of dropped nodes
// that are still read must have been replaced or made constants first.
func (g *Graph) Compact(drop []bool) {
	var nodes []*Node
	for i, n := range g.Nodes {
		if drop == nil || !drop[i] {
			nodes = append(nodes, n)
		}
	}
	g.Nodes = nodes
	keep := make([]bool, len(g.Tensors))
	for _, t := range g.Inputs {
		keep[t] = true
	}
	for _, t := range g.Outputs {
		keep[t] = true
	}
	for _, n := range g.Nodes {
		for _, t := range n.In {
			if t != None {
				keep[t] = true
			}
		}
		for _, t := range n.Out {
			if t != None {
				keep[t] = true
			}
		}
	}
	newID := make([]TensorID, len(g.Tensors))
	var tensors []*Tensor
	for i, t := range g.Tensors {
		newID[i] = None
		if keep[i] {
			newID[i] = TensorID(len(tensors))
			t.ID = newID[i]
			tensors = append(tensors, t)
		}
	}
	g.Tensors = tensors
	remap := func(ids []TensorID) {
		for i, t := range ids {
			if t != None {
				ids[i] = newID[t]
			}
		}
	}
	remap(g.Inputs)
	remap(g.Outputs)
	for i, n := range g.Nodes {
		n.ID = NodeID(i)
		remap(n.In)
		remap(n.Out)
		for _, t := range n.Out {
			if t != None {
				g.Tensors[t].Producer = n.ID
			}
		}
	}
}
