package eval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// rnnNode builds a recurrent node with nIn inputs and nOut outputs; the
// outputs listed in absent are left out.
func rnnNode(op graph.Op, a graph.RNNAttrs, nIn, nOut int, absent ...int) *graph.Node {
	n := &graph.Node{Op: op, Name: "rnn", Attrs: a}
	for i := range nIn {
		n.In = append(n.In, graph.TensorID(i))
	}
	for i := range nOut {
		n.Out = append(n.Out, graph.TensorID(nIn+i))
	}
	for _, i := range absent {
		n.Out[i] = graph.None
	}
	return n
}

func rnnF32(shape []int, v ...float32) *dtype.Array { return dtype.FromF32(shape, v) }

func rnnI32(v ...int64) *dtype.Array {
	a := dtype.FromI64([]int{len(v)}, v)
	a.Kind = dtype.I32
	return a
}

func rnnSigm(x float64) float64 { return 1 / (1 + math.Exp(-x)) }

// TestRecurrentHand checks small cases computed by hand from Operators.md's
// equations (one or two steps, H = I = 1).
func TestRecurrentHand(t *testing.T) {
	fwd := graph.RNNAttrs{Direction: "forward", HiddenSize: 1}
	relu := fwd
	relu.Activations = []string{"Relu"}
	tests := []struct {
		name     string
		op       graph.Op
		attrs    graph.RNNAttrs
		in       []*dtype.Array
		y, yh    []float64
		yc       []float64
		yShape   []int
		outCount int
	}{{
		// h1 = relu(2·1 + 0.5·0 + 1) = 3, h2 = relu(2·2 + 0.5·3 + 1) = 6.5
		name: "rnn relu two steps", op: graph.OpRNN, attrs: relu,
		in: []*dtype.Array{rnnF32([]int{2, 1, 1}, 1, 2), rnnF32([]int{1, 1, 1}, 2), rnnF32([]int{1, 1, 1}, 0.5), rnnF32([]int{1, 2}, 1, 0)},
		y:  []float64{3, 6.5}, yh: []float64{6.5}, outCount: 2,
	}, {
		// default Tanh: h1 = tanh(0.5·1 + 0.25·(-1))
		name: "rnn tanh initial_h", op: graph.OpRNN, attrs: fwd,
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 1, 1}, 0.5), rnnF32([]int{1, 1, 1}, 0.25), nil, nil, rnnF32([]int{1, 1, 1}, -1)},
		y:  []float64{math.Tanh(0.25)}, yh: []float64{math.Tanh(0.25)}, outCount: 2,
	}, {
		// reverse: h at t=1 first: relu(2·2+1) = 5, then t=0: relu(2·1 + 0.5·5 + 1) = 5.5
		name: "rnn reverse", op: graph.OpRNN, attrs: graph.RNNAttrs{Direction: "reverse", Activations: []string{"Relu"}},
		in: []*dtype.Array{rnnF32([]int{2, 1, 1}, 1, 2), rnnF32([]int{1, 1, 1}, 2), rnnF32([]int{1, 1, 1}, 0.5), rnnF32([]int{1, 2}, 1, 0)},
		y:  []float64{5.5, 5}, yh: []float64{5.5}, outCount: 2,
	}, {
		// W = R = 0 so i = o = f = σ(0) = 1/2; c gate bias Wbc = 1: ct = tanh(1);
		// C = 0.5·2 + 0.5·tanh(1); H = 0.5·tanh(C)
		name: "lstm one step", op: graph.OpLSTM, attrs: fwd,
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 3), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0),
			rnnF32([]int{1, 8}, 0, 0, 0, 1, 0, 0, 0, 0), nil, nil, rnnF32([]int{1, 1, 1}, 2)},
		y: []float64{0.5 * math.Tanh(1+0.5*math.Tanh(1))}, yh: []float64{0.5 * math.Tanh(1+0.5*math.Tanh(1))},
		yc: []float64{1 + 0.5*math.Tanh(1)}, outCount: 3,
	}, {
		// gate order i, o, f, c: only Wi = 1 (x = 1): i = σ(1), o = f = 1/2,
		// ct = tanh(0) = 0 → C = 0.5·C0 = 1, H = 0.5·tanh(1)
		name: "lstm gate order", op: graph.OpLSTM, attrs: fwd,
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 4, 1}, 1, 0, 0, 0), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0),
			nil, nil, nil, rnnF32([]int{1, 1, 1}, 2)},
		y: []float64{0.5 * math.Tanh(1)}, yh: []float64{0.5 * math.Tanh(1)}, yc: []float64{1}, outCount: 3,
	}, {
		// peepholes P = [Pi, Po, Pf] = [0, 1, -1], C0 = 1, everything else 0:
		// i = 1/2, f = σ(-1), ct = 0 → C = σ(-1), o = σ(C), H = o·tanh(C)
		name: "lstm peepholes", op: graph.OpLSTM, attrs: fwd,
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0),
			nil, nil, nil, rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 3}, 0, 1, -1)},
		y:  []float64{rnnSigm(rnnSigm(-1)) * math.Tanh(rnnSigm(-1))},
		yh: []float64{rnnSigm(rnnSigm(-1)) * math.Tanh(rnnSigm(-1))}, yc: []float64{rnnSigm(-1)}, outCount: 3,
	}, {
		// input_forget: f = 1 - i = 1/2 with i = σ(0); C0 = 2 → C = 1, H = 0.5·tanh(1)
		name: "lstm input_forget", op: graph.OpLSTM, attrs: graph.RNNAttrs{Direction: "forward", InputForget: true},
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 4, 1}, 0, 0, 10, 0), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0),
			nil, nil, nil, rnnF32([]int{1, 1, 1}, 2)},
		y: []float64{0.5 * math.Tanh(1)}, yh: []float64{0.5 * math.Tanh(1)}, yc: []float64{1}, outCount: 3,
	}, {
		// GRU gates z, r, h; W = 0, Rz = Rr = 0, Rh = 1, Rbh = 1, h0 = 1:
		// z = r = 1/2, ht = tanh(r·h0·Rh + Rbh) = tanh(1.5), H = 0.5·tanh(1.5) + 0.5
		name: "gru", op: graph.OpGRU, attrs: fwd,
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 3, 1}, 0, 0, 0), rnnF32([]int{1, 3, 1}, 0, 0, 1),
			rnnF32([]int{1, 6}, 0, 0, 0, 0, 0, 1), nil, rnnF32([]int{1, 1, 1}, 1)},
		y: []float64{0.5*math.Tanh(1.5) + 0.5}, yh: []float64{0.5*math.Tanh(1.5) + 0.5}, outCount: 2,
	}, {
		// the same with linear_before_reset: ht = tanh(r·(h0·Rh + Rbh)) = tanh(1)
		name: "gru linear_before_reset", op: graph.OpGRU, attrs: graph.RNNAttrs{Direction: "forward", LinearBeforeReset: true},
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 3, 1}, 0, 0, 0), rnnF32([]int{1, 3, 1}, 0, 0, 1),
			rnnF32([]int{1, 6}, 0, 0, 0, 0, 0, 1), nil, rnnF32([]int{1, 1, 1}, 1)},
		y: []float64{0.5*math.Tanh(1) + 0.5}, yh: []float64{0.5*math.Tanh(1) + 0.5}, outCount: 2,
	}, {
		// clip 0.5 on the input of f: relu(min(2·1+1, 0.5)) = 0.5
		name: "rnn clip", op: graph.OpRNN, attrs: graph.RNNAttrs{Direction: "forward", Activations: []string{"Relu"}, Clip: 0.5, HasClip: true},
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 1, 1}, 2), rnnF32([]int{1, 1, 1}, 0.5), rnnF32([]int{1, 2}, 1, 0)},
		y:  []float64{0.5}, yh: []float64{0.5}, outCount: 2,
	}, {
		// activation coefficients: Affine(3x + 1) of x·W = 2 → 7
		name: "rnn affine", op: graph.OpRNN, attrs: graph.RNNAttrs{Direction: "forward", Activations: []string{"Affine"},
			ActivationAlpha: []float32{3}, ActivationBeta: []float32{1}},
		in: []*dtype.Array{rnnF32([]int{1, 1, 1}, 1), rnnF32([]int{1, 1, 1}, 2), rnnF32([]int{1, 1, 1}, 0)},
		y:  []float64{7}, yh: []float64{7}, outCount: 2,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := rnnNode(tc.op, tc.attrs, len(tc.in), tc.outCount)
			res, err := Node(n, tc.in, 0)
			require.NoError(t, err)
			rnnClose(t, tc.y, res[0].F32, "Y")
			rnnClose(t, tc.yh, res[1].F32, "Y_h")
			if tc.yc != nil {
				rnnClose(t, tc.yc, res[2].F32, "Y_c")
			}
		})
	}
}

