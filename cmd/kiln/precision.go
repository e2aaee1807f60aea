package main

import (
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/accuracy"
	kbackend "github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// precisionFlags are kiln eval's accuracy-study flags.
type precisionFlags struct {
	specs   []string
	budget  string
	windows int
	json    bool
	report  bool
	tables  tableFlags
}

func (pf *precisionFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringArrayVar(&pf.specs, "precision", nil,
		"measure accuracy against fp32 at precision spec P (fp32, fp16, bf16, fp8e4m3, fp8e5m2, amp, int8, int16, fixed<W,I>, per-layer overrides such as default=fixed<16,6>,lstm=fixed<18,8>, a .yaml/.json spec file, or auto with --budget); repeat for a table")
	cmd.Flags().StringVar(&pf.budget, "budget", "", "with --precision auto: the largest relative RMSE against fp32, e.g. 1% or 0.01")
	cmd.Flags().IntVar(&pf.windows, "windows", 0, "with --precision: use only the first N validation windows (axis 0 of each input); 0: all")
	cmd.Flags().BoolVar(&pf.json, "json", false, "with --precision: print JSON (one object, or an array for several precisions)")
	pf.tables.add(cmd)
	cmd.Flags().BoolVar(&pf.report, "report", false, "with --precision: print on stderr what narrowing chose for each kernel (types, lookup tables, float fallbacks)")
}

// studied reports whether the flags ask for an accuracy study.
func (pf *precisionFlags) studied(cmd *cobra.Command) bool {
	return len(pf.specs) > 0 || pf.json || pf.report || changed(cmd, "budget", "windows", "lut-size", "lut-range", "lut-nearest")
}

// changed reports whether any of the named flags was given.
func changed(cmd *cobra.Command, names ...string) bool {
	for _, n := range names {
		if cmd.Flags().Changed(n) {
			return true
		}
	}
	return false
}

// precisionReport is one line of the study, as --json prints it.
type precisionReport struct {
	Model         string   `json:"model"`
	Precision     string   `json:"precision"`
	Backend       string   `json:"backend"`
	RMSE          number   `json:"rmse"`
	MaxAbsError   number   `json:"max_abs_error"`
	RelRMSE       number   `json:"rel_rmse"`
	NonFinite     int      `json:"non_finite"`
	Compared      int      `json:"compared"`
	NarrowCasts   *int64   `json:"narrow_casts,omitempty"`
	Overflows     *int64   `json:"overflows,omitempty"`
	OverflowShare *float64 `json:"overflow_share,omitempty"`
	OutputsSHA256 string   `json:"outputs_sha256"`
	Budget        *float64 `json:"budget,omitempty"`
	Trials        int      `json:"trials,omitempty"`
}

// number is a float64 that JSON can always carry: a non-finite value (an
// output that overflowed to infinity makes RMSE +Inf) is written as the
// string "+Inf", "-Inf" or "NaN", which encoding/json otherwise refuses.
type number float64

func (n number) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return json.Marshal(strconv.FormatFloat(f, 'g', -1, 64))
	}
	return json.Marshal(f)
}

