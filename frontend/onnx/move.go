package onnx

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// moveParsers is the parser table of the data-movement and shape operators.
// Older opsets' attributes that later became inputs (Reshape's shape,
// Squeeze/Unsqueeze's axes, Split's split, Slice's starts/ends/axes, Pad's
// pads and value) are moved to constant inputs.
var moveParsers = []ParserDef{
	{graph.OpReshape, parseReshape},
	{graph.OpFlatten, parseFlatten},
	{graph.OpSqueeze, parseSqueezeAxes(false)},
	{graph.OpUnsqueeze, parseSqueezeAxes(true)},
	{graph.OpTranspose, parseTranspose},
	{graph.OpConcat, parseConcat},
	{graph.OpSplit, parseSplit},
	{graph.OpSlice, parseSlice},
	{graph.OpGather, parseGather},
	{graph.OpTile, parseTile},
	{graph.OpExpand, parseMoveNone},
	{graph.OpPad, parsePad},
	{graph.OpShape, parseShape},
	{graph.OpConstantOfShape, parseConstantOfShape},
	{graph.OpRange, parseRange},
}

func parseMoveNone(c *NodeCtx) (graph.Attrs, error) { return graph.NoAttrs{}, nil }

// moveIntsToInput moves the ints attribute name to constant input i (a 1-D
// i64 tensor) when the node sets it, and reports whether it did.
func moveIntsToInput(c *NodeCtx, name string, i int) (bool, error) {
	v, err := c.Int64s(name)
	if err != nil || v == nil {
		return false, err
	}
	return true, c.SetConstInput(i, dtype.FromI64([]int{len(v)}, v))
}

// Negative axes are accepted at every opset, counting from the back: the
// specs before opset 11 do not define them, but exporters write them (e.g.
// PyTorch's GLU, Split axis -1 at opset 6) and ONNX Runtime reads them so.

// moveAxis reads an int axis attribute with a default, checking its sign
// against the opset.
func moveAxis(c *NodeCtx, def int64) (int, error) {
	v, err := c.Int("axis", def)
	if err != nil {
		return 0, err
	}
	if v != int64(int32(v)) {
		return 0, fmt.Errorf("axis %d out of range", v)
	}
	return int(v), nil
}

func parseReshape(c *NodeCtx) (graph.Attrs, error) {
	var a graph.ReshapeAttrs
	if c.Opset() < 5 {
		c.Has("consumed_inputs")
		if _, err := moveIntsToInput(c, "shape", 1); err != nil {
			return nil, err
		}
	}
	if c.Opset() >= 14 {
		z, err := c.Int("allowzero", 0)
		if err != nil {
			return nil, err
		}
		a.AllowZero = z != 0
	}
	return a, nil
}

func parseFlatten(c *NodeCtx) (graph.Attrs, error) {
	axis, err := moveAxis(c, 1)
	return graph.AxisAttrs{Axis: axis}, err
}

// parseSqueezeAxes reads Squeeze's or Unsqueeze's axes attribute (before
// opset 13; Unsqueeze requires it) into input 1.
func parseSqueezeAxes(required bool) ParseFunc {
	return func(c *NodeCtx) (graph.Attrs, error) {
		if c.Opset() >= 13 {
			return graph.NoAttrs{}, nil
		}
		axes, err := c.Int64s("axes")
		if err != nil {
			return nil, err
		}
		if axes == nil {
			if required {
				return nil, fmt.Errorf("attribute \"axes\" is required at opset %d", c.Opset())
			}
			return graph.NoAttrs{}, nil
		}
		return graph.NoAttrs{}, c.SetConstInput(1, dtype.FromI64([]int{len(axes)}, axes))
	}
}

func parseTranspose(c *NodeCtx) (graph.Attrs, error) {
	perm, err := c.Ints("perm")
	return graph.TransposeAttrs{Perm: perm}, err
}

func parseConcat(c *NodeCtx) (graph.Attrs, error) {
	if c.Opset() >= 4 && !c.Has("axis") {
		return nil, fmt.Errorf("attribute \"axis\" is required at opset %d", c.Opset())
	}
	axis, err := moveAxis(c, 1) // Concat-1 defaults to 1
	return graph.AxisAttrs{Axis: axis}, err
}

