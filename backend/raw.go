package backend

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// elemBytes is the size of one element of kind k in the emitted code's
// memory: floats narrower than f32 are held in a float (hls stores them
// as float holding the exactly representable value), bool is one byte,
// integers their width (sub-byte integers one byte). ok is false for kinds
// without storage.
func elemBytes(k dtype.Kind) (n int, ok bool) {
	switch k.Class() {
	case dtype.ClassFloat:
		return 4, true
	case dtype.ClassDouble:
		return 8, true
	case dtype.ClassBool:
		return 1, true
	case dtype.ClassInt, dtype.ClassUint:
		return max(k.Bits()/8, 1), true
	}
	return 0, false
}

// encode is a's elements as raw little-endian elements of the emitted
// element type.
func encode(a *dtype.Array) ([]byte, error) {
	w, ok := elemBytes(a.Kind)
	if !ok {
		return nil, fmt.Errorf("kind %v has no storage", a.Kind)
	}
	n := a.Len()
	b := make([]byte, n*w)
	for i := range n {
		e := b[i*w : i*w+w]
		switch a.Kind.Class() {
		case dtype.ClassFloat:
			binary.LittleEndian.PutUint32(e, math.Float32bits(a.F32[i]))
		case dtype.ClassDouble:
			binary.LittleEndian.PutUint64(e, math.Float64bits(a.F64[i]))
		case dtype.ClassBool:
			if a.Bool[i] {
				e[0] = 1
			}
		case dtype.ClassInt:
			putUint(e, uint64(a.I64[i]))
		case dtype.ClassUint:
			putUint(e, a.U64[i])
		}
	}
	return b, nil
}

// putUint writes the low len(e) bytes of v, little-endian.
func putUint(e []byte, v uint64) {
	for j := range e {
		e[j] = byte(v >> (8 * j))
	}
}

// decode fills a from raw little-endian elements, the inverse of encode:
// signed integers are sign-extended from their width, bools are any
// non-zero byte.
func decode(a *dtype.Array, b []byte) error {
	w, ok := elemBytes(a.Kind)
	if !ok {
		return fmt.Errorf("kind %v has no storage", a.Kind)
	}
	n := a.Len()
	if len(b) != n*w {
		return fmt.Errorf("%d bytes for %d elements of %v (%d bytes each)", len(b), n, a.Kind, w)
	}
	for i := range n {
		e := b[i*w : i*w+w]
		switch a.Kind.Class() {
		case dtype.ClassFloat:
			a.F32[i] = math.Float32frombits(binary.LittleEndian.Uint32(e))
		case dtype.ClassDouble:
			a.F64[i] = math.Float64frombits(binary.LittleEndian.Uint64(e))
		case dtype.ClassBool:
			a.Bool[i] = e[0] != 0
		case dtype.ClassInt:
			shift := 64 - 8*w
			a.I64[i] = int64(getUint(e)<<shift) >> shift
		case dtype.ClassUint:
			a.U64[i] = getUint(e)
		}
	}
	return nil
}

func getUint(e []byte) uint64 {
	var v uint64
	for j := range e {
		v |= uint64(e[j]) << (8 * j)
	}
	return v
}
