package graph

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// rnnOps is the op table of the recurrent layers. Their inputs and outputs
// are ONNX's (Operators.md, RNN-22, GRU-22, LSTM-22):
//
//	inputs  X, W, R, B, sequence_lens, initial_h [, initial_c, P]  (LSTM has the last two)
//	outputs Y, Y_h [, Y_c]                                          (all optional)
//
// The meaning of RNNAttrs in kiln's IR:
//   - HiddenSize 0 takes the hidden size from R (ONNX lists hidden_size as
//     optional); otherwise it must agree with W, R, B and P.
//   - Activations has RNNGateFuncs(op) names per direction (forward first for
//     bidirectional), canonical spelling (see RNNFunc); empty means the
//     defaults. ActivationAlpha and ActivationBeta are either nil (every
//     function takes its default coefficients) or parallel to Activations,
//     one value per function (ignored by functions that take none). The
//     frontend resolves ONNX's consumed-in-order lists into this form.
//   - Clip (with HasClip) bounds the input of every gate activation to
//     [-Clip, Clip]; the cell state fed to LSTM's h() is not clipped, as in
//     ONNX Runtime.
//
// sequence_lens (i32, each in [0, seq_length]): sequence b runs steps
// 0..len[b]-1, the reverse direction from step len[b]-1 down to 0; Y is zero
// past len[b], and Y_h/Y_c are the state after the sequence's last step (the
// initial state for an empty sequence). ThresholdedRelu is "x if x >= alpha"
// as the recurrent operators' own table says (the ThresholdedRelu operator
// uses x > alpha).
var rnnOps = []OpDef{
	{Op: OpRNN, Name: "RNN", Doc: "one-layer simple RNN: Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb)",
		Infer: inferRNN, MinIn: 3, MaxIn: 6, MinOut: 0, MaxOut: 2},
	{Op: OpGRU, Name: "GRU", Doc: "one-layer GRU, gates z, r, h (update, reset, hidden)",
		Infer: inferRNN, MinIn: 3, MaxIn: 6, MinOut: 0, MaxOut: 2},
	{Op: OpLSTM, Name: "LSTM", Doc: "one-layer LSTM, gates i, o, f, c (input, output, forget, cell), optional peepholes",
		Infer: inferRNN, MinIn: 3, MaxIn: 8, MinOut: 0, MaxOut: 3},
}

// Input positions of the recurrent operators.
const (
	RNNInX = iota
	RNNInW
	RNNInR
	RNNInB
	RNNInSeqLens
	RNNInInitialH
	RNNInInitialC // LSTM only
	RNNInP        // LSTM only
)

// RNNGates is the number of gate blocks stacked in W and R: RNN 1, GRU 3
// (z, r, h), LSTM 4 (i, o, f, c); 0 for other operators.
func RNNGates(op Op) int {
	switch op {
	case OpRNN:
		return 1
	case OpGRU:
		return 3
	case OpLSTM:
		return 4
	}
	return 0
}

// RNNGateFuncs is the number of activation functions per direction: RNN 1
// (f), GRU 2 (f, g), LSTM 3 (f, g, h).
func RNNGateFuncs(op Op) int {
	switch op {
	case OpRNN:
		return 1
	case OpGRU:
		return 2
	case OpLSTM:
		return 3
	}
	return 0
}

// RNNDefaultFuncs are the default activation functions of one direction
// (Operators.md: RNN f=Tanh; GRU f=Sigmoid, g=Tanh; LSTM f=Sigmoid,
// g=Tanh, h=Tanh).
func RNNDefaultFuncs(op Op) []string {
	switch op {
	case OpRNN:
		return []string{"Tanh"}
	case OpGRU:
		return []string{"Sigmoid", "Tanh"}
	case OpLSTM:
		return []string{"Sigmoid", "Tanh", "Tanh"}
	}
	return nil
}

// RNNFunc is an activation function of the recurrent operators with its
// coefficients.
type RNNFunc struct {
	Name        string // canonical spelling, e.g. "LeakyRelu"
	Alpha, Beta float32
}

// rnnFuncInfo: which coefficients a function takes and their defaults,
// "the same as of corresponding ONNX operators" (Operators.md: LeakyRelu
// alpha 0.01, ThresholdedRelu alpha 1, HardSigmoid 0.2/0.5, Elu alpha 1; the
// retired experimental Affine 1/0 and ScaledTanh 1/1, as ONNX Runtime's
// rnn_helpers.cc).
type rnnFuncInfo struct {
	name                string
	usesAlpha, usesBeta bool
	alpha, beta         float32
}