func rnnClose(t *testing.T, want []float64, got []float32, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		assert.InDelta(t, want[i], float64(got[i]), 1e-6+1e-5*math.Abs(want[i]), "%s[%d]", what, i)
	}
}

// TestRecurrentSeqLens: sequence lengths [2, 1, 0], RNN with Relu, W = 1,
// R = 1, X = t+1 for every sequence. Forward: h = 1, 3; reverse runs each
// sequence from its own last step: length 2 gives 2, then 1+2 = 3; length 1
// gives 1. Y is zero past each length; Y_h of the empty sequence is its
// initial state.
func TestRecurrentSeqLens(t *testing.T) {
	x := rnnF32([]int{2, 3, 1}, 1, 1, 1, 2, 2, 2)
	w, r := rnnF32([]int{2, 1, 1}, 1, 1), rnnF32([]int{2, 1, 1}, 1, 1)
	h0 := rnnF32([]int{2, 3, 1}, 0, 0, 7, 0, 0, 8)
	a := graph.RNNAttrs{Direction: "bidirectional", Activations: []string{"Relu", "Relu"}}
	res, err := Node(rnnNode(graph.OpRNN, a, 6, 2), []*dtype.Array{x, w, r, nil, rnnI32(2, 1, 0), h0}, 0)
	require.NoError(t, err)
	// Y [seq, dir, batch, 1]
	assert.Equal(t, []float32{1, 1, 0, 3, 1, 0, 3, 0, 0, 2, 0, 0}, res[0].F32)
	assert.Equal(t, []float32{3, 1, 7, 3, 1, 8}, res[1].F32)

	t.Run("batch first", func(t *testing.T) {
		a := a
		a.Layout = 1
		xb := rnnF32([]int{3, 2, 1}, 1, 2, 1, 2, 1, 2)
		hb := rnnF32([]int{3, 2, 1}, 0, 0, 0, 0, 7, 8)
		res, err := Node(rnnNode(graph.OpRNN, a, 6, 2), []*dtype.Array{xb, w, r, nil, rnnI32(2, 1, 0), hb}, 0)
		require.NoError(t, err)
		// Y [batch, seq, dir, 1]
		assert.Equal(t, []float32{1, 3, 3, 2, 1, 1, 0, 0, 0, 0, 0, 0}, res[0].F32)
		assert.Equal(t, []float32{3, 3, 1, 1, 7, 8}, res[1].F32)
	})
	t.Run("out of range", func(t *testing.T) {
		_, err := Node(rnnNode(graph.OpRNN, a, 6, 2), []*dtype.Array{x, w, r, nil, rnnI32(3, 1, 0), h0}, 0)
		assert.ErrorContains(t, err, "sequence_lens[0] = 3 is outside [0, 2]")
	})
}

