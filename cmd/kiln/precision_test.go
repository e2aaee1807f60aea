package main

import (
	"encoding/json"
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
		{[]string{"--precision", "fp16", "--backend", "verilog"}, `backend "verilog"`},
	} {
		out, err := run(append([]string{"eval", "lstm", "--windows", "1"}, c.args...)...)
		require.Error(t, err, "%v: %s", c.args, out)
		assert.Contains(t, err.Error(), c.want, "%v", c.args)
	}
}
