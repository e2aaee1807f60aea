package lower

import (
	"math"
	"math/rand/v2"
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop"
)

// rnnCase is a one-node recurrent graph: its operator, attributes, sizes
// and which optional operands it has.
type rnnCase struct {
	name                      string
	op                        graph.Op
	at                        graph.RNNAttrs
	seq, batch, input, hidden int
	kind                      dtype.Kind // of X and the other float operands; F32 when 0
	bias, h0, c0, peep        bool
	lens                      []int64 // sequence_lens, an input, when set
	constLens                 bool    // sequence_lens is a constant
	inputW                    bool    // W and R are inputs, not constants
	noY, noYh, noYc           bool
	nan                       bool // X's first element is NaN
	constH0                   bool // initial_h and initial_c are constants (zero when zeroH0)
	zeroH0                    bool
}

// rnnGraph builds c's graph with random operands (seeded by c.name's
// length so rows differ): the constants in the graph, the inputs returned.
func rnnGraph(c rnnCase) (*graph.Graph, []*dtype.Array) {
	gb := &rnnGraphBuilder{c: c, kind: c.kind, g: &graph.Graph{Name: c.name}, rng: rand.New(rand.NewPCG(uint64(len(c.name)), 7))}
	if gb.kind == 0 {
		gb.kind = dtype.F32
	}
	dirs, _ := graph.RNNDirections(c.at.Direction)
	gb.s = graph.RNNShape{Seq: c.seq, Batch: c.batch, Input: c.input, Hidden: c.hidden, Dirs: dirs, Layout: c.at.Layout}
	gb.g.AddNode(c.op, c.name, gb.inputs(), gb.outputs(), c.at)
	return gb.g, gb.ins
}

// rnnGraphBuilder holds rnnGraph's graph under construction.
type rnnGraphBuilder struct {
	c    rnnCase
	kind dtype.Kind
	s    graph.RNNShape
	g    *graph.Graph
	ins  []*dtype.Array
	rng  *rand.Rand
}

// random is an array of shape with values uniform in [-scale, scale].
func (gb *rnnGraphBuilder) random(shape []int, scale float64) *dtype.Array {
	a := dtype.New(gb.kind, shape)
	for i := range a.Len() {
		a.Set(i, dtype.RoundFloat(gb.kind, scale*(2*gb.rng.Float64()-1), false))
	}
	return a
}

// operand adds a graph input holding a, or a constant.
func (gb *rnnGraphBuilder) operand(name string, a *dtype.Array, input bool) graph.TensorID {
	if !input {
		return gb.g.AddTensor(name, a.Kind, a.Shape, a)
	}
	id := gb.g.AddTensor(name, a.Kind, a.Shape, nil)
	gb.g.Inputs = append(gb.g.Inputs, id)
	gb.ins = append(gb.ins, a)
	return id
}

func (gb *rnnGraphBuilder) state() *dtype.Array {
	if gb.c.zeroH0 {
		return dtype.New(gb.kind, gb.s.StateShape())
	}
	return gb.random(gb.s.StateShape(), 1)
}

func (gb *rnnGraphBuilder) inputs() []graph.TensorID {
	c, s := gb.c, gb.s
	gh := graph.RNNGates(c.op) * c.hidden
	xShape := []int{c.seq, c.batch, c.input}
	if c.at.Layout == 1 {
		xShape = []int{c.batch, c.seq, c.input}
	}
	in := []graph.TensorID{
		gb.operand("x", rnnNaN(gb.random(xShape, 1), c.nan), true),
		gb.operand("w", gb.random([]int{s.Dirs, gh, c.input}, 0.6), c.inputW),
		gb.operand("r", gb.random([]int{s.Dirs, gh, c.hidden}, 0.6), c.inputW),
		graph.None, graph.None, graph.None, graph.None, graph.None,
	}
	if c.bias {
		in[3] = gb.operand("bias", gb.random([]int{s.Dirs, 2 * gh}, 0.5), false)
	}
	if c.lens != nil {
		in[4] = gb.operand("lens", &dtype.Array{Kind: dtype.I32, Shape: []int{c.batch}, I64: c.lens}, !c.constLens)
	}
	if c.h0 {
		in[5] = gb.operand("h0", gb.state(), !c.constH0)
	}
	if c.op != graph.OpLSTM {
		return in[:6]
	}
	if c.c0 {
		in[6] = gb.operand("c0", gb.state(), !c.constH0)
	}
	if c.peep {
		in[7] = gb.operand("p", gb.random([]int{s.Dirs, 3 * c.hidden}, 0.5), false)
	}
	return in
}

