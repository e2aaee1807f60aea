package gpu

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// gemmNode plans a GEMM-like node (Gemm, MatMul, Conv as implicit GEMM,
// their integer forms, Einsum) as one kernel whose operands are read at
// the precision's operand width. ok is false for other operators.
func (pl *planner) gemmNode(n *graph.Node) (k kernel, ok bool, err error) {
	out := pl.g.Tensors[n.Out[0]].Shape
	in := func(i int) []int { return pl.g.Tensors[n.In[i]].Shape }
	k = kernel{What: "gemm", GEMM: true, Batches: 1, Count: 1}
	switch n.Op {
	case graph.OpGemm:
		a, _ := n.Attrs.(graph.GemmAttrs)
		m, kk, nn, err := graph.GemmDims(a, in(0), in(1))
		if err != nil {
			return k, true, fmt.Errorf("gpu: %s: %w", n.Label(), err)
		}
		k.M, k.N, k.K = m, nn, kk
	case graph.OpMatMul, graph.OpMatMulInteger, graph.OpQLinearMatMul:
		b := 1
		if n.Op == graph.OpQLinearMatMul {
			b = 3
		}
		k.M, k.N, k.K, k.Batches = matmulDims(in(0), in(b), out)
	case graph.OpConv, graph.OpConvInteger, graph.OpQLinearConv:
		w := 1
		if n.Op == graph.OpQLinearConv {
			w = 3
		}
		k.What = "conv"
		k.M, k.N, k.K, k.Batches = convDims(n, in(w), out)
	case graph.OpEinsum:
		k.FLOPs = 2 * float64(pl.g.NodeMACs(n)) // shape unknown to the tile rule: EffMax only
	default:
		return k, false, nil
	}
	if k.M > 0 {
		k.FLOPs = 2 * float64(k.M) * float64(k.N) * float64(k.K) * float64(k.Batches)
	}
	op := float64(pl.spec.act)
	for _, t := range n.In {
		if t != graph.None && !pl.g.Tensors[t].Kind.IsInt() {
			k.Bytes += pl.elems(t) * op
		}
	}
	k.Bytes += float64(dtype.Size(out)) * op
	return k, true, nil
}

// matmulDims: a MatMul whose second operand is a matrix folds A's leading
// axes into M (one GEMM, as PyTorch's matmul does); otherwise one GEMM per
// leading index of the output (a batched GEMM).
func matmulDims(a, b, out []int) (m, n, k, batches int) {
	if len(a) == 0 || len(b) == 0 {
		return 0, 0, 0, 0
	}
	k = a[len(a)-1]
	n = 1
	if len(b) >= 2 {
		n = b[len(b)-1]
	}
	if len(b) <= 2 {
		return max(dtype.Size(out)/max(n, 1), 1), n, k, 1
	}
	m = 1
	if len(a) >= 2 {
		m = a[len(a)-2]
	}
	return m, n, k, max(dtype.Size(out)/max(m*n, 1), 1)
}

// convDims is a convolution as cuDNN's implicit GEMM: M = batch × output
// positions, N = output channels per group, K = input channels per group
// × kernel taps, one GEMM per group.
func convDims(n *graph.Node, w, out []int) (m, nn, k, batches int) {
	g := 1
	if a, ok := n.Attrs.(graph.ConvAttrs); ok && a.Group > 1 {
		g = a.Group
	}
	if len(w) < 2 || len(out) < 2 {
		return 0, 0, 0, 0
	}
	m = out[0] * dtype.Size(out[2:])
	return m, out[1] / g, dtype.Size(w[1:]), g
}