func parseSplit(c *NodeCtx) (graph.Attrs, error) {
	axis, err := moveAxis(c, 0)
	if err != nil {
		return nil, err
	}
	a := graph.SplitAttrs{Axis: axis}
	if c.Opset() < 13 {
		if _, err := moveIntsToInput(c, "split", 1); err != nil {
			return nil, err
		}
	}
	if c.Opset() >= 18 && c.Has("num_outputs") {
		k, err := c.Int("num_outputs", 0)
		if err != nil {
			return nil, err
		}
		if k < 1 || k > 1<<20 {
			return nil, fmt.Errorf("num_outputs is %d", k)
		}
		a.NumOutputs = int(k)
	}
	return a, nil
}

func parseSlice(c *NodeCtx) (graph.Attrs, error) {
	if c.Opset() >= 10 {
		return graph.NoAttrs{}, nil
	}
	axes, err := c.Int64s("axes")
	if err != nil {
		return nil, err
	}
	for i, name := range []string{"starts", "ends"} {
		ok, err := moveIntsToInput(c, name, i+1)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("attribute %q is required at opset %d", name, c.Opset())
		}
	}
	if axes != nil {
		return graph.NoAttrs{}, c.SetConstInput(3, dtype.FromI64([]int{len(axes)}, axes))
	}
	return graph.NoAttrs{}, nil
}

func parseGather(c *NodeCtx) (graph.Attrs, error) {
	v, err := c.Int("axis", 0) // negative axes allowed since Gather-1
	if err != nil {
		return nil, err
	}
	if v != int64(int32(v)) {
		return nil, fmt.Errorf("axis %d out of range", v)
	}
	return graph.AxisAttrs{Axis: int(v)}, nil
}

func parseTile(c *NodeCtx) (graph.Attrs, error) {
	if c.Opset() < 6 {
		return nil, fmt.Errorf("Tile-1 (tiles and axis inputs) is not supported; re-export at opset 6 or later")
	}
	return graph.NoAttrs{}, nil
}

func parsePad(c *NodeCtx) (graph.Attrs, error) {
	mode, err := c.String("mode", "constant")
	if err != nil {
		return nil, err
	}
	switch {
	case mode == "constant" || mode == "reflect" || mode == "edge":
	case mode == "wrap" && c.Opset() >= 19:
	default:
		return nil, fmt.Errorf("mode %q is not a Pad mode at opset %d", mode, c.Opset())
	}
	if c.Opset() < 11 {
		name := "pads"
		if c.Opset() < 2 {
			name = "paddings"
		}
		ok, err := moveIntsToInput(c, name, 1)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, fmt.Errorf("attribute %q is required at opset %d", name, c.Opset())
		}
		if c.Has("value") {
			v, err := c.Float("value", 0)
			if err != nil {
				return nil, err
			}
			// The data's kind is not known here: the f32 value is converted
			// to it by the kernel.
			if err := c.SetConstInput(2, dtype.FromF32(nil, []float32{v})); err != nil {
				return nil, err
			}
		}
	}
	return graph.PadAttrs{Mode: mode}, nil
}

func parseShape(c *NodeCtx) (graph.Attrs, error) {
	var a graph.ShapeAttrs
	if c.Opset() < 15 {
		return a, nil
	}
	start, err := c.Int("start", 0)
	if err != nil {
		return nil, err
	}
	end, err := c.Int("end", 0)
	if err != nil {
		return nil, err
	}
	// Values beyond any rank clamp alike; keep them within int32.
	clip := func(v int64) int { return int(max(min(v, 1<<30), -1<<30)) }
	return graph.ShapeAttrs{Start: clip(start), End: clip(end), HasEnd: c.Has("end")}, nil
}

func parseConstantOfShape(c *NodeCtx) (graph.Attrs, error) {
	v, err := c.Tensor("value")
	if err != nil {
		return nil, err
	}
	if v != nil && v.Len() != 1 {
		return nil, fmt.Errorf("value has %d elements, want 1", v.Len())
	}
	return graph.ConstantOfShapeAttrs{Value: v}, nil
}

func parseRange(c *NodeCtx) (graph.Attrs, error) {
	if c.Opset() >= 27 {
		s, err := c.Int("stash_type", 1)
		if err != nil {
			return nil, err
		}
		if s != 1 {
			return nil, fmt.Errorf("stash_type %d is not supported (kiln computes f16/bf16 ranges in f32, stash_type 1)", s)
		}
	}
	return graph.NoAttrs{}, nil
}