var rnnFuncs = []rnnFuncInfo{
	{name: "Relu"},
	{name: "Tanh"},
	{name: "Sigmoid"},
	{name: "Affine", usesAlpha: true, usesBeta: true, alpha: 1, beta: 0},
	{name: "LeakyRelu", usesAlpha: true, alpha: 0.01},
	{name: "ThresholdedRelu", usesAlpha: true, alpha: 1},
	{name: "ScaledTanh", usesAlpha: true, usesBeta: true, alpha: 1, beta: 1},
	{name: "HardSigmoid", usesAlpha: true, usesBeta: true, alpha: 0.2, beta: 0.5},
	{name: "Elu", usesAlpha: true, alpha: 1},
	{name: "Softsign"},
	{name: "Softplus"},
}

// LookupRNNFunc finds an activation function by name, ignoring case (ONNX
// Runtime accepts any case). It reports the canonical name, whether the
// function takes alpha and beta, and their defaults.
func LookupRNNFunc(name string) (f RNNFunc, usesAlpha, usesBeta, ok bool) {
	for _, i := range rnnFuncs {
		if strings.EqualFold(i.name, name) {
			return RNNFunc{Name: i.name, Alpha: i.alpha, Beta: i.beta}, i.usesAlpha, i.usesBeta, true
		}
	}
	return RNNFunc{}, false, false, false
}

// RNNDirections is the number of directions of a direction attribute
// (1 or 2), or an error for an unknown one.
func RNNDirections(direction string) (int, error) {
	switch direction {
	case "forward", "reverse":
		return 1, nil
	case "bidirectional":
		return 2, nil
	}
	return 0, fmt.Errorf("direction %q is not forward, reverse or bidirectional", direction)
}

// RNNFuncs returns the activation functions of a recurrent node, resolved:
// RNNGateFuncs(op) per direction, forward first, defaults applied.
func RNNFuncs(op Op, a *RNNAttrs) ([]RNNFunc, error) {
	dirs, err := RNNDirections(a.Direction)
	if err != nil {
		return nil, err
	}
	names := a.Activations
	if len(names) == 0 {
		for range dirs {
			names = append(names, RNNDefaultFuncs(op)...)
		}
	}
	if want := RNNGateFuncs(op) * dirs; len(names) != want {
		return nil, fmt.Errorf("%d activation functions for %s, want %d", len(names), a.Direction, want)
	}
	if a.ActivationAlpha != nil && len(a.ActivationAlpha) != len(names) ||
		a.ActivationBeta != nil && len(a.ActivationBeta) != len(names) {
		return nil, fmt.Errorf("%d activation alphas and %d betas for %d activation functions", len(a.ActivationAlpha), len(a.ActivationBeta), len(names))
	}
	out := make([]RNNFunc, len(names))
	for i, name := range names {
		f, _, _, ok := LookupRNNFunc(name)
		if !ok {
			return nil, fmt.Errorf("unknown activation function %q", name)
		}
		if a.ActivationAlpha != nil {
			f.Alpha = a.ActivationAlpha[i]
		}
		if a.ActivationBeta != nil {
			f.Beta = a.ActivationBeta[i]
		}
		out[i] = f
	}
	return out, nil
}

// RNNShape holds the dimensions of a recurrent node.
type RNNShape struct {
	Seq, Batch, Input, Hidden, Dirs, Gates int
	Layout                                 int // 0: sequence first, 1: batch first
}

// StateShape is the shape of initial_h, initial_c, Y_h and Y_c.
func (s RNNShape) StateShape() []int {
	if s.Layout == 1 {
		return []int{s.Batch, s.Dirs, s.Hidden}
	}
	return []int{s.Dirs, s.Batch, s.Hidden}
}

// YShape is the shape of Y.
func (s RNNShape) YShape() []int {
	if s.Layout == 1 {
		return []int{s.Batch, s.Seq, s.Dirs, s.Hidden}
	}
	return []int{s.Seq, s.Dirs, s.Batch, s.Hidden}
}

