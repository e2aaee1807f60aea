package dtype

import "fmt"

// Kind is an element type. The numbering follows ONNX's TensorProto.DataType
// (onnx.proto) so that the frontend maps types one to one; kiln's own
// hardware types (fixed point, quantised integers) come after ONNX's.
//
// A fixed-point kind (FixedKind) carries its whole type in the number: bit
// 31 marks it, and the fields below hold W, I, signedness, rounding and
// overflow, so that kinds stay comparable values with no registry.
type Kind uint32

// The element kinds. Numbers 1..26 are ONNX's TensorProto.DataType values.
const (
	Invalid    Kind = 0
	F32        Kind = 1
	U8         Kind = 2
	I8         Kind = 3
	U16        Kind = 4
	I16        Kind = 5
	I32        Kind = 6
	I64        Kind = 7
	String     Kind = 8 // not computed on; rejected by the frontend
	Bool       Kind = 9
	F16        Kind = 10
	F64        Kind = 11
	U32        Kind = 12
	U64        Kind = 13
	C64        Kind = 14 // not computed on; rejected by the frontend
	C128       Kind = 15 // not computed on; rejected by the frontend
	BF16       Kind = 16
	F8E4M3FN   Kind = 17
	F8E4M3FNUZ Kind = 18
	F8E5M2     Kind = 19
	F8E5M2FNUZ Kind = 20
	U4         Kind = 21
	I4         Kind = 22
	F4E2M1     Kind = 23
	F8E8M0     Kind = 24
	U2         Kind = 25
	I2         Kind = 26
	numKinds   Kind = 27
)

type kindInfo struct {
	name string
	bits int
	cls  Class
}

var kinds = [numKinds]kindInfo{
	Invalid:    {"invalid", 0, ClassNone},
	F32:        {"f32", 32, ClassFloat},
	U8:         {"u8", 8, ClassUint},
	I8:         {"i8", 8, ClassInt},
	U16:        {"u16", 16, ClassUint},
	I16:        {"i16", 16, ClassInt},
	I32:        {"i32", 32, ClassInt},
	I64:        {"i64", 64, ClassInt},
	String:     {"string", 0, ClassNone},
	Bool:       {"bool", 8, ClassBool},
	F16:        {"f16", 16, ClassFloat},
	F64:        {"f64", 64, ClassDouble},
	U32:        {"u32", 32, ClassUint},
	U64:        {"u64", 64, ClassUint},
	C64:        {"c64", 64, ClassNone},
	C128:       {"c128", 128, ClassNone},
	BF16:       {"bf16", 16, ClassFloat},
	F8E4M3FN:   {"f8e4m3fn", 8, ClassFloat},
	F8E4M3FNUZ: {"f8e4m3fnuz", 8, ClassFloat},
	F8E5M2:     {"f8e5m2", 8, ClassFloat},
	F8E5M2FNUZ: {"f8e5m2fnuz", 8, ClassFloat},
	U4:         {"u4", 4, ClassUint},
	I4:         {"i4", 4, ClassInt},
	F4E2M1:     {"f4e2m1", 4, ClassFloat},
	F8E8M0:     {"f8e8m0", 8, ClassFloat},
	U2:         {"u2", 2, ClassUint},
	I2:         {"i2", 2, ClassInt},
}

// Class says which slice of an Array holds a kind's elements.
type Class uint8

// The storage classes.
const (
	ClassNone   Class = iota // no storage: invalid, string, complex
	ClassFloat               // F32 slice; narrow floats hold values exactly representable in their kind
	ClassDouble              // F64 slice
	ClassInt                 // I64 slice, values within the kind's range
	ClassUint                // U64 slice, values within the kind's range
	ClassBool                // Bool slice
	ClassFixed               // I64 slice of raw two's-complement values (see Fixed)
)

// Valid reports whether k names a kind.
func (k Kind) Valid() bool {
	if k.IsFixed() {
		_, ok := k.Fixed()
		return ok
	}
	return k > Invalid && k < numKinds
}

