package hls

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// resultsXMLFigures maps the elements of bambu_results_N.xml (written by
// --evaluation; PandA-bambu's evaluation step) to report figures. CYCLES is
// the mean cycles per call, TOTAL_CYCLES their sum, TIME the latency of one
// call in µs at the achieved PERIOD (ns), FREQUENCY in MHz.
var resultsXMLFigures = map[string]string{
	"CYCLES": "cycles.avg", "TOTAL_CYCLES": "cycles.total", "AREA": "synth_area",
	"SLICE": "slices", "SLICE_LUTS": "luts", "REGISTERS": "ffs", "DSPS": "dsps",
	"BRAMS": "brams", "PERIOD": "achieved_period_ns", "CLOCK_SLACK": "slack_ns",
	"FREQUENCY": "fmax_mhz", "TIME": "latency_us", "POWER": "power_w",
	"HLS_execution_time": "hls_time_s",
}

// synthXMLFigures maps the stringIDs of the synthesis flows' report XML
// (<item stringID="XILINX_SLICE_LUTS" value="…"/>) to report figures.
var synthXMLFigures = map[string]string{
	"XILINX_SLICE": "slices", "XILINX_SLICE_LUTS": "luts", "XILINX_SLICE_REGISTERS": "ffs",
	"XILINX_DSPS": "dsps", "XILINX_BLOCK_RAMFIFO": "brams", "XILINX_POWER": "power_w",
	"XILINX_DESIGN_DELAY": "achieved_period_ns",
}

// synthFigureBySuffix maps other flows' stringIDs by suffix (OpenROAD,
// Yosys…): *_AREA is µm² outside the Xilinx flow.
func synthFigureBySuffix(id string) string {
	switch {
	case strings.HasPrefix(id, "XILINX_"):
		return ""
	case strings.HasSuffix(id, "_AREA"):
		return "area_um2"
	case strings.HasSuffix(id, "_POWER"):
		return "power_w"
	case strings.HasSuffix(id, "_DESIGN_DELAY"):
		return "achieved_period_ns"
	}
	return ""
}

// openParse opens dir/name and hands it to parse.
func openParse(dir, name string, parse func(string, io.Reader) (bambuSources, error)) (bambuSources, error) {
	fh, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return bambuSources{}, fmt.Errorf("bambu report: %w", err)
	}
	defer fh.Close()
	return parse(name, fh)
}

// xmlWalkReader calls fn for every start element of the file with its line.
func xmlWalkReader(name string, rd io.Reader, fn func(e xml.StartElement, line int) error) error {
	d := xml.NewDecoder(rd)
	elems := 0
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if errors.Is(err, io.EOF) {
			if elems == 0 {
				return fmt.Errorf("%s:%d: no XML element", name, line)
			}
			return nil
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fmt.Errorf("%s:%d: malformed XML: %s", name, se.Line, se.Msg)
			}
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			elems++
			line, _ = d.InputPos()
			if err := fn(se, line); err != nil {
				return fmt.Errorf("%s:%d: %w", name, line, err)
			}
		}
	}
}

func xmlAttr(e xml.StartElement, name string) (string, bool) {
	for _, a := range e.Attr {
		if a.Name.Local == name {
			return a.Value, true
		}
	}
	return "", false
}

// parseResultsXML reads bambu_results_N.xml.
func parseResultsXML(dir, name string) (bambuSources, error) {
	return openParse(dir, name, parseResultsXMLReader)
}

func parseResultsXMLReader(name string, rd io.Reader) (bambuSources, error) {
	var s bambuSources
	err := xmlWalkReader(name, rd, func(e xml.StartElement, line int) error {
		src := fmt.Sprintf("%s:%d", name, line)
		if e.Name.Local == "bambu_results" {
			s.figs = append(s.figs, resultsXMLMeta(e, src)...)
			return nil
		}
		fig, ok := resultsXMLFigures[e.Name.Local]
		if !ok {
			return nil
		}
		v, err := xmlNumber(e)
		if err != nil {
			return err
		}
		s.figs = append(s.figs, figure{name: fig, num: v, src: src})
		return nil
	})
	return s, err
}

// resultsXMLMeta reads the root's attributes: the command line and version.
func resultsXMLMeta(e xml.StartElement, src string) []figure {
	var figs []figure
	if v, ok := xmlAttr(e, "bambu_version"); ok {
		figs = append(figs, figure{name: "bambu_version", str: cleanVersion(v), src: src})
	}
	if args, ok := xmlAttr(e, "bambu_args"); ok {
		figs = append(figs, argsFigures(strings.TrimSpace(args), src)...)
	}
	return figs
}

// parseSynthXML reads a synthesis flow's report XML.
func parseSynthXML(dir, name string) (bambuSources, error) {
	return openParse(dir, name, parseSynthXMLReader)
}

func parseSynthXMLReader(name string, rd io.Reader) (bambuSources, error) {
	var s bambuSources
	err := xmlWalkReader(name, rd, func(e xml.StartElement, line int) error {
		id, ok := xmlAttr(e, "stringID")
		if !ok {
			return nil
		}
		fig, ok := synthXMLFigures[id]
		if !ok {
			fig = synthFigureBySuffix(id)
		}
		if fig == "" {
			return nil
		}
		v, err := xmlNumber(e)
		if err != nil {
			return err
		}
		s.figs = append(s.figs, figure{name: fig, num: v, src: fmt.Sprintf("%s:%d", name, line)})
		return nil
	})
	return s, err
}

func xmlNumber(e xml.StartElement) (float64, error) {
	what := e.Name.Local
	if id, ok := xmlAttr(e, "stringID"); ok {
		what = id
	}
	s, ok := xmlAttr(e, "value")
	if !ok {
		return 0, fmt.Errorf("%s has no value attribute", what)
	}
	v, ok := parseNumber(s)
	if !ok {
		return 0, fmt.Errorf("%s value %q is not a number", what, s)
	}
	return v, nil
}

// cleanVersion turns "Version: PandA 0.9.8 - Revision 891e…" into
// "PandA 0.9.8 - Revision 891e…".
func cleanVersion(v string) string {
	return strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), "Version:"))
}

// argsFigures reads the top function, device and clock of a Bambu command
// line.
func argsFigures(args, src string) []figure {
	figs := []figure{{name: "bambu_args", str: args, src: src}}
	for _, a := range strings.Fields(args) {
		k, v, ok := strings.Cut(a, "=")
		if !ok || v == "" {
			continue
		}
		switch k {
		case "--top-fname":
			figs = append(figs, figure{name: "top_function", str: v, src: src})
		case "--device", "--device-name":
			figs = append(figs, figure{name: "device", str: v, src: src})
		case "--clock-period":
			if p, ok := parseNumber(v); ok {
				figs = append(figs, figure{name: "clock_period_ns", num: p, src: src})
			}
		}
	}
	return figs
}