// TestRecurrentRandom compares the kernel with refRecurrent on random data
// over directions, layouts, lengths and the operators' options.
func TestRecurrentRandom(t *testing.T) {
	type variant struct {
		name                 string
		op                   graph.Op
		dir                  string
		layout               int
		lens, peep, clip, af bool
		lbr, forget, noB, f4 bool
	}
	var vs []variant
	for _, op := range []graph.Op{graph.OpRNN, graph.OpGRU, graph.OpLSTM} {
		for _, dir := range []string{"forward", "reverse", "bidirectional"} {
			for layout := range 2 {
				vs = append(vs, variant{op: op, dir: dir, layout: layout})
				vs = append(vs, variant{op: op, dir: dir, layout: layout, lens: true, clip: true, af: true})
			}
		}
		vs = append(vs, variant{op: op, dir: "bidirectional", noB: true, f4: true})
	}
	vs = append(vs,
		variant{op: graph.OpGRU, dir: "bidirectional", lbr: true, lens: true},
		variant{op: graph.OpGRU, dir: "forward", layout: 1, lbr: true, clip: true, af: true},
		variant{op: graph.OpLSTM, dir: "bidirectional", peep: true, lens: true},
		variant{op: graph.OpLSTM, dir: "reverse", peep: true, forget: true, layout: 1},
	)
	rng := rand.New(rand.NewPCG(1, 2))
	funcs := []string{"Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"}
	for i, v := range vs {
		name := fmt.Sprintf("%v_%s_layout%d_%d", v.op, v.dir, v.layout, i)
		t.Run(name, func(t *testing.T) {
			S, B, I, H := 5, 3, 4, 3
			D := 1
			if v.dir == "bidirectional" {
				D = 2
			}
			G := graph.RNNGates(v.op)
			rnd := func(shape ...int) *dtype.Array {
				a := dtype.New(dtype.F32, shape)
				for j := range a.F32 {
					a.F32[j] = float32(rng.NormFloat64())
				}
				return a
			}
			a := graph.RNNAttrs{Direction: v.dir, HiddenSize: H, Layout: v.layout, LinearBeforeReset: v.lbr, InputForget: v.forget}
			if v.clip {
				a.Clip, a.HasClip = 0.9, true
			}
			if v.af {
				for range D * graph.RNNGateFuncs(v.op) {
					a.Activations = append(a.Activations, funcs[rng.IntN(len(funcs))])
					a.ActivationAlpha = append(a.ActivationAlpha, 0.1+rng.Float32())
					a.ActivationBeta = append(a.ActivationBeta, 0.1+rng.Float32())
				}
			}
			xs := []int{S, B, I}
			st := []int{D, B, H}
			if v.layout == 1 {
				xs, st = []int{B, S, I}, []int{B, D, H}
			}
			in := []*dtype.Array{rnd(xs...), rnd(D, G*H, I), rnd(D, G*H, H), rnd(D, 2*G*H), nil, rnd(st...)}
			if v.noB {
				in[3], in[5] = nil, nil
			}
			if v.lens {
				in[4] = rnnI32(5, 2, 0)
			}
			nOut := 2
			if v.op == graph.OpLSTM {
				in = append(in, rnd(st...), nil)
				if v.peep {
					in[7] = rnd(D, 3*H)
				}
				nOut = 3
			}
			if v.f4 { // X with a zero-sized input dimension still runs
				in[0], in[1] = dtype.New(dtype.F32, []int{S, B, 0}), dtype.New(dtype.F32, []int{D, G * H, 0})
			}
			res, err := Node(rnnNode(v.op, a, len(in), nOut), in, 0)
			require.NoError(t, err)
			y, yh, yc := refRecurrent(v.op, a, in)
			rnnClose(t, y, res[0].F32, "Y")
			rnnClose(t, yh, res[1].F32, "Y_h")
			if v.op == graph.OpLSTM {
				rnnClose(t, yc, res[2].F32, "Y_c")
			}
		})
	}
}

