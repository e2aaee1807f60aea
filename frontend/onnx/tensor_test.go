package onnx

import (
	"bufio"
	"crypto/sha1"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"
	"github.com/kiln-hls/kiln/ir/dtype"
)

// nodeCases is the ONNX backend test data (../shared/testdata/onnx-node).
var nodeCases = filepath.Join("..", "..", "..", "shared", "testdata", "onnx-node")

// Every .pb file of the conformance cases decodes to the kind and shape
// index.tsv lists for it.
func TestReadTensorFileConformance(t *testing.T) {
	f, err := os.Open(filepath.Join(nodeCases, "index.tsv"))
	if err != nil {
		t.Skipf("no conformance data: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	files := 0
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		require.Len(t, cols, 5)
		for io, list := range map[string]string{"input": cols[3], "output": cols[4]} {
			if list == "" {
				continue
			}
			for i, spec := range strings.Split(list, ";") {
				path := filepath.Join(nodeCases, cols[0], "test_data_set_0", io+"_"+strconv.Itoa(i)+".pb")
				a, err := ReadTensorFile(path, 1<<26)
				require.NoError(t, err)
				typ, dims := parseSpec(t, spec)
				assert.Equal(t, typ, onnxpb.TensorProto_DataType(a.Kind).String(), path)
				assert.Equal(t, dims, a.Shape, path)
				files++
			}
		}
	}
	require.NoError(t, sc.Err())
	assert.Greater(t, files, 800)
}

// parseSpec splits index.tsv's "name:TYPE[d0,d1]".
func parseSpec(t *testing.T, spec string) (string, []int) {
	spec = spec[strings.LastIndex(spec, ":")+1:]
	open := strings.Index(spec, "[")
	dims := []int{}
	if body := strings.TrimSuffix(spec[open+1:], "]"); body != "" {
		for _, d := range strings.Split(body, ",") {
			v, err := strconv.Atoi(d)
			require.NoError(t, err)
			dims = append(dims, v)
		}
	}
	return spec[:open], dims
}

// Values of a few conformance files, from the generators in Operators.md's
// Cast examples (np.arange(-9, 16) for int4, np.arange(-3, 4) for int2).
func TestReadTensorFileValues(t *testing.T) {
	read := func(c, file string) *dtype.Array {
		a, err := ReadTensorFile(filepath.Join(nodeCases, c, "test_data_set_0", file), 0)
		if os.IsNotExist(err) {
			t.Skip("no conformance data")
		}
		require.NoError(t, err)
		return a
	}
	a := read("test_cast_FLOAT_to_INT4", "input_0.pb")
	for i := range 25 {
		assert.Equal(t, float32(i-9), a.F32[i])
	}
	a = read("test_cast_INT4_to_INT8", "output_0.pb")
	assert.Equal(t, dtype.I8, a.Kind)
	a = read("test_cast_FLOAT_to_INT2", "output_0.pb") // int2 wraps -3..3
	assert.Equal(t, []int64{1, -2, -1, 0, 1, -2, -1}, a.I64)
	a = read("test_cast_FLOAT_to_UINT4", "output_0.pb")
	assert.Equal(t, uint64(7), a.U64[0]) // -9 wraps to 7
	a = read("test_dequantizelinear", "input_0.pb")
	assert.Equal(t, []uint64{0, 3, 128, 255}, a.U64)
}

func ptr[T any](v T) *T { return &v }

func TestDecodeTensorTyped(t *testing.T) {
	dt := func(k dtype.Kind) *int32 { return ptr(int32(k)) }
	nan := float32(math.NaN())
	tests := []struct {
		name string
		tp   *onnxpb.TensorProto
		want *dtype.Array
	}{
		{"float_data", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{2}, FloatData: []float32{1.5, -2}},
			&dtype.Array{Kind: dtype.F32, Shape: []int{2}, F32: []float32{1.5, -2}}},
		{"scalar", &onnxpb.TensorProto{DataType: dt(dtype.I64), Int64Data: []int64{-7}},
			&dtype.Array{Kind: dtype.I64, Shape: []int{}, I64: []int64{-7}}},
		{"double_data", &onnxpb.TensorProto{DataType: dt(dtype.F64), Dims: []int64{1}, DoubleData: []float64{0.1}},
			&dtype.Array{Kind: dtype.F64, Shape: []int{1}, F64: []float64{0.1}}},
		{"uint64_data u32", &onnxpb.TensorProto{DataType: dt(dtype.U32), Dims: []int64{1}, Uint64Data: []uint64{4000000000}},
			&dtype.Array{Kind: dtype.U32, Shape: []int{1}, U64: []uint64{4000000000}}},
		{"int32_data i8", &onnxpb.TensorProto{DataType: dt(dtype.I8), Dims: []int64{2}, Int32Data: []int32{-5, 127}},
			&dtype.Array{Kind: dtype.I8, Shape: []int{2}, I64: []int64{-5, 127}}},
		{"int32_data bool", &onnxpb.TensorProto{DataType: dt(dtype.Bool), Dims: []int64{2}, Int32Data: []int32{1, 0}},
			&dtype.Array{Kind: dtype.Bool, Shape: []int{2}, Bool: []bool{true, false}}},
		{"int32_data f16 bits", &onnxpb.TensorProto{DataType: dt(dtype.F16), Dims: []int64{2}, Int32Data: []int32{0x3c00, 0xc000}},
			&dtype.Array{Kind: dtype.F16, Shape: []int{2}, F32: []float32{1, -2}}},
		{"int32_data e4m3fn bits", &onnxpb.TensorProto{DataType: dt(dtype.F8E4M3FN), Dims: []int64{2}, Int32Data: []int32{0x7e, 0x38}},
			&dtype.Array{Kind: dtype.F8E4M3FN, Shape: []int{2}, F32: []float32{448, 1}}},
		{"int32_data packed i4", &onnxpb.TensorProto{DataType: dt(dtype.I4), Dims: []int64{3}, Int32Data: []int32{0x8f, 0x07}},
			&dtype.Array{Kind: dtype.I4, Shape: []int{3}, I64: []int64{-1, -8, 7}}},
		{"int32_data packed u2", &onnxpb.TensorProto{DataType: dt(dtype.U2), Dims: []int64{5}, Int32Data: []int32{0xe4, 0x03}},
			&dtype.Array{Kind: dtype.U2, Shape: []int{5}, U64: []uint64{0, 1, 2, 3, 3}}},
		{"raw f4e2m1", &onnxpb.TensorProto{DataType: dt(dtype.F4E2M1), Dims: []int64{3}, RawData: []byte{0xf1, 0x07}},
			&dtype.Array{Kind: dtype.F4E2M1, Shape: []int{3}, F32: []float32{0.5, -6, 6}}},
		{"raw i16", &onnxpb.TensorProto{DataType: dt(dtype.I16), Dims: []int64{1}, RawData: []byte{0x00, 0x80}},
			&dtype.Array{Kind: dtype.I16, Shape: []int{1}, I64: []int64{-32768}}},
		{"zero size", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{3, 0}},
			&dtype.Array{Kind: dtype.F32, Shape: []int{3, 0}, F32: []float32{}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeTensor(tt.tp, t.TempDir(), 0)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("e5m2 nan", func(t *testing.T) {
		got, err := DecodeTensor(&onnxpb.TensorProto{DataType: dt(dtype.F8E5M2), Dims: []int64{1}, RawData: []byte{0x7e}}, "", 0)
		require.NoError(t, err)
		assert.True(t, math.IsNaN(float64(got.F32[0])), "%v", nan)
	})
}

func TestDecodeTensorErrors(t *testing.T) {
	dt := func(k dtype.Kind) *int32 { return ptr(int32(k)) }
	tests := []struct {
		name string
		tp   *onnxpb.TensorProto
		max  int64
		want string
	}{
		{"string", &onnxpb.TensorProto{Name: ptr("s"), DataType: dt(dtype.String), Dims: []int64{1}}, 0, "not supported"},
		{"complex", &onnxpb.TensorProto{DataType: dt(dtype.C64), Dims: []int64{1}}, 0, "not supported"},
		{"truncated raw", &onnxpb.TensorProto{Name: ptr("w"), DataType: dt(dtype.F32), Dims: []int64{2, 2}, RawData: make([]byte, 15)}, 0, `tensor "w": raw data has 15 bytes`},
		{"too long raw", &onnxpb.TensorProto{DataType: dt(dtype.I4), Dims: []int64{3}, RawData: make([]byte, 3)}, 0, "needs 2"},
		{"short typed", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{3}, FloatData: []float32{1}}, 0, "1 values in float_data"},
		{"wrong field", &onnxpb.TensorProto{DataType: dt(dtype.I64), Dims: []int64{1}, Int32Data: []int32{1}}, 0, "int64_data"},
		{"scalar without data", &onnxpb.TensorProto{DataType: dt(dtype.F32)}, 0, "needs 1"},
		{"negative dim", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{-1}}, 0, "dimension 0 is -1"},
		{"overflowing dims", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{1 << 40, 1 << 40}}, 0, "limit"},
		{"over limit", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{1 << 20}}, 1 << 10, "1024-byte tensor limit"},
		{"both raw and typed", &onnxpb.TensorProto{DataType: dt(dtype.F32), Dims: []int64{1}, RawData: make([]byte, 4), FloatData: []float32{1}}, 0, "both"},
		{"packed byte out of range", &onnxpb.TensorProto{DataType: dt(dtype.U4), Dims: []int64{2}, Int32Data: []int32{256}}, 0, "packed byte"},
		{"segment", &onnxpb.TensorProto{DataType: dt(dtype.F32), Segment: &onnxpb.TensorProto_Segment{}}, 0, "segmented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTensor(tt.tp, "", tt.max)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// EncodeTensor and DecodeTensor are inverses for every kind.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	for k := dtype.Kind(1); k.Valid(); k++ {
		if !k.Computable() {
			continue
		}
		t.Run(k.String(), func(t *testing.T) {
			a := dtype.New(k, []int{5})
			vals := []float64{0, 1, -1, 3, 0.5}
			if k == dtype.F8E8M0 { // powers of two only
				vals = []float64{1, 2, 0.5, 4, 0x1p-127}
			}
			for i, v := range vals {
				a.Set(i, v)
			}
			got, err := DecodeTensor(EncodeTensor("x", a), "", 0)
			require.NoError(t, err)
			assert.Equal(t, a, got)
		})
	}
}

