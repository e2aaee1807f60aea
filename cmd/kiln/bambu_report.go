package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/hls"
)

// kilnReport is the part of kiln's report.json (DESIGN.md, `kiln sim
// --json`) that Bambu's results can be compared with.
type kilnReport struct {
	Cycles    *float64 `json:"cycles"`
	LatencyUS *float64 `json:"latency_us"`
	Resources struct {
		LUT     *float64 `json:"lut"`
		FF      *float64 `json:"ff"`
		DSP     *float64 `json:"dsp"`
		BRAM    *float64 `json:"bram"`
		AreaUM2 *float64 `json:"area_um2"`
	} `json:"resources"`
	PowerW *float64 `json:"power_w"`
}

// comparison is one figure both kiln and Bambu give. RelError is
// (kiln − bambu) / bambu; absent when Bambu's figure is 0 and kiln's not.
type comparison struct {
	Figure      string   `json:"figure"`
	Bambu       float64  `json:"bambu"`
	Kiln        float64  `json:"kiln"`
	RelError    *float64 `json:"rel_error,omitempty"`
	BambuSource string   `json:"bambu_source"`
}

// bambuReportJSON is what --json prints: Bambu's figures, and when the
// directory holds kiln's report.json, that report and the comparison.
type bambuReportJSON struct {
	*hls.BambuReport
	Kiln       json.RawMessage `json:"kiln,omitempty"`
	Comparison []comparison    `json:"comparison,omitempty"`
}

