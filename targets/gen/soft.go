package main

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// softData holds the characterised soft-float/libm points per device and
// (op, bits), before borrowing.
type softData map[string]map[string][]Point

func softKey(op string, bits int) string { return fmt.Sprintf("%s/%d", op, bits) }

// readSoft reads softfloat_libm.csv (Bambu's soft-float, not FloPoCo) and
// the soft-float units of the nangate45 tutorial log.
func readSoft(calib string) (softData, error) {
	path := calib + "/softfloat_libm.csv"
	recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for i, h := range recs[0] {
		idx[h] = i
	}
	sd := softData{}
	for i, rec := range recs[1:] {
		get := func(c string) string { return rec[idx[c]] }
		atoi := func(c string) int { n, _ := strconv.Atoi(get(c)); return n }
		if get("fp_impl") != "softfloat" {
			continue
		}
		op, bits := softOp(get("kernel"))
		clock, err1 := strconv.ParseFloat(get("clock_ns"), 64)
		cycles, err2 := strconv.Atoi(get("cycles"))
		if op == "" || err1 != nil || err2 != nil {
			continue
		}
		p := Point{ClockNS: clock, Cycles: cycles, LUT: atoi("luts"), FF: atoi("registers"),
			DSP: atoi("dsps"), BRAM: atoi("brams"), Area: float64(atoi("luts")), TopFunction: true,
			Source: fmt.Sprintf("softfloat_libm.csv line %d (%s %s, %s @ %s ns)", i+2, get("suite"), get("kernel"), get("device"), get("clock_ns"))}
		sd.add(get("device"), softKey(op, bits), p)
	}
	if err := sd.readLog(calib); err != nil {
		return nil, err
	}
	return sd, nil
}

func (sd softData) add(dev, key string, p Point) {
	if sd[dev] == nil {
		sd[dev] = map[string][]Point{}
	}
	sd[dev][key] = append(sd[dev][key], p)
}

// softOp maps a benchmark of softfloat_libm.csv to kiln's op and width.
func softOp(kernel string) (string, int) {
	switch kernel {
	case "addition", "subtraction", "multiplication", "divisionSRT4":
		return map[string]string{"addition": "add", "subtraction": "sub", "multiplication": "mul", "divisionSRT4": "div"}[kernel], 32
	case "addition64", "subtraction64", "multiplication64", "division64SRT4":
		return map[string]string{"addition64": "add", "subtraction64": "sub", "multiplication64": "mul", "division64SRT4": "div"}[kernel], 64
	}
	if strings.HasSuffix(kernel, "f") {
		return strings.TrimSuffix(kernel, "f"), 32
	}
	return "", 0
}

// tutorialLog is the nangate45 run at 5 ns whose log names the soft-float
// units Bambu 2024.10 binds for f32 multiply and add.
const tutorialLog = "bambu-logs/tensorflow-tutorial-2024.10/baseline/bambu-log"

var (
	reFunc   = regexp.MustCompile(`(?:Information|information) (?:of|for) function (\S+):$`)
	reCycles = regexp.MustCompile(`^\s+Minimum number of cycles: (\d+)`)
	reArea   = regexp.MustCompile(`^\s+Total estimated area: ([\d.]+)`)
	reFF     = regexp.MustCompile(`^\s+Total number of flip-flops in function (\S+): (\d+)`)
)

