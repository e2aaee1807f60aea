package sim

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// PolybenchRow is one measurement of SODA's PolyBench experiment on Bambu
// (or ScaleHLS), one row of ../shared/calibration/polybench_bambu.csv; that
// file's README and polybench_kernels.md say how each was measured.
type PolybenchRow struct {
	Kernel  string  // gemm, atax, two_mm, syrk, gemver, trmm, doitgen
	N       int     // problem size: every array dimension is N
	Variant string  // none, full, nbt, none_nangate, full_nangate, nbt_nangate, scalehls
	Metric  string  // cycles, luts, dsps, power_w
	Value   float64 // in the metric's unit (cycles, LUTs, DSPs, watts)
	Tool    string  // Bambu or ScaleHLS
	Device  string  // Bambu's device string, or "not recorded" (ScaleHLS)
	ClockNS float64 // clock period in ns; 0 where the file records none (ScaleHLS)
	Source  string  // the sheet or notebook cell the value was taken from
}

// polybenchHeader is the CSV's first line, column by column.
var polybenchHeader = []string{"kernel", "N", "variant", "metric", "value", "tool", "device", "clock_ns", "source"}

// PolybenchRows reads polybench_bambu.csv (the calibration rows of SODA's
// PolyBench runs) from path. Errors name the line and column at fault.
func PolybenchRows(path string) ([]PolybenchRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("sim: polybench rows: %w", err)
	}
	defer f.Close()
	rows, err := readPolybench(f)
	if err != nil {
		return nil, fmt.Errorf("sim: polybench rows: %s: %w", path, err)
	}
	return rows, nil
}

func readPolybench(r io.Reader) ([]PolybenchRow, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(polybenchHeader)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("header: %w", err)
	}
	for i, want := range polybenchHeader {
		if strings.TrimSpace(head[i]) != want {
			return nil, fmt.Errorf("header column %d is %q, want %q", i+1, head[i], want)
		}
	}
	var rows []PolybenchRow
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		row, err := polybenchRow(rec)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		rows = append(rows, row)
	}
	if len(rows) == 0 {
		return nil, errors.New("no rows")
	}
	return rows, nil
}

func polybenchRow(rec []string) (PolybenchRow, error) {
	row := PolybenchRow{Kernel: rec[0], Variant: rec[2], Metric: rec[3], Tool: rec[5], Device: rec[6], Source: rec[8]}
	for i, s := range []string{row.Kernel, row.Variant, row.Metric, row.Tool, row.Device} {
		if s == "" {
			return row, fmt.Errorf("column %s is empty", polybenchHeader[[]int{0, 2, 3, 5, 6}[i]])
		}
	}
	n, err := strconv.Atoi(rec[1])
	if err != nil || n <= 0 {
		return row, fmt.Errorf("column N: %q is not a positive integer", rec[1])
	}
	row.N = n
	v, err := strconv.ParseFloat(rec[4], 64)
	if err != nil || !(v >= 0) || math.IsInf(v, 0) {
		return row, fmt.Errorf("column value: %q is not a non-negative number", rec[4])
	}
	row.Value = v
	if rec[7] != "" {
		c, err := strconv.ParseFloat(rec[7], 64)
		if err != nil || !(c > 0) || math.IsInf(c, 0) {
			return row, fmt.Errorf("column clock_ns: %q is not a positive number", rec[7])
		}
		row.ClockNS = c
	}
	return row, nil
}

// PolybenchHeader reads the first line of a file of testdata/polybench,
// "// variant: V, interface: I": the SODA variant V (none, full or nbt)
// whose structure the file has, and the memory interface I that variant
// used on the FPGA (shared: Bambu's default interface for all arguments;
// per-array: one inferred interface per array argument,
// polybench_kernels.md §2.2).
func PolybenchHeader(src string) (variant, iface string, err error) {
	line, _, _ := strings.Cut(src, "\n")
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), "// variant: ")
	if !ok {
		return "", "", fmt.Errorf("sim: first line %q is not \"// variant: V, interface: I\"", line)
	}
	variant, iface, ok = strings.Cut(rest, ", interface: ")
	switch {
	case !ok:
		return "", "", fmt.Errorf("sim: first line %q names no interface", line)
	case variant != "none" && variant != "full" && variant != "nbt":
		return "", "", fmt.Errorf("sim: unknown variant %q (none, full, nbt)", variant)
	case iface != "shared" && iface != "per-array":
		return "", "", fmt.Errorf("sim: unknown interface %q (shared, per-array)", iface)
	}
	return variant, iface, nil
}
