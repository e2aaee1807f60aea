package dtype

import (
	"fmt"
	"math"
)

// Array is a dense row-major n-dimensional array of one element kind. Its
// elements live in exactly one of the slices, chosen by Kind.Class():
// F32 for f32 and every narrower float kind (each value exactly
// representable in the kind), F64 for f64, I64 for signed integers, U64 for
// unsigned integers and Bool for booleans. The other slices are nil.
type Array struct {
	Kind  Kind
	Shape []int
	F32   []float32
	F64   []float64
	I64   []int64
	U64   []uint64
	Bool  []bool
}

// Size is the number of elements of a shape (1 for a scalar).
func Size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// Strides are the row-major strides, in elements, of a shape.
func Strides(shape []int) []int {
	s := make([]int, len(shape))
	n := 1
	for i := len(shape) - 1; i >= 0; i-- {
		s[i] = n
		n *= shape[i]
	}
	return s
}

// New returns a zero-filled array. It panics on a kind without storage:
// callers check Kind.Computable first.
func New(k Kind, shape []int) *Array {
	a := &Array{Kind: k, Shape: append([]int{}, shape...)}
	n := Size(shape)
	switch k.Class() {
	case ClassFloat:
		a.F32 = make([]float32, n)
	case ClassDouble:
		a.F64 = make([]float64, n)
	case ClassInt, ClassFixed:
		a.I64 = make([]int64, n)
	case ClassUint:
		a.U64 = make([]uint64, n)
	case ClassBool:
		a.Bool = make([]bool, n)
	default:
		panic(fmt.Sprintf("dtype.New: kind %v has no storage", k))
	}
	return a
}

// FromF32 wraps float32 data as an f32 array without copying.
func FromF32(shape []int, v []float32) *Array {
	return &Array{Kind: F32, Shape: append([]int{}, shape...), F32: v}
}

// FromI64 wraps int64 data as an i64 array without copying.
func FromI64(shape []int, v []int64) *Array {
	return &Array{Kind: I64, Shape: append([]int{}, shape...), I64: v}
}

// Len is the number of elements.
func (a *Array) Len() int { return Size(a.Shape) }

// Bytes is the storage the array's kind needs in ONNX's packing (bits
// rounded up to whole bytes).
func (a *Array) Bytes() int64 { return BytesFor(a.Kind, a.Shape) }

// BytesFor is the size in bytes of a tensor of kind k and the given shape in
// ONNX's packing; it saturates at math.MaxInt64 instead of overflowing.
func BytesFor(k Kind, shape []int) int64 {
	for _, d := range shape {
		if d <= 0 {
			return 0 // empty, even if the other dimensions are huge
		}
	}
	n := int64(1)
	for _, d := range shape {
		if n > math.MaxInt64/int64(d) {
			return math.MaxInt64
		}
		n *= int64(d)
	}
	bits := int64(k.Bits())
	if bits != 0 && n > math.MaxInt64/bits {
		return math.MaxInt64
	}
	return (n*bits + 7) / 8
}

// At returns element i as a float64 (u64 and i64 above 2^53 round).
func (a *Array) At(i int) float64 {
	switch a.Kind.Class() {
	case ClassFloat:
		return float64(a.F32[i])
	case ClassDouble:
		return a.F64[i]
	case ClassInt:
		return float64(a.I64[i])
	case ClassFixed:
		f, _ := a.Kind.Fixed()
		return ToFloat(f, a.I64[i])
	case ClassUint:
		return float64(a.U64[i])
	case ClassBool:
		if a.Bool[i] {
			return 1
		}
	}
	return 0
}

// Int returns element i as an int64: integers and bools exactly, fixed
// point as its raw value, floats truncated toward zero.
func (a *Array) Int(i int) int64 {
	switch a.Kind.Class() {
	case ClassInt, ClassFixed:
		return a.I64[i]
	case ClassUint:
		return int64(a.U64[i])
	case ClassBool:
		if a.Bool[i] {
			return 1
		}
		return 0
	}
	return int64(a.At(i))
}

// Ints returns all elements as int64 (see Int).
func (a *Array) Ints() []int64 {
	out := make([]int64, a.Len())
	for i := range out {
		out[i] = a.Int(i)
	}
	return out
}

// Set stores v at element i, rounded to the array's kind: floats round to
// nearest even (RoundFloat without saturation), integers truncate toward
// zero and wrap to the kind's width, bools are v != 0, fixed point rounds
// and overflows in its type's modes (FromFloat).
func (a *Array) Set(i int, v float64) {
	switch a.Kind.Class() {
	case ClassFixed:
		f, _ := a.Kind.Fixed()
		a.I64[i], _ = FromFloat(f, v)
	case ClassFloat:
		a.F32[i] = float32(RoundFloat(a.Kind, v, false))
	case ClassDouble:
		a.F64[i] = v
	case ClassInt:
		a.I64[i] = WrapInt(a.Kind, int64(v))
	case ClassUint:
		a.U64[i] = WrapUint(a.Kind, uint64(int64(v)))
	case ClassBool:
		a.Bool[i] = v != 0
	}
}

// WrapInt wraps v to a signed kind's width (two's complement).
func WrapInt(k Kind, v int64) int64 {
	b := uint(k.Bits())
	if b >= 64 || b == 0 {
		return v
	}
	return v << (64 - b) >> (64 - b)
}

// WrapUint wraps v to an unsigned kind's width.
func WrapUint(k Kind, v uint64) uint64 {
	b := uint(k.Bits())
	if b >= 64 || b == 0 {
		return v
	}
	return v & (1<<b - 1)
}

// Take returns a new array of the given shape whose element j is a's element
// idx[j]. Data-movement operators (Transpose, Slice, Gather, Tile, Expand…)
// compute idx and use Take for every kind alike.
func (a *Array) Take(idx []int, shape []int) *Array {
	out := &Array{Kind: a.Kind, Shape: append([]int{}, shape...)}
	switch a.Kind.Class() {
	case ClassFloat:
		out.F32 = take(a.F32, idx)
	case ClassDouble:
		out.F64 = take(a.F64, idx)
	case ClassInt, ClassFixed:
		out.I64 = take(a.I64, idx)
	case ClassUint:
		out.U64 = take(a.U64, idx)
	case ClassBool:
		out.Bool = take(a.Bool, idx)
	}
	return out
}

func take[T any](src []T, idx []int) []T {
	out := make([]T, len(idx))
	for j, i := range idx {
		out[j] = src[i]
	}
	return out
}

// Clone returns a deep copy.
func (a *Array) Clone() *Array {
	out := *a
	out.Shape = append([]int{}, a.Shape...)
	out.F32 = clone(a.F32)
	out.F64 = clone(a.F64)
	out.I64 = clone(a.I64)
	out.U64 = clone(a.U64)
	out.Bool = clone(a.Bool)
	return &out
}

func clone[T any](s []T) []T {
	if s == nil {
		return nil
	}
	return append(make([]T, 0, len(s)), s...)
}

// Reshaped returns an array sharing a's data with another shape of the same
// size.
func (a *Array) Reshaped(shape []int) *Array {
	out := *a
	out.Shape = append([]int{}, shape...)
	return &out
}

// String prints kind, shape and up to 8 elements, for error messages.
func (a *Array) String() string {
	s := fmt.Sprintf("%v%v[", a.Kind, a.Shape)
	n := a.Len()
	for i := 0; i < n && i < 8; i++ {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprint(a.At(i))
	}
	if n > 8 {
		s += " …"
	}
	return s + "]"
}
