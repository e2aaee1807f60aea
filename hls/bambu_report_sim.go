package hls

import (
	"fmt"
	"io"
	"strings"
)

// simRun is one simulated call: its cycles, or a simulation time with its
// unit ("ns", "ps") that the clock period turns into cycles.
type simRun struct {
	cycles float64
	unit   string
	src    string
}

// parseResultsTxt reads results.txt as PandA-bambu's SimulationTool writes
// it: one line per call, a status (1 correct, 0 wrong result, X not
// terminated, - not checked), the cycles, optionally a time unit.
func parseResultsTxt(dir, name string) (bambuSources, error) {
	return openParse(dir, name, parseResultsReader)
}

func parseResultsReader(name string, rd io.Reader) (bambuSources, error) {
	var s bambuSources
	err := scanLines(name, rd, func(line string, n int) error {
		f := strings.Fields(line)
		if len(f) == 0 {
			return nil
		}
		src := fmt.Sprintf("%s:%d", name, n)
		switch f[0] {
		case "1", "-":
		case "0":
			s.notes = append(s.notes, src+": the call gave a wrong result (its cycles are counted)")
		case "X":
			s.notes = append(s.notes, src+": the call did not terminate: not counted")
			return nil
		default:
			return fmt.Errorf("%s: status %q is none of 1, 0, X, -", src, f[0])
		}
		if len(f) < 2 || len(f) > 3 {
			return fmt.Errorf("%s: want a status and a cycle count, got %q", src, line)
		}
		v, ok := parseNumber(f[1])
		if !ok || v < 0 {
			return fmt.Errorf("%s: cycle count %q is not a number", src, f[1])
		}
		r := simRun{cycles: v, src: src}
		if len(f) == 3 {
			if f[2] != "ns" && f[2] != "ps" {
				return fmt.Errorf("%s: time unit %q is neither ns nor ps", src, f[2])
			}
			r.unit = f[2]
		}
		s.runs = append(s.runs, r)
		return nil
	})
	return s, err
}

// applyRuns sets the cycle figures from the simulated calls, turning
// times into cycles with the requested clock period.
func (r *BambuReport) applyRuns(runs []simRun) {
	var cyc []float64
	for _, run := range runs {
		c := run.cycles
		if run.unit != "" {
			if r.ClockPeriodNS == nil || *r.ClockPeriodNS <= 0 {
				r.Notes = append(r.Notes, fmt.Sprintf("%s: a time in %s and no clock period to turn it into cycles: skipped", run.src, run.unit))
				continue
			}
			t := c
			if run.unit == "ps" {
				t /= 1000
			}
			c = t / *r.ClockPeriodNS
		}
		cyc = append(cyc, c)
	}
	if len(cyc) == 0 {
		return
	}
	src := runs[0].src
	if len(runs) > 1 {
		src += "–" + runs[len(runs)-1].src[strings.LastIndexByte(runs[len(runs)-1].src, ':')+1:]
	}
	lo, hi, sum := cyc[0], cyc[0], 0.0
	for _, c := range cyc {
		lo, hi, sum = min(lo, c), max(hi, c), sum+c
	}
	for _, f := range []figure{{name: "cycles.runs", num: float64(len(cyc))}, {name: "cycles.total", num: sum},
		{name: "cycles.min", num: lo}, {name: "cycles.avg", num: sum / float64(len(cyc))}, {name: "cycles.max", num: hi}} {
		f.src = src
		r.set(f)
	}
}
