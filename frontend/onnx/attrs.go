package onnx

import (
	"fmt"
	"sort"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// ParseFunc turns an ONNX node's attributes into kiln's typed attributes in
// the operator's newest meaning. It reads the opset the model imports
// (c.Opset) and upgrades older forms: an attribute that later became an
// input is moved with c.SetConstInput.
type ParseFunc func(c *NodeCtx) (graph.Attrs, error)

// ParserDef is one row of a parser table.
type ParserDef struct {
	Op    graph.Op
	Parse ParseFunc
}

var parsers = buildParsers(elemParsers, moveParsers, nnParsers, rnnParsers, quantParsers)

func buildParsers(families ...[]ParserDef) map[graph.Op]ParseFunc {
	m := map[graph.Op]ParseFunc{}
	for _, f := range families {
		for _, d := range f {
			if _, dup := m[d.Op]; dup {
				panic(fmt.Sprintf("onnx: parser for %v defined twice", d.Op))
			}
			m[d.Op] = d.Parse
		}
	}
	return m
}

// NodeCtx is what a ParseFunc sees of one ONNX node. Every attribute it
// reads is marked; the loader rejects a node that has attributes its parser
// did not read, so nothing a model says is silently ignored.
type NodeCtx struct {
	opset  int
	node   *onnxpb.NodeProto
	attrs  map[string]*onnxpb.AttributeProto
	used   map[string]bool
	nIn    int
	consts map[int]*dtype.Array // inputs to replace by constants
	tensor func(*onnxpb.TensorProto) (*dtype.Array, error)
}

// Opset is the version of the default ONNX domain the model imports.
func (c *NodeCtx) Opset() int { return c.opset }

// NumInputs is the number of inputs the node lists (absent ones included).
func (c *NodeCtx) NumInputs() int { return c.nIn }

// HasInput reports whether input i is listed and not empty.
func (c *NodeCtx) HasInput(i int) bool {
	if _, ok := c.consts[i]; ok {
		return true
	}
	return i < len(c.node.Input) && c.node.Input[i] != ""
}

// Has reports whether the node sets attribute name (and marks it read).
func (c *NodeCtx) Has(name string) bool {
	_, ok := c.attrs[name]
	c.used[name] = true
	return ok
}

func (c *NodeCtx) get(name string, want onnxpb.AttributeProto_AttributeType) (*onnxpb.AttributeProto, error) {
	c.used[name] = true
	a, ok := c.attrs[name]
	if !ok {
		return nil, nil
	}
	if a.GetType() != want && a.GetType() != onnxpb.AttributeProto_UNDEFINED {
		return nil, fmt.Errorf("attribute %q is %v, want %v", name, a.GetType(), want)
	}
	return a, nil
}

// Int reads an int attribute, def when absent.
func (c *NodeCtx) Int(name string, def int64) (int64, error) {
	a, err := c.get(name, onnxpb.AttributeProto_INT)
	if a == nil || err != nil {
		return def, err
	}
	return a.GetI(), nil
}

// Float reads a float attribute, def when absent.
func (c *NodeCtx) Float(name string, def float32) (float32, error) {
	a, err := c.get(name, onnxpb.AttributeProto_FLOAT)
	if a == nil || err != nil {
		return def, err
	}
	return a.GetF(), nil
}

// String reads a string attribute, def when absent.
func (c *NodeCtx) String(name, def string) (string, error) {
	a, err := c.get(name, onnxpb.AttributeProto_STRING)
	if a == nil || err != nil {
		return def, err
	}
	return string(a.GetS()), nil
}

// Ints reads an ints attribute (nil when absent).
func (c *NodeCtx) Ints(name string) ([]int, error) {
	a, err := c.get(name, onnxpb.AttributeProto_INTS)
	if a == nil || err != nil {
		return nil, err
	}
	out := make([]int, len(a.GetInts()))
	for i, v := range a.GetInts() {
		out[i] = int(v)
	}
	return out, nil
}

// Int64s reads an ints attribute as int64 (nil when absent).
func (c *NodeCtx) Int64s(name string) ([]int64, error) {
	a, err := c.get(name, onnxpb.AttributeProto_INTS)
	if a == nil || err != nil {
		return nil, err
	}
	return append([]int64{}, a.GetInts()...), nil
}

// Floats reads a floats attribute (nil when absent).
func (c *NodeCtx) Floats(name string) ([]float32, error) {
	a, err := c.get(name, onnxpb.AttributeProto_FLOATS)
	if a == nil || err != nil {
		return nil, err
	}
	return append([]float32{}, a.GetFloats()...), nil
}

// Strings reads a strings attribute (nil when absent).
func (c *NodeCtx) Strings(name string) ([]string, error) {
	a, err := c.get(name, onnxpb.AttributeProto_STRINGS)
	if a == nil || err != nil {
		return nil, err
	}
	out := make([]string, len(a.GetStrings()))
	for i, s := range a.GetStrings() {
		out[i] = string(s)
	}
	return out, nil
}

// Tensor reads a tensor attribute (nil when absent).
func (c *NodeCtx) Tensor(name string) (*dtype.Array, error) {
	a, err := c.get(name, onnxpb.AttributeProto_TENSOR)
	if a == nil || err != nil {
		return nil, err
	}
	return c.tensor(a.GetT())
}

// SetConstInput makes input i of the node the constant v, padding skipped
// inputs with absent ones; this is how attributes that later opsets turned
// into inputs are upgraded. It is an error if the node already lists input i.
func (c *NodeCtx) SetConstInput(i int, v *dtype.Array) error {
	if i < len(c.node.Input) && c.node.Input[i] != "" {
		return fmt.Errorf("input %d is given both as an attribute and as an input", i)
	}
	c.consts[i] = v
	if i >= c.nIn {
		c.nIn = i + 1
	}
	return nil
}

// unread lists the attributes the parser did not read, sorted.
func (c *NodeCtx) unread() []string {
	var out []string
	for name := range c.attrs {
		if !c.used[name] {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

// KindFromONNX maps a TensorProto.DataType value to a kind kiln computes
// on. STRING and the complex types are valid ONNX but not computed on:
// they give an *UnsupportedTypeError.
func KindFromONNX(t int64) (dtype.Kind, error) {
	k := dtype.Kind(t)
	if t <= 0 || t > 255 || !k.Valid() {
		return dtype.Invalid, fmt.Errorf("element type %d is not an ONNX data type", t)
	}
	if !k.Computable() {
		return dtype.Invalid, &UnsupportedTypeError{Type: onnxpb.TensorProto_DataType(t).String()}
	}
	return k, nil
}

// UnsupportedTypeError names a valid ONNX type kiln does not compute on:
// strings, complex numbers, sequences, maps, optionals.
type UnsupportedTypeError struct{ Type string }

func (e *UnsupportedTypeError) Error() string {
	return fmt.Sprintf("type %s is not supported", e.Type)
}

// Unsupported is the error a parser returns for a valid node kiln does not
// implement (training mode, an unusual attribute value): the node is
// reported as unsupported, not as a broken model.
func (c *NodeCtx) Unsupported(format string, args ...any) error {
	return &UnsupportedOpError{Node: c.node.GetName(), Op: c.node.GetOpType(), Reason: fmt.Sprintf(format, args...)}
}
