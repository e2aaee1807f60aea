package onnx

import (
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
)

// DecodeTensor turns a TensorProto into an array. The data comes from
// raw_data (little-endian, sub-byte kinds packed), from the typed field
// onnx.proto assigns to the kind (float_data, int32_data — also holding the
// bit patterns of f16, bf16 and the 8-bit floats and, one packed byte per
// int32, the 4- and 2-bit kinds —, int64_data, double_data, uint64_data) or
// from an external file (data_location EXTERNAL) that must lie inside
// baseDir. The data must have exactly the size the dims give. maxBytes > 0
// bounds the tensor's size in ONNX's packing; it is checked before anything
// is allocated or read.
func DecodeTensor(tp *onnxpb.TensorProto, baseDir string, maxBytes int64) (*dtype.Array, error) {
	a, err := decodeTensor(tp, baseDir, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", tensorLabel(tp.GetName()), err)
	}
	return a, nil
}

func tensorLabel(name string) string {
	if name == "" {
		return "unnamed tensor"
	}
	return fmt.Sprintf("tensor %q", name)
}

func decodeTensor(tp *onnxpb.TensorProto, baseDir string, maxBytes int64) (*dtype.Array, error) {
	k, err := KindFromONNX(int64(tp.GetDataType()))
	if err != nil {
		return nil, err
	}
	if tp.Segment != nil {
		return nil, fmt.Errorf("segmented tensors are not supported")
	}
	shape := make([]int, len(tp.GetDims()))
	for i, d := range tp.GetDims() {
		if d < 0 {
			return nil, fmt.Errorf("dimension %d is %d", i, d)
		}
		shape[i] = int(d)
	}
	size := dtype.BytesFor(k, shape)
	if size == math.MaxInt64 || (maxBytes > 0 && size > maxBytes) {
		return nil, fmt.Errorf("%v%v needs more than the %d-byte tensor limit", k, tp.GetDims(), maxBytes)
	}
	n := dtype.Size(shape)
	raw := tp.GetRawData()
	if tp.GetDataLocation() == onnxpb.TensorProto_EXTERNAL {
		if raw, err = readExternal(tp.GetExternalData(), baseDir, size); err != nil {
			return nil, err
		}
	} else if len(tp.GetExternalData()) > 0 {
		return nil, fmt.Errorf("has external_data but data_location is not EXTERNAL")
	}
	if raw != nil || tp.GetDataLocation() == onnxpb.TensorProto_EXTERNAL {
		if got := typedCount(tp); got > 0 {
			return nil, fmt.Errorf("holds data both in raw_data and in %d typed elements", got)
		}
		if int64(len(raw)) != size {
			return nil, fmt.Errorf("raw data has %d bytes, %v%v needs %d", len(raw), k, tp.GetDims(), size)
		}
		return fromRaw(k, shape, raw), nil
	}
	return fromTyped(tp, k, shape, n)
}

// typedCount is the number of values in the typed data fields.
func typedCount(tp *onnxpb.TensorProto) int {
	return len(tp.GetFloatData()) + len(tp.GetInt32Data()) + len(tp.GetInt64Data()) +
		len(tp.GetDoubleData()) + len(tp.GetUint64Data()) + len(tp.GetStringData())
}

// fromRaw decodes little-endian raw data of the right length.
func fromRaw(k dtype.Kind, shape []int, raw []byte) *dtype.Array {
	w := k.Bits()
	if w < 8 {
		per, mask := 8/w, uint64(1)<<w-1
		return build(k, shape, func(i int) uint64 {
			return uint64(raw[i/per]) >> (uint(i%per) * uint(w)) & mask
		})
	}
	b := w / 8
	return build(k, shape, func(i int) uint64 {
		var c uint64
		for j := b - 1; j >= 0; j-- {
			c = c<<8 | uint64(raw[i*b+j])
		}
		return c
	})
}