func (gb *rnnGraphBuilder) outputs() []graph.TensorID {
	c, s := gb.c, gb.s
	outs := []graph.TensorID{graph.None, graph.None, graph.None}
	if c.op != graph.OpLSTM {
		outs = outs[:2]
	}
	for i, o := range []struct {
		name  string
		shape []int
		skip  bool
	}{{"y", s.YShape(), c.noY}, {"y_h", s.StateShape(), c.noYh}, {"y_c", s.StateShape(), c.noYc}}[:len(outs)] {
		if !o.skip {
			outs[i] = gb.g.AddTensor(o.name, gb.kind, o.shape, nil)
			gb.g.Outputs = append(gb.g.Outputs, outs[i])
		}
	}
	return outs
}

// rnnNaN sets a's first element to NaN when nan is set.
func rnnNaN(a *dtype.Array, nan bool) *dtype.Array {
	if nan {
		a.Set(0, math.NaN())
	}
	return a
}

func rnnDir(dir string) graph.RNNAttrs { return graph.RNNAttrs{Direction: dir} }

func rnnCases() []rnnCase {
	acts := func(dir string, names ...string) graph.RNNAttrs {
		return graph.RNNAttrs{Direction: dir, Activations: names}
	}
	lens := []int64{3, 0, 5}
	return []rnnCase{
		{name: "lstm_plain", op: graph.OpLSTM, at: rnnDir("forward"), seq: 5, batch: 2, input: 3, hidden: 4},
		{name: "lstm_all", op: graph.OpLSTM, at: rnnDir("forward"), seq: 5, batch: 3, input: 3, hidden: 4, bias: true, h0: true, c0: true, peep: true},
		{name: "lstm_reverse", op: graph.OpLSTM, at: rnnDir("reverse"), seq: 4, batch: 2, input: 3, hidden: 5, bias: true, h0: true, c0: true},
		{name: "lstm_bidirectional", op: graph.OpLSTM, at: rnnDir("bidirectional"), seq: 4, batch: 2, input: 3, hidden: 4, bias: true, h0: true, c0: true, peep: true},
		{name: "lstm_layout1_bidi", op: graph.OpLSTM, at: graph.RNNAttrs{Direction: "bidirectional", Layout: 1}, seq: 3, batch: 2, input: 2, hidden: 3, bias: true, h0: true, c0: true},
		{name: "lstm_seq_lens", op: graph.OpLSTM, at: rnnDir("bidirectional"), seq: 5, batch: 3, input: 2, hidden: 3, bias: true, lens: lens},
		{name: "lstm_seq_lens_const", op: graph.OpLSTM, at: graph.RNNAttrs{Direction: "reverse", Layout: 1}, seq: 5, batch: 3, input: 2, hidden: 3, lens: lens, constLens: true, h0: true},
		{name: "lstm_full_lens", op: graph.OpLSTM, at: rnnDir("forward"), seq: 2, batch: 2, input: 2, hidden: 3, lens: []int64{2, 2}, constLens: true},
		{name: "lstm_const_state", op: graph.OpLSTM, at: rnnDir("bidirectional"), seq: 3, batch: 2, input: 2, hidden: 3, h0: true, c0: true, constH0: true},
		{name: "lstm_zero_state", op: graph.OpLSTM, at: rnnDir("forward"), seq: 3, batch: 2, input: 2, hidden: 3, h0: true, c0: true, constH0: true, zeroH0: true},
		{name: "lstm_clip_input_forget", op: graph.OpLSTM, at: graph.RNNAttrs{Direction: "forward", Clip: 0.5, HasClip: true, InputForget: true}, seq: 4, batch: 2, input: 3, hidden: 4, bias: true, peep: true, c0: true},
		{name: "lstm_hidden_size", op: graph.OpLSTM, at: graph.RNNAttrs{Direction: "forward", HiddenSize: 3}, seq: 2, batch: 1, input: 2, hidden: 3, inputW: true},
		{name: "lstm_only_yc", op: graph.OpLSTM, at: rnnDir("forward"), seq: 3, batch: 2, input: 2, hidden: 3, noY: true, noYh: true},
		{name: "lstm_acts", op: graph.OpLSTM, at: graph.RNNAttrs{Direction: "forward", Activations: []string{"HardSigmoid", "Softsign", "ScaledTanh"}, ActivationAlpha: []float32{0.3, 0, 0.8}, ActivationBeta: []float32{0.4, 0, 1.5}}, seq: 3, batch: 2, input: 3, hidden: 4, bias: true},
		{name: "lstm_f64", op: graph.OpLSTM, at: rnnDir("bidirectional"), kind: dtype.F64, seq: 3, batch: 2, input: 3, hidden: 4, bias: true, h0: true, c0: true, peep: true},
		{name: "lstm_f16", op: graph.OpLSTM, at: rnnDir("forward"), kind: dtype.F16, seq: 3, batch: 2, input: 3, hidden: 4, bias: true, h0: true},
		{name: "gru_plain", op: graph.OpGRU, at: rnnDir("forward"), seq: 4, batch: 2, input: 3, hidden: 4},
		{name: "gru_all", op: graph.OpGRU, at: rnnDir("bidirectional"), seq: 4, batch: 2, input: 3, hidden: 4, bias: true, h0: true},
		{name: "gru_linear_before_reset", op: graph.OpGRU, at: graph.RNNAttrs{Direction: "bidirectional", LinearBeforeReset: true}, seq: 4, batch: 2, input: 3, hidden: 4, bias: true, h0: true},
		{name: "gru_lbr_no_bias", op: graph.OpGRU, at: graph.RNNAttrs{Direction: "reverse", LinearBeforeReset: true, Layout: 1}, seq: 3, batch: 2, input: 3, hidden: 2, h0: true},
		{name: "gru_seq_lens", op: graph.OpGRU, at: graph.RNNAttrs{Direction: "reverse", Layout: 1}, seq: 5, batch: 3, input: 2, hidden: 3, bias: true, lens: lens, h0: true},
		{name: "gru_clip_acts", op: graph.OpGRU, at: graph.RNNAttrs{Direction: "forward", Clip: 0.7, HasClip: true, Activations: []string{"Relu", "Elu"}}, seq: 3, batch: 2, input: 3, hidden: 4, bias: true, h0: true, noY: true},
		{name: "rnn_plain", op: graph.OpRNN, at: rnnDir("forward"), seq: 4, batch: 2, input: 3, hidden: 4},
		{name: "rnn_all", op: graph.OpRNN, at: graph.RNNAttrs{Direction: "bidirectional", Layout: 1}, seq: 4, batch: 2, input: 3, hidden: 4, bias: true, h0: true, lens: []int64{4, 1}},
		{name: "rnn_relu_affine", op: graph.OpRNN, at: acts("bidirectional", "Relu", "Affine"), seq: 3, batch: 2, input: 3, hidden: 4, bias: true},
		{name: "rnn_leaky_thresholded", op: graph.OpRNN, at: graph.RNNAttrs{Direction: "bidirectional", Activations: []string{"LeakyRelu", "ThresholdedRelu"}, ActivationAlpha: []float32{0.2, 0.1}}, seq: 3, batch: 2, input: 3, hidden: 4, bias: true},
		{name: "rnn_softplus_sigmoid", op: graph.OpRNN, at: acts("bidirectional", "Softplus", "Sigmoid"), seq: 3, batch: 2, input: 3, hidden: 4, h0: true},
		// NaN stays NaN through clip, Relu and HardSigmoid, as in eval.
		{name: "rnn_nan_clip_relu", op: graph.OpRNN, at: graph.RNNAttrs{Direction: "forward", Clip: 0.5, HasClip: true, Activations: []string{"Relu"}}, seq: 2, batch: 2, input: 3, hidden: 2, nan: true},
		{name: "lstm_nan_hardsigmoid", op: graph.OpLSTM, at: graph.RNNAttrs{Direction: "forward", Activations: []string{"HardSigmoid", "Relu", "Tanh"}}, seq: 2, batch: 2, input: 3, hidden: 2, nan: true},
		{name: "rnn_clip_elu_default", op: graph.OpRNN, at: graph.RNNAttrs{Direction: "forward", Clip: 0.25, HasClip: true, Activations: []string{"Elu"}}, seq: 3, batch: 2, input: 3, hidden: 4, bias: true, h0: true},
	}
}

