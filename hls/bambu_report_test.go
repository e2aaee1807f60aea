package hls

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bambuLogs holds verbatim Bambu output (../shared/calibration/README.md,
// "bambu-logs").
const bambuLogs = "../../shared/calibration/bambu-logs"

// bambuExamples lists the example folders: every folder of bambuLogs that
// holds files, as "setup/variant".
func bambuExamples(t testing.TB) []string {
	var out []string
	err := filepath.WalkDir(bambuLogs, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(bambuLogs, filepath.Dir(path))
		if len(out) == 0 || out[len(out)-1] != rel {
			out = append(out, rel)
		}
		return nil
	})
	require.NoError(t, err)
	require.Len(t, out, 6, "the six example folders of calibration/README.md")
	return out
}

func TestBambuReportGolden(t *testing.T) {
	for _, ex := range bambuExamples(t) {
		t.Run(ex, func(t *testing.T) {
			r, err := ReadBambuReport(filepath.Join(bambuLogs, ex))
			require.NoError(t, err)
			got, err := json.MarshalIndent(r, "", "  ")
			require.NoError(t, err)
			got = append(got, '\n')
			golden := filepath.Join("testdata", "bambu_report", strings.ReplaceAll(ex, string(filepath.Separator), "_")+".json")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
				require.NoError(t, os.WriteFile(golden, got, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "run go test ./hls -run BambuReportGolden -update")
			assert.Equal(t, string(want), string(got))
		})
	}
}

func f64(v float64) *float64 { return &v }

// TestBambuReportCalibration checks figures against the values that
// ../shared/calibration/soda_tutorial_batch_matmul.csv extracted by hand
// from the same files (cycles, fsm_states, est_area, est_fmax_mhz,
// flip_flops; luts, slices, registers, dsps, brams, achieved_period_ns,
// fmax_mhz for ISC'22).
func TestBambuReportCalibration(t *testing.T) {
	type want struct {
		cycles, states, estArea, fmax, ffs float64
	}
	logs := map[string]want{
		"tensorflow-tutorial-2024.10/baseline":  {1286, 83, 100086, 201.39677739563058, 1951},
		"tensorflow-tutorial-2024.10/optimized": {56, 56, 507443, 201.39677739563001, 13216},
		"pact2022-tutorial-0.9.8/baseline":      {1290, 84, 98092, 203.65224948769446, 2046},
		"pact2022-tutorial-0.9.8/optimized":     {56, 56, 508089.59999999998, 203.65224948769446, 19424},
	}
	for ex, w := range logs {
		t.Run(ex, func(t *testing.T) {
			r, err := ReadBambuReport(filepath.Join(bambuLogs, ex))
			require.NoError(t, err)
			require.NotNil(t, r.Cycles)
			assert.Equal(t, f64(w.cycles), r.Cycles.Avg)
			assert.Equal(t, f64(w.cycles), r.Cycles.Total)
			assert.Equal(t, f64(1), r.Cycles.Runs)
			assert.Equal(t, f64(w.states), r.States)
			assert.Equal(t, f64(w.estArea), r.EstArea)
			assert.Equal(t, f64(w.fmax), r.EstFmaxMHz)
			assert.Equal(t, f64(w.ffs), r.EstFlipFlops)
			assert.Equal(t, f64(0), r.EstDSPs)
			assert.Equal(t, "main_kernel", r.Top)
			assert.Equal(t, "nangate45", r.Device)
			assert.Equal(t, f64(5), r.ClockPeriodNS)
			assert.Nil(t, r.LUTs, "a log has no synthesis figures")
			assert.Nil(t, r.PowerW)
			assert.Empty(t, r.Notes)
		})
	}
	isc := map[string][8]float64{ // cycles luts slices registers dsps brams period fmax
		"isc2022-tutorial-0.9.7-dev/baseline":  {1542, 2398, 1010, 2265, 2, 0, 4.7379999999999995, 211.05951878429718},
		"isc2022-tutorial-0.9.7-dev/optimized": {64, 17038, 7145, 19074, 32, 0, 4.9640000000000004, 201.45044319097499},
	}
	for ex, w := range isc {
		t.Run(ex, func(t *testing.T) {
			r, err := ReadBambuReport(filepath.Join(bambuLogs, ex))
			require.NoError(t, err)
			got := [8]*float64{r.Cycles.Avg, r.LUTs, r.Slices, r.FFs, r.DSPs, r.BRAMs, r.AchievedPeriodNS, r.FmaxMHz}
			for i := range w {
				assert.Equal(t, f64(w[i]), got[i], "figure %d", i)
			}
			assert.Equal(t, "xc7vx690t-3ffg1930-VVD", r.Device)
			assert.Equal(t, "PandA 0.9.7-dev - Revision da78fc700ade640238b4a5c3975a87402c710cea-panda-rc2", r.BambuVersion)
			assert.Nil(t, r.States, "bambu_results has no FSM")
			assert.Nil(t, r.EstArea)
		})
	}
}

// writeDir makes a directory holding the files.
func writeDir(t *testing.T, files map[string]string) string {
	dir := t.TempDir()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(p), 0o755))
		require.NoError(t, os.WriteFile(p, []byte(body), 0o644))
	}
	return dir
}