func externalProto(loc string, kv ...string) *onnxpb.TensorProto {
	ext := []*onnxpb.StringStringEntryProto{{Key: ptr("location"), Value: ptr(loc)}}
	for i := 0; i+1 < len(kv); i += 2 {
		ext = append(ext, &onnxpb.StringStringEntryProto{Key: ptr(kv[i]), Value: ptr(kv[i+1])})
	}
	return &onnxpb.TensorProto{
		Name: ptr("w"), DataType: ptr(int32(dtype.I16)), Dims: []int64{2},
		DataLocation: onnxpb.TensorProto_EXTERNAL.Enum(), ExternalData: ext,
	}
}

func TestDecodeTensorExternal(t *testing.T) {
	root := t.TempDir()
	model := filepath.Join(root, "model")
	require.NoError(t, os.MkdirAll(filepath.Join(model, "sub"), 0o755))
	data := []byte{0xaa, 0xbb, 0x01, 0x00, 0xff, 0xff}
	require.NoError(t, os.WriteFile(filepath.Join(model, "sub", "w.bin"), data, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "secret.bin"), data, 0o644))
	require.NoError(t, os.Symlink(filepath.Join(root, "secret.bin"), filepath.Join(model, "out.bin")))
	require.NoError(t, os.Symlink(filepath.Join(model, "sub", "w.bin"), filepath.Join(model, "in.bin")))
	require.NoError(t, os.Symlink(root, filepath.Join(model, "up")))

	ok := []struct {
		name string
		tp   *onnxpb.TensorProto
	}{
		{"offset", externalProto("sub/w.bin", "offset", "2")},
		{"offset and length", externalProto("sub/w.bin", "offset", "2", "length", "4")},
		{"symlink inside", externalProto("in.bin", "offset", "2")},
		{"checksum", externalProto("sub/w.bin", "offset", "2", "checksum", fmt.Sprintf("%x", sha1.Sum(data)))},
	}
	for _, tt := range ok {
		t.Run(tt.name, func(t *testing.T) {
			a, err := DecodeTensor(tt.tp, model, 0)
			require.NoError(t, err)
			assert.Equal(t, []int64{1, -1}, a.I64)
		})
	}
	bad := []struct {
		name string
		tp   *onnxpb.TensorProto
		want string
	}{
		{"whole file is too long", externalProto("sub/w.bin"), "has 6 bytes, the tensor needs 4"},
		{"dotdot", externalProto("../secret.bin"), "leaves the model's folder"},
		{"dotdot inside", externalProto("sub/../../secret.bin"), "leaves the model's folder"},
		{"absolute", externalProto(filepath.Join(root, "secret.bin")), "absolute"},
		{"symlink outside", externalProto("out.bin", "offset", "2"), "outside the model's folder"},
		{"symlinked folder outside", externalProto("up/secret.bin", "offset", "2"), "outside the model's folder"},
		{"missing", externalProto("nope.bin"), "no such file"},
		{"past the end", externalProto("sub/w.bin", "offset", "4", "length", "4"), "pass the end"},
		{"negative offset", externalProto("sub/w.bin", "offset", "-1"), "non-negative"},
		{"huge length", externalProto("sub/w.bin", "length", "99999999999999"), "pass the end"},
		{"bad checksum", externalProto("sub/w.bin", "offset", "2", "checksum", "00"), "SHA1"},
		{"unknown key", externalProto("sub/w.bin", "__class__", "x"), "unknown key"},
		{"no location", externalProto("", "offset", "2"), "no location"},
		{"folder", externalProto("sub"), "regular file"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeTensor(tt.tp, model, 0)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.Contains(t, err.Error(), `tensor "w"`)
		})
	}
}

func TestReadTensorFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.pb")
	require.NoError(t, os.WriteFile(bad, []byte{0xff, 0xff, 0xff}, 0o644))
	_, err := ReadTensorFile(bad, 0)
	assert.ErrorContains(t, err, "not a TensorProto")

	big := filepath.Join(dir, "big.pb")
	b, err := proto.Marshal(&onnxpb.TensorProto{DataType: ptr(int32(dtype.F32)), Dims: []int64{1 << 16}, RawData: make([]byte, 1<<18)})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(big, b, 0o644))
	_, err = ReadTensorFile(big, 1<<10)
	assert.ErrorContains(t, err, "limit")
	a, err := ReadTensorFile(big, 0)
	require.NoError(t, err)
	assert.Equal(t, 1<<16, a.Len())
}

// DecodeTensor never panics and never decodes past its limit, whatever the
// message holds.
func FuzzDecodeTensor(f *testing.F) {
	for _, k := range []dtype.Kind{dtype.F32, dtype.I4, dtype.F8E5M2, dtype.U2, dtype.Bool} {
		a := dtype.New(k, []int{3})
		b, err := proto.Marshal(EncodeTensor("x", a))
		require.NoError(f, err)
		f.Add(b)
	}
	b, err := proto.Marshal(&onnxpb.TensorProto{DataType: ptr(int32(dtype.U4)), Dims: []int64{3}, Int32Data: []int32{0x21, 0x03}})
	require.NoError(f, err)
	f.Add(b)
	f.Fuzz(func(t *testing.T, data []byte) {
		var tp onnxpb.TensorProto
		if proto.Unmarshal(data, &tp) != nil {
			return
		}
		tp.DataLocation = nil // no file access
		tp.ExternalData = nil
		a, err := DecodeTensor(&tp, "", 1<<16)
		if err == nil {
			require.LessOrEqual(t, a.Bytes(), int64(1<<16))
			require.Equal(t, dtype.Size(a.Shape), a.Len())
		}
	})
}