// runPrecision is kiln eval --precision: prepare the model with its
// validation data, then measure each spec (or search one with auto).
func runPrecision(cmd *cobra.Command, src conform.Source, fsys fs.FS, gf *globalFlags, backend string, pf *precisionFlags) error {
	if len(pf.specs) == 0 {
		return fmt.Errorf("--budget, --windows, --json, --report and --lut-* need --precision")
	}
	if backend == "ref" {
		return fmt.Errorf("--backend ref: the reference evaluator computes fp32 only; narrowed models run on loop, llvm or c")
	}
	if _, err := kbackend.Lookup(backend); err != nil {
		return fmt.Errorf("--backend: %w", err)
	}
	specs, auto, budget, err := pf.parseSpecs()
	if err != nil {
		return err
	}
	if pf.windows < 0 {
		return fmt.Errorf("--windows %d: must be 0 (all) or more", pf.windows)
	}
	lo, err := gf.loadOptions()
	if err != nil {
		return err
	}
	tables, err := pf.tables.options()
	if err != nil {
		return err
	}
	bench, err := accuracy.Prepare(src, fsys, accuracy.Options{Load: lo, Windows: pf.windows, Tables: tables})
	if err != nil {
		return err
	}
	for _, s := range specs {
		if err := s.Check(bench.Graph); err != nil {
			return fmt.Errorf("--precision %s: %w", s, err)
		}
	}
	var reports []precisionReport
	if auto {
		r, err := runAuto(cmd, bench, backend, budget)
		if err != nil {
			return err
		}
		reports = append(reports, r)
	}
	for _, s := range specs {
		res, err := bench.Evaluate(s, backend)
		if err != nil {
			return fmt.Errorf("--precision %s: %w", s, err)
		}
		if pf.report {
			fmt.Fprint(cmd.ErrOrStderr(), res.Report)
		}
		reports = append(reports, reportOf(bench.Name, res))
	}
	return printPrecision(cmd.OutOrStdout(), reports, pf.json, auto)
}

// parseSpecs reads the --precision values: specs to measure, or auto with
// its --budget.
func (pf *precisionFlags) parseSpecs() (specs []passes.PrecisionSpec, auto bool, budget float64, err error) {
	for _, s := range pf.specs {
		if strings.TrimSpace(strings.ToLower(s)) == "auto" {
			auto = true
			continue
		}
		spec, err := readSpec(s)
		if err != nil {
			return nil, false, 0, fmt.Errorf("--precision: %w", err)
		}
		specs = append(specs, spec)
	}
	switch {
	case auto && len(pf.specs) > 1:
		return nil, false, 0, fmt.Errorf("--precision auto cannot be combined with other precisions")
	case auto:
		budget, err = parseBudget(pf.budget)
	case pf.budget != "":
		err = fmt.Errorf("--budget applies to --precision auto only")
	}
	return specs, auto, budget, err
}

// readSpec reads a spec given inline or, when it names a .yaml, .yml or
// .json file, from that file.
func readSpec(s string) (passes.PrecisionSpec, error) {
	low := strings.ToLower(s)
	if strings.HasSuffix(low, ".yaml") || strings.HasSuffix(low, ".yml") || strings.HasSuffix(low, ".json") {
		return passes.ReadPrecisionFile(s)
	}
	return passes.ParsePrecisionSpec(s)
}

// parseBudget reads "1%" or "0.01".
func parseBudget(s string) (float64, error) {
	if s == "" {
		return 0, fmt.Errorf("--precision auto needs --budget, e.g. --budget 1%%")
	}
	t, pct := strings.CutSuffix(strings.TrimSpace(s), "%")
	v, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
	if err == nil && pct {
		v /= 100
	}
	if err != nil || !(v > 0) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("--budget %q: want a positive relative RMSE such as 1%% or 0.01", s)
	}
	return v, nil
}

func runAuto(cmd *cobra.Command, bench *accuracy.Bench, backend string, budget float64) (precisionReport, error) {
	log := cmd.ErrOrStderr()
	spec, trials, err := bench.Auto(accuracy.AutoOptions{Budget: budget, Backend: backend, Log: func(t accuracy.Trial) {
		verdict := "over budget"
		if t.OK {
			verdict = "ok"
		}
		fmt.Fprintf(log, "trial %-11s rel RMSE %.3e  %s\n", verdict, t.RelRMSE, t.Spec)
	}})
	if err != nil {
		return precisionReport{}, err
	}
	res, err := bench.Evaluate(spec, backend)
	if err != nil {
		return precisionReport{}, err
	}
	r := reportOf(bench.Name, res)
	r.Budget, r.Trials = &budget, len(trials)
	return r, nil
}

