// Package dtype holds kiln's element types and dense arrays.
//
// A Kind is an element type, numbered like ONNX's TensorProto.DataType:
// f32, f64, the narrow floats (f16, bf16, the float8 family, f4e2m1,
// e8m0), signed and unsigned integers from 2 to 64 bits, and bool. An Array
// is a row-major n-dimensional array of one kind whose elements live in one
// Go slice picked by the kind's storage Class: narrow floats are kept as
// float32 values that are exactly representable in their kind (RoundFloat
// makes them so), integers as int64 or uint64 within their kind's range.
//
// Later issues add kiln's hardware types (fixed<W,I>, quantised integers)
// as kinds above ONNX's numbers.
package dtype
