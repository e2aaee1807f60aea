package passes

import (
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// fuseOps is the graph half of operator fusion: it folds every inference
// BatchNormalization into the linear layer that feeds it, so that the
// layer computes the normalised values itself with new constant weights
// and bias:
//
//	Conv(x, W, b) → BN(scale, B, mean, var)   ⇒  Conv(x, W·s, (b−mean)·s + B)
//	Gemm(a, W, C) → BN                        ⇒  Gemm(a, W·s, (β·C−mean)·s + B), β = 1
//	MatMul(a, W) → BN                         ⇒  MatMul(a, W·s) → Add(−mean·s + B)
//	MatMul(a, W) → Add(c) → BN                ⇒  MatMul(a, W·s) → Add((c−mean)·s + B)
//
// with s = scale/√(var+ε) per output channel, computed in float64 as
// ir/graph/eval's BatchNormalization does and rounded once to the weights'
// kind. The layer then writes the BatchNormalization's output tensor (it
// keeps its name); the old intermediate tensor and the statistics go.
//
// The other half, fusing element-wise consumers (bias Add, Relu, Sigmoid,
// Clip, Mul by a constant…) into their producer's kernel, happens when the
// graph is lowered with fusion on (lower.FusedProgram): passes/lower finds
// the chains itself (lower.Chains), because this package may not hand it a
// side table and the graph has no field for one.
//
// Needs: constants folded (the weights and statistics must be constants),
// shapes inferred. Folds only where it is exact up to rounding: the layer's
// weights (and bias) are constants, its output is read by the
// BatchNormalization alone and is not a graph output, the statistics are
// constants, all of f32 or f64, and the channel axis of the
// BatchNormalization (axis 1) is the layer's output-channel axis (for
// MatMul: a 2-D weight and a 2-D output). Guarantees: no
// BatchNormalization that meets those conditions is left; the graph
// outputs are the same values up to the rounding of the folded weights
// (within ONNX's tolerance; see fuse_ops_test.go); it stays evaluable by
// ir/graph/eval.
var fuseOps = GraphPass{
	Name: "fuse-ops",
	Doc:  "fold inference BatchNormalization into the Conv, Gemm or MatMul(+Add) that feeds it",
	Run: func(_ *Context, g *graph.Graph) error {
		uses := g.Uses()
		drop := make([]bool, len(g.Nodes))
		for i, bn := range g.Nodes {
			if bn.Op != graph.OpBatchNormalization {
				continue
			}
			f, ok := bnFactors(g, bn)
			if !ok {
				continue
			}
			drop[i] = foldBN(g, uses, bn, f)
		}
		g.Compact(drop) // also removes the replaced weights and the statistics
		return nil
	},
}

// bnScale is a BatchNormalization as y = x·mul + add per channel.
type bnScale struct {
	mul, mean, bias []float64
}

// at maps a pre-normalisation value v of channel c to its normalised value.
func (f bnScale) at(c int, v float64) float64 { return (v-f.mean[c])*f.mul[c] + f.bias[c] }

// bnFactors reads a BatchNormalization's constants when it can be folded:
// one output read, float statistics, a float input of rank ≥ 2.
func bnFactors(g *graph.Graph, bn *graph.Node) (bnScale, bool) {
	if len(bn.In) != 5 || !floatKind(g.Tensor(bn.In[0]).Kind) || len(g.Tensor(bn.In[0]).Shape) < 2 {
		return bnScale{}, false
	}
	for _, t := range bn.Out[1:] {
		if t != graph.None {
			return bnScale{}, false
		}
	}
	var v [4]*dtype.Array
	for i := range v {
		t := bn.In[i+1]
		if t == graph.None || g.Tensor(t).Init == nil || !g.Tensor(t).Kind.IsFloat() {
			return bnScale{}, false
		}
		v[i] = g.Tensor(t).Init
	}
	a, _ := bn.Attrs.(graph.NormAttrs)
	c := graph.BatchNormChannels(g.Tensor(bn.In[0]).Shape)
	f := bnScale{mul: make([]float64, c), mean: make([]float64, c), bias: make([]float64, c)}
	for i := range c {
		f.mul[i] = v[0].At(i) / math.Sqrt(v[3].At(i)+float64(a.Epsilon))
		f.mean[i], f.bias[i] = v[2].At(i), v[1].At(i)
	}
	return f, true
}

func floatKind(k dtype.Kind) bool { return k == dtype.F32 || k == dtype.F64 }

// foldBN folds bn into the node that produces its input, if that node is a
// foldable layer; it reports whether bn can go (a BatchNormalization after
// a bare MatMul stays, turned into the Add of the folded bias).
func foldBN(g *graph.Graph, uses []int, bn *graph.Node, f bnScale) bool {
	x := bn.In[0]
	p := producerOnlyFor(g, uses, x)
	if p == nil {
		return false
	}
	switch p.Op {
	case graph.OpConv:
		return foldConv(g, p, bn, f)
	case graph.OpGemm:
		return foldGemm(g, p, bn, f)
	case graph.OpMatMul:
		return foldMatMul(g, p, bn, f)
	case graph.OpAdd:
		return foldMatMulAdd(g, uses, p, bn, f)
	}
	return false
}

// producerOnlyFor is the node computing t when t is read once and is not a
// graph output, else nil.
func producerOnlyFor(g *graph.Graph, uses []int, t graph.TensorID) *graph.Node {
	tt := g.Tensor(t)
	if tt.Producer == graph.None || uses[t] != 1 || g.IsOutput(t) {
		return nil
	}
	return g.Nodes[tt.Producer]
}

// constIn is input i of n when it is a float constant.
func constIn(g *graph.Graph, n *graph.Node, i int) *graph.Tensor {
	if i >= len(n.In) || n.In[i] == graph.None {
		return nil
	}
	t := g.Tensor(n.In[i])
	if t.Init == nil || !floatKind(t.Kind) {
		return nil
	}
	return t
}

// takeOutput makes p write bn's output instead of its own.
func takeOutput(g *graph.Graph, p, bn *graph.Node) {
	p.Out[0] = bn.Out[0]
	g.Tensor(bn.Out[0]).Producer = p.ID
}

// newConst adds a constant holding v.
func newConst(g *graph.Graph, name string, v *dtype.Array) graph.TensorID {
	return g.AddTensor(name, v.Kind, v.Shape, v)
}

// foldConv scales the output channels (axis 0 of W) of a Conv.
func foldConv(g *graph.Graph, p, bn *graph.Node, f bnScale) bool {
	w := constIn(g, p, 1)
	if w == nil || len(w.Shape) < 1 || w.Shape[0] != len(f.mul) {
		return false
	}
	var b *graph.Tensor
	if len(p.In) > 2 && p.In[2] != graph.None {
		if b = constIn(g, p, 2); b == nil {
			return false
		}
	}
	m := len(f.mul)
	inner := w.Init.Len() / m
	nw := dtype.New(w.Kind, w.Shape)
	for i := range nw.Len() {
		nw.Set(i, w.Init.At(i)*f.mul[i/inner])
	}
	nb := dtype.New(w.Kind, []int{m})
	for c := range m {
		v := 0.0
		if b != nil {
			v = b.Init.At(c)
		}
		nb.Set(c, f.at(c, v))
	}
	p.In = []graph.TensorID{p.In[0], newConst(g, w.Name+"_bn", nw), newConst(g, biasName(g, p), nb)}
	takeOutput(g, p, bn)
	return true
}

// biasName names a folded bias after the old one, or after the layer.
func biasName(g *graph.Graph, p *graph.Node) string {
	if len(p.In) > 2 && p.In[2] != graph.None {
		return g.Tensor(p.In[2]).Name + "_bn"
	}
	return g.Tensor(p.In[1]).Name + "_bias_bn"
}
