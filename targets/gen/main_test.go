package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestGeneratedUpToDate regenerates the tables from ../shared and checks
// that the committed targets/opcosts.json is what gen writes now.
func TestGeneratedUpToDate(t *testing.T) {
	out := filepath.Join(t.TempDir(), "opcosts.json")
	require.NoError(t, run("../../../shared/calibration", out))
	got, err := os.ReadFile(out)
	require.NoError(t, err)
	want, err := os.ReadFile("../opcosts.json")
	require.NoError(t, err)
	assert.True(t, string(got) == string(want), "targets/opcosts.json is stale: run go generate in targets/")
}

func TestPareto(t *testing.T) {
	vs := pareto([]Variant{
		{Cycles: 3, DelayNS: 2.5, Area: 1},
		{Cycles: 0, DelayNS: 5, Area: 9},
		{Cycles: 2, DelayNS: 4, Area: 1},
		{Cycles: 2, DelayNS: 3.9, Area: 5}, // same cycles, faster: replaces the one above
		{Cycles: 4, DelayNS: 2.6, Area: 1}, // more cycles, no faster than 3 cycles: dropped
		{Cycles: 5, DelayNS: 1, Area: 1},
	})
	var got [][2]float64
	for _, v := range vs {
		got = append(got, [2]float64{float64(v.Cycles), v.DelayNS})
	}
	assert.Equal(t, [][2]float64{{0, 5}, {2, 3.9}, {3, 2.5}, {5, 1}}, got)
}

func TestSoftOp(t *testing.T) {
	for kernel, want := range map[string]struct {
		op   string
		bits int
	}{
		"addition": {"add", 32}, "division64SRT4": {"div", 64}, "expf": {"exp", 32},
		"atan2f": {"atan2", 32}, "multiplication": {"mul", 32}, "nonsense": {"", 0},
	} {
		op, bits := softOp(kernel)
		assert.Equal(t, want.op, op, kernel)
		assert.Equal(t, want.bits, bits, kernel)
	}
}
