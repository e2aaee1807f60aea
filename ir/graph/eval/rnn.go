package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// rnnKernels is the kernel table of the recurrent layers. One kernel serves
// RNN, GRU and LSTM; the cells are in rnn_cells.go, the activations and
// matrix products in rnn_math.go.
var rnnKernels = []KernelDef{
	{Op: graph.OpRNN, Run: rnnKernel},
	{Op: graph.OpGRU, Run: rnnKernel},
	{Op: graph.OpLSTM, Run: rnnKernel},
}

// rnnFloat is the element type the recurrent kernels compute in: float32 for
// f32 and the narrower float kinds (rounded to their kind at the end),
// float64 for f64.
type rnnFloat interface{ ~float32 | ~float64 }

// rnnKernel evaluates RNN, GRU and LSTM with ONNX's semantics
// (Operators.md). Per direction it computes the input projection X·Wᵀ + b of
// every step in one matrix product, then per step only Ht-1·Rᵀ and the gate
// arithmetic, without allocating.
//
// sequence_lens: a sequence b runs steps 0..len[b]-1 (the reverse direction
// starts from step len[b]-1); Y is zero past len[b], and Y_h/Y_c hold the
// state after the sequence's last step (the initial state when len[b] is 0).
func rnnKernel(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	metas := make([]graph.Meta, len(in))
	for i, a := range in {
		if a != nil {
			metas[i] = graph.Meta{Kind: a.Kind, Shape: a.Shape, Value: a}
		}
	}
	s, err := graph.RNNShapeOf(n, metas)
	if err != nil {
		return nil, err
	}
	attrs := n.Attrs.(graph.RNNAttrs) // RNNShapeOf checked the type
	funcs, err := graph.RNNFuncs(n.Op, &attrs)
	if err != nil {
		return nil, err
	}
	if scratch := int64(s.Seq) * int64(s.Batch) * int64(s.Gates*s.Hidden); scratch > rnnMaxScratch || scratch < 0 {
		return nil, fmt.Errorf("the input projection needs %d·%d·%d elements, more than the %d this kernel holds", s.Seq, s.Batch, s.Gates*s.Hidden, int64(rnnMaxScratch))
	}
	lens := make([]int, s.Batch)
	for b := range lens {
		lens[b] = s.Seq
		if sl := rnnInput(in, graph.RNNInSeqLens); sl != nil {
			l := sl.Int(b)
			if l < 0 || l > int64(s.Seq) {
				return nil, fmt.Errorf("sequence_lens[%d] = %d is outside [0, %d]", b, l, s.Seq)
			}
			lens[b] = int(l)
		}
	}
	res := make([]*dtype.Array, len(out))
	for i, m := range out {
		if n.Out[i] != graph.None {
			res[i] = dtype.New(m.Kind, m.Shape)
		}
	}
	cfg := rnnConfig{op: n.Op, s: s, attrs: attrs, funcs: funcs, lens: lens}
	kind := in[graph.RNNInX].Kind
	if kind.Class() == dtype.ClassDouble {
		newRNNRun(cfg, rnnGemm64, in, res, rnnF64s).run()
		return res, nil
	}
	newRNNRun(cfg, rnnGemm32, in, res, rnnF32s).run()
	if kind != dtype.F32 {
		for _, r := range res {
			if r != nil {
				for i, v := range r.F32 {
					r.F32[i] = float32(dtype.RoundFloat(kind, float64(v), false))
				}
			}
		}
	}
	return res, nil
}

// rnnMaxScratch bounds the projection buffer X·Wᵀ (seq·batch·gates·H
// elements, 8 GiB in f32) so that absurd shapes give an error, not a failed
// allocation.
const rnnMaxScratch = 1 << 31

// rnnInput returns in[i], nil when absent or not listed.
func rnnInput(in []*dtype.Array, i int) *dtype.Array {
	if i < len(in) {
		return in[i]
	}
	return nil
}

// rnnConfig is what the kernel resolved from the node.
type rnnConfig struct {
	op    graph.Op
	s     graph.RNNShape
	attrs graph.RNNAttrs
	funcs []graph.RNNFunc
	lens  []int // per sequence of the batch
}

// rnnGemmFunc sets c (m×n, row stride ldc) to beta·c + a·bᵀ, with a m×k and b
// n×k, both row-major.
type rnnGemmFunc[T rnnFloat] func(m, n, k int, a []T, lda int, b []T, ldb int, beta T, c []T, ldc int)

// rnnRun is one evaluation: the operands as flat slices (nil when absent)
// and the scratch buffers, allocated once.
type rnnRun[T rnnFloat] struct {
	rnnConfig
	gemm               rnnGemmFunc[T]
	clip               float64 // 0: no clip
	x, w, r, b, h0, c0 []T
	p                  []T
	y, yh, yc          []T
	xw                 []T // [seq·batch, gates·H], rows in X's order: Xt·Wᵀ + biases
	hr                 []T // [batch, gates·H]: Ht-1·Rᵀ, then the gate values
	h, c, tmp          []T // [batch, H]
	bias               []T // [gates·H]
	gatesH, hidden     int
}

func rnnF32s(a *dtype.Array) []float32 { return a.F32 }
func rnnF64s(a *dtype.Array) []float64 { return a.F64 }

func newRNNRun[T rnnFloat](cfg rnnConfig, gemm rnnGemmFunc[T], in, out []*dtype.Array, data func(*dtype.Array) []T) *rnnRun[T] {
	get := func(arrs []*dtype.Array, i int) []T {
		if a := rnnInput(arrs, i); a != nil {
			return data(a)
		}
		return nil
	}
	s := cfg.s
	gh := s.Gates * s.Hidden
	r := &rnnRun[T]{
		rnnConfig: cfg, gemm: gemm,
		x: get(in, graph.RNNInX), w: get(in, graph.RNNInW), r: get(in, graph.RNNInR), b: get(in, graph.RNNInB),
		h0: get(in, graph.RNNInInitialH), c0: get(in, graph.RNNInInitialC), p: get(in, graph.RNNInP),
		y: get(out, 0), yh: get(out, 1), yc: get(out, 2),
		xw: make([]T, s.Seq*s.Batch*gh), hr: make([]T, s.Batch*gh),
		h: make([]T, s.Batch*s.Hidden), c: make([]T, s.Batch*s.Hidden), tmp: make([]T, s.Batch*s.Hidden),
		bias:   make([]T, gh),
		gatesH: gh, hidden: s.Hidden,
	}
	if cfg.attrs.HasClip {
		r.clip = float64(cfg.attrs.Clip)
	}
	return r
}
