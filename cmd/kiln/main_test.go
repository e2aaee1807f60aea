package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/protobuf/proto"

	"github.com/kiln-hls/kiln/frontend/onnx"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func run(args ...string) (string, error) {
	root := newRoot()
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(args)
	err := root.Execute()
	return out.String(), err
}

const (
	nodeTests = "../../../shared/testdata/onnx-node"
	torch     = "../../frontend/onnx/testdata/torch"
)

func TestConformContract(t *testing.T) {
	out, err := run("conform", nodeTests+"/test_abs", nodeTests+"/test_lstm_batchwise")
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	assert.Equal(t, []string{"PASS test_abs", "PASS test_lstm_batchwise", "2 passed, 0 failed, 0 unsupported"}, lines)
}

// TestBackends: node tests and the built-in models pass on the lowering
// back ends (cnn is interpreted: gcc and clang take half a minute over its
// 4.6 MB of weights; stgcn's 3.6 G multiply-adds take minutes in the
// interpreter, a second compiled).
func TestBackends(t *testing.T) {
	out, err := run("conform", "--backend", "loop", nodeTests+"/test_abs", nodeTests+"/test_lstm_batchwise")
	require.NoError(t, err, out)
	assert.Equal(t, "PASS test_abs\nPASS test_lstm_batchwise\n2 passed, 0 failed, 0 unsupported\n", out)

	// The built-in models on their embedded windows, and the PyTorch
	// exports of frontend/onnx/testdata on their data, on every back end.
	models := [][]string{{"lstm"}, {"cnn"}, {"stgcn"}}
	for _, m := range []string{"lstm_opset13", "lstm_opset17", "cnn1d_opset13", "cnn1d_opset17", "cnn2d_opset17",
		"cnn2d_keepbn_opset13", "cnn2d_keepbn_opset17", "gcn_opset13", "gcn_opset17"} {
		models = append(models, []string{torch + "/" + m + "/model.onnx", "--data", torch + "/" + m})
	}
	tools := map[string]string{"loop": "", "llvm": "clang-16", "c": "gcc"}
	for _, m := range models {
		name := m[0]
		if len(m) > 1 {
			name = filepath.Base(m[2])
		}
		for _, backend := range []string{"loop", "llvm", "c"} {
			t.Run(name+"/"+backend, func(t *testing.T) {
				if tool := tools[backend]; tool != "" {
					needTool(t, tool)
				}
				if m[0] == "stgcn" && backend == "loop" {
					t.Skip("the STGCN's 16 windows take about 100 s in the interpreter; backend.TestSTGCNLoopWindow runs one")
				}
				t.Parallel()
				out, err := run(append([]string{"eval", "--backend", backend}, m...)...)
				require.NoError(t, err, out)
				assert.Regexp(t, `^(PASS test_data_set_\d+\n)+\d+ passed, 0 failed, 0 unsupported\n$`, out)
			})
		}
	}
}

func TestConformFailsOnMismatch(t *testing.T) {
	// The LSTM's stored output with another model's data: eval must fail,
	// name the worst element, and exit 1.
	out, err := run("eval", torch+"/lstm_opset13/model.onnx", "--data", torch+"/lstm_opset17")
	require.NoError(t, err, "same model at another opset: must match")
	assert.Contains(t, out, "1 passed, 0 failed, 0 unsupported")

	out, err = run("eval", torch+"/cnn2d_opset13/model.onnx", "--data", torch+"/cnn2d_keepbn_opset13")
	require.NoError(t, err, "BatchNorm kept or folded: same numbers")
	assert.Contains(t, out, "1 passed")

	out, err = run("eval", torch+"/gcn_opset13/model.onnx", "--data", torch+"/cnn2d_opset13")
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "FAIL test_data_set_0: output 0 (y): shape [2 2 9 10], want [2 4 4 5]")
	assert.Contains(t, out, "0 passed, 1 failed, 0 unsupported")
}