func readExample(t *testing.T, ex, file string) string {
	b, err := os.ReadFile(filepath.Join(bambuLogs, ex, file))
	require.NoError(t, err)
	return string(b)
}

func TestBambuReportBadInput(t *testing.T) {
	isc := readExample(t, "isc2022-tutorial-0.9.7-dev/baseline", "bambu_results_1.xml")
	log := readExample(t, "tensorflow-tutorial-2024.10/baseline", "bambu-log")
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"empty dir", map[string]string{}, "no Bambu results in "},
		{"unrelated files", map[string]string{"notes.txt": "hello\n", "x.xml": "<a/>"}, "looked for bambu_results_*.xml"},
		{"truncated XML", map[string]string{"bambu_results_3.xml": isc[:strings.Index(isc, "<DSPS")+3]}, "bambu_results_3.xml:9: malformed XML: unexpected EOF"},
		{"garbled XML", map[string]string{"bambu_results_0.xml": strings.Replace(isc, `<DSPS value="2"/>`, `<DSPS value="2">`, 1)}, "bambu_results_0.xml:18: malformed XML: element <DSPS> closed by </bambu_results>"},
		{"not a number", map[string]string{"bambu_results_1.xml": strings.Replace(isc, `<SLICE value="1010"/>`, `<SLICE value="lots"/>`, 1)}, `bambu_results_1.xml:6: SLICE value "lots" is not a number`},
		{"no value", map[string]string{"bambu_results_1.xml": strings.Replace(isc, `<BRAMS value="0"/>`, `<BRAMS/>`, 1)}, "bambu_results_1.xml:10: BRAMS has no value attribute"},
		{"NaN", map[string]string{"bambu_results_1.xml": strings.Replace(isc, `<DSPS value="2"/>`, `<DSPS value="NaN"/>`, 1)}, `bambu_results_1.xml:9: DSPS value "NaN" is not a number`},
		{"Inf", map[string]string{"results.txt": "1 +Inf\n"}, `results.txt:1: cycle count "+Inf" is not a number`},
		{"empty XML", map[string]string{"bambu_results_1.xml": ""}, "bambu_results_1.xml:1: no XML element"},
		{"garbled log", map[string]string{"bambu-log": strings.Replace(log, "Number of states: 83", "Number of states: 8x3", 1)}, `bambu-log:427: states "8x3" is not a number`},
		{"results.txt status", map[string]string{"results.txt": "1 100\n? 7\n"}, `results.txt:2: status "?" is none of 1, 0, X, -`},
		{"results.txt cycles", map[string]string{"results.txt": "1 many\n"}, `results.txt:1: cycle count "many" is not a number`},
		{"results.txt fields", map[string]string{"results.txt": "\n1\n"}, `results.txt:2: want a status and a cycle count, got "1"`},
		{"results.txt unit", map[string]string{"results.txt": "1 100 us\n"}, `results.txt:1: time unit "us" is neither ns nor ps`},
		{"synth XML", map[string]string{"HLS_output/Synthesis/r.xml": `<document><item stringID="XILINX_DSPS" value="two"/></document>`}, `HLS_output/Synthesis/r.xml:1: XILINX_DSPS value "two" is not a number`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeDir(t, c.files)
			_, err := ReadBambuReport(dir)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
	t.Run("missing dir", func(t *testing.T) {
		_, err := ReadBambuReport(filepath.Join(t.TempDir(), "nope"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "nope: no such file or directory")
	})
	t.Run("a file", func(t *testing.T) {
		dir := writeDir(t, map[string]string{"f": "x"})
		_, err := ReadBambuReport(filepath.Join(dir, "f"))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "is not a directory")
	})
}

// TestBambuReportNewestXML takes bambu_results_10.xml over _9 (by number,
// not by name) and notes a file without a number.
func TestBambuReportNewestXML(t *testing.T) {
	isc := readExample(t, "isc2022-tutorial-0.9.7-dev/baseline", "bambu_results_1.xml")
	dir := writeDir(t, map[string]string{
		"bambu_results_9.xml":   isc,
		"bambu_results_10.xml":  strings.Replace(isc, `<CYCLES value="1542"/>`, `<CYCLES value="777"/>`, 1),
		"bambu_results_old.xml": "garbage",
	})
	r, err := ReadBambuReport(dir)
	require.NoError(t, err)
	assert.Equal(t, f64(777), r.Cycles.Avg)
	assert.Equal(t, "bambu_results_10.xml:3", r.Sources["cycles.avg"])
	assert.Equal(t, []string{"bambu_results_10.xml"}, r.Files)
	assert.Equal(t, []string{"bambu_results_old.xml: ignored (no run number)"}, r.Notes)
}

