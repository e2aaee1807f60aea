package gpu

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/targets"
)

// kernel is one kernel launch, or Count identical ones, as a framework
// issues it: a GEMM (M×N×K, Batches of them in one launch) or a streaming
// kernel (element-wise, cast, copy).
type kernel struct {
	What    string  // gemm, conv, rnn.input, rnn.step, rnn.cell, cast, copy, elementwise
	FLOPs   float64 // per launch
	Bytes   float64 // device-memory traffic per launch
	GEMM    bool    // runs at the precision's GEMM peak with tile efficiency
	M, N, K int     // GEMM shape (0: unknown, EffMax only)
	Batches int     // GEMMs in one launch (grouped or batched)
	Count   int     // identical launches
	// Steps and StepOps describe a persistent kernel's dependency chain:
	// Steps rounds, each a grid-wide exchange through the L2 plus StepOps
	// dependent warp instructions (see costing.chain).
	Steps, StepOps int
}

// planner turns graph nodes into kernels, tracking the bytes per element
// each tensor has at run time (under amp they differ).
type planner struct {
	g      *graph.Graph
	spec   spec
	prec   Precision
	amp    bool
	size   []int // bytes per element of each tensor, 0 until known
	onChip int   // bytes of register file a persistent kernel may fill with weights
}

// regsPerSM is the register file of one SM: 64K 32-bit registers for
// compute capabilities 7.0 to 9.0 (CUDA C++ Programming Guide, "Technical
// Specifications per Compute Capability"), every GPU kiln lists.
const regsPerSM = 64 * 1024 * 4

func newPlanner(g *graph.Graph, p Precision, gpu targets.GPU) *planner {
	pl := &planner{g: g, spec: specs[p], prec: p, amp: p == AMP, size: make([]int, len(g.Tensors))}
	// half the register file for the weights, the rest for the threads'
	// own work (assumption: a persistent kernel cannot use all of it).
	pl.onChip = gpu.SMs * regsPerSM / 2
	for _, t := range g.Tensors {
		if t.Init != nil {
			pl.size[t.ID] = pl.spec.param
		}
	}
	return pl
}

func (pl *planner) elems(id graph.TensorID) float64 {
	return float64(dtype.Size(pl.g.Tensors[id].Shape))
}

func (pl *planner) bytes(id graph.TensorID) float64 {
	return pl.elems(id) * float64(pl.size[id])
}

func (pl *planner) isConst(id graph.TensorID) bool { return pl.g.Tensors[id].Init != nil }

// views are free in PyTorch: they change strides, not data. A Gather of
// one index along an axis (x[:, -1, :]) is a view too.
var views = map[graph.Op]bool{
	graph.OpReshape: true, graph.OpFlatten: true, graph.OpSqueeze: true, graph.OpUnsqueeze: true,
	graph.OpIdentity: true, graph.OpDropout: true, graph.OpSlice: true, graph.OpShape: true,
	graph.OpConstantOfShape: true, graph.OpRange: true,
}

// copies move data: one kernel reading the inputs and writing the outputs.
var copies = map[graph.Op]bool{
	graph.OpTranspose: true, graph.OpConcat: true, graph.OpSplit: true, graph.OpGather: true,
	graph.OpTile: true, graph.OpExpand: true, graph.OpPad: true,
}

// fp32Ops run in fp32 under autocast: the operators of the "CUDA Ops that
// can autocast to float32" list in PyTorch's documentation (torch.amp,
// "Autocast Op Reference") that an ONNX node stands for: layer_norm,
// softmax, log_softmax, exp, log, pow, reciprocal, sum, prod, cumsum,
// softplus. Others run in their inputs' type: mean, erf, sqrt and
// batch_norm/instance_norm are not on the list.
var fp32Ops = map[graph.Op]bool{
	graph.OpLayerNormalization: true, graph.OpSoftmax: true, graph.OpLogSoftmax: true,
	graph.OpExp: true, graph.OpLog: true, graph.OpPow: true, graph.OpReciprocal: true,
	graph.OpReduceSum: true, graph.OpReduceProd: true, graph.OpCumSum: true, graph.OpSoftplus: true,
}

// node plans the kernels of one node and sets its outputs' sizes.
func (pl *planner) node(n *graph.Node) ([]kernel, error) {
	switch {
	case n.Op == graph.OpGather && pl.scalarIndex(n):
		pl.setOut(n, pl.size[n.In[0]])
		return nil, nil
	case views[n.Op], n.Op == graph.OpTranspose && pl.keepsOrder(n):
		pl.setOut(n, pl.size[n.In[0]])
		return nil, nil
	case copies[n.Op]:
		pl.setOut(n, pl.size[n.In[0]])
		return []kernel{pl.stream("copy", n, 0, 0)}, nil
	case n.Op == graph.OpLSTM || n.Op == graph.OpGRU || n.Op == graph.OpRNN:
		return pl.rnn(n)
	}
	if k, ok, err := pl.gemmNode(n); ok || err != nil {
		if err != nil {
			return nil, err
		}
		casts := pl.castOperands(n, 2)
		pl.setOut(n, pl.spec.act)
		return append(append(append(casts, pl.toNHWC(n, k)...), k), pl.convBias(n)...), nil
	}
	return pl.elementwise(n), nil
}