func TestEvalNamesWorstElement(t *testing.T) {
	dir := t.TempDir()
	set := filepath.Join(dir, "test_data_set_0")
	require.NoError(t, os.MkdirAll(set, 0o755))
	in, err := os.ReadFile(torch + "/lstm_opset13/test_data_set_0/input_0.pb")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(set, "input_0.pb"), in, 0o644))
	want, err := onnx.ReadTensorFile(torch+"/lstm_opset13/test_data_set_0/output_0.pb", 1<<20)
	require.NoError(t, err)
	want.F32[5] += 0.01 // [0 0 5] is now off by 0.01, far beyond the tolerance
	data, err := proto.Marshal(onnx.EncodeTensor("y", want))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(set, "output_0.pb"), data, 0o644))

	out, err := run("eval", torch+"/lstm_opset13/model.onnx", "--data", dir)
	assert.Equal(t, 1, exitCode(err))
	assert.Contains(t, out, "FAIL test_data_set_0: output 0 (y): element [0 0 5] is")
	assert.Contains(t, out, "(|error| 0.01)")
}

func TestInspect(t *testing.T) {
	out, err := run("inspect", torch+"/lstm_study_opset17/model.onnx")
	require.NoError(t, err)
	assert.Contains(t, out, "symbol batch_size = 1")
	assert.Contains(t, out, "7 nodes, 316912 parameters, 3333120 MACs per inference")

	// gcn: 40 + 72 + 50 weights; the 10×10 normalised adjacency (33
	// non-zeros) is graph structure, and Â·H counts 33·8 MACs per step.
	out, err = run("inspect", torch+"/gcn_opset13/model.onnx")
	require.NoError(t, err)
	assert.Contains(t, out, "9 nodes, 162 parameters, 17784 MACs per inference")

	out, err = run("inspect", "--ir", "--batch", "4", torch+"/lstm_opset13/model.onnx")
	require.NoError(t, err)
	assert.Contains(t, out, "input  %x: f32[4,10,8]")
	assert.NotContains(t, out, "ConstantOfShape(")
}

func TestBadInput(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"inspect", "nope.onnx"}, "no such file"},
		{[]string{"inspect", "--batch", "-2", torch + "/lstm_opset13/model.onnx"}, "--batch -2"},
		{[]string{"inspect", "--dim", "x", torch + "/lstm_opset13/model.onnx"}, `--dim "x"`},
		{[]string{"inspect", "--dump-after", "fold", torch + "/lstm_opset13/model.onnx"}, `--dump-after "fold": no such pass`},
		{[]string{"inspect", "--max-tensor-bytes", "1000", torch + "/lstm_study_opset17/model.onnx"}, "limit"},
		{[]string{"eval", torch + "/lstm_opset13/model.onnx"}, "--data DIR is required"},
		{[]string{"eval", "lstn"}, `no built-in model "lstn"; kiln has lstm, cnn, stgcn`},
		{[]string{"inspect", "resnet"}, `no built-in model "resnet"; kiln has lstm, cnn, stgcn`},
		{[]string{"eval", "--backend", "vhdl", "--data", torch + "/lstm_opset13", torch + "/lstm_opset13/model.onnx"}, `backend "vhdl" is not available; kiln has ref, loop, llvm, c`},
		{[]string{"conform", "--backend", "vhdl", nodeTests + "/test_abs"}, `backend "vhdl" is not available`},
		{[]string{"conform", "--jobs", "0", nodeTests + "/test_abs"}, "--jobs 0"},
		{[]string{"conform", "main.go"}, "is not a folder"},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			_, err := run(tc.args...)
			require.Error(t, err)
			assert.Equal(t, 2, exitCode(err))
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestPassesList(t *testing.T) {
	out, err := run("passes")
	require.NoError(t, err)
	assert.Contains(t, out, "fold-constants")
	assert.Contains(t, out, "eliminate-dead")
}

func TestGridsim(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	args := []string{"gridsim", "-n", "2", "--seed", "7", "-o", dir, "--data", "../../../shared/data/ieee68"}
	out, err := run(args...)
	require.NoError(t, err)
	assert.Contains(t, out, "gridsim: 2 scenarios")
	first, err := os.ReadFile(filepath.Join(dir, "scenario_001.npy"))
	require.NoError(t, err)
	assert.Equal(t, 128+1400*136*4, len(first), ".npy header + 1400×136 float32")

	_, err = run(args...)
	require.Error(t, err, "a non-empty folder needs --force")
	assert.Contains(t, err.Error(), "is not empty")

	_, err = run(append(args, "--force")...)
	require.NoError(t, err)
	again, err := os.ReadFile(filepath.Join(dir, "scenario_001.npy"))
	require.NoError(t, err)
	assert.Equal(t, first, again, "same seed, same bytes")
	ents, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, ents, 3, "two scenarios and the manifest, no temporary files")

	_, err = run("gridsim", "-n", "0", "-o", dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-n 0")
}
