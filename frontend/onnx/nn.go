package onnx

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// nnParsers is the parser table of the neural-network layers.
var nnParsers = []ParserDef{
	{graph.OpConv, parseNNConv},
	{graph.OpConvInteger, parseNNConv},
	{graph.OpQLinearConv, parseNNConv},
	{graph.OpAveragePool, parseNNAveragePool},
	{graph.OpMaxPool, parseNNMaxPool},
	{graph.OpGlobalAveragePool, parseNNNone},
	{graph.OpGlobalMaxPool, parseNNNone},
	{graph.OpGemm, parseNNGemm},
	{graph.OpMatMul, parseNNNone},
	{graph.OpMatMulInteger, parseNNNone},
	{graph.OpQLinearMatMul, parseNNNone},
	{graph.OpEinsum, parseNNEinsum},
	{graph.OpBatchNormalization, parseNNBatchNorm},
	{graph.OpInstanceNormalization, parseNNInstanceNorm},
	{graph.OpLayerNormalization, parseNNLayerNorm},
}

func parseNNNone(*NodeCtx) (graph.Attrs, error) { return graph.NoAttrs{}, nil }

// nnAttrReader reads attributes and keeps the first error, so parsers read
// a list of attributes and check once.
type nnAttrReader struct {
	c   *NodeCtx
	err error
}

func (r *nnAttrReader) int(name string, def int64) int {
	v, err := r.c.Int(name, def)
	r.keep(err)
	return int(v)
}

func (r *nnAttrReader) bool(name string, def bool) bool {
	d := int64(0)
	if def {
		d = 1
	}
	return r.int(name, d) != 0
}

func (r *nnAttrReader) float(name string, def float32) float32 {
	v, err := r.c.Float(name, def)
	r.keep(err)
	return v
}

func (r *nnAttrReader) string(name, def string) string {
	v, err := r.c.String(name, def)
	r.keep(err)
	return v
}

func (r *nnAttrReader) ints(name string) []int {
	v, err := r.c.Ints(name)
	r.keep(err)
	return v
}

func (r *nnAttrReader) keep(err error) {
	if r.err == nil {
		r.err = err
	}
}

// fail records an error about the node's attributes.
func (r *nnAttrReader) fail(format string, args ...any) {
	r.keep(fmt.Errorf(format, args...))
}

func nnAutoPad(r *nnAttrReader, s string) {
	switch s {
	case "NOTSET", "VALID", "SAME_UPPER", "SAME_LOWER":
	default:
		r.fail("auto_pad %q, want NOTSET, VALID, SAME_UPPER or SAME_LOWER", s)
	}
}

// parseNNConv: Conv-1/11/22, ConvInteger-10 and QLinearConv-10 share their
// attributes and meaning.
func parseNNConv(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := graph.ConvAttrs{
		AutoPad:     r.string("auto_pad", "NOTSET"),
		KernelShape: r.ints("kernel_shape"),
		Strides:     r.ints("strides"),
		Dilations:   r.ints("dilations"),
		Pads:        r.ints("pads"),
		Group:       r.int("group", 1),
	}
	nnAutoPad(r, a.AutoPad)
	if a.Group < 1 {
		r.fail("group %d, want at least 1", a.Group)
	}
	return a, r.err
}

// nnPoolAttrs reads what every pooling version has: auto_pad, kernel_shape,
// pads and strides.
func nnPoolAttrs(r *nnAttrReader) graph.PoolAttrs {
	a := graph.PoolAttrs{
		AutoPad:     r.string("auto_pad", "NOTSET"),
		KernelShape: r.ints("kernel_shape"),
		Pads:        r.ints("pads"),
		Strides:     r.ints("strides"),
	}
	nnAutoPad(r, a.AutoPad)
	if a.KernelShape == nil {
		r.fail("kernel_shape is required")
	}
	return a
}

