package onnx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func rnnInt(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_INT.Enum(), I: proto.Int64(v)}
}

func rnnFloat(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOAT.Enum(), F: proto.Float32(v)}
}

func rnnStr(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

func rnnStrs(name string, v ...string) *onnxpb.AttributeProto {
	a := &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_STRINGS.Enum()}
	for _, s := range v {
		a.Strings = append(a.Strings, []byte(s))
	}
	return a
}

func rnnFloats(name string, v ...float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: proto.String(name), Type: onnxpb.AttributeProto_FLOATS.Enum(), Floats: v}
}

// rnnCtx is a NodeCtx for a recurrent node with outputs Y, Y_h and the
// given attributes.
func rnnCtx(opset int, attrs ...*onnxpb.AttributeProto) *NodeCtx {
	np := &onnxpb.NodeProto{Input: []string{"X", "W", "R"}, Output: []string{"Y", "Y_h"}}
	c := &NodeCtx{opset: opset, node: np, attrs: map[string]*onnxpb.AttributeProto{}, used: map[string]bool{},
		nIn: 3, consts: map[int]*dtype.Array{}}
	for _, a := range attrs {
		c.attrs[a.GetName()] = a
	}
	return c
}

func TestParseRecurrent(t *testing.T) {
	type A = []*onnxpb.AttributeProto
	lstmDefault := graph.RNNAttrs{Direction: "forward", HiddenSize: 4, Activations: []string{"Sigmoid", "Tanh", "Tanh"},
		ActivationAlpha: []float32{0, 0, 0}, ActivationBeta: []float32{0, 0, 0}}
	tests := []struct {
		name  string
		op    graph.Op
		opset int
		attrs A
		want  graph.RNNAttrs
	}{
		{"lstm-22 defaults", graph.OpLSTM, 22, A{rnnInt("hidden_size", 4)}, lstmDefault},
		{"lstm-1 output_sequence", graph.OpLSTM, 1, A{rnnInt("hidden_size", 4), rnnInt("output_sequence", 1)}, lstmDefault},
		{"lstm-7 options", graph.OpLSTM, 7, A{rnnInt("hidden_size", 4), rnnInt("input_forget", 1), rnnFloat("clip", 3),
			rnnStr("direction", "reverse")},
			graph.RNNAttrs{Direction: "reverse", HiddenSize: 4, InputForget: true, Clip: 3, HasClip: true,
				Activations: []string{"Sigmoid", "Tanh", "Tanh"}, ActivationAlpha: []float32{0, 0, 0}, ActivationBeta: []float32{0, 0, 0}}},
		{"lstm-14 layout", graph.OpLSTM, 14, A{rnnInt("layout", 1)},
			graph.RNNAttrs{Direction: "forward", Layout: 1, Activations: []string{"Sigmoid", "Tanh", "Tanh"},
				ActivationAlpha: []float32{0, 0, 0}, ActivationBeta: []float32{0, 0, 0}}},
		// alpha/beta go, in order, to the functions that take them; the rest default
		{"lstm coefficients consumed in order", graph.OpLSTM, 22, A{
			rnnStrs("activations", "hardsigmoid", "LeakyRelu", "ScaledTanh"), rnnFloats("activation_alpha", 0.3, 0.02),
			rnnFloats("activation_beta", 0.6)},
			graph.RNNAttrs{Direction: "forward", Activations: []string{"HardSigmoid", "LeakyRelu", "ScaledTanh"},
				ActivationAlpha: []float32{0.3, 0.02, 1}, ActivationBeta: []float32{0.6, 0, 1}}},
		{"gru-1 has no linear_before_reset", graph.OpGRU, 1, A{rnnStr("direction", "bidirectional")},
			graph.RNNAttrs{Direction: "bidirectional", Activations: []string{"Sigmoid", "Tanh", "Sigmoid", "Tanh"},
				ActivationAlpha: []float32{0, 0, 0, 0}, ActivationBeta: []float32{0, 0, 0, 0}}},
		{"gru-3 linear_before_reset", graph.OpGRU, 3, A{rnnInt("linear_before_reset", 2)},
			graph.RNNAttrs{Direction: "forward", LinearBeforeReset: true, Activations: []string{"Sigmoid", "Tanh"},
				ActivationAlpha: []float32{0, 0}, ActivationBeta: []float32{0, 0}}},
		{"bidirectional with one direction's functions", graph.OpGRU, 22, A{rnnStr("direction", "bidirectional"),
			rnnStrs("activations", "Elu", "Softsign"), rnnFloats("activation_alpha", 2)},
			graph.RNNAttrs{Direction: "bidirectional", Activations: []string{"Elu", "Softsign", "Elu", "Softsign"},
				ActivationAlpha: []float32{2, 0, 2, 0}, ActivationBeta: []float32{0, 0, 0, 0}}},
		{"rnn's default list for one direction", graph.OpRNN, 14, A{rnnStrs("activations", "Tanh", "Tanh")},
			graph.RNNAttrs{Direction: "forward", Activations: []string{"Tanh"}, ActivationAlpha: []float32{0}, ActivationBeta: []float32{0}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := rnnCtx(tc.opset, tc.attrs...)
			got, err := parseRecurrent(tc.op)(c)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
			assert.Empty(t, c.unread())
		})
	}
}