func reportOf(model string, res *accuracy.Result) precisionReport {
	r := precisionReport{
		Model: model, Precision: res.Precision, Backend: res.Backend,
		RMSE: number(res.Accuracy.RMSE), MaxAbsError: number(res.Accuracy.MaxAbs), RelRMSE: number(res.Accuracy.RelRMSE),
		NonFinite: res.Accuracy.NonFinite, Compared: res.Accuracy.N, OutputsSHA256: res.OutputsSHA256,
	}
	if st := res.Overflow; st != nil {
		share := res.OverflowShare()
		r.NarrowCasts, r.Overflows, r.OverflowShare = &st.NarrowCasts, &st.Overflows, &share
	}
	return r
}

func printPrecision(w io.Writer, reports []precisionReport, asJSON, auto bool) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		if len(reports) == 1 {
			return enc.Encode(reports[0])
		}
		return enc.Encode(reports)
	}
	if auto {
		r := reports[0]
		fmt.Fprintf(w, "# auto precision for %s: relative RMSE %.3e ≤ budget %g after %d trials; edit and reuse with --precision '<spec>'\n", r.Model, r.RelRMSE, *r.Budget, r.Trials)
		fmt.Fprintln(w, r.Precision)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "model\tprecision\tbackend\trel RMSE\tRMSE\tmax abs err\toverflow\toutputs_sha256")
	for _, r := range reports {
		over := "-"
		if r.OverflowShare != nil && *r.NarrowCasts == 0 {
			over = "no fixed casts"
		} else if r.OverflowShare != nil {
			over = fmt.Sprintf("%.3g%% of %d", 100**r.OverflowShare, *r.NarrowCasts)
		}
		prec := r.Precision
		if len(prec) > 40 {
			prec = prec[:37] + "..."
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%.3e\t%.3e\t%.3e\t%s\t%s\n", r.Model, prec, r.Backend, r.RelRMSE, r.RMSE, r.MaxAbsError, over, r.OutputsSHA256[:16])
	}
	return tw.Flush()
}

// tableFlags set the lookup tables of non-linear functions in fixed point.
type tableFlags struct {
	size    int
	rng     []float64
	nearest bool
	given   bool // set by kiln lower: any of the flags was given
}

// defaultTables are the lookup-table flags' defaults (hls4ml's: 1024
// entries over [−8, 8), interpolated), for commands without the flags.
func defaultTables() tableFlags { return tableFlags{size: 1024, rng: []float64{-8, 8}} }

func (tf *tableFlags) add(cmd *cobra.Command) {
	d := defaultTables()
	cmd.Flags().IntVar(&tf.size, "lut-size", d.size, "with --precision: entries of each lookup table of a non-linear function in fixed point (hls4ml's table_size)")
	cmd.Flags().Float64SliceVar(&tf.rng, "lut-range", d.rng, "with --precision: the input range LO,HI a lookup table covers; (HI−LO)/size must be a power of two")
	cmd.Flags().BoolVar(&tf.nearest, "lut-nearest", false, "with --precision: read the nearest table entry instead of interpolating between two")
}

// options are the flags as narrow.Options' table fields.
func (tf *tableFlags) options() (narrow.Options, error) {
	if tf.size < 1 {
		return narrow.Options{}, fmt.Errorf("--lut-size %d: want at least one entry", tf.size)
	}
	if len(tf.rng) != 2 {
		return narrow.Options{}, fmt.Errorf("--lut-range: want two numbers LO,HI, got %d", len(tf.rng))
	}
	o := narrow.Options{LUTSize: tf.size, LUTLo: tf.rng[0], LUTHi: tf.rng[1], LUTNearest: tf.nearest}
	if err := narrow.CheckTables(o); err != nil {
		return narrow.Options{}, fmt.Errorf("--lut-size %d --lut-range %g,%g: %w", tf.size, tf.rng[0], tf.rng[1], err)
	}
	return o, nil
}