// TestBambuReportAllSources puts results.txt, a Vivado report XML, an
// OpenROAD-style report and a log (under another name) in one directory.
func TestBambuReportAllSources(t *testing.T) {
	log := readExample(t, "tensorflow-tutorial-2024.10/baseline", "bambu-log")
	vivado := `<?xml version="1.0"?>
<document>
  <application>
    <section stringID="XILINX_SYNTHESIS_SUMMARY">
      <item stringID="XILINX_SLICE" value="1010"/>
      <item stringID="XILINX_SLICE_REGISTERS" value="2265"/>
      <item stringID="XILINX_SLICE_LUTS" value="2398"/>
      <item stringID="XILINX_BLOCK_RAMFIFO" value="1"/>
      <item stringID="XILINX_DSPS" value="2"/>
      <item stringID="XILINX_POWER" value="0.25"/>
      <item stringID="XILINX_DESIGN_DELAY" value="4.738"/>
      <item stringID="XILINX_IOPIN" value="99"/>
    </section>
  </application>
</document>
`
	openroad := `<document><item stringID="OPENROAD_AREA" value="31013"/><item stringID="OPENROAD_POWER" value="0.0986"/></document>`
	dir := writeDir(t, map[string]string{
		"run.log":     log,
		"results.txt": "1 1000\n1 1400\nX\n0 1200\n",
		"HLS_output/Synthesis/vivado_flow/report.xml": vivado,
		"HLS_output/Synthesis/openroad/report.xml":    openroad,
	})
	r, err := ReadBambuReport(dir)
	require.NoError(t, err)
	assert.Equal(t, &BambuCycles{Runs: f64(3), Total: f64(3600), Min: f64(1000), Avg: f64(1200), Max: f64(1400)}, r.Cycles)
	assert.Equal(t, "results.txt:1–4", r.Sources["cycles.avg"])
	assert.Equal(t, f64(2398), r.LUTs)
	assert.Equal(t, f64(2265), r.FFs)
	assert.Equal(t, f64(1), r.BRAMs)
	assert.Equal(t, f64(2), r.DSPs)
	assert.Equal(t, f64(1010), r.Slices)
	assert.Equal(t, f64(4.738), r.AchievedPeriodNS)
	assert.Equal(t, f64(31013), r.AreaUM2)
	assert.Equal(t, f64(0.0986), r.PowerW, "the first report in name order gives power")
	assert.Equal(t, "HLS_output/Synthesis/openroad/report.xml:1", r.Sources["power_w"])
	assert.Equal(t, f64(83), r.States, "from the log found by its content")
	assert.Equal(t, []string{"HLS_output/Synthesis/openroad/report.xml", "HLS_output/Synthesis/vivado_flow/report.xml", "results.txt", "run.log"}, r.Files)
	assert.Equal(t, []string{
		"results.txt:3: the call did not terminate: not counted",
		"results.txt:4: the call gave a wrong result (its cycles are counted)",
		"power_w: HLS_output/Synthesis/vivado_flow/report.xml:10 says 0.25, kept 0.0986 from HLS_output/Synthesis/openroad/report.xml:1",
		"cycles.total: run.log:562 says 1286, kept 3600 from results.txt:1–4",
		"cycles.runs: run.log:563 says 1, kept 3 from results.txt:1–4",
		"cycles.avg: run.log:564 says 1286, kept 1200 from results.txt:1–4",
	}, r.Notes)
}

// TestBambuReportTimeUnits turns simulation times into cycles with the
// requested clock period, and skips them without one.
func TestBambuReportTimeUnits(t *testing.T) {
	isc := readExample(t, "isc2022-tutorial-0.9.7-dev/baseline", "bambu_results_1.xml")
	dir := writeDir(t, map[string]string{"results.txt": "1 7710 ns\n1 10000000 ps\n", "bambu_results_1.xml": isc})
	r, err := ReadBambuReport(dir)
	require.NoError(t, err)
	assert.Equal(t, f64(1542), r.Cycles.Min, "7710 ns at 5 ns")
	assert.Equal(t, f64(2000), r.Cycles.Max, "10 µs at 5 ns")

	dir = writeDir(t, map[string]string{"results.txt": "- 7710 ns\n"})
	r, err = ReadBambuReport(dir)
	require.NoError(t, err)
	assert.Nil(t, r.Cycles)
	assert.Equal(t, []string{"results.txt:1: a time in ns and no clock period to turn it into cycles: skipped"}, r.Notes)
}

