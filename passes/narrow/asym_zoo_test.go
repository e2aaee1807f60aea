package narrow_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestZooAsym: the built-in LSTM and CNN under int8:asym and int16:asym,
// against the f32 program, next to symmetric int8 and int16. Measured
// (relative RMSE over the first two windows): LSTM int8 0.032, int8:asym
// 0.025, int16 4.7e-4, int16:asym 4.8e-4; CNN int8 0.023, int8:asym 0.011,
// int16 9.0e-5, int16:asym 4.2e-5. The CNN's ReLU outputs are
// non-negative: with a zero point at qmin they get all 2^w steps instead
// of half. The LSTM's tanh outputs are symmetric, and its gates live in
// temporaries of the symmetric type (see internalAct): it gains less. The
// bounds leave about 2× room.
func TestZooAsym(t *testing.T) {
	for _, tc := range []struct {
		name    string
		i8, i16 float64 // bounds on the relative RMSE of int8:asym, int16:asym
		tables8 int     // lookup tables of the LSTM kernel under int8:asym
	}{
		{"lstm", 0.05, 1e-3, 3},
		{"cnn", 0.025, 1e-4, 0},
	} {
		m := zooModel(t, tc.name)
		errs := map[string]float64{}
		for _, spec := range []string{"int8", "int8:asym", "int16", "int16:asym"} {
			_, rep, got := narrowed(t, m, spec)
			errs[spec] = relRMSE(got, m.want)
			t.Logf("%s %s: relative RMSE %.3g", tc.name, spec, errs[spec])
			assert.Zero(t, rep.Fallbacks(), "%s %s", tc.name, spec)
			if spec == "int8:asym" {
				assert.Equal(t, tc.tables8, rep.LUTs(), "%s %s: tables as int8's", tc.name, spec)
			}
		}
		assert.Less(t, errs["int8:asym"], tc.i8)
		assert.Less(t, errs["int16:asym"], tc.i16)
		assert.LessOrEqual(t, errs["int8:asym"], errs["int8"], "asymmetric int8 no worse than symmetric")
		assert.Less(t, 3*errs["int16:asym"], errs["int8:asym"], "int16:asym closer than int8:asym")
	}
}
