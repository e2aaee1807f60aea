package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx/onnxpb"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLowerPrintsProgram(t *testing.T) {
	out, err := run("lower", nodeTests+"/test_gemm_default_vector_bias/model.onnx")
	require.NoError(t, err)
	assert.Contains(t, out, "kernel ")
	assert.Contains(t, out, "top forward_kernel(in a: f32[2,7], in b: f32[7,4], in c: f32[1,4], out y: f32[2,4]) {\n  call Gemm_0(a, b, c, y)\n}\n")
}

// TestLowerWritesFiles: -o writes the loop IR, the module and the C, and
// the same command gives byte-identical files.
func TestLowerWritesFiles(t *testing.T) {
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b")}
	for _, dir := range dirs {
		_, err := run("lower", torch+"/cnn1d_opset17/model.onnx", "-o", dir)
		require.NoError(t, err)
	}
	want := readTree(t, dirs[0])
	for _, name := range []string{"forward_kernel.kir", "forward_kernel.ll", "forward_kernel.c", "forward_kernel.h", "forward_kernel_all.c"} {
		assert.Contains(t, want, name)
	}
	assert.Equal(t, want, readTree(t, dirs[1]))

	_, err := run("lower", torch+"/cnn1d_opset17/model.onnx", "-o", dirs[0])
	assert.ErrorContains(t, err, "is not empty (use --force")
	_, err = run("lower", torch+"/cnn1d_opset17/model.onnx", "-o", dirs[0], "--force", "--emit", "kir")
	assert.NoError(t, err)
}

// TestLowerBadInput: what cannot be lowered is an error and nothing is
// written.
func TestLowerBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"empty tensor", []string{emptyModel(t)}, `node "Concat_0" (Concat): tensor "x" of shape [0 4] is empty: not yet (only inputs may be empty)`},
		{"bad emit", []string{nodeTests + "/test_abs/model.onnx", "--emit", "ll,vhdl"}, `--emit "vhdl": want kir, ll or c`},
		{"bad density", []string{nodeTests + "/test_abs/model.onnx", "--sparse-density", "2"}, `--sparse-density 2: a density is at most 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			_, err := run(append([]string{"lower", "-o", dir}, tc.args...)...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			_, statErr := os.Stat(dir)
			assert.True(t, os.IsNotExist(statErr), "%s was written", dir)
		})
	}
}

// emptyModel writes a model with an empty constant whose node writes
// elements, which kiln does not lower yet: y = Concat(x, z), x a constant of
// shape [0, 4], z and y of shape [2, 4].
func emptyModel(t *testing.T) string {
	t.Helper()
	f32 := int32(onnxpb.TensorProto_FLOAT)
	vi := func(name string, rows int64) *onnxpb.ValueInfoProto {
		return &onnxpb.ValueInfoProto{Name: &name, Type: &onnxpb.TypeProto{Value: &onnxpb.TypeProto_TensorType{
			TensorType: &onnxpb.TypeProto_Tensor{ElemType: &f32, Shape: &onnxpb.TensorShapeProto{Dim: []*onnxpb.TensorShapeProto_Dimension{
				{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: rows}},
				{Value: &onnxpb.TensorShapeProto_Dimension_DimValue{DimValue: 4}},
			}}},
		}}}
	}
	op, gname, axis, ir, opset := "Concat", "g", "axis", int64(8), int64(17)
	intType := onnxpb.AttributeProto_INT
	zero, xname := int64(0), "x"
	m := &onnxpb.ModelProto{IrVersion: &ir, OpsetImport: []*onnxpb.OperatorSetIdProto{{Version: &opset}},
		Graph: &onnxpb.GraphProto{Name: &gname,
			Input:       []*onnxpb.ValueInfoProto{vi("z", 2)},
			Initializer: []*onnxpb.TensorProto{{Name: &xname, DataType: &f32, Dims: []int64{0, 4}}},
			Output:      []*onnxpb.ValueInfoProto{vi("y", 2)},
			Node: []*onnxpb.NodeProto{{OpType: &op, Input: []string{"x", "z"}, Output: []string{"y"},
				Attribute: []*onnxpb.AttributeProto{{Name: &axis, Type: &intType, I: &zero}}}}}}
	data, err := proto.Marshal(m)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "empty.onnx")
	require.NoError(t, os.WriteFile(path, data, 0o644))
	return path
}

// TestConformC: `kiln conform --backend c` on ONNX's node tests passes
// every case, as the reference does (backend's TestNativeNodeTests runs
// them on llvm). With -short it is skipped: about 75 s on two cores.
func TestConformC(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: 446 gcc builds")
	}
	needTool(t, "gcc")
	out, err := run("conform", "--backend", "c", nodeTests)
	require.NoError(t, err, out)
	assert.True(t, strings.HasSuffix(out, "\n446 passed, 0 failed, 0 unsupported\n"), "%s", out[max(0, len(out)-2000):])
}
