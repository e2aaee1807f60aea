package eval

import (
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// runPad pads (and, with negative pads, crops) along each axis. Cropping is
// applied first and the modes then read the cropped data, as ONNX Runtime
// does: reflect mirrors about the edge elements (numpy's "reflect",
// periodic when a pad exceeds the axis), edge repeats them, wrap reads the
// data as a torus.
func runPad(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.PadAttrs)
	x, shape := in[0], out[0].Shape
	begin, end, err := graph.PadWidths(x.Shape, in[1].Ints(), moveOptInts(in, 3))
	if err != nil {
		return nil, err
	}
	maps := make([][]int, len(shape))
	for ax, d := range shape {
		lo := max(-begin[ax], 0)
		size := x.Shape[ax] - lo - max(-end[ax], 0)
		pb := max(begin[ax], 0)
		m := make([]int, d)
		for i := range m {
			v := i - pb
			if v < 0 || v >= size {
				v = padSource(a.Mode, v, size)
			}
			if v >= 0 {
				v += lo
			}
			m[i] = v
		}
		maps[ax] = m
	}
	fill := dtype.New(x.Kind, []int{1})
	if len(in) > 2 && in[2] != nil {
		if c := in[2]; c.Kind == x.Kind {
			fill = c
		} else {
			fill.Set(0, c.At(0))
		}
	}
	return moveOut(takeFill(x, axisIndex(shape, maps, dtype.Strides(x.Shape)), shape, fill)), nil
}

// padSource maps position v (outside [0, n)) of a padded axis of n > 0
// elements to the element it copies, or -1 for the constant value.
func padSource(mode string, v, n int) int {
	switch mode {
	case "edge":
		return min(max(v, 0), n-1)
	case "wrap":
		return (v%n + n) % n
	case "reflect":
		if n == 1 {
			return 0
		}
		p := 2 * (n - 1)
		v = (v%p + p) % p
		if v >= n {
			v = p - v
		}
		return v
	}
	return -1
}
