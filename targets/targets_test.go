package targets

import (
	"encoding/csv"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readTable reads a CSV file of ../shared/calibration: its rows after the
// header, and the column of each header name.
func readTable(t *testing.T, path string) ([][]string, map[string]int) {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs, path)
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	return recs[1:], col
}

// TestDevicesCharacterised checks that every device's Bambu name is one
// Bambu's own characterisation (../shared/calibration/fu_library.csv)
// lists, so the scripts kiln writes name devices Bambu has.
func TestDevicesCharacterised(t *testing.T) {
	rows, col := readTable(t, "../../shared/calibration/fu_library.csv")
	have := map[string]bool{}
	for _, r := range rows {
		have[r[col["device"]]] = true
	}
	ds := All()
	require.NotEmpty(t, ds)
	for _, d := range ds {
		assert.True(t, have[d.Bambu], "%s: Bambu name %q is not in fu_library.csv", d.Name, d.Bambu)
	}
	assert.Len(t, ASICs(), 2)
}

func TestLookup(t *testing.T) {
	d, err := Lookup("xc7z020-1clg484-VVD")
	require.NoError(t, err)
	assert.Equal(t, FPGA, d.Kind)
	d, err = Lookup("asap7-BC")
	require.NoError(t, err)
	assert.Equal(t, "asap7", d.Name)
	_, err = Lookup("xc7z010")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown device "xc7z010"`)
	assert.Contains(t, err.Error(), "nangate45")
}

func TestParseErrors(t *testing.T) {
	const asic = `{"name":"a","kind":"asic","bambu":"a","source":"s","static_power_source":"x","energy":{"logic":1,"hard":1,"source":"s"},"asic_area":{"um2_per_unit":1,"source":"s"}}`
	_, err := parse([]byte("[" + asic + "]"))
	require.NoError(t, err, "the complete ASIC entry the cases below break")
	for name, c := range map[string]struct{ text, want string }{
		"not json":     {`{`, "devices.json"},
		"unknown key":  {`[{"name":"a","kind":"fpga","bambu":"a","source":"s","luts":3}]`, `unknown field "luts"`},
		"no source":    {`[{"name":"a","kind":"fpga","bambu":"a"}]`, "lacks a name, Bambu name or source"},
		"bad kind":     {`[{"name":"a","kind":"gpu","bambu":"a","source":"s"}]`, `kind "gpu"`},
		"no energy":    {`[{"name":"a","kind":"asic","bambu":"a","source":"s","static_power_source":"x","asic_area":{"um2_per_unit":1,"source":"s"}}]`, "energy scale"},
		"no area":      {`[{"name":"a","kind":"asic","bambu":"a","source":"s","static_power_source":"x","energy":{"logic":1,"hard":1,"source":"s"}}]`, "area scale"},
		"no resources": {`[{"name":"a","kind":"fpga","bambu":"a","source":"s","static_power_source":"x","energy":{"logic":1,"hard":1,"source":"s"}}]`, "without resources"},
		"listed twice": {"[" + asic + "," + asic + "]", "listed twice"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parse([]byte(c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "devices.json")
			assert.Contains(t, err.Error(), c.want)
		})
	}
}