// readLog adds nangate45's f32 mul and add (and sub, which Bambu's
// soft-float library computes with the adder: an assumption stated in the
// source) at 5 ns from the tutorial log.
func (sd softData) readLog(calib string) error {
	f, err := os.Open(calib + "/" + tutorialLog)
	if err != nil {
		return err
	}
	defer f.Close()
	units := map[string]*Point{"__float_mule8m23b_127nih": {ClockNS: 5}, "__float_adde8m23b_127nih": {ClockNS: 5}}
	lines := map[string][]int{}
	cur := ""
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		s := sc.Text()
		if m := reFunc.FindStringSubmatch(s); m != nil {
			cur = m[1]
		}
		if m := reFF.FindStringSubmatch(s); m != nil {
			cur = m[1]
		}
		p := units[cur]
		if p == nil {
			continue
		}
		switch m := [3][]string{reCycles.FindStringSubmatch(s), reArea.FindStringSubmatch(s), reFF.FindStringSubmatch(s)}; {
		case m[0] != nil:
			p.Cycles, _ = strconv.Atoi(m[0][1])
		case m[1] != nil:
			p.Area, _ = strconv.ParseFloat(m[1][1], 64)
		case m[2] != nil:
			p.FF, _ = strconv.Atoi(m[2][2])
		default:
			continue
		}
		lines[cur] = append(lines[cur], n)
	}
	for name, p := range units {
		if p.Cycles == 0 || p.Area == 0 {
			return fmt.Errorf("%s: no cycles or area for %s", tutorialLog, name)
		}
		p.Source = fmt.Sprintf("%s lines %v (%s, nangate45 @ 5 ns; area in Bambu's unit)", tutorialLog, lines[name], name)
	}
	mul, add := *units["__float_mule8m23b_127nih"], *units["__float_adde8m23b_127nih"]
	sd.add("nangate45", softKey("mul", 32), mul)
	sd.add("nangate45", softKey("add", 32), add)
	add.Source += "; sub: the same adder (assumption: Bambu's soft-float subtracts by adding the negated operand)"
	sd.add("nangate45", softKey("sub", 32), add)
	return nil
}

// borrow lists where a device without its own soft-float points takes
// them from, in order: the first with the (op, bits) wins.
var borrow = map[string][]string{
	"xcu280-2Lfsvh2892-VVD": {"xc7vx690t-3ffg1930-VVD"},
	"xcu55c-2Lfsvh2892-VVD": {"xc7vx690t-3ffg1930-VVD"},
	"nangate45":             {"xc7vx690t-3ffg1930-VVD"},
	"asap7-BC":              {"nangate45", "xc7vx690t-3ffg1930-VVD"},
}

// forDevice returns a device's soft units: its own points, and those of
// the first device in borrow[dev] that has the unit, with their clocks
// converted by the two devices' logic-speed ratio, where they lie outside
// the clocks of the device's own points. final caches every device's
// result; devices are built in order, each after those it borrows from.
func (sd softData) forDevice(dev string, fu map[string][]fuRow, final map[string]map[string][]Point) ([]Soft, error) {
	keys := map[string]bool{}
	for _, m := range sd {
		for k := range m {
			keys[k] = true
		}
	}
	final[dev] = map[string][]Point{}
	var out []Soft
	for _, k := range sortedKeys(keys) {
		own := slices.Clone(sd[dev][k])
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range own {
			lo, hi = min(lo, p.ClockNS), max(hi, p.ClockNS)
		}
		pts := own
		for _, ref := range borrow[dev] {
			if len(final[ref][k]) == 0 {
				continue
			}
			b, err := borrowed(dev, ref, final[ref][k], fu, sd)
			if err != nil {
				return nil, err
			}
			for _, p := range b {
				if p.ClockNS < lo || p.ClockNS > hi {
					pts = append(pts, p)
				}
			}
			break
		}
		if len(pts) == 0 {
			continue
		}
		sort.Slice(pts, func(i, j int) bool { return pts[i].ClockNS < pts[j].ClockNS })
		final[dev][k] = pts
		op, bits, _ := strings.Cut(k, "/")
		b, _ := strconv.Atoi(bits)
		out = append(out, Soft{Op: op, Bits: b, Points: pts})
	}
	return out, nil
}

func sortedKeys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func isASIC(dev string) bool { return dev == "nangate45" || dev == "asap7-BC" }