func newBambuReport() *cobra.Command {
	asJSON := false
	cmd := &cobra.Command{
		Use:   "bambu-report DIR",
		Short: "read what a Bambu run left in DIR (bambu_results_*.xml, -v3 log, results.txt, synthesis report XML); beside kiln's DIR/report.json when there is one",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runBambuReport(cmd.OutOrStdout(), args[0], asJSON)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON instead of a table")
	return cmd
}

func runBambuReport(w io.Writer, dir string, asJSON bool) error {
	r, err := hls.ReadBambuReport(dir)
	if err != nil {
		return err
	}
	out := bambuReportJSON{BambuReport: r}
	raw, k, err := readKilnReport(filepath.Join(dir, "report.json"))
	if err != nil {
		return err
	}
	if k != nil {
		out.Kiln = raw
		out.Comparison = compareReports(r, k)
	}
	if asJSON {
		b, err := json.MarshalIndent(out, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(w, "%s\n", b)
		return err
	}
	return printBambuReport(w, out, k != nil)
}

// readKilnReport reads report.json; a missing file is no error.
func readKilnReport(path string) (json.RawMessage, *kilnReport, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	k := &kilnReport{}
	if err := json.Unmarshal(b, k); err != nil {
		line := 1
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			line += bytes.Count(b[:min(int(se.Offset), len(b))], []byte("\n"))
		case errors.As(err, &te):
			line += bytes.Count(b[:min(int(te.Offset), len(b))], []byte("\n"))
		}
		return nil, nil, fmt.Errorf("%s:%d: %w", path, line, err)
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, b); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return compact.Bytes(), k, nil
}

// compareReports pairs each kiln figure with Bambu's: synthesis results
// where the files hold them, else Bambu's own estimates (named so).
func compareReports(r *hls.BambuReport, k *kilnReport) []comparison {
	var cycAvg *float64
	if r.Cycles != nil {
		cycAvg = r.Cycles.Avg
	}
	pairs := []struct {
		figure string
		kiln   *float64
		keys   []string
		bambu  []*float64
	}{
		{"cycles", k.Cycles, []string{"cycles.avg"}, []*float64{cycAvg}},
		{"latency_us", k.LatencyUS, []string{"latency_us"}, []*float64{r.LatencyUS}},
		{"lut", k.Resources.LUT, []string{"luts"}, []*float64{r.LUTs}},
		{"ff", k.Resources.FF, []string{"ffs", "est_flip_flops"}, []*float64{r.FFs, r.EstFlipFlops}},
		{"dsp", k.Resources.DSP, []string{"dsps", "est_dsps"}, []*float64{r.DSPs, r.EstDSPs}},
		{"bram", k.Resources.BRAM, []string{"brams"}, []*float64{r.BRAMs}},
		{"area_um2", k.Resources.AreaUM2, []string{"area_um2"}, []*float64{r.AreaUM2}},
		{"power_w", k.PowerW, []string{"power_w"}, []*float64{r.PowerW}},
	}
	var out []comparison
	for _, p := range pairs {
		if p.kiln == nil {
			continue
		}
		for i, b := range p.bambu {
			if b == nil {
				continue
			}
			src := r.Sources[p.keys[i]]
			if p.keys[i] != p.figure+"s" && p.keys[i] != p.figure && p.keys[i] != "cycles.avg" {
				src = p.keys[i] + " from " + src
			}
			out = append(out, comparison{Figure: p.figure, Bambu: *b, Kiln: *p.kiln, RelError: relError(*p.kiln, *b), BambuSource: src})
			break
		}
	}
	return out
}

func relError(kiln, bambu float64) *float64 {
	if bambu == 0 {
		if kiln == 0 {
			return new(float64)
		}
		return nil
	}
	e := (kiln - bambu) / bambu
	if math.IsNaN(e) || math.IsInf(e, 0) {
		return nil
	}
	return &e
}

// bambuRow is one line of the table: a label, the figure's JSON name and
// its value (num, or str for text).
type bambuRow struct {
	label, key string
	num        *float64
	str        string
}

func bambuRows(r *hls.BambuReport) []bambuRow {
	c := r.Cycles
	if c == nil {
		c = &hls.BambuCycles{}
	}
	return []bambuRow{
		{label: "top function", key: "top_function", str: r.Top},
		{label: "device", key: "device", str: r.Device},
		{label: "Bambu", key: "bambu_version", str: r.BambuVersion},
		{label: "clock period (ns)", key: "clock_period_ns", num: r.ClockPeriodNS},
		{label: "simulated calls", key: "cycles.runs", num: c.Runs},
		{label: "cycles, total", key: "cycles.total", num: c.Total},
		{label: "cycles per call, min", key: "cycles.min", num: c.Min},
		{label: "cycles per call, avg", key: "cycles.avg", num: c.Avg},
		{label: "cycles per call, max", key: "cycles.max", num: c.Max},
		{label: "FSM states", key: "states", num: r.States},
		{label: "FSM cycles, min", key: "fsm_min_cycles", num: r.FSMMinCycles},
		{label: "FSM cycles, max", key: "fsm_max_cycles", num: r.FSMMaxCycles},
		{label: "est. max frequency (MHz)", key: "est_fmax_mhz", num: r.EstFmaxMHz},
		{label: "est. area (Bambu units)", key: "est_area", num: r.EstArea},
		{label: "est. DSPs", key: "est_dsps", num: r.EstDSPs},
		{label: "est. flip-flops", key: "est_flip_flops", num: r.EstFlipFlops},
		{label: "max frequency (MHz)", key: "fmax_mhz", num: r.FmaxMHz},
		{label: "achieved period (ns)", key: "achieved_period_ns", num: r.AchievedPeriodNS},
		{label: "slack (ns)", key: "slack_ns", num: r.SlackNS},
		{label: "latency (µs)", key: "latency_us", num: r.LatencyUS},
		{label: "synthesis area", key: "synth_area", num: r.SynthArea},
		{label: "area (µm²)", key: "area_um2", num: r.AreaUM2},
		{label: "slices", key: "slices", num: r.Slices},
		{label: "LUTs", key: "luts", num: r.LUTs},
		{label: "flip-flops", key: "ffs", num: r.FFs},
		{label: "DSPs", key: "dsps", num: r.DSPs},
		{label: "BRAMs", key: "brams", num: r.BRAMs},
		{label: "power (W)", key: "power_w", num: r.PowerW},
		{label: "HLS time (s)", key: "hls_time_s", num: r.HLSTimeS},
	}
}

func fmtFigure(v float64) string { return strconv.FormatFloat(v, 'g', 8, 64) }

// printBambuReport prints Bambu's figures, then the comparison with kiln's
// report.json when there is one, then the notes.
func printBambuReport(w io.Writer, out bambuReportJSON, withKiln bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "figure\tbambu\tsource\n")
	for _, row := range bambuRows(out.BambuReport) {
		val := row.str
		if row.num != nil {
			val = fmtFigure(*row.num)
		}
		if val != "" {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", row.label, val, out.Sources[row.key])
		}
	}
	if withKiln {
		fmt.Fprintf(tw, "\nfigure\tbambu\tkiln\trel. error\tbambu source\n")
		for _, c := range out.Comparison {
			rel := "—"
			if c.RelError != nil {
				rel = fmt.Sprintf("%+.2f%%", 100**c.RelError)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Figure, fmtFigure(c.Bambu), fmtFigure(c.Kiln), rel, c.BambuSource)
		}
		if len(out.Comparison) == 0 {
			fmt.Fprintf(tw, "(report.json and Bambu's files share no figure)\n")
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintf(w, "\nfiles: %v\n", out.Files)
	for _, n := range out.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	return nil
}
