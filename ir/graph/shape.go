package graph

import (
	"errors"
	"fmt"
	"slices"
)

// BroadcastShapes returns the shape that numpy-style (multidirectional)
// broadcasting of the given shapes gives, or an error naming the clash.
func BroadcastShapes(shapes ...[]int) ([]int, error) {
	rank := 0
	for _, s := range shapes {
		rank = max(rank, len(s))
	}
	out := make([]int, rank)
	for i := range out {
		out[i] = 1
	}
	for _, s := range shapes {
		off := rank - len(s)
		for i, d := range s {
			switch {
			case d == out[off+i] || d == 1:
			case out[off+i] == 1:
				out[off+i] = d
			default:
				return nil, fmt.Errorf("shapes %v cannot be broadcast together", shapes)
			}
		}
	}
	return out, nil
}

// NormAxis maps an axis in [-rank, rank) to [0, rank).
func NormAxis(axis, rank int) (int, error) {
	if axis < -rank || axis >= rank {
		return 0, fmt.Errorf("axis %d out of range for rank %d", axis, rank)
	}
	if axis < 0 {
		axis += rank
	}
	return axis, nil
}

// SameShape reports whether two shapes are equal.
func SameShape(a, b []int) bool { return slices.Equal(a, b) }

// ErrNotConstant is wrapped by shape inference when an output shape depends
// on the value of an input that is not a constant (Reshape's shape, Slice's
// starts…). Verify skips such nodes; constant folding removes them.
var ErrNotConstant = errors.New("input must be a constant")

// ErrUnsupported is wrapped by shape inference for a valid use of an
// operator that kiln does not implement (training-mode Dropout, say), so
// callers report it as unsupported rather than as a broken model.
var ErrUnsupported = errors.New("not supported by kiln")
