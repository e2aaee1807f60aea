package onnx

import (
	"errors"
	"fmt"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// nodes turns the NodeProtos into graph nodes. Constant nodes become
// constant tensors. Every node kiln cannot read is reported, all in one
// error, unsupported operators as *UnsupportedOpError.
func (b *builder) nodes(nps []*onnxpb.NodeProto) error {
	var errs []error
	pending := make([]*pendingNode, 0, len(nps))
	for i, np := range nps {
		p, err := b.node(np, nodeName(np, i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p != nil {
			pending = append(pending, p)
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	// Inputs may name tensors produced later in the file; resolve them once
	// every output is defined.
	for _, p := range pending {
		for i, in := range p.np.GetInput() {
			if _, isConst := p.consts[i]; isConst || in == "" {
				continue
			}
			id, ok := b.names[in]
			if !ok {
				errs = append(errs, fmt.Errorf("%s: input %q is not defined", p.n.Label(), in))
				continue
			}
			p.n.In[i] = id
		}
	}
	return errors.Join(errs...)
}

type pendingNode struct {
	n      *graph.Node
	np     *onnxpb.NodeProto
	consts map[int]*dtype.Array
}

func (b *builder) node(np *onnxpb.NodeProto, name string) (*pendingNode, error) {
	label := fmt.Sprintf("node %q (%s)", name, np.GetOpType())
	attrs := map[string]*onnxpb.AttributeProto{}
	for _, a := range np.GetAttribute() {
		if a.GetRefAttrName() != "" {
			return nil, fmt.Errorf("%s: attribute %q refers to a function attribute, which kiln does not support", label, a.GetName())
		}
		attrs[a.GetName()] = a
	}
	if np.GetOpType() == "Constant" {
		return nil, b.constant(np, name, label, attrs)
	}
	op, _ := graph.OpByName(np.GetOpType())
	parse := parsers[op] // checkOps made sure there is one
	c := &NodeCtx{opset: b.opset, node: np, attrs: attrs, used: map[string]bool{}, nIn: len(np.GetInput()), consts: map[int]*dtype.Array{}, tensor: b.decode}
	a, err := parse(c)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	if un := c.unread(); len(un) > 0 {
		return nil, fmt.Errorf("%s: attribute %q is not supported at opset %d", label, un[0], b.opset)
	}
	in := make([]graph.TensorID, c.nIn)
	for i := range in {
		in[i] = graph.None
	}
	for i, v := range c.consts {
		id, err := b.define(fmt.Sprintf("%s:in%d", name, i), v.Kind, v.Shape, v)
		if err != nil {
			return nil, err
		}
		in[i] = id
	}
	out := make([]graph.TensorID, len(np.GetOutput()))
	for i, o := range np.GetOutput() {
		out[i] = graph.None
		if o == "" {
			continue
		}
		id, err := b.define(o, dtype.Invalid, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", label, err)
		}
		out[i] = id
	}
	n := b.g.AddNode(op, name, in, out, a)
	return &pendingNode{n: n, np: np, consts: c.consts}, nil
}

// constant turns a Constant node into a constant tensor.
func (b *builder) constant(np *onnxpb.NodeProto, name, label string, attrs map[string]*onnxpb.AttributeProto) error {
	if len(np.GetOutput()) != 1 || len(np.GetInput()) != 0 {
		return fmt.Errorf("%s: a Constant has no inputs and one output", label)
	}
	if len(attrs) != 1 {
		return fmt.Errorf("%s: a Constant has exactly one value attribute, this one has %d", label, len(attrs))
	}
	var v *dtype.Array
	var err error
	for key, a := range attrs {
		switch key {
		case "value":
			v, err = b.decode(a.GetT())
		case "value_float":
			v = &dtype.Array{Kind: dtype.F32, Shape: []int{}, F32: []float32{a.GetF()}}
		case "value_floats":
			v = dtype.FromF32([]int{len(a.GetFloats())}, append([]float32{}, a.GetFloats()...))
		case "value_int":
			v = dtype.FromI64([]int{}, []int64{a.GetI()})
		case "value_ints":
			v = dtype.FromI64([]int{len(a.GetInts())}, append([]int64{}, a.GetInts()...))
		default:
			return &UnsupportedOpError{Node: name, Op: "Constant", Reason: fmt.Sprintf("attribute %q is not supported", key)}
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", label, err)
	}
	_, err = b.define(np.GetOutput()[0], v.Kind, v.Shape, v)
	return err
}
