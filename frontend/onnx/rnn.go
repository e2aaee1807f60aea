package onnx

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/graph"
)

// rnnParsers is the parser table of the recurrent layers.
var rnnParsers = []ParserDef{
	{graph.OpRNN, parseRecurrent(graph.OpRNN)},
	{graph.OpGRU, parseRecurrent(graph.OpGRU)},
	{graph.OpLSTM, parseRecurrent(graph.OpLSTM)},
}

// parseRecurrent reads RNN, GRU and LSTM (Operators.md and Changelog.md:
// RNN-1/7/14/22, GRU-1/3/7/14/22, LSTM-1/7/14/22). Attributes by version:
// output_sequence only before opset 7, GRU's linear_before_reset from 3,
// layout from 14; the equations are otherwise the same in every version
// (the "Ht-1*Ri" of the opset-1 text is the same product as the later
// "Ht-1*(Ri^T)"). An attribute a version does not define is left unread, so
// the loader rejects it.
func parseRecurrent(op graph.Op) ParseFunc {
	return func(c *NodeCtx) (graph.Attrs, error) {
		var a graph.RNNAttrs
		var err error
		if a.Direction, err = c.String("direction", "forward"); err != nil {
			return nil, err
		}
		dirs, err := graph.RNNDirections(a.Direction)
		if err != nil {
			return nil, err
		}
		hs, err := c.Int("hidden_size", 0)
		if err != nil {
			return nil, err
		}
		if hs < 0 || hs > 1<<31 {
			return nil, fmt.Errorf("hidden_size %d is out of range", hs)
		}
		a.HiddenSize = int(hs)
		if c.Has("clip") {
			if a.Clip, err = c.Float("clip", 0); err != nil {
				return nil, err
			}
			if !(a.Clip > 0) {
				return nil, fmt.Errorf("clip %v is not positive", a.Clip)
			}
			a.HasClip = true
		}
		if err := parseRecurrentVersioned(c, op, &a); err != nil {
			return nil, err
		}
		if err := parseRecurrentFuncs(c, op, dirs, &a); err != nil {
			return nil, err
		}
		return a, nil
	}
}

// parseRecurrentVersioned reads the attributes that only some versions or
// operators have: layout, input_forget, linear_before_reset,
// output_sequence.
func parseRecurrentVersioned(c *NodeCtx, op graph.Op, a *graph.RNNAttrs) error {
	flag := func(name string) (bool, error) {
		v, err := c.Int(name, 0)
		if err == nil && v != 0 && v != 1 {
			err = fmt.Errorf("%s is %d, want 0 or 1", name, v)
		}
		return v == 1, err
	}
	var err error
	if c.Opset() >= 14 {
		layout, err := flag("layout")
		if err != nil {
			return err
		}
		if layout {
			a.Layout = 1
		}
	}
	switch {
	case op == graph.OpLSTM:
		if a.InputForget, err = flag("input_forget"); err != nil {
			return err
		}
	case op == graph.OpGRU && c.Opset() >= 3:
		v, err := c.Int("linear_before_reset", 0) // "when linear_before_reset != 0"
		if err != nil {
			return err
		}
		a.LinearBeforeReset = v != 0
	}
	if c.Opset() < 7 {
		// output_sequence=0 only made Y optional: Y is computed whenever the
		// node lists it, so 1 is honoured exactly when Y is listed.
		seq, err := flag("output_sequence")
		if err != nil {
			return err
		}
		if out := c.node.GetOutput(); seq && (len(out) == 0 || out[0] == "") {
			return fmt.Errorf("output_sequence is 1 but the node has no output Y")
		}
	}
	return nil
}

// parseRecurrentFuncs resolves activations, activation_alpha and
// activation_beta into graph.RNNAttrs' form: one name, alpha and beta per
// function and direction. As in ONNX Runtime (rnn_helpers.cc), the alpha
// and beta lists are consumed in order by the functions that take the
// coefficient, and a function takes its default when its list has run out;
// values no function consumes are an error. A bidirectional node may list
// one direction's functions for both; a one-direction node may list the
// same functions twice (RNN's declared default is ["Tanh", "Tanh"]).
func parseRecurrentFuncs(c *NodeCtx, op graph.Op, dirs int, a *graph.RNNAttrs) error {
	names, err := c.Strings("activations")
	if err != nil {
		return err
	}
	alphas, err := c.Floats("activation_alpha")
	if err != nil {
		return err
	}
	betas, err := c.Floats("activation_beta")
	if err != nil {
		return err
	}
	per := graph.RNNGateFuncs(op)
	if names == nil {
		for range dirs {
			names = append(names, graph.RNNDefaultFuncs(op)...)
		}
	}
	if len(names) != per && len(names) != 2*per {
		return fmt.Errorf("%d activations, %v takes %d per direction", len(names), op, per)
	}
	fs := make([]graph.RNNFunc, len(names))
	for i, name := range names {
		f, usesAlpha, usesBeta, ok := graph.LookupRNNFunc(name)
		if !ok {
			return fmt.Errorf("activation %q is not one of RNN's activation functions", name)
		}
		if usesAlpha && len(alphas) > 0 {
			f.Alpha, alphas = alphas[0], alphas[1:]
		}
		if usesBeta && len(betas) > 0 {
			f.Beta, betas = betas[0], betas[1:]
		}
		fs[i] = f
	}
	if len(alphas) > 0 || len(betas) > 0 {
		return fmt.Errorf("%d activation_alpha and %d activation_beta values are left over after the activations took theirs", len(alphas), len(betas))
	}
	switch {
	case len(fs) == per && dirs == 2:
		fs = append(fs, fs...)
	case len(fs) == 2*per && dirs == 1:
		if !slices.Equal(fs[:per], fs[per:]) {
			return fmt.Errorf("%d activations for one direction, and the second %d differ from the first", len(fs), per)
		}
		fs = fs[:per]
	}
	for _, f := range fs {
		a.Activations = append(a.Activations, f.Name)
		a.ActivationAlpha = append(a.ActivationAlpha, f.Alpha)
		a.ActivationBeta = append(a.ActivationBeta, f.Beta)
	}
	return nil
}