// keepsOrder: a Transpose that keeps the order of the axes longer than 1
// moves no data (only axes of length 1 move: [1,T,F] to [T,1,F]), and
// PyTorch's contiguous() of it copies nothing.
func (pl *planner) keepsOrder(n *graph.Node) bool {
	shape := pl.g.Tensors[n.In[0]].Shape
	a, _ := n.Attrs.(graph.TransposeAttrs)
	perm, err := graph.TransposePerm(a.Perm, len(shape))
	if err != nil {
		return false
	}
	last := -1
	for _, ax := range perm {
		if shape[ax] == 1 {
			continue
		}
		if ax < last {
			return false
		}
		last = ax
	}
	return true
}

func (pl *planner) scalarIndex(n *graph.Node) bool {
	return len(n.In) > 1 && n.In[1] != graph.None && len(pl.g.Tensors[n.In[1]].Shape) == 0
}

func (pl *planner) setOut(n *graph.Node, size int) {
	for _, t := range n.Out {
		if t != graph.None {
			pl.size[t] = size
		}
	}
}

// stream is a memory-bound kernel over a node's operands: it reads the
// non-absent inputs (inSize bytes per element, or their own sizes if 0)
// and writes the outputs (sizes already set), flopsPer operations per
// output element.
func (pl *planner) stream(what string, n *graph.Node, flopsPer float64, inSize int) kernel {
	k := kernel{What: what, Count: 1}
	for _, t := range n.In {
		switch {
		case t == graph.None:
		case inSize > 0 && !pl.g.Tensors[t].Kind.IsInt():
			k.Bytes += pl.elems(t) * float64(inSize)
		default:
			k.Bytes += pl.bytes(t)
		}
	}
	for _, t := range n.Out {
		if t != graph.None {
			k.Bytes += pl.bytes(t)
			k.FLOPs += flopsPer * pl.elems(t)
		}
	}
	return k
}

// cast is a kernel converting elems values from one size to another.
func cast(elems float64, from, to int) kernel {
	return kernel{What: "cast", Bytes: elems * float64(from+to), FLOPs: elems, Count: 1}
}

// castOperands, under amp, casts every input of n that is not to bytes
// wide (weights too: autocast's cache lasts one autocast region, so each
// forward casts them again) and marks them cast.
func (pl *planner) castOperands(n *graph.Node, to int) []kernel {
	if !pl.amp {
		return nil
	}
	var ks []kernel
	for _, t := range n.In {
		if t == graph.None || pl.size[t] == to || pl.g.Tensors[t].Kind.IsInt() {
			continue
		}
		ks = append(ks, cast(pl.elems(t), pl.size[t], to))
	}
	return ks
}

// elementwise is one streaming kernel; under amp its output takes the
// widest input (PyTorch's type promotion: an fp16 activation plus an fp32
// bias gives fp32), and fp32Ops cast half inputs up first.
func (pl *planner) elementwise(n *graph.Node) []kernel {
	size := pl.spec.act
	var casts []kernel
	if pl.amp {
		size = 0
		for _, t := range n.In {
			if t == graph.None {
				continue
			}
			if tt := pl.g.Tensors[t]; tt.Kind.IsInt() || (tt.Init != nil && len(tt.Shape) == 0) {
				continue // a 0-d constant is a Python scalar to PyTorch: it does not promote
			}
			size = max(size, pl.size[t])
		}
		if fp32Ops[n.Op] {
			casts, size = pl.castOperands(n, 4), 4
		}
	}
	pl.setOut(n, max(size, 1))
	if len(casts) > 0 {
		return append(casts, pl.stream("elementwise", n, 1, 4)) // reads the cast copies
	}
	return []kernel{pl.stream("elementwise", n, 1, 0)}
}

// toNHWC: cuDNN's tensor-core convolutions in half precision work on NHWC
// data; PyTorch's tensors are NCHW unless the model asks for channels_last,
// so cuDNN transposes the input and the filter to NHWC before the
// convolution and the output back after it, each a kernel reading and
// writing the tensor (NVIDIA Deep Learning Performance Guide,
// "Convolutional Layers User's Guide", "Tensor Layouts In Memory: NCHW vs
// NHWC"; PyTorch's "Channels Last Memory Format" tutorial). Other
// precisions run NCHW kernels directly.
func (pl *planner) toNHWC(n *graph.Node, k kernel) []kernel {
	if k.What != "conv" || pl.spec.act != 2 || len(pl.g.Tensors[n.In[0]].Shape) < 3 {
		return nil
	}
	var ks []kernel
	for _, t := range []graph.TensorID{n.In[0], n.In[1], n.Out[0]} {
		e := pl.elems(t)
		ks = append(ks, kernel{What: "layout", Bytes: 2 * e * 2, Count: 1})
	}
	return ks
}

// convBias: PyTorch runs a convolution through cuDNN without its bias and
// adds the bias after it, output.add_(reshape_bias(input.dim(), bias)), a
// kernel reading and writing the whole output (aten/src/ATen/native/
// Convolution.cpp, _convolution, the ConvBackend::Cudnn case; reshape_bias
// is in ATen/native/ConvUtils.h). A Gemm's bias needs no kernel: Linear is
// one addmm, its bias the GEMM's C operand.
func (pl *planner) convBias(n *graph.Node) []kernel {
	if n.Op != graph.OpConv || len(n.In) < 3 || n.In[2] == graph.None {
		return nil
	}
	out := pl.elems(n.Out[0])
	act := float64(pl.spec.act)
	return []kernel{{What: "bias", FLOPs: out, Bytes: 2*out*act + pl.elems(n.In[2])*act, Count: 1}}
}