// FuzzBambuLog feeds the log, results.txt and both XML parsers arbitrary
// bytes: they may fail, never panic.
func FuzzBambuLog(f *testing.F) {
	for _, ex := range bambuExamples(f) {
		entries, err := os.ReadDir(filepath.Join(bambuLogs, ex))
		require.NoError(f, err)
		for _, e := range entries {
			b, err := os.ReadFile(filepath.Join(bambuLogs, ex, e.Name()))
			require.NoError(f, err)
			f.Add(b)
		}
	}
	f.Add([]byte("1 100\nX\n0 7 ns\n"))
	f.Add([]byte(`<document><item stringID="XILINX_DSPS" value="2"/></document>`))
	f.Add([]byte(openroadAreaText + openroadPowerText))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _ = parseBambuLogReader("bambu-log", bytes.NewReader(data))
		_, _ = parseResultsReader("results.txt", bytes.NewReader(data))
		_, _ = parseResultsXMLReader("bambu_results_1.xml", bytes.NewReader(data))
		_, _ = parseSynthXMLReader("report.xml", bytes.NewReader(data))
		_, _ = parseOpenROADReader("6_report.log", bytes.NewReader(data))
		r := &BambuReport{Sources: map[string]string{}}
		if s, err := parseBambuLogReader("bambu-log", bytes.NewReader(data)); err == nil {
			r.apply(s.figs)
			r.applyRuns(s.runs)
		}
		if s, err := parseResultsXMLReader("bambu_results_1.xml", bytes.NewReader(data)); err == nil {
			r.apply(s.figs)
		}
		if s, err := parseResultsReader("results.txt", bytes.NewReader(data)); err == nil {
			r.applyRuns(s.runs)
		}
		_, err := json.Marshal(r)
		require.NoError(t, err, "every figure read is finite")
	})
}

// openroadAreaText and openroadPowerText are hand-written in the form of
// OpenROAD's report_design_area and report_power (OpenROAD-flow-scripts'
// 6_report.log and 6_finish.rpt), with the 2025 tutorial's figures from
// soda_tutorial_batch_matmul.csv (31013 µm², 0.0986 W); no Bambu run's
// reports are in ../shared to copy.
const (
	openroadAreaText = `==========================================================================
finish report_design_area
--------------------------------------------------------------------------
Design area 31013 u^2 27% utilization.
`
	openroadPowerText = `==========================================================================
finish report_power
--------------------------------------------------------------------------
Group                  Internal  Switching    Leakage      Total
                          Power      Power      Power      Power (Watts)
----------------------------------------------------------------
Sequential             2.15e-02   1.01e-03   1.12e-04   2.26e-02  22.9%
Combinational          4.10e-02   3.46e-02   3.51e-04   7.60e-02  77.1%
Macro                  0.00e+00   0.00e+00   0.00e+00   0.00e+00   0.0%
Pad                    0.00e+00   0.00e+00   0.00e+00   0.00e+00   0.0%
----------------------------------------------------------------
Total                  6.25e-02   3.56e-02   4.63e-04   9.86e-02 100.0%
                          63.4%      36.1%       0.5%
`
)

func TestBambuReportOpenROAD(t *testing.T) {
	log := readExample(t, "tensorflow-tutorial-2024.10/baseline", "bambu-log")
	base := "HLS_output/Synthesis/bash_flow/openroad/"
	dir := writeDir(t, map[string]string{
		"bambu-log": log,
		base + "logs/nangate45/main_kernel/base/3_place.log":     "Design area 29000 u^2 25% utilization.\n",
		base + "reports/nangate45/main_kernel/base/6_report.log": openroadAreaText,
		base + "reports/nangate45/main_kernel/base/6_finish.rpt": openroadPowerText,
	})
	r, err := ReadBambuReport(dir)
	require.NoError(t, err)
	assert.Equal(t, f64(31013), r.AreaUM2)
	assert.Equal(t, base+"reports/nangate45/main_kernel/base/6_report.log:4", r.Sources["area_um2"])
	assert.Equal(t, f64(0.0986), r.PowerW)
	assert.Equal(t, base+"reports/nangate45/main_kernel/base/6_finish.rpt:12", r.Sources["power_w"])
	assert.Equal(t, f64(1286), r.Cycles.Avg)
	assert.Equal(t, []string{"area_um2: " + base + "logs/nangate45/main_kernel/base/3_place.log:1 says 29000, kept 31013 from " + base + "reports/nangate45/main_kernel/base/6_report.log:4"}, r.Notes)

	dir = writeDir(t, map[string]string{"6_report.log": "Design area lots u^2 27% utilization.\n"})
	_, err = ReadBambuReport(dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), `6_report.log:1: design area "lots" is not a number`)
}
