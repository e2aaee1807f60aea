package onnx

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// elemParsers is the parser table of the element-wise and reduction family.
var elemParsers = []ParserDef{
	{graph.OpAbs, parseLegacyNone},
	{graph.OpNeg, parseLegacyNone},
	{graph.OpExp, parseLegacyNone},
	{graph.OpLog, parseLegacyNone},
	{graph.OpSqrt, parseLegacyNone},
	{graph.OpReciprocal, parseLegacyNone},
	{graph.OpFloor, parseLegacyNone},
	{graph.OpCeil, parseLegacyNone},
	{graph.OpErf, parseNone},
	{graph.OpSign, parseNone},
	{graph.OpSigmoid, parseLegacyNone},
	{graph.OpTanh, parseLegacyNone},
	{graph.OpRelu, parseLegacyNone},
	{graph.OpLeakyRelu, parseAct(0.01, 0, 0)},
	{graph.OpElu, parseAct(1, 0, 0)},
	{graph.OpSelu, parseSelu},
	{graph.OpHardSigmoid, parseAct(0.2, 0.5, 0)},
	{graph.OpSoftplus, parseNone},
	{graph.OpPRelu, parsePRelu},
	{graph.OpNot, parseNone},
	{graph.OpIdentity, parseNone},
	{graph.OpDropout, parseDropout},
	{graph.OpClip, parseClip},
	{graph.OpAdd, parseBinary},
	{graph.OpSub, parseBinary},
	{graph.OpMul, parseBinary},
	{graph.OpDiv, parseBinary},
	{graph.OpPow, parseBinary},
	{graph.OpMax, parseLegacyNone},
	{graph.OpMin, parseLegacyNone},
	{graph.OpSum, parseLegacyNone},
	{graph.OpMean, parseLegacyNone},
	{graph.OpEqual, parseBinary},
	{graph.OpGreater, parseBinary},
	{graph.OpLess, parseBinary},
	{graph.OpGreaterOrEqual, parseNone},
	{graph.OpLessOrEqual, parseNone},
	{graph.OpAnd, parseBinary},
	{graph.OpOr, parseBinary},
	{graph.OpWhere, parseNone},
	{graph.OpSoftmax, parseSoftmax},
	{graph.OpLogSoftmax, parseSoftmax},
	{graph.OpReduceSum, parseReduce(13)},
	{graph.OpReduceMean, parseReduce(18)},
	{graph.OpReduceMax, parseReduce(18)},
	{graph.OpReduceMin, parseReduce(18)},
	{graph.OpReduceProd, parseReduce(18)},
	{graph.OpCumSum, parseCumSum},
}

func parseNone(c *NodeCtx) (graph.Attrs, error) { return graph.NoAttrs{}, nil }

// readLegacy reads consumed_inputs, an opset<6 hint about in-place updates
// with no effect on the result.
func readLegacy(c *NodeCtx) {
	if c.Opset() < 6 {
		c.Has("consumed_inputs")
	}
}

func parseLegacyNone(c *NodeCtx) (graph.Attrs, error) {
	readLegacy(c)
	return graph.NoAttrs{}, nil
}

