package hls

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// BambuReport is what a PandA-Bambu run left in a directory, read back by
// ReadBambuReport: the newest bambu_results_N.xml (--evaluation), the -v3
// console log, results.txt (co-simulation), the synthesis report XML of
// the Vivado flow and OpenROAD's text reports (design area, power). Every
// figure is a pointer: a figure that no file holds is absent, never zero.
// Sources names, for each figure by its JSON name, the file and line it
// came from; when two files disagree, the first in the order results.txt,
// synthesis report XML, OpenROAD report, bambu_results, log is kept and
// Notes says so.
type BambuReport struct {
	Top          string `json:"top_function,omitempty"`
	BambuVersion string `json:"bambu_version,omitempty"`
	Device       string `json:"device,omitempty"`
	BambuArgs    string `json:"bambu_args,omitempty"`

	// ClockPeriodNS is the requested --clock-period.
	ClockPeriodNS *float64     `json:"clock_period_ns,omitempty"`
	Cycles        *BambuCycles `json:"cycles,omitempty"`

	// States, FSMMinCycles and FSMMaxCycles are the top function's state
	// transition graph (FSMMin/Max only where it has no data-dependent loop).
	States       *float64 `json:"states,omitempty"`
	FSMMinCycles *float64 `json:"fsm_min_cycles,omitempty"`
	FSMMaxCycles *float64 `json:"fsm_max_cycles,omitempty"`

	// Bambu's own estimates for the top function (-v3 log). EstArea is in
	// Bambu's internal area unit for the device, not µm².
	EstFmaxMHz   *float64 `json:"est_fmax_mhz,omitempty"`
	EstArea      *float64 `json:"est_area,omitempty"`
	EstDSPs      *float64 `json:"est_dsps,omitempty"`
	EstFlipFlops *float64 `json:"est_flip_flops,omitempty"`

	// Synthesis results (Vivado or OpenROAD through --evaluation).
	FmaxMHz          *float64 `json:"fmax_mhz,omitempty"`
	AchievedPeriodNS *float64 `json:"achieved_period_ns,omitempty"`
	SlackNS          *float64 `json:"slack_ns,omitempty"`
	LatencyUS        *float64 `json:"latency_us,omitempty"`
	SynthArea        *float64 `json:"synth_area,omitempty"` // bambu_results AREA: the flow's own unit (LUTs on Xilinx)
	AreaUM2          *float64 `json:"area_um2,omitempty"`
	Slices           *float64 `json:"slices,omitempty"`
	LUTs             *float64 `json:"luts,omitempty"`
	FFs              *float64 `json:"ffs,omitempty"`
	DSPs             *float64 `json:"dsps,omitempty"`
	BRAMs            *float64 `json:"brams,omitempty"`
	PowerW           *float64 `json:"power_w,omitempty"`
	HLSTimeS         *float64 `json:"hls_time_s,omitempty"`

	Functions []BambuFunction   `json:"functions,omitempty"`
	Sources   map[string]string `json:"sources"`
	Files     []string          `json:"files"`
	Notes     []string          `json:"notes,omitempty"`
}

// BambuCycles are co-simulation cycles of the top function: Runs calls,
// Total over all of them, and the least, mean and largest per call.
type BambuCycles struct {
	Runs  *float64 `json:"runs,omitempty"`
	Total *float64 `json:"total,omitempty"`
	Min   *float64 `json:"min,omitempty"`
	Avg   *float64 `json:"avg,omitempty"`
	Max   *float64 `json:"max,omitempty"`
}

// BambuFunction is one synthesised function's summary in the -v3 log.
type BambuFunction struct {
	Name         string   `json:"name"`
	States       *float64 `json:"states,omitempty"`
	MinCycles    *float64 `json:"min_cycles,omitempty"`
	MaxCycles    *float64 `json:"max_cycles,omitempty"`
	EstFmaxMHz   *float64 `json:"est_fmax_mhz,omitempty"`
	EstArea      *float64 `json:"est_area,omitempty"`
	EstDSPs      *float64 `json:"est_dsps,omitempty"`
	EstFlipFlops *float64 `json:"est_flip_flops,omitempty"`
}

// figure is one value a parser found: its JSON name, value (num, or str
// for the string fields) and where ("file:line").
type figure struct {
	name string
	num  float64
	str  string
	src  string
}

// bambuSources is what a parser of one file returns.
type bambuSources struct {
	figs  []figure
	funcs []BambuFunction
	runs  []simRun
	notes []string
}

// errNoBambu is wrapped by the error for a directory without Bambu output.
var errNoBambu = errors.New("no Bambu results")

// ReadBambuReport reads the Bambu output in dir (see BambuReport). It fails
// when dir holds none, and names the file and line of a file it cannot read.
func ReadBambuReport(dir string) (*BambuReport, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("bambu report: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("bambu report: %s is not a directory", dir)
	}
	found, err := findBambuFiles(dir)
	if err != nil {
		return nil, err
	}
	if found.empty() {
		return nil, fmt.Errorf("%w in %s: looked for bambu_results_*.xml, a Bambu -v3 log (bambu-log or any file holding one), results.txt, synthesis report XML (<item stringID=… value=…/>) and OpenROAD reports (Design area, Power (Watts))", errNoBambu, dir)
	}
	r := &BambuReport{Sources: map[string]string{}, Files: found.all(), Notes: found.notes}
	srcs, err := found.parse(dir)
	if err != nil {
		return nil, err
	}
	// srcs[0] is results.txt's (runs only); the rest in priority order.
	for _, s := range srcs[1:] {
		r.applyMeta(s.figs)
	}
	runs := srcs[0].runs
	for _, s := range srcs {
		r.Notes = append(r.Notes, s.notes...)
		if len(runs) == 0 {
			runs = s.runs
		}
		if s.funcs != nil {
			r.Functions = s.funcs
		}
	}
	r.applyRuns(runs)
	for _, s := range srcs[1:] {
		r.apply(s.figs)
	}
	return r, nil
}

