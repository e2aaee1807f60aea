package loop

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// InlineLimit is the largest constant printed value by value; larger ones
// print as data(count, hash) and Parse takes their values from its caller.
const InlineLimit = 64

// dataString prints a constant's values: {v, …} up to InlineLimit elements,
// else data(count, 0xHASH).
func dataString(a *dtype.Array) string {
	n := a.Len()
	if n > InlineLimit || !hasData(a) {
		return fmt.Sprintf("data(%d, %#016x)", n, Digest(a))
	}
	vals := make([]string, n)
	for i := range vals {
		vals[i] = elemString(a, i)
	}
	return "{" + strings.Join(vals, ", ") + "}"
}

// hasData reports whether a's storage slice holds Len elements.
func hasData(a *dtype.Array) bool {
	n := a.Len()
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		return len(a.F32) == n
	case dtype.ClassDouble:
		return len(a.F64) == n
	case dtype.ClassInt, dtype.ClassFixed:
		return len(a.I64) == n
	case dtype.ClassUint:
		return len(a.U64) == n
	case dtype.ClassBool:
		return len(a.Bool) == n
	}
	return false
}

func elemString(a *dtype.Array, i int) string {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		return floatString(float64(a.F32[i]), 32)
	case dtype.ClassDouble:
		return floatString(a.F64[i], 64)
	case dtype.ClassInt:
		return strconv.FormatInt(a.I64[i], 10)
	case dtype.ClassUint:
		return strconv.FormatUint(a.U64[i], 10)
	case dtype.ClassBool:
		return strconv.FormatBool(a.Bool[i])
	case dtype.ClassFixed:
		f, _ := a.Kind.Fixed()
		return fixedString(f, a.I64[i])
	}
	return "?"
}

// Digest is a 64-bit FNV-1a hash of an array's kind, shape and element
// bits: the text of a kernel changes when a large constant's values do.
func Digest(a *dtype.Array) uint64 {
	h := fnv.New64a()
	var b [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(b[:], v)
		h.Write(b[:])
	}
	put(uint64(a.Kind))
	put(uint64(len(a.Shape)))
	for _, d := range a.Shape {
		put(uint64(d))
	}
	for _, v := range a.F32 {
		put(uint64(math.Float32bits(v)))
	}
	for _, v := range a.F64 {
		put(math.Float64bits(v))
	}
	for _, v := range a.I64 {
		put(uint64(v))
	}
	for _, v := range a.U64 {
		put(v)
	}
	for _, v := range a.Bool {
		if v {
			put(1)
		} else {
			put(0)
		}
	}
	return h.Sum64()
}
