package main

import (
	"encoding/csv"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// fuRow is one row of fu_library.csv with the line it is on.
type fuRow struct {
	line int
	col  map[string]string
}

func (r fuRow) num(name string) float64 {
	v, err := strconv.ParseFloat(r.col[name], 64)
	if err != nil {
		return 0
	}
	return v
}

// readFU reads fu_library.csv, rows grouped by device.
func readFU(path string) (map[string][]fuRow, error) {
	recs, err := readCSV(path)
	if err != nil {
		return nil, err
	}
	head := recs[0]
	out := map[string][]fuRow{}
	for i, rec := range recs[1:] {
		r := fuRow{line: i + 2, col: map[string]string{}}
		for j, h := range head {
			r.col[h] = rec[j]
		}
		out[r.col["device"]] = append(out[r.col["device"]], r)
	}
	return out, nil
}

// cellRule says which cells implement one of kiln's operations: the
// GIMPLE operation name in the operation column and a cell-name pattern in
// which P is "" (signed) or "ui_" (unsigned) and W the operand width. Only
// cells whose operands are all variable and of the same width are taken
// (plus_expr_FU_32_32_32, not plus_expr_FU_32_0_32 with a constant input).
type cellRule struct {
	op, gimple, pattern string
	signedOnly          bool // no ui_ cell: uint uses the signed one
	anyWidth            bool // the cell is not templated by width
}

var cellRules = []cellRule{
	{op: "add", gimple: "plus_expr", pattern: `PPplus_expr_FU_W_W_W`},
	{op: "sub", gimple: "minus_expr", pattern: `PPminus_expr_FU_W_W_W`},
	{op: "mul", gimple: "mult_expr", pattern: `PPmult_expr_FU_W_W_W_\d+`},
	{op: "div", gimple: "trunc_div_expr", pattern: `PPtrunc_div_expr_FU_W_W_W_\d+`},
	{op: "rem", gimple: "trunc_mod_expr", pattern: `PPtrunc_mod_expr_FU_W_W_W_\d+`},
	{op: "neg", gimple: "negate_expr", pattern: `PPnegate_expr_FU_W_W`},
	{op: "abs", gimple: "abs_expr", pattern: `__builtin_abs_W_W`, signedOnly: true},
	{op: "min", gimple: "min_expr", pattern: `PPmin_expr_FU_W_W_W`},
	{op: "max", gimple: "max_expr", pattern: `PPmax_expr_FU_W_W_W`},
	{op: "cmp", gimple: "lt_expr", pattern: `PPlt_expr_FU_W_W_\d+`},
	{op: "select", gimple: "cond_expr", pattern: `PPcond_expr_FU_\d+_W_W_W`},
	{op: "and", gimple: "bit_and_expr", pattern: `PPbit_and_expr_FU_W_W_W`},
	{op: "or", gimple: "bit_ior_expr", pattern: `PPbit_ior_expr_FU_W_W_W`},
	{op: "xor", gimple: "bit_xor_expr", pattern: `PPbit_xor_expr_FU_W_W_W`},
	{op: "shl", gimple: "lshift_expr", pattern: `PPlshift_expr_FU_W_W_W`},
	{op: "shr", gimple: "rshift_expr", pattern: `PPrshift_expr_FU_W_W_W`},
	{op: "cast", gimple: "convert_expr", pattern: `IIconvert_expr_FU`, signedOnly: true, anyWidth: true},
	// --channels-number=2 with --memory-allocation-policy=ALL_BRAM (kiln's
	// and SODA's setup): the dual-port BRAM array with its 3- and 4-cycle
	// read variants.
	{op: "load", gimple: "LOAD", pattern: `ARRAY_1D_STD_BRAM_NN(_\d)?`, signedOnly: true, anyWidth: true},
	{op: "store", gimple: "STORE", pattern: `ARRAY_1D_STD_BRAM_NN(_\d)?`, signedOnly: true, anyWidth: true},
}

// widths are the operand widths Bambu characterises.
var widths = []int{1, 8, 16, 32, 64}

// entries builds a device's table from its fu_library rows.
func entries(fu map[string][]fuRow, dev string) []Entry {
	rows := fu[dev]
	asic := dev == "nangate45" || dev == "asap7-BC"
	var nangate map[string]float64
	if dev == "asap7-BC" {
		nangate = areas(fu["nangate45"])
	}
	var out []Entry
	for _, rule := range cellRules {
		for _, typ := range []string{"int", "uint"} {
			if typ == "uint" && rule.signedOnly {
				continue
			}
			for _, w := range widths {
				var vs []Variant
				re := rule.regexp(typ, w)
				for _, r := range rows {
					if r.col["operation"] != rule.gimple || !re.MatchString(r.col["cell"]) || !rule.typeOK(r, typ, w) {
						continue
					}
					// The ASIC libraries carry 2016/2017 rows copied from FPGA
					// libraries (README): not characterised for them.
					if asic && r.col["characterization_timestamp"] < "2020" {
						continue
					}
					vs = append(vs, variant(r, dev, nangate))
				}
				if len(vs) > 0 {
					out = append(out, Entry{Op: rule.op, Type: typ, Bits: w, Variants: pareto(vs)})
				}
			}
		}
	}
	return out
}

func (c cellRule) regexp(typ string, w int) *regexp.Regexp {
	p := ""
	if typ == "uint" {
		p = "ui_"
	}
	s := strings.ReplaceAll(c.pattern, "PP", p)
	s = strings.ReplaceAll(s, "W", strconv.Itoa(w))
	return regexp.MustCompile("^" + s + "$")
}

func (c cellRule) typeOK(r fuRow, typ string, w int) bool {
	if c.anyWidth {
		return true
	}
	t := "INT"
	if typ == "uint" {
		t = "UINT"
	}
	for _, s := range strings.Split(r.col["supported_types"], "|") {
		if s == fmt.Sprintf("%s:%d", t, w) {
			return true
		}
	}
	return false
}

// variant turns a row into a unit. asap7-BC's area column is a constant
// (5598 on every characterised cell, a placeholder): its area is taken
// from the nangate45 cell of the same name, in Bambu's unit, and scaled to
// 7 nm at run time (see devices.json).
func variant(r fuRow, dev string, nangate map[string]float64) Variant {
	v := Variant{
		DelayNS: r.num("execution_time_ns"),
		LUT:     int(r.num("slice_luts")),
		FF:      int(r.num("registers")),
		DSP:     int(r.num("dsp")),
		BRAM:    int(r.num("bram")),
		Area:    r.num("area"),
		Source:  fmt.Sprintf("fu_library.csv line %d (%s %s %s)", r.line, dev, r.col["cell"], r.col["operation"]),
	}
	if r.col["cycles"] != "" {
		v.Cycles = int(r.num("cycles"))
		v.II = int(r.num("initiation_time"))
		v.DelayNS = r.num("stage_period_ns")
	}
	if nangate != nil {
		if a, ok := nangate[r.col["cell"]+"/"+r.col["operation"]]; ok {
			v.Area = a
			v.Source += "; area of nangate45's same cell (asap7's area column is a constant placeholder)"
		} else {
			v.Area = 0
			v.Source += "; no area (asap7's area column is a placeholder and nangate45 has no such cell)"
		}
	}
	return v
}

// areas indexes nangate45's characterised areas by cell/operation.
func areas(rows []fuRow) map[string]float64 {
	m := map[string]float64{}
	for _, r := range rows {
		if r.col["characterization_timestamp"] >= "2020" {
			m[r.col["cell"]+"/"+r.col["operation"]] = r.num("area")
		}
	}
	return m
}

// readCSV reads a whole CSV file: a header and at least one row.
func readCSV(path string) ([][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(recs) < 2 {
		return nil, fmt.Errorf("%s: no rows", path)
	}
	return recs, nil
}