func TestParseRecurrentErrors(t *testing.T) {
	type A = []*onnxpb.AttributeProto
	tests := []struct {
		name  string
		op    graph.Op
		opset int
		attrs A
		want  string
	}{
		{"direction", graph.OpRNN, 22, A{rnnStr("direction", "both")}, `direction "both" is not forward, reverse or bidirectional`},
		{"hidden_size", graph.OpRNN, 22, A{rnnInt("hidden_size", -1)}, "hidden_size -1 is out of range"},
		{"clip", graph.OpLSTM, 22, A{rnnFloat("clip", 0)}, "clip 0 is not positive"},
		{"layout", graph.OpGRU, 22, A{rnnInt("layout", 2)}, "layout is 2, want 0 or 1"},
		{"input_forget", graph.OpLSTM, 22, A{rnnInt("input_forget", 3)}, "input_forget is 3, want 0 or 1"},
		{"output_sequence", graph.OpGRU, 3, A{rnnInt("output_sequence", 2)}, "output_sequence is 2, want 0 or 1"},
		{"activation name", graph.OpRNN, 22, A{rnnStrs("activations", "Gelu")}, `activation "Gelu" is not one of RNN's activation functions`},
		{"activation count", graph.OpLSTM, 22, A{rnnStrs("activations", "Tanh", "Tanh")}, "2 activations, LSTM takes 3 per direction"},
		{"leftover alpha", graph.OpRNN, 22, A{rnnFloats("activation_alpha", 1)}, "1 activation_alpha and 0 activation_beta values are left over"},
		{"halves differ", graph.OpRNN, 22, A{rnnStrs("activations", "Tanh", "Relu")}, "2 activations for one direction, and the second 1 differ"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRecurrent(tc.op)(rnnCtx(tc.opset, tc.attrs...))
			assert.ErrorContains(t, err, tc.want)
		})
	}
	t.Run("output_sequence without Y", func(t *testing.T) {
		c := rnnCtx(1, rnnInt("output_sequence", 1))
		c.node.Output = []string{"", "Y_h"}
		_, err := parseRecurrent(graph.OpLSTM)(c)
		assert.ErrorContains(t, err, "output_sequence is 1 but the node has no output Y")
	})
	// attributes a version does not define stay unread: the loader rejects them
	for _, tc := range []struct {
		name  string
		op    graph.Op
		opset int
		attr  *onnxpb.AttributeProto
	}{
		{"layout before 14", graph.OpLSTM, 13, rnnInt("layout", 0)},
		{"output_sequence from 7", graph.OpRNN, 7, rnnInt("output_sequence", 0)},
		{"linear_before_reset in GRU-1", graph.OpGRU, 2, rnnInt("linear_before_reset", 1)},
		{"input_forget outside LSTM", graph.OpGRU, 22, rnnInt("input_forget", 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := rnnCtx(tc.opset, tc.attr)
			_, err := parseRecurrent(tc.op)(c)
			require.NoError(t, err)
			assert.Equal(t, []string{tc.attr.GetName()}, c.unread())
		})
	}
}
