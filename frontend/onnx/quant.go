package onnx

import (
	"fmt"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/graph"
)

// quantParsers is the parser table of the types-and-quantisation family.
var quantParsers = []ParserDef{
	{graph.OpCast, parseCast},
	{graph.OpQuantizeLinear, parseQuantize},
	{graph.OpDequantizeLinear, parseDequantize},
}

// sinceOpset reads an int attribute that exists from opset `since` on
// (def when absent) and rejects it in older opsets.
func sinceOpset(c *NodeCtx, name string, since int, def int64) (int64, error) {
	if c.Opset() < since {
		if c.Has(name) {
			return 0, fmt.Errorf("attribute %s needs opset %d, the model imports %d", name, since, c.Opset())
		}
		return def, nil
	}
	return c.Int(name, def)
}

// parseCast: Cast-1 names the target type as a string ("FLOAT"), later
// versions as a TensorProto.DataType number; saturate arrives in 19,
// round_mode in 24.
func parseCast(c *NodeCtx) (graph.Attrs, error) {
	if !c.Has("to") {
		return nil, fmt.Errorf("attribute to is required")
	}
	var to int64
	if c.Opset() < 6 {
		name, err := c.String("to", "")
		if err != nil {
			return nil, err
		}
		v, ok := onnxpb.TensorProto_DataType_value[name]
		if !ok {
			return nil, fmt.Errorf("to = %q is not a data type", name)
		}
		to = int64(v)
	} else {
		var err error
		if to, err = c.Int("to", 0); err != nil {
			return nil, err
		}
	}
	k, err := KindFromONNX(to)
	if err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	sat, err := sinceOpset(c, "saturate", 19, 1)
	if err != nil {
		return nil, err
	}
	mode := "up"
	if c.Opset() >= 24 {
		if mode, err = c.String("round_mode", "up"); err != nil {
			return nil, err
		}
	} else if c.Has("round_mode") {
		return nil, fmt.Errorf("attribute round_mode needs opset 24, the model imports %d", c.Opset())
	}
	switch mode {
	case "up", "down", "nearest":
	default:
		return nil, fmt.Errorf("round_mode %q is not up, down or nearest", mode)
	}
	return graph.CastAttrs{To: k, Saturate: sat != 0, RoundMode: mode}, nil
}

// quantCommon reads the attributes QuantizeLinear and DequantizeLinear
// share: axis (opset 13), block_size (21) and output_dtype (Quantize 21,
// Dequantize 23). Opset 10 had no axis: its scale is a scalar, which the
// newest meaning treats as per tensor whatever the axis.
func quantCommon(c *NodeCtx, outSince int) (graph.QuantAttrs, error) {
	var a graph.QuantAttrs
	axis, err := sinceOpset(c, "axis", 13, 1)
	if err != nil {
		return a, err
	}
	block, err := sinceOpset(c, "block_size", 21, 0)
	if err != nil {
		return a, err
	}
	if block < 0 {
		return a, fmt.Errorf("block_size %d is negative", block)
	}
	out, err := sinceOpset(c, "output_dtype", outSince, 0)
	if err != nil {
		return a, err
	}
	if out != 0 {
		if a.Out, err = KindFromONNX(out); err != nil {
			return a, fmt.Errorf("output_dtype: %w", err)
		}
	}
	a.Axis, a.BlockSize = int(axis), int(block)
	return a, nil
}

func parseQuantize(c *NodeCtx) (graph.Attrs, error) {
	a, err := quantCommon(c, 21)
	if err != nil {
		return nil, err
	}
	sat, err := sinceOpset(c, "saturate", 19, 1)
	if err != nil {
		return nil, err
	}
	a.Saturate = sat != 0
	prec, err := sinceOpset(c, "precision", 23, 0)
	if err != nil {
		return nil, err
	}
	if prec != 0 {
		if a.Precision, err = KindFromONNX(prec); err != nil {
			return nil, fmt.Errorf("precision: %w", err)
		}
		if !a.Precision.IsFloat() {
			return nil, fmt.Errorf("precision %v is not a float type", a.Precision)
		}
	}
	return a, nil
}

func parseDequantize(c *NodeCtx) (graph.Attrs, error) {
	a, err := quantCommon(c, 23)
	if err != nil {
		return nil, err
	}
	a.Saturate = true // unused: dequantized values always fit
	return a, nil
}
