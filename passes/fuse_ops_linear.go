package passes

import (
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// The BatchNormalization folds of fuse-ops into the layers whose output
// channel is a weight column: Gemm, MatMul and MatMul+Add (fuse_ops.go).

// foldGemm scales the output columns of a Gemm and folds the statistics
// into C (Beta becomes 1).
func foldGemm(g *graph.Graph, p, bn *graph.Node, f bnScale) bool {
	at, _ := p.Attrs.(graph.GemmAttrs)
	w := constIn(g, p, 1)
	out := g.Tensor(p.Out[0]).Shape
	if w == nil || len(w.Shape) != 2 || len(out) != 2 || out[1] != len(f.mul) {
		return false
	}
	var c *graph.Tensor
	if len(p.In) > 2 && p.In[2] != graph.None && at.Beta != 0 {
		if c = constIn(g, p, 2); c == nil {
			return false
		}
	}
	nw := scaleColumns(w.Init, f.mul, at.TransB)
	nc := foldBias(c, float64(at.Beta), out, f, w.Kind)
	p.In = []graph.TensorID{p.In[0], newConst(g, w.Name+"_bn", nw), newConst(g, biasName(g, p), nc)}
	at.Beta = 1
	p.Attrs = at
	takeOutput(g, p, bn)
	return true
}

// scaleColumns multiplies column j of a 2-D weight (row j when transposed)
// by mul[j].
func scaleColumns(w *dtype.Array, mul []float64, trans bool) *dtype.Array {
	nw := dtype.New(w.Kind, w.Shape)
	cols := w.Shape[1]
	for i := range nw.Len() {
		j := i % cols
		if trans {
			j = i / cols
		}
		nw.Set(i, w.At(i)*mul[j])
	}
	return nw
}

// foldBias is (beta·c − mean)·s + B over an output of shape out ([M, N]),
// c broadcast to it (absent: 0): of shape [N] when c does not vary along
// rows, else [M, N].
func foldBias(c *graph.Tensor, beta float64, out []int, f bnScale, k dtype.Kind) *dtype.Array {
	m, n := out[0], out[1]
	rows := c != nil && len(c.Shape) == 2 && c.Shape[0] == m && m > 1
	shape := []int{n}
	if rows {
		shape = out
	}
	nc := dtype.New(k, shape)
	for i := range nc.Len() {
		r, j := i/n, i%n
		v := 0.0
		if c != nil {
			v = beta * c.Init.At(bcastAt(c.Shape, r, j))
		}
		nc.Set(i, f.at(j, v))
	}
	return nc
}

// bcastAt is the flat index into a tensor of shape s (rank ≤ 2) broadcast
// to a 2-D output, at row r and column j.
func bcastAt(s []int, r, j int) int {
	switch len(s) {
	case 0:
		return 0
	case 1:
		if s[0] == 1 {
			return 0
		}
		return j
	}
	if s[0] == 1 {
		r = 0
	}
	if s[1] == 1 {
		j = 0
	}
	return r*s[1] + j
}

// matMulWeight is p's constant 2-D weight when p is a MatMul with a 2-D
// output of n columns.
func matMulWeight(g *graph.Graph, p *graph.Node, n int) *graph.Tensor {
	w := constIn(g, p, 1)
	out := g.Tensor(p.Out[0]).Shape
	if p.Op != graph.OpMatMul || w == nil || len(w.Shape) != 2 || len(out) != 2 || out[1] != n {
		return nil
	}
	return w
}

// foldMatMul scales a MatMul's weight columns; the BatchNormalization
// becomes the Add of the folded bias (it stays: the result is false).
func foldMatMul(g *graph.Graph, p, bn *graph.Node, f bnScale) bool {
	w := matMulWeight(g, p, len(f.mul))
	if w == nil {
		return false
	}
	p.In[1] = newConst(g, w.Name+"_bn", scaleColumns(w.Init, f.mul, false))
	b := foldBias(nil, 0, g.Tensor(p.Out[0]).Shape, f, w.Kind)
	bn.Op, bn.Attrs = graph.OpAdd, graph.BinaryAttrs{}
	bn.In = []graph.TensorID{bn.In[0], newConst(g, w.Name+"_bias_bn", b)}
	bn.Out = bn.Out[:1]
	return false
}

// foldMatMulAdd folds into Add(MatMul(a, W), c), c constant.
func foldMatMulAdd(g *graph.Graph, uses []int, add, bn *graph.Node, f bnScale) bool {
	if at, _ := add.Attrs.(graph.BinaryAttrs); at.Aligned || len(add.In) != 2 {
		return false
	}
	out := g.Tensor(add.Out[0]).Shape
	for i := range 2 {
		mm := producerOnlyFor(g, uses, add.In[i])
		c := constIn(g, add, 1-i)
		if mm == nil || c == nil || len(c.Shape) > 2 {
			continue
		}
		w := matMulWeight(g, mm, len(f.mul))
		if w == nil || !slices.Equal(g.Tensor(add.In[i]).Shape, out) {
			continue
		}
		mm.In[1] = newConst(g, w.Name+"_bn", scaleColumns(w.Init, f.mul, false))
		nc := foldBias(c, 1, out, f, c.Kind)
		add.In = []graph.TensorID{add.In[i], newConst(g, c.Name+"_bn", nc)}
		takeOutput(g, add, bn)
		return true
	}
	return false
}