// fromTyped decodes the typed field onnx.proto assigns to kind k.
func fromTyped(tp *onnxpb.TensorProto, k dtype.Kind, shape []int, n int) (*dtype.Array, error) {
	field, count := "int32_data", len(tp.GetInt32Data())
	switch k {
	case dtype.F32:
		field, count = "float_data", len(tp.GetFloatData())
	case dtype.F64:
		field, count = "double_data", len(tp.GetDoubleData())
	case dtype.I64:
		field, count = "int64_data", len(tp.GetInt64Data())
	case dtype.U32, dtype.U64:
		field, count = "uint64_data", len(tp.GetUint64Data())
	}
	want := n
	if k.Bits() < 8 {
		want = dtype.PackedBytes(n, k.Bits()) // one packed byte per int32
	}
	if count != want || typedCount(tp) != count {
		return nil, fmt.Errorf("has %d values in %s (and %d in other data fields), %v%v needs %d",
			count, field, typedCount(tp)-count, k, tp.GetDims(), want)
	}
	switch field {
	case "float_data":
		v := tp.GetFloatData()
		return build(k, shape, func(i int) uint64 { return uint64(math.Float32bits(v[i])) }), nil
	case "double_data":
		v := tp.GetDoubleData()
		return build(k, shape, func(i int) uint64 { return math.Float64bits(v[i]) }), nil
	case "int64_data":
		v := tp.GetInt64Data()
		return build(k, shape, func(i int) uint64 { return uint64(v[i]) }), nil
	case "uint64_data":
		v := tp.GetUint64Data()
		return build(k, shape, func(i int) uint64 { return v[i] }), nil
	}
	v := tp.GetInt32Data()
	if k.Bits() < 8 {
		packed := make([]byte, len(v))
		for i, x := range v {
			if x < 0 || x > 0xff {
				return nil, fmt.Errorf("int32_data[%d] = %d is not a packed byte", i, x)
			}
			packed[i] = byte(x)
		}
		return fromRaw(k, shape, packed), nil
	}
	return build(k, shape, func(i int) uint64 { return uint64(uint32(v[i])) }), nil
}

// build makes an array of kind k whose element i has the ONNX bit pattern
// code(i) (the low Bits() bits count).
func build(k dtype.Kind, shape []int, code func(i int) uint64) *dtype.Array {
	a := dtype.New(k, shape)
	w := uint(k.Bits())
	switch k.Class() {
	case dtype.ClassFloat:
		for i := range a.F32 {
			if k == dtype.F32 {
				a.F32[i] = math.Float32frombits(uint32(code(i)))
			} else {
				a.F32[i] = dtype.DecodeBits(k, uint32(code(i)))
			}
		}
	case dtype.ClassDouble:
		for i := range a.F64 {
			a.F64[i] = math.Float64frombits(code(i))
		}
	case dtype.ClassInt:
		for i := range a.I64 {
			a.I64[i] = int64(code(i)<<(64-w)) >> (64 - w)
		}
	case dtype.ClassUint:
		for i := range a.U64 {
			a.U64[i] = code(i) << (64 - w) >> (64 - w)
		}
	case dtype.ClassBool:
		for i := range a.Bool {
			a.Bool[i] = code(i)&0xff != 0
		}
	}
	return a
}

// EncodeTensor is the inverse of DecodeTensor: a TensorProto holding a's
// elements in raw_data.
func EncodeTensor(name string, a *dtype.Array) *onnxpb.TensorProto {
	k := a.Kind
	dims := make([]int64, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = int64(d)
	}
	n := a.Len()
	raw := make([]byte, a.Bytes())
	w := k.Bits()
	for i := 0; i < n; i++ {
		c := elemCode(a, i)
		if w < 8 {
			raw[i*w/8] |= byte(c&(1<<w-1)) << (uint(i*w) % 8)
			continue
		}
		for j := 0; j < w/8; j++ {
			raw[i*w/8+j] = byte(c >> (8 * j))
		}
	}
	dt := int32(k)
	return &onnxpb.TensorProto{Name: &name, Dims: dims, DataType: &dt, RawData: raw}
}

// elemCode is the ONNX bit pattern of element i.
func elemCode(a *dtype.Array, i int) uint64 {
	switch a.Kind.Class() {
	case dtype.ClassFloat:
		if a.Kind == dtype.F32 {
			return uint64(math.Float32bits(a.F32[i]))
		}
		return uint64(dtype.EncodeBits(a.Kind, a.F32[i]))
	case dtype.ClassDouble:
		return math.Float64bits(a.F64[i])
	case dtype.ClassInt:
		return uint64(a.I64[i])
	case dtype.ClassUint:
		return a.U64[i]
	case dtype.ClassBool:
		if a.Bool[i] {
			return 1
		}
	}
	return 0
}

// protoOverhead bounds how much bigger than its data a serialized tensor
// file may be: typed int32_data stores a byte in up to 10 bytes (a negative
// varint), plus the name and dims.
const (
	protoOverheadFactor = 10
	protoOverheadBytes  = 1 << 16
)

// ReadTensorFile reads a serialized TensorProto (.pb file, as the ONNX
// backend tests store inputs and outputs); external data is resolved
// relative to the file's folder.
func ReadTensorFile(path string, maxBytes int64) (*dtype.Array, error) {
	return readTensor(os.DirFS(filepath.Dir(path)), filepath.Base(path), path, filepath.Dir(path), maxBytes)
}

// ReadTensorFS is ReadTensorFile for a file of fsys (the embedded zoo, say);
// such a tensor may not use external data.
func ReadTensorFS(fsys fs.FS, name string, maxBytes int64) (*dtype.Array, error) {
	return readTensor(fsys, name, name, "", maxBytes)
}

