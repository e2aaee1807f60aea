package graph

// MACs is the number of multiply-accumulates node n performs once, from
// its input and output kinds and shapes; element-wise and data-movement
// operators count 0 (they are not multiply-accumulates).
func MACs(n *Node, in, out []Meta) int64 {
	switch n.Op {
	case OpRNN, OpGRU, OpLSTM:
		return macsRNN(n, in, out)
	case OpConv, OpConvInteger, OpQLinearConv, OpGemm, OpMatMul, OpMatMulInteger, OpQLinearMatMul, OpEinsum:
		return macsNN(n, in, out)
	}
	return 0
}

// NodeMACs is MACs for a node of g.
func (g *Graph) NodeMACs(n *Node) int64 {
	out := make([]Meta, len(n.Out))
	for i, t := range n.Out {
		out[i] = g.Meta(t)
	}
	return MACs(n, g.InMetas(n), out)
}
