package hls

import (
	"bufio"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// maxLogLine is the longest log or results.txt line read.
const maxLogLine = 4 << 20

// logPatterns are the -v3 log lines read (after trimming blanks); each
// has one or two groups. The 0.9.8 and 2024.10 layouts differ only in
// lines not read here.
var logPatterns = []struct {
	re   *regexp.Regexp
	what string
}{
	{regexp.MustCompile(`^==\s+Bambu executed with:\s*(.*)$`), "args"},
	{regexp.MustCompile(`^Version:\s*(PandA.*)$`), "version"},
	{regexp.MustCompile(`^(?:Scheduling|State Transition Graph) Information of function (\S+):$`), "func"},
	{regexp.MustCompile(`^Module binding information for function (\S+):$`), "func"},
	{regexp.MustCompile(`^Estimated max frequency \(MHz\):\s*(\S+)$`), "est_fmax_mhz"},
	{regexp.MustCompile(`^Number of states:\s*(\S+)$`), "states"},
	{regexp.MustCompile(`^Minimum number of cycles:?\s*(\S+)$`), "min_cycles"},
	{regexp.MustCompile(`^Maximum number of cycles:?\s*(\S+)$`), "max_cycles"},
	{regexp.MustCompile(`^Total estimated area:\s*(\S+)$`), "est_area"},
	{regexp.MustCompile(`^Estimated number of DSPs:\s*(\S+)$`), "est_dsps"},
	{regexp.MustCompile(`^Total number of flip-flops in function (\S+):\s*(\S+)$`), "est_flip_flops"},
	{regexp.MustCompile(`^Number of function call sites = (\S+)$`), "call_sites"},
	{regexp.MustCompile(`^Total cycles\s*:\s*(\S+)\s+cycles$`), "cycles.total"},
	{regexp.MustCompile(`^Number of executions\s*:\s*(\S+)$`), "cycles.runs"},
	{regexp.MustCompile(`^Average execution\s*:\s*(\S+)\s+cycles$`), "cycles.avg"},
	{regexp.MustCompile(`[Ee]xecution time (\S+) cycles;?$`), "run"},
}

// logFunc is one function of the log with the line of each figure.
type logFunc struct {
	name    string
	figs    map[string]figure
	noCalls bool // "Number of function call sites = 0": nobody calls it
}

// logState is the parser's state while reading a log.
type logState struct {
	name  string
	figs  []figure
	funcs []*logFunc
	cur   *logFunc
	runs  []simRun
}

// parseBambuLog reads a Bambu -v3 console log.
func parseBambuLog(dir, name string) (bambuSources, error) {
	return openParse(dir, name, parseBambuLogReader)
}

func parseBambuLogReader(name string, rd io.Reader) (bambuSources, error) {
	st := &logState{name: name}
	err := scanLines(name, rd, func(line string, n int) error {
		return st.line(strings.TrimSpace(line), fmt.Sprintf("%s:%d", name, n))
	})
	if err != nil {
		return bambuSources{}, err
	}
	return st.sources(), nil
}

// scanLines calls fn for each line with its number.
func scanLines(name string, rd io.Reader, fn func(line string, n int) error) error {
	sc := bufio.NewScanner(rd)
	sc.Buffer(make([]byte, 64<<10), maxLogLine)
	n := 0
	for sc.Scan() {
		n++
		if err := fn(sc.Text(), n); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s:%d: %w", name, n+1, err)
	}
	return nil
}

func (st *logState) line(line, src string) error {
	for _, p := range logPatterns {
		m := p.re.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		return st.match(p.what, m[1:], src)
	}
	return nil
}

func (st *logState) match(what string, m []string, src string) error {
	switch what {
	case "args":
		st.figs = append(st.figs, argsFigures(strings.TrimSpace(m[0]), src)...)
		return nil
	case "version":
		st.figs = append(st.figs, figure{name: "bambu_version", str: cleanVersion(m[0]), src: src})
		return nil
	case "func":
		st.cur = st.function(m[0])
		return nil
	case "est_flip_flops":
		st.cur = st.function(m[0])
		m = m[1:]
	}
	v, ok := parseNumber(m[0])
	if !ok {
		return fmt.Errorf("%s: %s %q is not a number", src, what, m[0])
	}
	f := figure{name: what, num: v, src: src}
	switch {
	case what == "run":
		st.runs = append(st.runs, simRun{cycles: v, src: src})
	case strings.HasPrefix(what, "cycles."):
		st.figs = append(st.figs, f)
	case st.cur == nil:
		return nil // a figure outside any function: not one of ours
	case what == "call_sites":
		st.cur.noCalls = v == 0
	default:
		st.cur.figs[what] = f
	}
	return nil
}

func (st *logState) function(name string) *logFunc {
	for _, f := range st.funcs {
		if f.name == name {
			return f
		}
	}
	f := &logFunc{name: name, figs: map[string]figure{}}
	st.funcs = append(st.funcs, f)
	return f
}

// topFigureNames maps a function's figures to the report's for the top.
var topFigureNames = map[string]string{
	"states": "states", "min_cycles": "fsm_min_cycles", "max_cycles": "fsm_max_cycles",
	"est_fmax_mhz": "est_fmax_mhz", "est_area": "est_area", "est_dsps": "est_dsps",
	"est_flip_flops": "est_flip_flops",
}

// sources picks the top function (--top-fname, else the one function that
// nobody calls, else the last one scheduled) and lists every figure.
func (st *logState) sources() bambuSources {
	s := bambuSources{figs: st.figs, runs: st.runs}
	top := ""
	for _, f := range st.figs {
		if f.name == "top_function" {
			top = f.str
		}
	}
	var uncalled []*logFunc
	for _, f := range st.funcs {
		s.funcs = append(s.funcs, f.summary())
		if f.noCalls {
			uncalled = append(uncalled, f)
		}
	}
	switch {
	case top != "":
	case len(uncalled) == 1:
		top = uncalled[0].name
		s.figs = append(s.figs, figure{name: "top_function", str: top, src: st.name})
	case len(st.funcs) > 0:
		top = st.funcs[len(st.funcs)-1].name
		s.figs = append(s.figs, figure{name: "top_function", str: top, src: st.name})
	}
	for _, f := range st.funcs {
		if f.name != top {
			continue
		}
		for _, k := range []string{"states", "min_cycles", "max_cycles", "est_fmax_mhz", "est_area", "est_dsps", "est_flip_flops"} {
			if fig, ok := f.figs[k]; ok {
				fig.name = topFigureNames[k]
				s.figs = append(s.figs, fig)
			}
		}
	}
	return s
}

func (f *logFunc) summary() BambuFunction {
	get := func(k string) *float64 {
		if fig, ok := f.figs[k]; ok {
			v := fig.num
			return &v
		}
		return nil
	}
	return BambuFunction{Name: f.name, States: get("states"), MinCycles: get("min_cycles"),
		MaxCycles: get("max_cycles"), EstFmaxMHz: get("est_fmax_mhz"), EstArea: get("est_area"),
		EstDSPs: get("est_dsps"), EstFlipFlops: get("est_flip_flops")}
}