// parse reads every file found: results.txt first (an empty bambuSources
// when there is none), then the synthesis report XML, OpenROAD's reports,
// bambu_results, the log.
func (f *bambuFiles) parse(dir string) ([]bambuSources, error) {
	srcs := []bambuSources{{}}
	if f.results != "" {
		s, err := parseResultsTxt(dir, f.results)
		if err != nil {
			return nil, err
		}
		srcs[0] = s
	}
	type job struct {
		name  string
		parse func(dir, name string) (bambuSources, error)
	}
	var jobs []job
	for _, s := range f.synth {
		jobs = append(jobs, job{s, parseSynthXML})
	}
	for _, s := range f.openroad {
		jobs = append(jobs, job{s, parseOpenROAD})
	}
	if f.xml != "" {
		jobs = append(jobs, job{f.xml, parseResultsXML})
	}
	if f.log != "" {
		jobs = append(jobs, job{f.log, parseBambuLog})
	}
	for _, j := range jobs {
		s, err := j.parse(dir, j.name)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return srcs, nil
}

// applyMeta applies the figures needed to read the others: clock period.
func (r *BambuReport) applyMeta(figs []figure) {
	for _, f := range figs {
		if f.name == "clock_period_ns" {
			r.set(f)
		}
	}
}

func (r *BambuReport) apply(figs []figure) {
	for _, f := range figs {
		r.set(f)
	}
}

// set stores f unless the figure is already known; a different value is
// noted, not stored.
func (r *BambuReport) set(f figure) {
	if sp := r.strSlot(f.name); sp != nil {
		switch {
		case *sp == "":
			*sp = f.str
			r.Sources[f.name] = f.src
		case *sp != f.str:
			r.Notes = append(r.Notes, fmt.Sprintf("%s: %s says %q, kept %q from %s", f.name, f.src, f.str, *sp, r.Sources[f.name]))
		}
		return
	}
	p := r.numSlot(f.name)
	if p == nil {
		return
	}
	switch {
	case *p == nil:
		v := f.num
		*p = &v
		r.Sources[f.name] = f.src
	case **p != f.num:
		r.Notes = append(r.Notes, fmt.Sprintf("%s: %s says %s, kept %s from %s", f.name, f.src, fmtNum(f.num), fmtNum(**p), r.Sources[f.name]))
	}
}

func (r *BambuReport) strSlot(name string) *string {
	switch name {
	case "top_function":
		return &r.Top
	case "bambu_version":
		return &r.BambuVersion
	case "device":
		return &r.Device
	case "bambu_args":
		return &r.BambuArgs
	}
	return nil
}

func (r *BambuReport) numSlot(name string) **float64 {
	if c, ok := strings.CutPrefix(name, "cycles."); ok {
		if r.Cycles == nil {
			r.Cycles = &BambuCycles{}
		}
		return map[string]**float64{"runs": &r.Cycles.Runs, "total": &r.Cycles.Total,
			"min": &r.Cycles.Min, "avg": &r.Cycles.Avg, "max": &r.Cycles.Max}[c]
	}
	return map[string]**float64{
		"clock_period_ns": &r.ClockPeriodNS, "states": &r.States,
		"fsm_min_cycles": &r.FSMMinCycles, "fsm_max_cycles": &r.FSMMaxCycles,
		"est_fmax_mhz": &r.EstFmaxMHz, "est_area": &r.EstArea, "est_dsps": &r.EstDSPs,
		"est_flip_flops": &r.EstFlipFlops, "fmax_mhz": &r.FmaxMHz,
		"achieved_period_ns": &r.AchievedPeriodNS, "slack_ns": &r.SlackNS,
		"latency_us": &r.LatencyUS, "synth_area": &r.SynthArea, "area_um2": &r.AreaUM2,
		"slices": &r.Slices, "luts": &r.LUTs, "ffs": &r.FFs, "dsps": &r.DSPs,
		"brams": &r.BRAMs, "power_w": &r.PowerW, "hls_time_s": &r.HLSTimeS,
	}[name]
}

// parseNumber reads a finite number; Bambu writes no NaN or Inf figure.
func parseNumber(s string) (float64, bool) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return v, err == nil && !math.IsNaN(v) && !math.IsInf(v, 0)
}

func fmtNum(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// bambuFiles are the files of a directory that ReadBambuReport reads,
// relative to it.
type bambuFiles struct {
	xml, log, results string
	synth, openroad   []string
	notes             []string
}

func (f *bambuFiles) empty() bool {
	return f.xml == "" && f.log == "" && f.results == "" && len(f.synth) == 0 && len(f.openroad) == 0
}

func (f *bambuFiles) all() []string {
	var all []string
	for _, s := range []string{f.results, f.xml, f.log} {
		if s != "" {
			all = append(all, s)
		}
	}
	all = append(all, f.synth...)
	all = append(all, f.openroad...)
	sort.Strings(all)
	return all
}

// relName is file's name relative to dir, with forward slashes.
func relName(dir, file string) string {
	rel, err := filepath.Rel(dir, file)
	if err != nil {
		return file
	}
	return filepath.ToSlash(rel)
}