// TestRecurrentOutputs: any output may be absent, and f64 computes in f64.
func TestRecurrentOutputs(t *testing.T) {
	x := rnnF32([]int{1, 1, 1}, 1)
	w, r := rnnF32([]int{1, 4, 1}, 0, 0, 0, 0), rnnF32([]int{1, 4, 1}, 0, 0, 0, 0)
	for _, absent := range [][]int{{0}, {1}, {2}, {0, 1}, {0, 1, 2}} {
		t.Run(fmt.Sprint(absent), func(t *testing.T) {
			res, err := Node(rnnNode(graph.OpLSTM, graph.RNNAttrs{Direction: "forward"}, 3, 3, absent...), []*dtype.Array{x, w, r}, 0)
			require.NoError(t, err)
			for _, i := range absent {
				assert.Nil(t, res[i])
			}
		})
	}
	t.Run("no outputs listed", func(t *testing.T) {
		res, err := Node(rnnNode(graph.OpLSTM, graph.RNNAttrs{Direction: "forward"}, 3, 0), []*dtype.Array{x, w, r}, 0)
		require.NoError(t, err)
		assert.Empty(t, res)
	})
	t.Run("f64", func(t *testing.T) {
		x := &dtype.Array{Kind: dtype.F64, Shape: []int{1, 1, 1}, F64: []float64{1}}
		w := &dtype.Array{Kind: dtype.F64, Shape: []int{1, 1, 1}, F64: []float64{0.3}}
		r := &dtype.Array{Kind: dtype.F64, Shape: []int{1, 1, 1}, F64: []float64{0}}
		res, err := Node(rnnNode(graph.OpRNN, graph.RNNAttrs{Direction: "forward"}, 3, 2), []*dtype.Array{x, w, r}, 0)
		require.NoError(t, err)
		assert.Equal(t, math.Tanh(0.3), res[1].F64[0]) // exact in f64
	})
	t.Run("projection too large", func(t *testing.T) {
		// 2¹⁶ steps · 2¹⁶ sequences · 4·H with I = 0: small inputs, huge scratch
		x := dtype.New(dtype.F32, []int{1 << 16, 1 << 16, 0})
		w, r := dtype.New(dtype.F32, []int{1, 4, 0}), dtype.New(dtype.F32, []int{1, 4, 1})
		_, err := Node(rnnNode(graph.OpLSTM, graph.RNNAttrs{Direction: "forward"}, 3, 3, 0), []*dtype.Array{x, w, r}, 0)
		assert.ErrorContains(t, err, "the input projection needs 65536·65536·4 elements")
	})
	t.Run("f16 rounds its outputs", func(t *testing.T) {
		// f16(1/3) = 0.333251953125; ·3 = 1 - 2⁻¹², halfway between the f16
		// neighbours 1 - 2⁻¹¹ and 1: ties to even give 1
		x := &dtype.Array{Kind: dtype.F16, Shape: []int{1, 1, 1}, F32: []float32{3}}
		w := &dtype.Array{Kind: dtype.F16, Shape: []int{1, 1, 1}, F32: []float32{0.333251953125}}
		r := &dtype.Array{Kind: dtype.F16, Shape: []int{1, 1, 1}, F32: []float32{0}}
		a := graph.RNNAttrs{Direction: "forward", Activations: []string{"Relu"}}
		res, err := Node(rnnNode(graph.OpRNN, a, 3, 2), []*dtype.Array{x, w, r}, 0)
		require.NoError(t, err)
		assert.Equal(t, dtype.F16, res[0].Kind)
		assert.Equal(t, []float32{1}, res[0].F32)
	})
}

// BenchmarkLSTM136x64x60: the LSTM kiln's benchmark evaluates (input 136,
// hidden 64, 60 steps, batch 1); it must stay well under 5 ms on one core.
func BenchmarkLSTM136x64x60(b *testing.B) {
	const S, I, H = 60, 136, 64
	rng := rand.New(rand.NewPCG(136, 64))
	rnd := func(shape ...int) *dtype.Array {
		a := dtype.New(dtype.F32, shape)
		for j := range a.F32 {
			a.F32[j] = float32(rng.NormFloat64() * 0.1)
		}
		return a
	}
	in := []*dtype.Array{rnd(S, 1, I), rnd(1, 4*H, I), rnd(1, 4*H, H), rnd(1, 8*H)}
	n := rnnNode(graph.OpLSTM, graph.RNNAttrs{Direction: "forward", HiddenSize: H}, len(in), 3)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Node(n, in, 0); err != nil {
			b.Fatal(err)
		}
	}
}