func parseAct(alpha, beta, gamma float32) ParseFunc {
	return func(c *NodeCtx) (graph.Attrs, error) {
		readLegacy(c)
		a := graph.ActAttrs{Gamma: gamma}
		var err error
		if a.Alpha, err = c.Float("alpha", alpha); err != nil {
			return nil, err
		}
		if beta != 0 {
			if a.Beta, err = c.Float("beta", beta); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
}

// parseSelu applies Selu's defaults: Selu-1 had 4-digit ones, Selu-6 on the
// float32 values of the SELU paper's constants.
func parseSelu(c *NodeCtx) (graph.Attrs, error) {
	readLegacy(c)
	alpha, gamma := float32(1.67326319217681884765625), float32(1.05070102214813232421875)
	if c.Opset() < 6 {
		alpha, gamma = 1.6732, 1.0507
	}
	a := graph.ActAttrs{}
	var err error
	if a.Alpha, err = c.Float("alpha", alpha); err != nil {
		return nil, err
	}
	if a.Gamma, err = c.Float("gamma", gamma); err != nil {
		return nil, err
	}
	return a, nil
}

// parseBinary reads the opset<7 broadcast and axis attributes: with
// broadcast=1 and an axis, B lines up with A from the axis; without an axis
// B lines up with A's trailing dimensions, which numpy broadcasting covers.
func parseBinary(c *NodeCtx) (graph.Attrs, error) {
	readLegacy(c)
	if c.Opset() >= 7 {
		return graph.BinaryAttrs{}, nil
	}
	b, err := c.Int("broadcast", 0)
	if err != nil {
		return nil, err
	}
	axis, err := c.Int("axis", 0)
	if err != nil {
		return nil, err
	}
	if b != 0 && c.Has("axis") {
		return graph.BinaryAttrs{Aligned: true, Axis: int(axis)}, nil
	}
	return graph.BinaryAttrs{}, nil
}

// parsePRelu: before opset 7 the slope is per channel (axis 1) or a single
// value, not broadcast numpy-style.
func parsePRelu(c *NodeCtx) (graph.Attrs, error) {
	readLegacy(c)
	if c.Opset() < 7 {
		return graph.BinaryAttrs{Aligned: true, Axis: 1}, nil
	}
	return graph.BinaryAttrs{}, nil
}

// parseDropout accepts inference mode only. Before opset 7 that takes
// is_test=1: is_test=0, the default then, means training. ratio is read and
// has no effect in inference.
func parseDropout(c *NodeCtx) (graph.Attrs, error) {
	readLegacy(c)
	if c.Opset() < 7 {
		t, err := c.Int("is_test", 0)
		if err != nil {
			return nil, err
		}
		if t == 0 {
			return nil, c.Unsupported("is_test=0 (the default before opset 7) asks for training-mode dropout; kiln evaluates inference only (set is_test=1)")
		}
	}
	if c.Opset() < 12 {
		if _, err := c.Float("ratio", 0.5); err != nil {
			return nil, err
		}
	} else if _, err := c.Int("seed", 0); err != nil {
		return nil, err
	}
	if c.Opset() < 10 && len(c.node.GetOutput()) > 1 && c.node.GetOutput()[1] != "" {
		return nil, fmt.Errorf("the opset<10 mask output has the input's type, which kiln does not support (opset 10 made it bool)")
	}
	return graph.NoAttrs{}, nil
}

// parseClip moves the opset<11 min and max attributes to constant inputs
// (f32 scalars; Clip's inference accepts them for every float kind).
func parseClip(c *NodeCtx) (graph.Attrs, error) {
	readLegacy(c)
	if c.Opset() >= 11 {
		return graph.NoAttrs{}, nil
	}
	for i, name := range []string{"min", "max"} {
		if !c.Has(name) {
			continue
		}
		v, err := c.Float(name, 0)
		if err != nil {
			return nil, err
		}
		a := &dtype.Array{Kind: dtype.F32, Shape: []int{}, F32: []float32{v}}
		if err := c.SetConstInput(i+1, a); err != nil {
			return nil, err
		}
	}
	return graph.NoAttrs{}, nil
}

// parseSoftmax: before opset 13 the input is coerced to 2-D at axis
// (default 1); from 13 on the operator works along axis (default -1).
func parseSoftmax(c *NodeCtx) (graph.Attrs, error) {
	legacy := c.Opset() < 13
	def := int64(-1)
	if legacy {
		def = 1
	}
	axis, err := c.Int("axis", def)
	if err != nil {
		return nil, err
	}
	return graph.SoftmaxAttrs{Axis: int(axis), Legacy: legacy}, nil
}

// parseReduce moves the axes attribute of opsets before inputVersion to
// constant input 1; noop_with_empty_axes exists from inputVersion on.
func parseReduce(inputVersion int) ParseFunc {
	return func(c *NodeCtx) (graph.Attrs, error) {
		keep, err := c.Int("keepdims", 1)
		if err != nil {
			return nil, err
		}
		a := graph.ReduceAttrs{KeepDims: keep != 0}
		if c.Opset() >= inputVersion {
			noop, err := c.Int("noop_with_empty_axes", 0)
			if err != nil {
				return nil, err
			}
			a.NoopWithEmptyAxes = noop != 0
			return a, nil
		}
		axes, err := c.Int64s("axes")
		if err != nil {
			return nil, err
		}
		if axes != nil {
			if err := c.SetConstInput(1, dtype.FromI64([]int{len(axes)}, axes)); err != nil {
				return nil, err
			}
		}
		return a, nil
	}
}

func parseCumSum(c *NodeCtx) (graph.Attrs, error) {
	ex, err := c.Int("exclusive", 0)
	if err != nil {
		return nil, err
	}
	rev, err := c.Int("reverse", 0)
	if err != nil {
		return nil, err
	}
	return graph.CumSumAttrs{Exclusive: ex != 0, Reverse: rev != 0}, nil
}