// RNNShapeOf checks a recurrent node's attributes and the shapes and kinds
// of its inputs, and returns its dimensions.
func RNNShapeOf(n *Node, in []Meta) (RNNShape, error) {
	a, ok := n.Attrs.(RNNAttrs)
	if !ok {
		return RNNShape{}, fmt.Errorf("attributes are %T, want graph.RNNAttrs", n.Attrs)
	}
	if err := checkRNNAttrs(n.Op, &a); err != nil {
		return RNNShape{}, err
	}
	s := RNNShape{Gates: RNNGates(n.Op), Layout: a.Layout}
	s.Dirs, _ = RNNDirections(a.Direction)
	x := in[RNNInX]
	if !x.Present() {
		return s, fmt.Errorf("input X is missing")
	}
	if c := x.Kind.Class(); c != dtype.ClassFloat && c != dtype.ClassDouble {
		return s, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	if len(x.Shape) != 3 {
		return s, fmt.Errorf("X has rank %d, want 3", len(x.Shape))
	}
	s.Seq, s.Batch, s.Input = x.Shape[0], x.Shape[1], x.Shape[2]
	if a.Layout == 1 {
		s.Seq, s.Batch = s.Batch, s.Seq
	}
	r := in[RNNInR]
	if !r.Present() || len(r.Shape) != 3 {
		return s, fmt.Errorf("R must be present with rank 3 [num_directions, %d*hidden_size, hidden_size]", s.Gates)
	}
	s.Hidden = a.HiddenSize
	if s.Hidden == 0 {
		s.Hidden = r.Shape[2]
	}
	if s.Hidden <= 0 {
		return s, fmt.Errorf("hidden size %d is not positive", s.Hidden)
	}
	gh := s.Gates * s.Hidden
	want := []struct {
		i     int
		name  string
		shape []int
	}{
		{RNNInW, "W", []int{s.Dirs, gh, s.Input}},
		{RNNInR, "R", []int{s.Dirs, gh, s.Hidden}},
		{RNNInB, "B", []int{s.Dirs, 2 * gh}},
		{RNNInInitialH, "initial_h", s.StateShape()},
		{RNNInInitialC, "initial_c", s.StateShape()},
		{RNNInP, "P", []int{s.Dirs, 3 * s.Hidden}},
	}
	for _, w := range want {
		if w.i >= len(in) || !in[w.i].Present() {
			if w.i == RNNInW {
				return s, fmt.Errorf("input W is missing")
			}
			continue
		}
		m := in[w.i]
		if m.Kind != x.Kind {
			return s, fmt.Errorf("%s is %v, X is %v", w.name, m.Kind, x.Kind)
		}
		if !SameShape(m.Shape, w.shape) {
			return s, fmt.Errorf("%s has shape %v, want %v", w.name, m.Shape, w.shape)
		}
	}
	if len(in) > RNNInSeqLens && in[RNNInSeqLens].Present() {
		if err := checkSeqLens(in[RNNInSeqLens], s); err != nil {
			return s, err
		}
	}
	return s, nil
}

func checkRNNAttrs(op Op, a *RNNAttrs) error {
	if _, err := RNNFuncs(op, a); err != nil {
		return err
	}
	if a.HiddenSize < 0 {
		return fmt.Errorf("hidden_size %d is negative", a.HiddenSize)
	}
	if a.Layout != 0 && a.Layout != 1 {
		return fmt.Errorf("layout %d is not 0 or 1", a.Layout)
	}
	if a.HasClip && !(a.Clip > 0) {
		return fmt.Errorf("clip %v is not positive", a.Clip)
	}
	if a.InputForget && op != OpLSTM {
		return fmt.Errorf("input_forget is an LSTM attribute")
	}
	if a.LinearBeforeReset && op != OpGRU {
		return fmt.Errorf("linear_before_reset is a GRU attribute")
	}
	return nil
}

// checkSeqLens checks sequence_lens: int32 [batch_size], and when constant
// every length within [0, seq_length].
func checkSeqLens(m Meta, s RNNShape) error {
	if m.Kind != dtype.I32 {
		return fmt.Errorf("sequence_lens is %v, want i32", m.Kind)
	}
	if !SameShape(m.Shape, []int{s.Batch}) {
		return fmt.Errorf("sequence_lens has shape %v, want [%d]", m.Shape, s.Batch)
	}
	if m.Value == nil {
		return nil
	}
	for b := range s.Batch {
		if l := m.Value.Int(b); l < 0 || l > int64(s.Seq) {
			return fmt.Errorf("sequence_lens[%d] = %d is outside [0, %d]", b, l, s.Seq)
		}
	}
	return nil
}

func inferRNN(n *Node, in []Meta) ([]Meta, error) {
	s, err := RNNShapeOf(n, in)
	if err != nil {
		return nil, err
	}
	k := in[RNNInX].Kind
	out := make([]Meta, len(n.Out))
	for i := range out {
		if i == 0 {
			out[i] = Meta{Kind: k, Shape: s.YShape()}
		} else {
			out[i] = Meta{Kind: k, Shape: s.StateShape()}
		}
	}
	return out, nil
}