// readTensor reads a serialized TensorProto; label names it in errors and
// baseDir confines its external data ("" forbids it).
func readTensor(fsys fs.FS, name, label, baseDir string, maxBytes int64) (*dtype.Array, error) {
	st, err := fs.Stat(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", label, errors.Unwrap(err))
	}
	if maxBytes > 0 && maxBytes < (math.MaxInt64-protoOverheadBytes)/protoOverheadFactor &&
		st.Size() > maxBytes*protoOverheadFactor+protoOverheadBytes {
		return nil, fmt.Errorf("onnx: %s: %d bytes is too big for the %d-byte tensor limit", label, st.Size(), maxBytes)
	}
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, fmt.Errorf("onnx: %s: %w", label, errors.Unwrap(err))
	}
	var tp onnxpb.TensorProto
	if err := proto.Unmarshal(b, &tp); err != nil {
		return nil, fmt.Errorf("onnx: %s: not a TensorProto: %w", label, err)
	}
	a, err := DecodeTensor(&tp, baseDir, maxBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", label, err)
	}
	return a, nil
}

// readExternal reads a tensor's external data (ONNX ExternalData.md: keys
// location, offset, length, checksum; basepath is ignored, the model's
// folder is baseDir). The file must resolve, symlinks followed, to a regular
// file inside baseDir (ExternalDataSecurity.md); offset and length must lie
// within it and length must be the size the tensor needs, which is checked
// before reading.
func readExternal(entries []*onnxpb.StringStringEntryProto, baseDir string, size int64) ([]byte, error) {
	var loc, sum string
	offset, length := int64(0), int64(-1)
	for _, e := range entries {
		var err error
		switch e.GetKey() {
		case "location":
			loc = e.GetValue()
		case "offset":
			offset, err = parseNonNeg(e.GetValue())
		case "length":
			length, err = parseNonNeg(e.GetValue())
		case "checksum":
			sum = strings.ToLower(e.GetValue())
		case "basepath":
		default:
			err = errors.New("unknown key")
		}
		if err != nil {
			return nil, fmt.Errorf("external data %s=%q: %w", e.GetKey(), e.GetValue(), err)
		}
	}
	path, err := resolveInside(baseDir, loc)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("external data: %w", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("external data: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("external data %q is not a regular file", loc)
	}
	if length < 0 {
		length = st.Size() - offset
	}
	if offset > st.Size() || length > st.Size()-offset {
		return nil, fmt.Errorf("external data %q: offset %d and length %d pass the end of the %d-byte file", loc, offset, length, st.Size())
	}
	if length != size {
		return nil, fmt.Errorf("external data %q has %d bytes, the tensor needs %d", loc, length, size)
	}
	if sum != "" {
		h := sha1.New()
		if _, err := io.Copy(h, f); err != nil {
			return nil, fmt.Errorf("external data: %w", err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != sum {
			return nil, fmt.Errorf("external data %q: SHA1 is %s, checksum says %s", loc, got, sum)
		}
	}
	buf := make([]byte, length)
	if _, err := f.ReadAt(buf, offset); err != nil {
		return nil, fmt.Errorf("external data %q: %w", loc, err)
	}
	return buf, nil
}

func parseNonNeg(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, errors.New("not a non-negative integer")
	}
	return v, nil
}

// resolveInside resolves a relative location against baseDir and checks
// that the result, symlinks followed, stays inside baseDir.
func resolveInside(baseDir, loc string) (string, error) {
	if loc == "" {
		return "", errors.New("external data has no location")
	}
	slashed := strings.ReplaceAll(loc, "\\", "/")
	if filepath.IsAbs(loc) || strings.HasPrefix(slashed, "/") || filepath.VolumeName(loc) != "" {
		return "", fmt.Errorf("external data location %q is absolute", loc)
	}
	for _, part := range strings.Split(slashed, "/") {
		if part == ".." {
			return "", fmt.Errorf("external data location %q leaves the model's folder", loc)
		}
	}
	base, err := filepath.EvalSymlinks(baseDir)
	if err != nil {
		return "", fmt.Errorf("external data: %w", err)
	}
	if base, err = filepath.Abs(base); err != nil {
		return "", fmt.Errorf("external data: %w", err)
	}
	real, err := filepath.EvalSymlinks(filepath.Join(base, filepath.FromSlash(slashed)))
	if err != nil {
		return "", fmt.Errorf("external data: %w", err)
	}
	if real, err = filepath.Abs(real); err != nil {
		return "", fmt.Errorf("external data: %w", err)
	}
	rel, err := filepath.Rel(base, real)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) || filepath.IsAbs(rel) {
		return "", fmt.Errorf("external data location %q resolves to %s, outside the model's folder", loc, real)
	}
	return real, nil
}