// borrowed converts ref's points for key to dev: a state of period T on
// dev holds as much logic as one of T·r on ref, where r is ref's cell
// delay over dev's, so ref's point at clock c becomes dev's at c/r with
// the same cycles. An ASIC borrowing from an FPGA gets area = LUTs ×
// nangate45's Bambu area per soft-float LUT (lutArea).
func borrowed(dev, ref string, pts []Point, fu map[string][]fuRow, sd softData) ([]Point, error) {
	r, why, err := speedRatio(fu, ref, dev)
	if err != nil {
		return nil, err
	}
	var out []Point
	for _, p := range pts {
		q := p
		q.ClockNS = round3(p.ClockNS / r)
		q.Source = fmt.Sprintf("%s; borrowed from %s: clock %g ns there ≈ %g ns on %s (%s)", p.Source, ref, p.ClockNS, q.ClockNS, dev, why)
		if isASIC(dev) && !isASIC(ref) {
			k, kwhy, err := sd.lutArea()
			if err != nil {
				return nil, err
			}
			q.Area = round3(float64(p.LUT) * k)
			q.LUT, q.DSP, q.BRAM = 0, 0, 0
			q.Source += "; area = LUTs × " + kwhy
		}
		out = append(out, q)
	}
	return out, nil
}

// lutArea is nangate45's Bambu area per LUT of the same soft-float unit
// on xc7vx690t: the f32 adder's area in the tutorial log at 5 ns over its
// LUTs at 10 ns (where both units take 4 cycles). The multiplier is left
// out: on the FPGA most of it is in DSP slices, not LUTs.
func (sd softData) lutArea() (float64, string, error) {
	asic, fpga := sd["nangate45"][softKey("add", 32)], sd["xc7vx690t-3ffg1930-VVD"][softKey("add", 32)]
	var lut int
	for _, p := range fpga {
		if p.ClockNS == 10 {
			lut = p.LUT
		}
	}
	if len(asic) == 0 || lut == 0 {
		return 0, "", fmt.Errorf("no f32 adder on nangate45 and xc7vx690t @ 10 ns to scale soft-float area")
	}
	k := round3(asic[0].Area / float64(lut))
	return k, fmt.Sprintf("%g (nangate45 Bambu area per LUT: the f32 adder's area in the tutorial log @ 5 ns over its xc7vx690t LUTs @ 10 ns)", k), nil
}

// speedCells are the 32-bit combinational cells whose delays compare two
// devices' logic speed.
var speedCells = []string{
	"plus_expr_FU_32_32_32", "minus_expr_FU_32_32_32", "mult_expr_FU_32_32_32_0", "lt_expr_FU_32_32_32",
	"min_expr_FU_32_32_32", "cond_expr_FU_32_32_32_32", "bit_xor_expr_FU_32_32_32", "lshift_expr_FU_32_32_32",
	"negate_expr_FU_32_32",
}

// speedRatio is the geometric mean over speedCells of ref's delay over
// dev's (> 1: dev is faster).
func speedRatio(fu map[string][]fuRow, ref, dev string) (float64, string, error) {
	delay := func(d, cell string) float64 {
		for _, r := range fu[d] {
			if r.col["cell"] == cell && r.col["cycles"] == "" && (!isASIC(d) || r.col["characterization_timestamp"] >= "2020") {
				return r.num("execution_time_ns")
			}
		}
		return 0
	}
	var logSum float64
	for _, c := range speedCells {
		a, b := delay(ref, c), delay(dev, c)
		if a == 0 || b == 0 {
			return 0, "", fmt.Errorf("speed ratio %s/%s: cell %s missing", ref, dev, c)
		}
		logSum += math.Log(a / b)
	}
	r := round3(math.Exp(logSum / float64(len(speedCells))))
	return r, fmt.Sprintf("logic-speed ratio %g = geometric mean of %s/%s delays of the 32-bit plus, minus, mult, lt, min, cond, bit_xor, lshift, negate cells of fu_library.csv", r, ref, dev), nil
}

func round3(x float64) float64 { return math.Round(x*1000) / 1000 }