// parseNNAveragePool: count_include_pad from opset 7, ceil_mode from 10,
// dilations from 19; in older opsets those attributes do not exist and are
// left unread (the loader then rejects them).
func parseNNAveragePool(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := nnPoolAttrs(r)
	if c.Opset() >= 7 {
		a.CountIncludePad = r.bool("count_include_pad", false)
	}
	if c.Opset() >= 10 {
		a.CeilMode = r.bool("ceil_mode", false)
	}
	if c.Opset() >= 19 {
		a.Dilations = r.ints("dilations")
	}
	return a, r.err
}

// parseNNMaxPool: storage_order from opset 8, ceil_mode and dilations from 10.
func parseNNMaxPool(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := nnPoolAttrs(r)
	if c.Opset() >= 8 {
		a.StorageOrder = r.int("storage_order", 0)
		if a.StorageOrder != 0 && a.StorageOrder != 1 {
			r.fail("storage_order %d, want 0 (row major) or 1 (column major)", a.StorageOrder)
		}
	}
	if c.Opset() >= 10 {
		a.CeilMode = r.bool("ceil_mode", false)
		a.Dilations = r.ints("dilations")
	}
	return a, r.err
}

// parseNNGemm: before opset 7 Gemm has the legacy broadcast attribute; the
// newest Gemm always broadcasts C unidirectionally, which covers broadcast=1
// (C's dimensions match Y's from the right) and broadcast=0 (C already has
// Y's shape). C is required before opset 11.
func parseNNGemm(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := graph.GemmAttrs{
		Alpha:  r.float("alpha", 1),
		Beta:   r.float("beta", 1),
		TransA: r.bool("transA", false),
		TransB: r.bool("transB", false),
	}
	if c.Opset() < 7 {
		r.int("broadcast", 0)
	}
	if c.Opset() < 11 && !c.HasInput(2) {
		r.fail("input C is required before opset 11")
	}
	return a, r.err
}

func parseNNEinsum(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	if !c.Has("equation") {
		return nil, fmt.Errorf("equation is required")
	}
	a := graph.EinsumAttrs{Equation: r.string("equation", "")}
	return a, r.err
}

// parseNNBatchNorm reads every version's attributes. kiln evaluates the
// inference form only: is_test=0 (opset < 7) and training_mode=1 (opset
// 14 on) are errors, and so is the per-activation form spatial=0 (opset <
// 9), which the newest operator no longer has. consumed_inputs (opset < 6,
// read up to opset 6 for old exporters) was a memory-reuse hint and changes
// nothing.
func parseNNBatchNorm(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := graph.NormAttrs{
		Epsilon:  r.float("epsilon", 1e-5),
		Momentum: r.float("momentum", 0.9),
	}
	if c.Opset() < 7 {
		r.ints("consumed_inputs") // a memory-reuse hint (removed in opset 6; old exporters kept it)
	}
	if c.Opset() < 7 && !r.bool("is_test", false) {
		r.fail("is_test=0 asks for training mode, which is %w (kiln evaluates inference)", graph.ErrUnsupported)
	}
	if c.Opset() < 9 && !r.bool("spatial", true) {
		r.fail("spatial=0 (per-activation statistics) is %w", graph.ErrUnsupported)
	}
	if c.Opset() >= 14 && r.bool("training_mode", false) {
		r.fail("training_mode=1 is %w (kiln evaluates BatchNormalization in inference mode)", graph.ErrUnsupported)
	}
	return a, r.err
}

func parseNNInstanceNorm(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := graph.NormAttrs{Epsilon: r.float("epsilon", 1e-5)}
	if c.Opset() < 6 {
		r.ints("consumed_inputs")
	}
	return a, r.err
}

func parseNNLayerNorm(c *NodeCtx) (graph.Attrs, error) {
	r := &nnAttrReader{c: c}
	a := graph.NormAttrs{
		Axis:    r.int("axis", -1),
		Epsilon: r.float("epsilon", 1e-5),
	}
	st := r.int("stash_type", 1)
	k, err := KindFromONNX(int64(st))
	if err != nil || !k.IsFloat() {
		r.fail("stash_type %d, want a float type", st)
	}
	a.StashType = k
	if k == dtype.Invalid {
		a.StashType = dtype.F32
	}
	return a, r.err
}