// rnn plans a recurrent layer as cuDNN runs it: one GEMM of the inputs of
// every step (per direction), then the recurrence, by cuDNN's standard
// algorithm (per step and direction a GEMM of the hidden state with the
// recurrent weights and an element-wise kernel for the gates and the
// cell) or, where persistent applies, by a persistent kernel.
func (pl *planner) rnn(n *graph.Node) ([]kernel, error) {
	x, w := pl.g.Tensors[n.In[0]].Shape, pl.g.Tensors[n.In[1]].Shape
	if len(x) != 3 || len(w) != 3 {
		return nil, fmt.Errorf("gpu: %s: %v wants X of rank 3 and W of rank 3, got %v and %v", n.Label(), n.Op, x, w)
	}
	a, _ := n.Attrs.(graph.RNNAttrs)
	steps, batch := x[0], x[1]
	if a.Layout == 1 {
		steps, batch = x[1], x[0]
	}
	dirs, gh, inputs := w[0], w[1], w[2]
	hidden := gh / rnnGates[n.Op]
	op := float64(pl.spec.act)
	casts := pl.castOperands(n, 2)
	pl.setOut(n, pl.spec.act)
	in := kernel{What: "rnn.input", GEMM: true, M: steps * batch, N: gh, K: inputs, Batches: 1, Count: dirs}
	in.FLOPs = 2 * float64(in.M*in.N*in.K)
	in.Bytes = op * float64(steps*batch*inputs+gh*inputs+steps*batch*gh)
	if pl.persistent(batch, dirs*gh*hidden) {
		return append(casts, in, pl.persist(n.Op, steps, batch, gh, dirs)), nil
	}
	step := kernel{What: "rnn.step", GEMM: true, M: batch, N: gh, K: hidden, Batches: 1, Count: steps * dirs}
	step.FLOPs = 2 * float64(step.M*step.N*step.K)
	step.Bytes = op * float64(batch*hidden+gh*hidden+batch*gh)
	cell := kernel{What: "rnn.cell", Count: steps * dirs}
	cell.FLOPs = 4 * float64(batch*gh) // activations and the cell update, about 4 per gate value
	cell.Bytes = op * float64(2*batch*gh+4*batch*hidden)
	return append(casts, in, step, cell), nil
}

var rnnGates = map[graph.Op]int{graph.OpLSTM: 4, graph.OpGRU: 3, graph.OpRNN: 1}

// gateOps are the dependent special-function and arithmetic ops of one
// step's gates after the dot products: an LSTM's sigmoids and tanh (an exp
// and a reciprocal each) in parallel, the cell update, tanh of the cell and
// the output product (2+2+1+2+1); a GRU's alike; a plain RNN one tanh.
var gateOps = map[graph.Op]int{graph.OpLSTM: 8, graph.OpGRU: 8, graph.OpRNN: 2}

// persistMaxBatch: PyTorch enables cuDNN's persistent LSTM on sm_80 and
// later for batches up to 128 ("Based on tests by Vasily Volkov ...
// conservatively enable persistence for bsize <= 128 only",
// use_persist_device_heuristics in aten/src/ATen/native/cudnn/RNN.cpp).
const persistMaxBatch = 128

// persistent tells whether cuDNN runs the recurrence with
// CUDNN_RNN_ALGO_PERSIST_STATIC: documented as "expected to be fast when
// the first dimension of the input tensor is small (meaning, a small
// minibatch)", it keeps the recurrent weights in the SMs' registers for
// all steps (cuDNN API reference, cudnnRNNAlgo_t), so they must fit there;
// it has no double-precision form (PyTorch's get_algo never asks for it
// with CUDNN_DATA_DOUBLE). PyTorch's further filters (batch a multiple of
// 8, hidden and input sizes multiples of 128) weed out shapes with poor
// performance in its tests; a cuDNN-direct call need not apply them, and
// the model follows cuDNN.
func (pl *planner) persistent(batch, recurrentWeights int) bool {
	return pl.prec != FP64 && batch <= persistMaxBatch && recurrentWeights*pl.spec.act <= pl.onChip
}

// persist is one persistent kernel per direction running every step: the
// SMs hold the recurrent weights, each step every SM reads the previous
// hidden state, computes its rows of the gate GEMV (a warp per row, the
// hidden size split over its 32 lanes, summed by 5 shuffle rounds), applies
// the gates and publishes its part of the new state, then all wait at a
// grid-wide barrier. A step is thus latency, not throughput: its chain is
// costed by costing.chain.
func (pl *planner) persist(op graph.Op, steps, batch, gh, dirs int) kernel {
	hidden := gh / rnnGates[op]
	k := kernel{What: "rnn.persist", Count: dirs, Steps: steps}
	k.StepOps = ceilDiv(hidden, 32)*batch + 5 + gateOps[op]
	k.FLOPs = float64(steps) * (2*float64(batch*gh*hidden) + 4*float64(batch*gh))
	// weights once into registers; per step the state in and out, the
	// input GEMM's gate values read.
	k.Bytes = float64(pl.spec.act) * (float64(gh*hidden) + float64(steps)*float64(2*batch*hidden+batch*gh))
	return k
}
