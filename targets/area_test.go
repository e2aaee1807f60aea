package targets

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// estimatedAreas are the "Total estimated area" figures of a Bambu -v3
// log, in order: the soft-float units', then main_kernel's.
func estimatedAreas(t *testing.T, path string) []float64 {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []float64
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<24)
	for s.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), "Total estimated area: "); ok {
			x, err := strconv.ParseFloat(v, 64)
			require.NoError(t, err)
			out = append(out, x)
		}
	}
	require.NoError(t, s.Err())
	require.Len(t, out, 3, "%s: the two soft-float units and main_kernel", path)
	return out
}

// TestAreaDerivation re-derives nangate45's µm² per Bambu area unit and
// its fixed area per design from the 2025 tutorial's two designs
// (OpenROAD layout area against Bambu's own estimates in the logs), and
// checks the line on the PACT'22 run of the same kernels (another Bambu,
// another flow), which it was not fitted on.
func TestAreaDerivation(t *testing.T) {
	const logs = "../../shared/calibration/bambu-logs/"
	// Designs' units: main_kernel plus its soft-float units, one each in
	// the baseline, 16 adders and 16 multipliers in the optimized design
	// (the cliques in pact2022-tutorial-0.9.8/optimized/bambu-log).
	units := func(dir string, n float64) float64 {
		a := estimatedAreas(t, logs+dir+"/bambu-log")
		return a[2] + n*(a[0]+a[1])
	}
	// Layout areas: soda_tutorial_batch_matmul.csv, layout_area_um2.
	b25, o25 := units("tensorflow-tutorial-2024.10/baseline", 1), units("tensorflow-tutorial-2024.10/optimized", 16)
	slope := (285856 - 31013) / (o25 - b25)
	fixed := 31013 - slope*b25
	d, err := Lookup("nangate45")
	require.NoError(t, err)
	require.NotNil(t, d.ASICArea)
	assert.InEpsilon(t, slope, d.ASICArea.UM2PerUnit, 1e-4)
	assert.InDelta(t, fixed, d.ASICArea.FixedUM2, 1)
	for _, c := range []struct {
		dir    string
		n      float64
		layout float64
	}{{"pact2022-tutorial-0.9.8/baseline", 1, 27736}, {"pact2022-tutorial-0.9.8/optimized", 16, 254222}} {
		got := d.ASICArea.FixedUM2 + d.ASICArea.UM2PerUnit*units(c.dir, c.n)
		t.Logf("%s: %.0f um2 (OpenROAD %.0f, %+.1f%%)", c.dir, got, c.layout, 100*(got/c.layout-1))
		assert.InEpsilon(t, c.layout, got, 0.10)
	}
}

// logFigure is the number after prefix on the last line of a Bambu -v3
// log that has it (main_kernel's, which comes after its units').
func logFigure(t *testing.T, path, prefix string) float64 {
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	v, found := 0.0, false
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<24)
	for s.Scan() {
		if x, ok := strings.CutPrefix(strings.TrimSpace(s.Text()), prefix); ok {
			v, err = strconv.ParseFloat(x, 64)
			require.NoError(t, err, "%s: %q", path, s.Text())
			found = true
		}
	}
	require.NoError(t, s.Err())
	require.True(t, found, "%s: no %q", path, prefix)
	return v
}

// TestAreaGlueDerivation re-derives what Bambu's estimate of an ASIC
// design adds to its units: a 2:1 multiplexer bit (the 2025 tutorial's
// logs: MUX21 area over bit-level multiplexers, both designs) and the
// memory controller of pointer arguments (fu_library.csv's nangate45
// BMEMORY_CTRLN_D21, the cell for Bambu's default memory delays).
func TestAreaGlueDerivation(t *testing.T) {
	const logs = "../../shared/calibration/bambu-logs/tensorflow-tutorial-2024.10/"
	var perBit []float64
	for _, v := range []string{"baseline", "optimized"} {
		path := logs + v + "/bambu-log"
		mux := logFigure(t, path, "Estimated area of MUX21: ")
		bits := logFigure(t, path, "Total number of bit-level multiplexers: ")
		perBit = append(perBit, mux/bits)
	}
	t.Logf("units per multiplexer bit: baseline %.3f, optimized %.3f", perBit[0], perBit[1])
	assert.InEpsilon(t, perBit[0], perBit[1], 0.03, "the two designs agree")

	rows, col := readTable(t, "../../shared/calibration/fu_library.csv")
	ctrl := 0.0
	for _, r := range rows {
		if r[col["device"]] == "nangate45" && r[col["cell"]] == "BMEMORY_CTRLN_D21" && r[col["operation"]] == "LOAD" {
			var err error
			ctrl, err = strconv.ParseFloat(r[col["area"]], 64)
			require.NoError(t, err)
		}
	}
	require.Positive(t, ctrl, "nangate45 BMEMORY_CTRLN_D21 LOAD")
	for _, name := range []string{"nangate45", "asap7"} {
		d, err := Lookup(name)
		require.NoError(t, err)
		assert.InDelta(t, (perBit[0]+perBit[1])/2, d.ASICArea.MuxUnitsPerBit, 0.001, name)
		assert.Equal(t, ctrl, d.ASICArea.MemoryInterfaceUnits, name)
	}
}
