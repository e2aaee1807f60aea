package graph

import (
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// SliceParams computes Slice's effective per-axis start, step and output
// size for an input of the given shape, following the ONNX spec: negative
// starts/ends count from the end, then starts are clamped to [0, d] ([0,
// d-1] for negative steps) and ends to [0, d] ([-1, d-1]). axes and steps
// may be nil (all leading axes, unit steps).
func SliceParams(shape []int, starts, ends, axes, steps []int64) (start, step, out []int, err error) {
	r := len(shape)
	if len(ends) != len(starts) {
		return nil, nil, nil, fmt.Errorf("%d starts but %d ends", len(starts), len(ends))
	}
	if axes == nil {
		if len(starts) > r {
			return nil, nil, nil, fmt.Errorf("%d starts for an input of rank %d", len(starts), r)
		}
		axes = make([]int64, len(starts))
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	if len(axes) != len(starts) {
		return nil, nil, nil, fmt.Errorf("%d starts but %d axes", len(starts), len(axes))
	}
	if steps != nil && len(steps) != len(starts) {
		return nil, nil, nil, fmt.Errorf("%d starts but %d steps", len(starts), len(steps))
	}
	if _, err := normAxes(axes, r); err != nil {
		return nil, nil, nil, err
	}
	start, step, out = make([]int, r), make([]int, r), append([]int{}, shape...)
	for i := range step {
		step[i] = 1
	}
	for i, a := range axes {
		ax := int(a)
		if ax < 0 {
			ax += r
		}
		st := int64(1)
		if steps != nil {
			st = steps[i]
		}
		if st == 0 {
			return nil, nil, nil, fmt.Errorf("step of axis %d is 0", ax)
		}
		s, n := sliceAxis(int64(shape[ax]), starts[i], ends[i], st)
		start[ax], step[ax], out[ax] = int(s), int(st), int(n)
	}
	return start, step, out, nil
}

// sliceAxis clamps start and end on an axis of size d and counts the
// elements from start towards end in steps of st (st != 0).
func sliceAxis(d, s, e, st int64) (start, n int64) {
	if s < 0 {
		s += d
	}
	if e < 0 {
		e += d
	}
	if st > 0 {
		s, e = min(max(s, 0), d), min(max(e, 0), d)
		if e > s {
			n = (e-s-1)/st + 1
		}
		return s, n
	}
	s, e = min(max(s, 0), d-1), min(max(e, -1), d-1)
	if s > e {
		back := uint64(-(st + 1)) + 1 // -st without overflow at MinInt64
		n = int64(uint64(s-e-1)/back) + 1
	}
	return s, n
}

func inferSlice(n *Node, in []Meta) ([]Meta, error) {
	starts, err := ConstInts(in, 1, "starts")
	if err != nil {
		return nil, err
	}
	ends, err := ConstInts(in, 2, "ends")
	if err != nil {
		return nil, err
	}
	var axes, steps []int64
	if len(in) > 3 && in[3].Present() {
		if axes, err = ConstInts(in, 3, "axes"); err != nil {
			return nil, err
		}
	}
	if len(in) > 4 && in[4].Present() {
		if steps, err = ConstInts(in, 4, "steps"); err != nil {
			return nil, err
		}
	}
	_, _, out, err := SliceParams(in[0].Shape, starts, ends, axes, steps)
	if err != nil {
		return nil, err
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

func inferTile(n *Node, in []Meta) ([]Meta, error) {
	reps, err := ConstInts(in, 1, "repeats")
	if err != nil {
		return nil, err
	}
	s := in[0].Shape
	if len(reps) != len(s) {
		return nil, fmt.Errorf("%d repeats for an input of rank %d", len(reps), len(s))
	}
	out := make([]int, len(s))
	for i, r := range reps {
		if r < 0 || s[i] != 0 && r > math.MaxInt/int64(s[i]) {
			return nil, fmt.Errorf("invalid repeat count %d", r)
		}
		out[i] = s[i] * int(r)
	}
	if _, err := SizeOf(out); err != nil {
		return nil, err
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

// shapeValue converts a shape-like value to dims, rejecting negative ones.
func shapeValue(v []int64) ([]int, error) {
	out := make([]int, len(v))
	for i, d := range v {
		if d < 0 {
			return nil, fmt.Errorf("shape %v has negative dimension %d", v, d)
		}
		var err error
		if out[i], err = toInt(d); err != nil {
			return nil, err
		}
	}
	if _, err := SizeOf(out); err != nil {
		return nil, err
	}
	return out, nil
}

func inferExpand(n *Node, in []Meta) ([]Meta, error) {
	v, err := ConstInts(in, 1, "shape")
	if err != nil {
		return nil, err
	}
	shape, err := shapeValue(v)
	if err != nil {
		return nil, err
	}
	out, err := BroadcastShapes(in[0].Shape, shape)
	if err != nil {
		return nil, err
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}

// PadWidths turns Pad's pads (and optional axes, nil for all) into the
// number of elements added (negative: removed) before and after each axis
// of an input of the given shape; the output dims are shape+begin+end.
func PadWidths(shape []int, pads, axes []int64) (begin, end []int, err error) {
	r := len(shape)
	if axes == nil {
		axes = make([]int64, r)
		for i := range axes {
			axes[i] = int64(i)
		}
	}
	if len(pads) != 2*len(axes) {
		return nil, nil, fmt.Errorf("%d pads for %d axes, want %d", len(pads), len(axes), 2*len(axes))
	}
	if _, err := normAxes(axes, r); err != nil {
		return nil, nil, err
	}
	begin, end = make([]int, r), make([]int, r)
	for i, a := range axes {
		ax := int(a)
		if ax < 0 {
			ax += r
		}
		b, e := pads[i], pads[i+len(axes)]
		if b > maxPad || e > maxPad {
			return nil, nil, fmt.Errorf("pads %d, %d too large", b, e)
		}
		if int64(shape[ax])+min(b, 0)+min(e, 0) < 0 {
			return nil, nil, fmt.Errorf("pads %d, %d remove more than the %d elements of axis %d", b, e, shape[ax], ax)
		}
		begin[ax], end[ax] = int(b), int(e)
	}
	out := make([]int, r)
	for i, d := range shape {
		out[i] = d + begin[i] + end[i]
	}
	if _, err := SizeOf(out); err != nil {
		return nil, nil, err
	}
	return begin, end, nil
}

// maxPad bounds a pad width, and maxRange Range's length, so that sizes
// computed from them cannot overflow.
const maxPad, maxRange = 1 << 40, 1 << 40

// PadModes are the modes Pad accepts.
var PadModes = []string{"constant", "reflect", "edge", "wrap"}

func inferPad(n *Node, in []Meta) ([]Meta, error) {
	a, err := attrsOf[PadAttrs](n)
	if err != nil {
		return nil, err
	}
	mode := a.Mode
	if mode == "" {
		mode = "constant"
	}
	known := false
	for _, m := range PadModes {
		known = known || m == mode
	}
	if !known {
		return nil, fmt.Errorf("unknown mode %q", a.Mode)
	}
	pads, err := ConstInts(in, 1, "pads")
	if err != nil {
		return nil, err
	}
	var axes []int64
	if len(in) > 3 && in[3].Present() {
		if axes, err = ConstInts(in, 3, "axes"); err != nil {
			return nil, err
		}
	}
	if len(in) > 2 && in[2].Present() {
		if c := in[2]; dtype.Size(c.Shape) != 1 || !c.Kind.Computable() {
			return nil, fmt.Errorf("constant_value is %v%v, want one element", c.Kind, c.Shape)
		}
	}
	s := in[0].Shape
	begin, end, err := PadWidths(s, pads, axes)
	if err != nil {
		return nil, err
	}
	out := make([]int, len(s))
	for i, d := range s {
		out[i] = d + begin[i] + end[i]
		cropped := d + min(begin[i], 0) + min(end[i], 0)
		if mode != "constant" && cropped == 0 && out[i] > 0 {
			return nil, fmt.Errorf("%s padding of axis %d, which is empty", mode, i)
		}
	}
	return one(Meta{Kind: in[0].Kind, Shape: out}), nil
}
