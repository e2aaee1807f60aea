package onnx

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

func nnAttrI(name string, v int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: onnxpb.AttributeProto_INT.Enum(), I: &v}
}

func nnAttrF(name string, v float32) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: onnxpb.AttributeProto_FLOAT.Enum(), F: &v}
}

func nnAttrS(name, v string) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: onnxpb.AttributeProto_STRING.Enum(), S: []byte(v)}
}

func nnAttrInts(name string, v ...int64) *onnxpb.AttributeProto {
	return &onnxpb.AttributeProto{Name: &name, Type: onnxpb.AttributeProto_INTS.Enum(), Ints: v}
}

// nnCtx is a NodeCtx for a node with nIn inputs and the given attributes.
func nnCtx(opset, nIn int, attrs ...*onnxpb.AttributeProto) *NodeCtx {
	in := make([]string, nIn)
	for i := range in {
		in[i] = string(rune('a' + i))
	}
	c := &NodeCtx{opset: opset, node: &onnxpb.NodeProto{Input: in}, attrs: map[string]*onnxpb.AttributeProto{},
		used: map[string]bool{}, nIn: nIn, consts: map[int]*dtype.Array{}}
	for _, a := range attrs {
		c.attrs[a.GetName()] = a
	}
	return c
}

func TestParseNN(t *testing.T) {
	cases := []struct {
		name   string
		op     graph.Op
		opset  int
		nIn    int
		attrs  []*onnxpb.AttributeProto
		want   graph.Attrs
		err    string
		unread []string // attributes the parser must leave unread at this opset
		unsup  bool     // the error is graph.ErrUnsupported (a valid model kiln does not evaluate)
	}{
		{name: "conv", op: graph.OpConv, opset: 6, nIn: 3,
			attrs: []*onnxpb.AttributeProto{nnAttrInts("dilations", 2), nnAttrI("group", 2), nnAttrInts("kernel_shape", 3),
				nnAttrInts("pads", 1, 1), nnAttrInts("strides", 1)},
			want: graph.ConvAttrs{AutoPad: "NOTSET", KernelShape: []int{3}, Strides: []int{1}, Dilations: []int{2}, Pads: []int{1, 1}, Group: 2}},
		{name: "conv defaults", op: graph.OpQLinearConv, opset: 10, nIn: 8, want: graph.ConvAttrs{AutoPad: "NOTSET", Group: 1}},
		{name: "conv bad auto_pad", op: graph.OpConvInteger, opset: 10, nIn: 2, attrs: []*onnxpb.AttributeProto{nnAttrS("auto_pad", "SAME")}, err: "auto_pad"},
		{name: "conv zero groups", op: graph.OpConv, opset: 22, nIn: 2, attrs: []*onnxpb.AttributeProto{nnAttrI("group", 0)}, err: "group 0"},
		{name: "averagepool opset 6", op: graph.OpAveragePool, opset: 6, nIn: 1,
			attrs:  []*onnxpb.AttributeProto{nnAttrInts("kernel_shape", 2), nnAttrI("ceil_mode", 1)},
			want:   graph.PoolAttrs{AutoPad: "NOTSET", KernelShape: []int{2}},
			unread: []string{"ceil_mode"}},
		{name: "averagepool opset 22", op: graph.OpAveragePool, opset: 22, nIn: 1,
			attrs: []*onnxpb.AttributeProto{nnAttrInts("kernel_shape", 2), nnAttrI("ceil_mode", 1), nnAttrI("count_include_pad", 1),
				nnAttrInts("dilations", 2), nnAttrS("auto_pad", "SAME_LOWER")},
			want: graph.PoolAttrs{AutoPad: "SAME_LOWER", KernelShape: []int{2}, Dilations: []int{2}, CeilMode: true, CountIncludePad: true}},
		{name: "averagepool kernel required", op: graph.OpAveragePool, opset: 22, nIn: 1, err: "kernel_shape is required"},
		{name: "maxpool opset 12", op: graph.OpMaxPool, opset: 12, nIn: 1,
			attrs: []*onnxpb.AttributeProto{nnAttrInts("kernel_shape", 2, 2), nnAttrI("storage_order", 1), nnAttrI("ceil_mode", 1),
				nnAttrInts("dilations", 1, 2), nnAttrInts("pads", 0, 1, 0, 1), nnAttrInts("strides", 2, 2)},
			want: graph.PoolAttrs{AutoPad: "NOTSET", KernelShape: []int{2, 2}, Pads: []int{0, 1, 0, 1}, Strides: []int{2, 2},
				Dilations: []int{1, 2}, CeilMode: true, StorageOrder: 1}},
		{name: "maxpool opset 6 has no storage_order", op: graph.OpMaxPool, opset: 6, nIn: 1,
			attrs:  []*onnxpb.AttributeProto{nnAttrInts("kernel_shape", 2), nnAttrI("storage_order", 1)},
			want:   graph.PoolAttrs{AutoPad: "NOTSET", KernelShape: []int{2}},
			unread: []string{"storage_order"}},
		{name: "maxpool storage_order", op: graph.OpMaxPool, opset: 22, nIn: 1,
			attrs: []*onnxpb.AttributeProto{nnAttrInts("kernel_shape", 2), nnAttrI("storage_order", 3)}, err: "storage_order 3"},
		{name: "gemm opset 6 broadcast", op: graph.OpGemm, opset: 6, nIn: 3,
			attrs: []*onnxpb.AttributeProto{nnAttrF("alpha", 1), nnAttrF("beta", 1), nnAttrI("broadcast", 1), nnAttrI("transB", 1)},
			want:  graph.GemmAttrs{Alpha: 1, Beta: 1, TransB: true}},
		{name: "gemm opset 13 has no broadcast", op: graph.OpGemm, opset: 13, nIn: 2,
			attrs:  []*onnxpb.AttributeProto{nnAttrI("broadcast", 1), nnAttrF("alpha", 0.5)},
			want:   graph.GemmAttrs{Alpha: 0.5, Beta: 1},
			unread: []string{"broadcast"}},
		{name: "gemm C required before 11", op: graph.OpGemm, opset: 9, nIn: 2, err: "input C is required"},
		{name: "einsum", op: graph.OpEinsum, opset: 12, nIn: 1, attrs: []*onnxpb.AttributeProto{nnAttrS("equation", "ii->i")},
			want: graph.EinsumAttrs{Equation: "ii->i"}},
		{name: "einsum needs equation", op: graph.OpEinsum, opset: 12, nIn: 1, err: "equation is required"},
		{name: "batchnorm opset 6", op: graph.OpBatchNormalization, opset: 6, nIn: 5,
			attrs: []*onnxpb.AttributeProto{nnAttrF("epsilon", 1e-3), nnAttrI("is_test", 1), nnAttrF("momentum", 0.2), nnAttrI("spatial", 1)},
			want:  graph.NormAttrs{Epsilon: 1e-3, Momentum: 0.2}},
		{name: "batchnorm opset 1", op: graph.OpBatchNormalization, opset: 1, nIn: 5,
			attrs: []*onnxpb.AttributeProto{nnAttrInts("consumed_inputs", 0, 0, 0, 1, 1), nnAttrI("is_test", 1)},
			want:  graph.NormAttrs{Epsilon: 1e-5, Momentum: 0.9}},
		{name: "batchnorm training before 7", op: graph.OpBatchNormalization, opset: 6, nIn: 5, err: "is_test=0", unsup: true},
		{name: "batchnorm spatial=0", op: graph.OpBatchNormalization, opset: 7, nIn: 5,
			attrs: []*onnxpb.AttributeProto{nnAttrI("spatial", 0)}, err: "spatial=0", unsup: true},
		{name: "batchnorm training_mode", op: graph.OpBatchNormalization, opset: 15, nIn: 5,
			attrs: []*onnxpb.AttributeProto{nnAttrI("training_mode", 1)}, err: "training_mode=1", unsup: true},
		{name: "batchnorm opset 15 has no is_test", op: graph.OpBatchNormalization, opset: 15, nIn: 5,
			attrs:  []*onnxpb.AttributeProto{nnAttrI("is_test", 1), nnAttrI("training_mode", 0)},
			want:   graph.NormAttrs{Epsilon: 1e-5, Momentum: 0.9},
			unread: []string{"is_test"}},
		{name: "instancenorm", op: graph.OpInstanceNormalization, opset: 6, nIn: 3,
			attrs: []*onnxpb.AttributeProto{nnAttrF("epsilon", 1e-9)}, want: graph.NormAttrs{Epsilon: 1e-9}},
		{name: "layernorm defaults", op: graph.OpLayerNormalization, opset: 17, nIn: 3,
			want: graph.NormAttrs{Axis: -1, Epsilon: 1e-5, StashType: dtype.F32}},
		{name: "layernorm", op: graph.OpLayerNormalization, opset: 17, nIn: 2,
			attrs: []*onnxpb.AttributeProto{nnAttrI("axis", 1), nnAttrF("epsilon", 0.1), nnAttrI("stash_type", int64(dtype.F64))},
			want:  graph.NormAttrs{Axis: 1, Epsilon: 0.1, StashType: dtype.F64}},
		{name: "layernorm integer stash", op: graph.OpLayerNormalization, opset: 17, nIn: 2,
			attrs: []*onnxpb.AttributeProto{nnAttrI("stash_type", int64(dtype.I32))}, err: "stash_type 6"},
		{name: "attribute of the wrong type", op: graph.OpLayerNormalization, opset: 17, nIn: 2,
			attrs: []*onnxpb.AttributeProto{nnAttrS("axis", "1")}, err: `attribute "axis"`},
		{name: "matmul", op: graph.OpMatMul, opset: 13, nIn: 2, want: graph.NoAttrs{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx := nnCtx(c.opset, c.nIn, c.attrs...)
			a, err := parsers[c.op](ctx)
			if c.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), c.err)
				assert.Equal(t, c.unsup, errors.Is(err, graph.ErrUnsupported))
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, a)
			assert.Equal(t, c.unread, ctx.unread())
		})
	}
}