// TestRNNAgainstEval: each attribute and operand of LSTM, GRU and RNN,
// lowered and run by the loop IR interpreter, matches ir/graph/eval within
// ONNX's tolerance (rtol 1e-3, atol 1e-7).
func TestRNNAgainstEval(t *testing.T) {
	for _, c := range rnnCases() {
		t.Run(c.name, func(t *testing.T) {
			g, ins := rnnGraph(c)
			want, err := eval.Run(g, ins, eval.Options{})
			require.NoError(t, err)
			got, err := rnnLowerRun(g, ins)
			require.NoError(t, err)
			require.Len(t, got, len(want))
			for i := range want {
				assert.Empty(t, rnnCompare(got[i], want[i], rnnONNXTol), "output %s", g.Tensor(g.Outputs[i]).Name)
			}
		})
	}
}

// TestRNNTempsUsed: every temporary and constant a recurrent kernel
// declares is used (gcc warns of an unused array in the emitted C).
func TestRNNTempsUsed(t *testing.T) {
	for _, c := range rnnCases() {
		t.Run(c.name, func(t *testing.T) {
			g, _ := rnnGraph(c)
			k, err := Node(g, g.Nodes[0], Options{})
			require.NoError(t, err)
			text := k.String()
			for _, b := range k.Buffers {
				if b.Role == loop.Temp || b.Role == loop.Constant {
					uses := regexp.MustCompile(`\b`+b.Name+`\b`).FindAllStringIndex(text, -1)
					assert.Greater(t, len(uses), 1, "%s is declared, never used", b.Name)
				}
			}
		})
	}
}

