package eval

import "github.com/kiln-hls/kiln/ir/dtype"

// axisIndex is the gather list of a data-movement operator whose output
// element at coordinates c reads the input element
//
//	sum over axes a of maps[a][c[a]] * strides[a]
//
// where a map entry of -1 marks padding (the whole element reads -1). Each
// maps[a] has out[a] entries. Transpose, Slice, Tile, Gather, Split and Pad
// are all of this form; the innermost axis runs as a plain loop.
func axisIndex(out []int, maps [][]int, strides []int) []int {
	n := dtype.Size(out)
	idx := make([]int, n)
	r := len(out)
	if n == 0 {
		return idx
	}
	if r == 0 {
		return idx // one element, offset 0
	}
	// base[a] is the offset contributed by the axes before a (-1: padding).
	base := make([]int, r)
	coord := make([]int, r)
	for a := 0; a < r-1; a++ {
		base[a+1] = axisStep(base[a], maps[a][0], strides[a])
	}
	last, m, s := r-1, maps[r-1], strides[r-1]
	for j := 0; j < n; {
		b := base[last]
		if b < 0 {
			for i := range m {
				idx[j+i] = -1
			}
		} else {
			for i, v := range m {
				if v < 0 {
					idx[j+i] = -1
				} else {
					idx[j+i] = b + v*s
				}
			}
		}
		j += len(m)
		a := last - 1
		for ; a >= 0; a-- {
			coord[a]++
			if coord[a] < out[a] {
				break
			}
			coord[a] = 0
		}
		if a < 0 {
			break
		}
		for ; a < last; a++ {
			base[a+1] = axisStep(base[a], maps[a][coord[a]], strides[a])
		}
	}
	return idx
}

func axisStep(base, v, stride int) int {
	if base < 0 || v < 0 {
		return -1
	}
	return base + v*stride
}

// seqMap returns the map [0, 1, …, n-1].
func seqMap(n int) []int {
	m := make([]int, n)
	for i := range m {
		m[i] = i
	}
	return m
}

// takeFill is Take where an index of -1 reads fill's element 0 instead.
func takeFill(a *dtype.Array, idx []int, shape []int, fill *dtype.Array) *dtype.Array {
	out := dtype.New(a.Kind, shape)
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		takeFillT(out.F32, a.F32, idx, fill.F32[0])
	case dtype.ClassDouble:
		takeFillT(out.F64, a.F64, idx, fill.F64[0])
	case dtype.ClassInt:
		takeFillT(out.I64, a.I64, idx, fill.I64[0])
	case dtype.ClassUint:
		takeFillT(out.U64, a.U64, idx, fill.U64[0])
	case dtype.ClassBool:
		takeFillT(out.Bool, a.Bool, idx, fill.Bool[0])
	}
	return out
}

func takeFillT[T any](dst, src []T, idx []int, fill T) {
	for j, i := range idx {
		if i < 0 {
			dst[j] = fill
		} else {
			dst[j] = src[i]
		}
	}
}

// concatBlocks joins arrays of one kind that are each outer blocks of block[k]
// elements: output block o is the o-th block of every input in turn.
func concatBlocks(ins []*dtype.Array, shape []int, outer int, block []int) *dtype.Array {
	out := dtype.New(ins[0].Kind, shape)
	switch out.Kind.Class() {
	case dtype.ClassFloat:
		concatT(out.F32, ins, func(a *dtype.Array) []float32 { return a.F32 }, outer, block)
	case dtype.ClassDouble:
		concatT(out.F64, ins, func(a *dtype.Array) []float64 { return a.F64 }, outer, block)
	case dtype.ClassInt:
		concatT(out.I64, ins, func(a *dtype.Array) []int64 { return a.I64 }, outer, block)
	case dtype.ClassUint:
		concatT(out.U64, ins, func(a *dtype.Array) []uint64 { return a.U64 }, outer, block)
	case dtype.ClassBool:
		concatT(out.Bool, ins, func(a *dtype.Array) []bool { return a.Bool }, outer, block)
	}
	return out
}

func concatT[T any](dst []T, ins []*dtype.Array, data func(*dtype.Array) []T, outer int, block []int) {
	j := 0
	for o := range outer {
		for k, a := range ins {
			b := block[k]
			j += copy(dst[j:j+b], data(a)[o*b:(o+1)*b])
		}
	}
}
