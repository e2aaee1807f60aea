package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

func rnnTestNode(op Op, a RNNAttrs, nIn, nOut int) *Node {
	n := &Node{Op: op, Name: "r", Attrs: a}
	for i := range nIn {
		n.In = append(n.In, TensorID(i))
	}
	for i := range nOut {
		n.Out = append(n.Out, TensorID(nIn+i))
	}
	return n
}

func rnnMeta(shape ...int) Meta { return Meta{Kind: dtype.F32, Shape: shape} }

// lstmMetas: seq 5, batch 2, input 3, hidden 4, one direction.
func lstmMetas() []Meta {
	return []Meta{rnnMeta(5, 2, 3), rnnMeta(1, 16, 3), rnnMeta(1, 16, 4), rnnMeta(1, 32), {Kind: dtype.I32, Shape: []int{2}},
		rnnMeta(1, 2, 4), rnnMeta(1, 2, 4), rnnMeta(1, 12)}
}

func TestInferRNN(t *testing.T) {
	fwd := RNNAttrs{Direction: "forward", HiddenSize: 4}
	tests := []struct {
		name  string
		op    Op
		attrs RNNAttrs
		in    []Meta
		nOut  int
		want  [][]int
	}{
		{"lstm", OpLSTM, fwd, lstmMetas(), 3, [][]int{{5, 1, 2, 4}, {1, 2, 4}, {1, 2, 4}}},
		{"lstm hidden from R", OpLSTM, RNNAttrs{Direction: "forward"}, lstmMetas()[:3], 2, [][]int{{5, 1, 2, 4}, {1, 2, 4}}},
		{"gru bidirectional", OpGRU, RNNAttrs{Direction: "bidirectional", HiddenSize: 4},
			[]Meta{rnnMeta(5, 2, 3), rnnMeta(2, 12, 3), rnnMeta(2, 12, 4)}, 2, [][]int{{5, 2, 2, 4}, {2, 2, 4}}},
		{"rnn batch first", OpRNN, RNNAttrs{Direction: "reverse", HiddenSize: 4, Layout: 1},
			[]Meta{rnnMeta(2, 5, 3), rnnMeta(1, 4, 3), rnnMeta(1, 4, 4), {}, {}, rnnMeta(2, 1, 4)}, 2, [][]int{{2, 5, 1, 4}, {2, 1, 4}}},
		{"no outputs", OpRNN, fwd, []Meta{rnnMeta(5, 2, 3), rnnMeta(1, 4, 3), rnnMeta(1, 4, 4)}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out, err := Infer(rnnTestNode(tc.op, tc.attrs, len(tc.in), tc.nOut), tc.in)
			require.NoError(t, err)
			require.Len(t, out, len(tc.want))
			for i, w := range tc.want {
				assert.Equal(t, dtype.F32, out[i].Kind)
				assert.Equal(t, w, out[i].Shape, "output %d", i)
			}
		})
	}
}

