package onnx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func intAttr(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: ptr(name), Type: onnxpb.AttributeProto_INT.Enum(), I: ptr(v)}
}

func strAttr(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: ptr(name), Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

// quantCtx is a NodeCtx for a node with the given attributes.
func quantCtx(opset int, attrs ...*onnxpb.AttributeProto) *NodeCtx {
	c := &NodeCtx{opset: opset, node: &onnxpb.NodeProto{Input: []string{"x", "s"}}, attrs: map[string]*onnxpb.AttributeProto{},
		used: map[string]bool{}, nIn: 2, consts: map[int]*dtype.Array{}}
	for _, a := range attrs {
		c.attrs[a.GetName()] = a
	}
	return c
}

func TestParseQuantFamily(t *testing.T) {
	f16, i4 := int64(dtype.F16), int64(dtype.I4)
	tests := []struct {
		name  string
		parse ParseFunc
		opset int
		attrs []*onnxpb.AttributeProto
		want  graph.Attrs
	}{
		{"cast-6", parseCast, 6, []*onnxpb.AttributeProto{intAttr("to", 1)}, graph.CastAttrs{To: dtype.F32, Saturate: true, RoundMode: "up"}},
		{"cast-1 names the type", parseCast, 1, []*onnxpb.AttributeProto{strAttr("to", "FLOAT16")}, graph.CastAttrs{To: dtype.F16, Saturate: true, RoundMode: "up"}},
		{"cast-19 saturate", parseCast, 19, []*onnxpb.AttributeProto{intAttr("to", 17), intAttr("saturate", 0)}, graph.CastAttrs{To: dtype.F8E4M3FN, RoundMode: "up"}},
		{"cast-24 round_mode", parseCast, 24, []*onnxpb.AttributeProto{intAttr("to", 24), strAttr("round_mode", "down")}, graph.CastAttrs{To: dtype.F8E8M0, Saturate: true, RoundMode: "down"}},
		{"quantize-10", parseQuantize, 10, nil, graph.QuantAttrs{Axis: 1, Saturate: true}},
		{"quantize-13 axis", parseQuantize, 13, []*onnxpb.AttributeProto{intAttr("axis", 0)}, graph.QuantAttrs{Axis: 0, Saturate: true}},
		{"quantize-21 blocked int4", parseQuantize, 21, []*onnxpb.AttributeProto{intAttr("block_size", 2), intAttr("output_dtype", i4), intAttr("saturate", 0)},
			graph.QuantAttrs{Axis: 1, BlockSize: 2, Out: dtype.I4}},
		{"quantize-23 precision", parseQuantize, 23, []*onnxpb.AttributeProto{intAttr("precision", f16)}, graph.QuantAttrs{Axis: 1, Saturate: true, Precision: dtype.F16}},
		{"dequantize-13", parseDequantize, 13, []*onnxpb.AttributeProto{intAttr("axis", -1)}, graph.QuantAttrs{Axis: -1, Saturate: true}},
		{"dequantize-23 output_dtype", parseDequantize, 23, []*onnxpb.AttributeProto{intAttr("output_dtype", f16)}, graph.QuantAttrs{Axis: 1, Saturate: true, Out: dtype.F16}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := quantCtx(tt.opset, tt.attrs...)
			got, err := tt.parse(c)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
			assert.Empty(t, c.unread())
		})
	}
}

func TestParseQuantFamilyErrors(t *testing.T) {
	tests := []struct {
		name  string
		parse ParseFunc
		opset int
		attrs []*onnxpb.AttributeProto
		want  string
	}{
		{"cast without to", parseCast, 13, nil, "to is required"},
		{"cast to string", parseCast, 13, []*onnxpb.AttributeProto{intAttr("to", 8)}, "not supported"},
		{"cast to unknown name", parseCast, 1, []*onnxpb.AttributeProto{strAttr("to", "FLOAT99")}, "not a data type"},
		{"saturate before 19", parseCast, 13, []*onnxpb.AttributeProto{intAttr("to", 1), intAttr("saturate", 1)}, "saturate needs opset 19"},
		{"round_mode before 24", parseCast, 23, []*onnxpb.AttributeProto{intAttr("to", 24), strAttr("round_mode", "up")}, "round_mode needs opset 24"},
		{"bad round_mode", parseCast, 25, []*onnxpb.AttributeProto{intAttr("to", 24), strAttr("round_mode", "sideways")}, "not up, down or nearest"},
		{"axis in opset 10", parseQuantize, 10, []*onnxpb.AttributeProto{intAttr("axis", 0)}, "axis needs opset 13"},
		{"block_size before 21", parseDequantize, 19, []*onnxpb.AttributeProto{intAttr("block_size", 2)}, "block_size needs opset 21"},
		{"negative block_size", parseQuantize, 21, []*onnxpb.AttributeProto{intAttr("block_size", -2)}, "negative"},
		{"dequantize output_dtype before 23", parseDequantize, 21, []*onnxpb.AttributeProto{intAttr("output_dtype", 1)}, "output_dtype needs opset 23"},
		{"integer precision", parseQuantize, 23, []*onnxpb.AttributeProto{intAttr("precision", int64(dtype.I8))}, "not a float type"},
		{"complex output", parseQuantize, 21, []*onnxpb.AttributeProto{intAttr("output_dtype", 14)}, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.parse(quantCtx(tt.opset, tt.attrs...))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}