// TestRNNIdleConstants: a constant sequence_lens of seq_length and a
// constant zero initial state are not read (no guard, no ROM).
func TestRNNIdleConstants(t *testing.T) {
	for _, c := range rnnCases() {
		if c.name != "lstm_full_lens" && c.name != "lstm_zero_state" {
			continue
		}
		t.Run(c.name, func(t *testing.T) {
			g, _ := rnnGraph(c)
			k, err := Node(g, g.Nodes[0], Options{})
			require.NoError(t, err)
			for _, b := range k.Buffers {
				assert.NotContains(t, []string{"lens", "h0", "c0"}, b.Name)
			}
			assert.NotContains(t, k.String(), "if ")
		})
	}
}

// TestRNNErrors: bad nodes give errors that name the node and the fault.
func TestRNNErrors(t *testing.T) {
	base := rnnCase{name: "bad", op: graph.OpLSTM, at: rnnDir("forward"), seq: 2, batch: 1, input: 2, hidden: 3}
	tests := []struct {
		name string
		edit func(*graph.Node)
		want string
	}{
		{"attrs", func(n *graph.Node) { n.Attrs = graph.NoAttrs{} }, "want graph.RNNAttrs"},
		{"direction", func(n *graph.Node) { n.Attrs = graph.RNNAttrs{Direction: "sideways"} }, `direction "sideways"`},
		{"activation", func(n *graph.Node) {
			n.Attrs = graph.RNNAttrs{Direction: "forward", Activations: []string{"Sigmoid", "Tanh", "Cube"}}
		}, `unknown activation function "Cube"`},
		{"no W", func(n *graph.Node) { n.In[1] = graph.None }, "input W is missing"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := rnnGraph(base)
			tt.edit(g.Nodes[0])
			_, err := Node(g, g.Nodes[0], Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), `node "bad" (LSTM)`)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// TestRNNGolden: the loop IR of a small LSTM (hidden 4, input 3, 2 steps,
// Y and Y_h) is testdata/lstm_step.kir, reviewed like code; -update
// rewrites it. The text parses back to itself.
func TestRNNGolden(t *testing.T) {
	c := rnnCase{name: "lstm_step", op: graph.OpLSTM, at: rnnDir("forward"), seq: 2, batch: 1, input: 3, hidden: 4, bias: true, noYc: true}
	g, _ := rnnGraph(c)
	k, err := Node(g, g.Nodes[0], Options{})
	require.NoError(t, err)
	checkKirGolden(t, c.name, k)
}