func TestInferRNNErrors(t *testing.T) {
	fwd := RNNAttrs{Direction: "forward", HiddenSize: 4}
	with := func(i int, m Meta) []Meta { in := lstmMetas(); in[i] = m; return in }
	seqVal := func(v ...int64) Meta {
		a := dtype.FromI64([]int{2}, v)
		a.Kind = dtype.I32
		return Meta{Kind: dtype.I32, Shape: []int{2}, Value: a}
	}
	tests := []struct {
		name  string
		attrs RNNAttrs
		in    []Meta
		want  string
	}{
		{"direction", RNNAttrs{Direction: "sideways"}, lstmMetas(), `direction "sideways" is not forward, reverse or bidirectional`},
		{"activation count", RNNAttrs{Direction: "forward", Activations: []string{"Tanh"}}, lstmMetas(), "1 activation functions for forward, want 3"},
		{"activation name", RNNAttrs{Direction: "forward", Activations: []string{"Tanh", "Tanh", "Swish"}}, lstmMetas(), `unknown activation function "Swish"`},
		{"alpha count", RNNAttrs{Direction: "forward", Activations: []string{"Tanh", "Tanh", "Tanh"}, ActivationAlpha: []float32{1}}, lstmMetas(), "1 activation alphas"},
		{"clip", RNNAttrs{Direction: "forward", HasClip: true, Clip: -1}, lstmMetas(), "clip -1 is not positive"},
		{"layout", RNNAttrs{Direction: "forward", Layout: 2}, lstmMetas(), "layout 2 is not 0 or 1"},
		{"linear_before_reset", RNNAttrs{Direction: "forward", LinearBeforeReset: true}, lstmMetas(), "linear_before_reset is a GRU attribute"},
		{"X rank", fwd, with(0, rnnMeta(5, 2)), "X has rank 2, want 3"},
		{"X kind", fwd, with(0, Meta{Kind: dtype.I32, Shape: []int{5, 2, 3}}), "X is i32, want a float kind"},
		{"W shape", fwd, with(1, rnnMeta(1, 12, 3)), "W has shape [1 12 3], want [1 16 3]"},
		{"hidden size", RNNAttrs{Direction: "forward", HiddenSize: 5}, lstmMetas(), "W has shape [1 16 3], want [1 20 3]"},
		{"bidirectional W", RNNAttrs{Direction: "bidirectional"}, lstmMetas(), "W has shape [1 16 3], want [2 16 3]"},
		{"B kind", fwd, with(3, Meta{Kind: dtype.F64, Shape: []int{1, 32}}), "B is f64, X is f32"},
		{"P shape", fwd, with(7, rnnMeta(1, 16)), "P has shape [1 16], want [1 12]"},
		{"initial_c shape", fwd, with(6, rnnMeta(2, 1, 4)), "initial_c has shape [2 1 4], want [1 2 4]"},
		{"seq lens kind", fwd, with(4, Meta{Kind: dtype.I64, Shape: []int{2}}), "sequence_lens is i64, want i32"},
		{"seq lens value", fwd, with(4, seqVal(5, 6)), "sequence_lens[1] = 6 is outside [0, 5]"},
		{"zero hidden", RNNAttrs{Direction: "forward"}, with(2, rnnMeta(1, 0, 0)), "hidden size 0 is not positive"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Infer(rnnTestNode(OpLSTM, tc.attrs, len(tc.in), 3), tc.in)
			assert.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("attrs type", func(t *testing.T) {
		n := rnnTestNode(OpLSTM, RNNAttrs{}, 3, 1)
		n.Attrs = NoAttrs{}
		_, err := Infer(n, lstmMetas()[:3])
		assert.ErrorContains(t, err, "attributes are graph.NoAttrs, want graph.RNNAttrs")
	})
	t.Run("input_forget on GRU", func(t *testing.T) {
		n := rnnTestNode(OpGRU, RNNAttrs{Direction: "forward", InputForget: true}, 3, 1)
		_, err := Infer(n, []Meta{rnnMeta(5, 2, 3), rnnMeta(1, 12, 3), rnnMeta(1, 12, 4)})
		assert.ErrorContains(t, err, "input_forget is an LSTM attribute")
	})
}

func TestRNNFuncs(t *testing.T) {
	fs, err := RNNFuncs(OpGRU, &RNNAttrs{Direction: "bidirectional"})
	require.NoError(t, err)
	assert.Equal(t, []RNNFunc{{Name: "Sigmoid"}, {Name: "Tanh"}, {Name: "Sigmoid"}, {Name: "Tanh"}}, fs)
	f, a, b, ok := LookupRNNFunc("hardsigmoid")
	assert.True(t, ok && a && b)
	assert.Equal(t, RNNFunc{Name: "HardSigmoid", Alpha: 0.2, Beta: 0.5}, f) // ONNX HardSigmoid defaults
}
