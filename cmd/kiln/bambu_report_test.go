package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bambuLogs = "../../../shared/calibration/bambu-logs"

// bambuDir copies one example of bambuLogs into a temporary directory and
// adds the extra files.
func bambuDir(t *testing.T, example string, extra map[string]string) string {
	dir := t.TempDir()
	entries, err := os.ReadDir(filepath.Join(bambuLogs, example))
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(bambuLogs, example, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
	}
	for name, body := range extra {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644))
	}
	return dir
}

// kilnReportJSON is a hand-written report.json in DESIGN.md's `kiln sim
// --json` form: 1300 cycles against Bambu's 1286 (+1.09%), 2000 flip-flops
// against the log's estimate 1951 (+2.51%), 0 DSPs against 0; LUTs, BRAMs
// and power Bambu's log does not give.
const kilnReportJSON = `{
  "model": "batch_matmul", "target": "nangate45", "clock_mhz": 200, "precision": "fp32", "batch": 1,
  "cycles": 1300, "latency_us": 6.5, "interval_cycles": 1300, "throughput_inf_s": 153846,
  "resources": {"lut": 900, "ff": 2000, "dsp": 0, "bram": 0, "area_um2": 30000},
  "power_w": 0.1, "energy_uj": 0.65, "layers": []
}
`

func TestBambuReportSideBySide(t *testing.T) {
	dir := bambuDir(t, "tensorflow-tutorial-2024.10/baseline", map[string]string{"report.json": kilnReportJSON})
	out, err := run("bambu-report", dir)
	require.NoError(t, err)
	assert.Regexp(t, `(?m)^cycles +1286 +1300 +\+1\.09% +bambu-log:561$`, out)
	assert.Regexp(t, `(?m)^ff +1951 +2000 +\+2\.51% +est_flip_flops from bambu-log:479$`, out)
	assert.Regexp(t, `(?m)^dsp +0 +0 +\+0\.00% +est_dsps from bambu-log:465$`, out)
	assert.NotRegexp(t, `(?m)^(lut|bram|power_w|latency_us|area_um2) `, out, "figures Bambu's log does not have")
	assert.Regexp(t, `(?m)^FSM states +83 +bambu-log:427$`, out)

	out, err = run("bambu-report", "--json", dir)
	require.NoError(t, err)
	var got struct {
		Top        string         `json:"top_function"`
		States     float64        `json:"states"`
		Kiln       map[string]any `json:"kiln"`
		Comparison []comparison   `json:"comparison"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "main_kernel", got.Top)
	assert.Equal(t, 83.0, got.States)
	assert.Equal(t, "batch_matmul", got.Kiln["model"], "report.json as it is")
	require.Len(t, got.Comparison, 3)
	want := []struct {
		figure      string
		bambu, kiln float64
		rel         float64
	}{{"cycles", 1286, 1300, 14.0 / 1286}, {"ff", 1951, 2000, 49.0 / 1951}, {"dsp", 0, 0, 0}}
	for i, w := range want {
		c := got.Comparison[i]
		assert.Equal(t, w.figure, c.Figure)
		assert.Equal(t, w.bambu, c.Bambu)
		assert.Equal(t, w.kiln, c.Kiln)
		require.NotNil(t, c.RelError)
		assert.InDelta(t, w.rel, *c.RelError, 1e-15)
	}
}

// TestBambuReportVivadoComparison compares with the ISC'22 Vivado figures:
// LUTs and flip-flops from synthesis, a BRAM count kiln gets wrong against
// Bambu's 0 (no relative error), latency from TIME.
func TestBambuReportVivadoComparison(t *testing.T) {
	report := `{"cycles": 1542, "latency_us": 7.71, "resources": {"lut": 2000, "ff": 2265, "dsp": 4, "bram": 1}}`
	dir := bambuDir(t, "isc2022-tutorial-0.9.7-dev/baseline", map[string]string{"report.json": report})
	out, err := run("bambu-report", dir)
	require.NoError(t, err)
	for _, re := range []string{
		`(?m)^cycles +1542 +1542 +\+0\.00% +bambu_results_1\.xml:3$`,
		`(?m)^latency_us +7\.305996 +7\.71 +\+5\.53% +bambu_results_1\.xml:14$`,
		`(?m)^lut +2398 +2000 +-16\.60% +bambu_results_1\.xml:7$`,
		`(?m)^ff +2265 +2265 +\+0\.00% +bambu_results_1\.xml:8$`,
		`(?m)^dsp +2 +4 +\+100\.00% +bambu_results_1\.xml:9$`,
		`(?m)^bram +0 +1 +— +bambu_results_1\.xml:10$`,
	} {
		assert.Regexp(t, re, out)
	}
}

func TestBambuReportEveryExample(t *testing.T) {
	for _, ex := range []string{
		"tensorflow-tutorial-2024.10/baseline", "tensorflow-tutorial-2024.10/optimized",
		"pact2022-tutorial-0.9.8/baseline", "pact2022-tutorial-0.9.8/optimized",
		"isc2022-tutorial-0.9.7-dev/baseline", "isc2022-tutorial-0.9.7-dev/optimized",
	} {
		t.Run(ex, func(t *testing.T) {
			out, err := run("bambu-report", "--json", filepath.Join(bambuLogs, ex))
			require.NoError(t, err)
			var got map[string]any
			require.NoError(t, json.Unmarshal([]byte(out), &got))
			assert.Equal(t, "main_kernel", got["top_function"])
			assert.NotContains(t, got, "comparison")
			out, err = run("bambu-report", filepath.Join(bambuLogs, ex))
			require.NoError(t, err)
			assert.Regexp(t, `(?m)^cycles per call, avg +\d+ `, out)
		})
	}
}

func TestBambuReportErrors(t *testing.T) {
	empty := t.TempDir()
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no dir", []string{"bambu-report"}, "accepts 1 arg(s), received 0"},
		{"missing dir", []string{"bambu-report", filepath.Join(empty, "gone")}, "gone: no such file or directory"},
		{"empty dir", []string{"bambu-report", empty}, "no Bambu results in " + empty + ": looked for bambu_results_*.xml"},
		{"bad report.json", []string{"bambu-report", bambuDir(t, "pact2022-tutorial-0.9.8/baseline",
			map[string]string{"report.json": "{\n  \"cycles\": 12,\n  \"resources\": {\"lut\": ,}\n}\n"})}, "report.json:3: invalid character ','"},
		{"report.json types", []string{"bambu-report", bambuDir(t, "pact2022-tutorial-0.9.8/baseline",
			map[string]string{"report.json": "{\n  \"cycles\": \"many\"\n}\n"})}, "report.json:2: json: cannot unmarshal string"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := run(c.args...)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
			assert.False(t, strings.Contains(err.Error(), "panic"))
		})
	}
}
