package eval

import (
	"fmt"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
)

// moveKernels is the kernel table of the data-movement and shape operators.
// Each computes a list of flat input indices and gathers with
// (*dtype.Array).Take, so every kind moves alike. Reshape-like operators
// return a view: the output shares the input's data (kernels never modify
// arrays).
var moveKernels = []KernelDef{
	{graph.OpReshape, runReshape},
	{graph.OpFlatten, runReshape},
	{graph.OpSqueeze, runReshape},
	{graph.OpUnsqueeze, runReshape},
	{graph.OpTranspose, runTranspose},
	{graph.OpConcat, runConcat},
	{graph.OpSplit, runSplit},
	{graph.OpSlice, runSlice},
	{graph.OpGather, runGather},
	{graph.OpTile, runTile},
	{graph.OpExpand, runExpand},
	{graph.OpPad, runPad},
	{graph.OpShape, runShape},
	{graph.OpConstantOfShape, runConstantOfShape},
	{graph.OpRange, runRange},
}

func moveOut(a *dtype.Array) []*dtype.Array { return []*dtype.Array{a} }

// moveOptInts is the value of optional input i as int64s, nil when absent.
func moveOptInts(in []*dtype.Array, i int) []int64 {
	if i >= len(in) || in[i] == nil {
		return nil
	}
	return in[i].Ints()
}

func runReshape(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	return moveOut(in[0].Reshaped(out[0].Shape)), nil
}

func runTranspose(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.TransposeAttrs)
	x := in[0]
	perm, err := graph.TransposePerm(a.Perm, len(x.Shape))
	if err != nil {
		return nil, err
	}
	str := dtype.Strides(x.Shape)
	maps, strides := make([][]int, len(perm)), make([]int, len(perm))
	for i, p := range perm {
		maps[i], strides[i] = seqMap(x.Shape[p]), str[p]
	}
	return moveOut(x.Take(axisIndex(out[0].Shape, maps, strides), out[0].Shape)), nil
}

func runSlice(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	x := in[0]
	start, step, shape, err := graph.SliceParams(x.Shape, in[1].Ints(), in[2].Ints(), moveOptInts(in, 3), moveOptInts(in, 4))
	if err != nil {
		return nil, err
	}
	maps := make([][]int, len(shape))
	for a, d := range shape {
		maps[a] = make([]int, d)
		for i := range maps[a] {
			maps[a][i] = start[a] + i*step[a]
		}
	}
	return moveOut(x.Take(axisIndex(shape, maps, dtype.Strides(x.Shape)), shape)), nil
}

// moveSplit3 views shape as [outer, shape[axis], inner].
func moveSplit3(shape []int, axis int) (outer, inner int) {
	return dtype.Size(shape[:axis]), dtype.Size(shape[axis+1:])
}

func runGather(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.AxisAttrs)
	x := in[0]
	axis, err := graph.NormAxis(a.Axis, len(x.Shape))
	if err != nil {
		return nil, err
	}
	d := x.Shape[axis]
	pick := make([]int, in[1].Len())
	for i := range pick {
		v := in[1].Int(i)
		if v < -int64(d) || v >= int64(d) {
			return nil, fmt.Errorf("index %d out of range for axis %d of size %d", v, axis, d)
		}
		if v < 0 {
			v += int64(d)
		}
		pick[i] = int(v)
	}
	outer, inner := moveSplit3(x.Shape, axis)
	idx := axisIndex([]int{outer, len(pick), inner}, [][]int{seqMap(outer), pick, seqMap(inner)}, []int{d * inner, inner, 1})
	return moveOut(x.Take(idx, out[0].Shape)), nil
}

func runSplit(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.SplitAttrs)
	x := in[0]
	axis, err := graph.NormAxis(a.Axis, len(x.Shape))
	if err != nil {
		return nil, err
	}
	d := x.Shape[axis]
	hasSplit := len(in) > 1 && in[1] != nil
	sizes, err := graph.SplitSizes(d, len(n.Out), moveOptInts(in, 1), hasSplit, a.NumOutputs)
	if err != nil {
		return nil, err
	}
	outer, inner := moveSplit3(x.Shape, axis)
	res := make([]*dtype.Array, len(sizes))
	off := 0
	for k, size := range sizes {
		if n.Out[k] != graph.None {
			part := seqMap(size)
			for i := range part {
				part[i] += off
			}
			idx := axisIndex([]int{outer, size, inner}, [][]int{seqMap(outer), part, seqMap(inner)}, []int{d * inner, inner, 1})
			res[k] = x.Take(idx, out[k].Shape)
		}
		off += size
	}
	return res, nil
}

func runConcat(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.AxisAttrs)
	shape := out[0].Shape
	axis, err := graph.NormAxis(a.Axis, len(shape))
	if err != nil {
		return nil, err
	}
	outer, inner := moveSplit3(shape, axis)
	block := make([]int, len(in))
	for k, x := range in {
		block[k] = x.Shape[axis] * inner
	}
	return moveOut(concatBlocks(in, shape, outer, block)), nil
}

func runTile(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	x, shape := in[0], out[0].Shape
	maps := make([][]int, len(shape))
	for a, d := range shape {
		maps[a] = make([]int, d)
		for i := range maps[a] {
			maps[a][i] = i % x.Shape[a]
		}
	}
	return moveOut(x.Take(axisIndex(shape, maps, dtype.Strides(x.Shape)), shape)), nil
}

func runExpand(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	return moveOut(in[0].Take(BroadcastIndex(out[0].Shape, in[0].Shape), out[0].Shape)), nil
}

func runShape(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.ShapeAttrs)
	start, end := graph.ShapeRange(a, len(in[0].Shape))
	v := make([]int64, end-start)
	for i := range v {
		v[i] = int64(in[0].Shape[start+i])
	}
	return moveOut(dtype.FromI64([]int{len(v)}, v)), nil
}

func runConstantOfShape(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	a, _ := n.Attrs.(graph.ConstantOfShapeAttrs)
	fill, err := graph.ConstantFill(a)
	if err != nil {
		return nil, err
	}
	shape := out[0].Shape
	return moveOut(fill.Take(make([]int, dtype.Size(shape)), shape)), nil
}

func runRange(n *graph.Node, in []*dtype.Array, out []graph.Meta) ([]*dtype.Array, error) {
	size, err := graph.RangeLen(in[0], in[1], in[2])
	if err != nil {
		return nil, err
	}
	return moveOut(graph.RangeValues(in[0], in[2], size)), nil
}