// String is the short name used in IR text, e.g. "f32", "i8", "f8e4m3fn",
// "fixed<16,6>" (a fixed kind prints as Fixed.String).
func (k Kind) String() string {
	if f, ok := k.Fixed(); ok {
		return f.String()
	}
	if k >= numKinds {
		return fmt.Sprintf("kind(%d)", uint32(k))
	}
	return kinds[k].name
}

// Bits is the storage width of one element (bool: 8; a fixed kind: W).
func (k Kind) Bits() int {
	if f, ok := k.Fixed(); ok {
		return f.W
	}
	if k >= numKinds {
		return 0
	}
	return kinds[k].bits
}

// Class is the storage class of k.
func (k Kind) Class() Class {
	if k.IsFixed() {
		if _, ok := k.Fixed(); ok {
			return ClassFixed
		}
		return ClassNone
	}
	if k >= numKinds {
		return ClassNone
	}
	return kinds[k].cls
}

// The layout of a fixed kind's number: bit 31 set, then the fields.
const (
	fixedFlag    Kind = 1 << 31
	fixedUnsign  Kind = 1 << 30
	fixedRoundSh      = 26 // 2 bits
	fixedOverSh       = 24 // 1 bit
	fixedWSh          = 8  // 8 bits
)

// FixedKind is the kind of fixed-point values of type f. It panics on an
// invalid f (see Fixed.Validate): types come from ParseFixed or from passes
// that check them.
func FixedKind(f Fixed) Kind {
	mustValid(f)
	k := fixedFlag | Kind(f.Round)<<fixedRoundSh | Kind(f.Overflow)<<fixedOverSh | Kind(f.W)<<fixedWSh | Kind(f.I)
	if f.Unsigned {
		k |= fixedUnsign
	}
	return k
}

// IsFixed reports whether k is a fixed-point kind (made by FixedKind).
func (k Kind) IsFixed() bool { return k&fixedFlag != 0 }

// Fixed is the fixed-point type of a fixed kind; ok is false for every
// other kind (and for a number with the fixed bit that FixedKind cannot
// have made).
func (k Kind) Fixed() (f Fixed, ok bool) {
	if !k.IsFixed() {
		return Fixed{}, false
	}
	f = Fixed{
		W:        int(k >> fixedWSh & 0xff),
		I:        int(k & 0xff),
		Unsigned: k&fixedUnsign != 0,
		Round:    Rounding(k >> fixedRoundSh & 3),
		Overflow: Overflow(k >> fixedOverSh & 1),
	}
	if f.Validate() != nil || FixedKind(f) != k {
		return Fixed{}, false
	}
	return f, true
}

// IsFloat reports whether k is a floating-point kind (any width).
func (k Kind) IsFloat() bool { c := k.Class(); return c == ClassFloat || c == ClassDouble }

// IsInt reports whether k is a signed or unsigned integer kind.
func (k Kind) IsInt() bool { c := k.Class(); return c == ClassInt || c == ClassUint }

// Computable reports whether kiln can hold and compute on values of k.
func (k Kind) Computable() bool { return k.Class() != ClassNone }

// IntRange is the smallest and largest value of an integer kind.
func (k Kind) IntRange() (lo int64, hi uint64) {
	b := k.Bits()
	switch k.Class() {
	case ClassInt:
		return -(int64(1) << (b - 1)), uint64(1)<<(b-1) - 1
	case ClassUint:
		if b == 64 {
			return 0, ^uint64(0)
		}
		return 0, uint64(1)<<b - 1
	case ClassBool:
		return 0, 1
	}
	return 0, 0
}

// KindByName finds a kind by its short name; fixed<W,I…> and ufixed<W,I…>
// (ParseFixed's spellings) name fixed kinds.
func KindByName(name string) (Kind, bool) {
	if f, err := ParseFixed(name); err == nil {
		return FixedKind(f), true
	}
	for k := Kind(1); k < numKinds; k++ {
		if kinds[k].name == name {
			return k, true
		}
	}
	return Invalid, false
}
