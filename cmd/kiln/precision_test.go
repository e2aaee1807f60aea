package main

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kiln eval --precision --json: the contract's fields, and a digest that
// identifies the outputs (equal for equal runs, different across
// precisions).
func TestEvalPrecisionJSON(t *testing.T) {
	out, err := run("eval", "lstm", "--precision", "fp16", "--precision", "fixed<16,6>", "--windows", "1", "--json")
	require.NoError(t, err, out)
	var reps []map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &reps), out)
	require.Len(t, reps, 2)
	for _, r := range reps {
		for _, k := range []string{"model", "precision", "backend", "rmse", "max_abs_error", "rel_rmse", "outputs_sha256", "narrow_casts", "overflows", "overflow_share"} {
			assert.Contains(t, r, k)
		}
		assert.Equal(t, "loop", r["backend"])
		assert.Len(t, r["outputs_sha256"], 64)
	}
	assert.Equal(t, "fp16", reps[0]["precision"])
	assert.Equal(t, "fixed<16,6>", reps[1]["precision"])
	assert.NotEqual(t, reps[0]["outputs_sha256"], reps[1]["outputs_sha256"])
	assert.Greater(t, reps[1]["narrow_casts"], 0.0)
	assert.Less(t, reps[0]["rel_rmse"], 0.01)

	again, err := run("eval", "lstm", "--precision", "fixed<16,6>", "--windows", "1", "--json")
	require.NoError(t, err)
	var one map[string]any
	require.NoError(t, json.Unmarshal([]byte(again), &one))
	assert.Equal(t, reps[1]["outputs_sha256"], one["outputs_sha256"], "deterministic")
}

func TestEvalPrecisionTable(t *testing.T) {
	out, err := run("eval", "lstm", "--precision", "int8", "--windows", "1")
	require.NoError(t, err, out)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2, out)
	assert.Contains(t, lines[0], "rel RMSE")
	assert.Regexp(t, `^lstm +int8 +loop +\d\.\d{3}e[-+]\d\d `, lines[1])
}

// A malformed spec is an error that quotes it and says what is wrong.
func TestEvalPrecisionErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--precision", "fixed<4,9>"}, `fixed<4,9>`},
		{[]string{"--precision", "int7"}, `int7 is not supported; want int8 or int16`},
		{[]string{"--precision", "default=fp16,no_such_layer=int8"}, `no_such_layer`},
		{[]string{"--precision", "fp16", "--budget", "1%"}, "--budget applies to --precision auto only"},
		{[]string{"--precision", "auto"}, "--precision auto needs --budget"},
		{[]string{"--precision", "auto", "--budget", "-3%"}, `--budget "-3%"`},
		{[]string{"--precision", "auto", "--precision", "fp16", "--budget", "1%"}, "cannot be combined"},
		{[]string{"--precision", "fp16", "--backend", "ref"}, "--backend ref"},
		{[]string{"--precision", "fp16", "--windows", "-1"}, "--windows -1"},
		{[]string{"--json"}, "need --precision"},
		{[]string{"--lut-nearest"}, "need --precision"},
		{[]string{"--precision", "fixed<16,6>", "--lut-range", "-8,8,9"}, "--lut-range: want two numbers LO,HI, got 3"},
		{[]string{"--precision", "fixed<16,6>", "--lut-size", "0"}, "--lut-size 0"},
		{[]string{"--precision", "fp16", "--backend", "verilog"}, `backend "verilog"`},
	} {
		out, err := run(append([]string{"eval", "lstm", "--windows", "1"}, c.args...)...)
		require.Error(t, err, "%v: %s", c.args, out)
		assert.Contains(t, err.Error(), c.want, "%v", c.args)
	}
}

func TestLowerPrecision(t *testing.T) {
	dir := t.TempDir()
	out, err := run("lower", "cnn", "--precision", "fp16", "-o", dir, "--emit", "kir")
	require.NoError(t, err, out)
	fp, err := os.ReadFile(filepath.Join(dir, "bambu_fp_format.txt"))
	require.NoError(t, err)
	assert.Regexp(t, `^--fp-format=Slice\*e5m10b-15nih,.*dense_layer_Gemm\*e5m10b-15nih,Reshape_1\*e5m10b-15nih\n$`, string(fp))
	rep, err := os.ReadFile(filepath.Join(dir, "narrow_report.txt"))
	require.NoError(t, err)
	assert.Contains(t, string(rep), "narrow-precision fp16: 6 kernels")
	kir, err := os.ReadFile(filepath.Join(dir, "forward_kernel.kir"))
	require.NoError(t, err)
	assert.Contains(t, string(kir), ": f16[")

	// int8 calibrates on the built-in model's data; printed, not written.
	out, err = run("lower", "lstm", "--precision", "int8")
	require.NoError(t, err)
	assert.Contains(t, out, "fixed<8,")

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lower", torch + "/lstm_opset13/model.onnx", "--precision", "int8"}, "give --data DIR"},
		{[]string{"lower", "lstm", "--precision", "auto"}, "search with kiln eval --precision auto"},
		{[]string{"lower", "lstm", "--precision", "fixed<4,9>"}, "fixed<4,9>"},
		{[]string{"lower", "lstm", "--data", dir}, "--data and --lut-* apply with --precision only"},
		{[]string{"lower", "lstm", "--lut-size", "64"}, "--data and --lut-* apply with --precision only"},
		{[]string{"lower", "lstm", "--precision", "fixed<16,6>", "--lut-size", "100"}, "is not a power of two"},
	} {
		_, err := run(c.args...)
		require.Error(t, err, "%v", c.args)
		assert.Contains(t, err.Error(), c.want, "%v", c.args)
	}
}

// An output that overflowed to infinity makes RMSE +Inf: --json still
// prints (encoding/json refuses non-finite floats).
func TestNumberJSON(t *testing.T) {
	b, err := json.Marshal([]number{1.5, number(math.Inf(1)), number(math.NaN()), number(math.Inf(-1))})
	require.NoError(t, err)
	assert.Equal(t, `[1.5,"+Inf","NaN","-Inf"]`, string(b))
}
