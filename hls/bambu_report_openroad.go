package hls

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// openroadDepth is how deep below the directory OpenROAD's reports are
// looked for (…/Synthesis/…/reports/<platform>/<top>/base/6_finish.rpt).
const openroadDepth = 10

// OpenROAD-flow-scripts' text reports, as Bambu's ASIC flow leaves them:
// report_design_area's "Design area 31013 u^2 45% utilization." and
// report_power's table, whose "Total" row gives internal, switching,
// leakage and total power in W.
var (
	openroadArea  = regexp.MustCompile(`^Design area (\S+) u\^2`)
	openroadPower = regexp.MustCompile(`^Total\s+\S+\s+\S+\s+\S+\s+(\S+)(\s+\S+%)?$`)
)

// findOpenROAD finds .log and .rpt files holding a design area or a power
// table, final reports (6_…) first.
func findOpenROAD(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel := relName(dir, path)
		if d.IsDir() {
			if rel != "." && strings.Count(rel, "/") >= openroadDepth {
				return filepath.SkipDir
			}
			return nil
		}
		ext := filepath.Ext(path)
		if !d.Type().IsRegular() || rel == "bambu-log" || (ext != ".log" && ext != ".rpt") {
			return nil
		}
		head := readHead(path)
		if bytes.Contains(head, []byte("Design area ")) || bytes.Contains(head, []byte("Power (Watts)")) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bambu report: %w", err)
	}
	// 6_report.log before 5_route.log …: later stages first.
	sort.SliceStable(out, func(i, j int) bool {
		bi, bj := filepath.Base(out[i]), filepath.Base(out[j])
		if bi != bj {
			return bi > bj
		}
		return out[i] < out[j]
	})
	return out, nil
}

// parseOpenROADReader reads the last design area and the first power
// table's total of an OpenROAD report.
func parseOpenROADReader(name string, rd io.Reader) (bambuSources, error) {
	var s bambuSources
	var area *figure
	inPower := false
	err := scanLines(name, rd, func(line string, n int) error {
		line = strings.TrimSpace(line)
		src := fmt.Sprintf("%s:%d", name, n)
		if m := openroadArea.FindStringSubmatch(line); m != nil {
			v, ok := parseNumber(m[1])
			if !ok {
				return fmt.Errorf("%s: design area %q is not a number", src, m[1])
			}
			area = &figure{name: "area_um2", num: v, src: src}
			return nil
		}
		if strings.Contains(line, "Power (Watts)") {
			inPower = true
			return nil
		}
		if m := openroadPower.FindStringSubmatch(line); inPower && m != nil {
			v, ok := parseNumber(m[1])
			if !ok {
				return fmt.Errorf("%s: total power %q is not a number", src, m[1])
			}
			s.figs = append(s.figs, figure{name: "power_w", num: v, src: src})
			inPower = false
		}
		return nil
	})
	if area != nil {
		s.figs = append(s.figs, *area)
	}
	return s, err
}

func parseOpenROAD(dir, name string) (bambuSources, error) {
	return openParse(dir, name, parseOpenROADReader)
}
