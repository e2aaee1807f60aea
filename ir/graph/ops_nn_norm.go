package graph

import (
	"fmt"
	"slices"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// BatchNormChannels is the channel count of a BatchNormalization input: its
// axis 1, or 1 for a 1-D input.
func BatchNormChannels(x []int) int {
	if len(x) < 2 {
		return 1
	}
	return x[1]
}

func inferBatchNorm(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	if len(x.Shape) == 0 {
		return nil, fmt.Errorf("X is a scalar, want N x C x D1…")
	}
	for i, t := range n.Out {
		if i > 0 && t != None {
			return nil, fmt.Errorf("output %d (running statistics) exists only in training mode, which is %w (kiln evaluates inference)", i, ErrUnsupported)
		}
	}
	c := BatchNormChannels(x.Shape)
	for i, name := range []string{"", "scale", "B", "input_mean", "input_var"} {
		if i == 0 {
			continue
		}
		if err := nnVector(name, in[i], dtype.Invalid, c); err != nil {
			return nil, err
		}
	}
	out := make([]Meta, len(n.Out))
	out[0] = Meta{Kind: x.Kind, Shape: slices.Clone(x.Shape)}
	return out, nil
}

func inferInstanceNorm(n *Node, in []Meta) ([]Meta, error) {
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("input is %v, want a float kind", x.Kind)
	}
	if len(x.Shape) < 3 {
		return nil, fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(x.Shape))
	}
	for i, name := range []string{"", "scale", "B"} {
		if i == 0 {
			continue
		}
		if err := nnVector(name, in[i], x.Kind, x.Shape[1]); err != nil {
			return nil, err
		}
	}
	return []Meta{{Kind: x.Kind, Shape: slices.Clone(x.Shape)}}, nil
}

// LayerNormStash is the kind LayerNormalization computes its statistics in
// (Invalid in the attributes means f32, the ONNX default).
func (a NormAttrs) LayerNormStash() dtype.Kind {
	if a.StashType == dtype.Invalid {
		return dtype.F32
	}
	return a.StashType
}

func inferLayerNorm(n *Node, in []Meta) ([]Meta, error) {
	a, ok := n.Attrs.(NormAttrs)
	if !ok {
		return nil, fmt.Errorf("attributes are %T, want graph.NormAttrs", n.Attrs)
	}
	x := in[0]
	if !x.Kind.IsFloat() {
		return nil, fmt.Errorf("X is %v, want a float kind", x.Kind)
	}
	axis, err := NormAxis(a.Axis, len(x.Shape))
	if err != nil {
		return nil, err
	}
	stash := a.LayerNormStash()
	if !stash.IsFloat() {
		return nil, fmt.Errorf("stash_type %v, want a float kind", stash)
	}
	for i, name := range []string{"", "Scale", "B"} {
		if i == 0 || i >= len(in) || !in[i].Present() {
			continue
		}
		if in[i].Kind != x.Kind {
			return nil, fmt.Errorf("%s is %v, X is %v", name, in[i].Kind, x.Kind)
		}
		if err := Unidirectional(in[i].Shape, x.Shape); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
	}
	stat := slices.Clone(x.Shape)
	for i := axis; i < len(stat); i++ {
		stat[i] = 1
	}
	out := make([]Meta, len(n.Out))
	out[0] = Meta{Kind: x.Kind, Shape: slices.Clone(x.Shape)}
	for i := 1; i < len(out); i++ {
		out[i] = Meta{Kind: stash, Shape: slices.Clone(stat)}
	}
	return out, nil
}
