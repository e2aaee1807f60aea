package accuracy

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes"
)

// kiln eval lstm --precision auto --budget 1%: the spec Auto prints meets
// the budget when read back and run again, and is narrower than 32 bits.
func TestAutoMeetsBudget(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a few dozen narrowed LSTMs")
	}
	b := bench(t, "lstm", 2)
	s, trials, err := b.Auto(AutoOptions{Budget: 0.01})
	require.NoError(t, err)
	require.NotEmpty(t, trials)
	printed := s.String()
	t.Logf("%d trials: %s", len(trials), printed)
	require.Equal(t, s, spec(t, printed), "the printed spec reads back as itself")
	res := evaluate(t, b, printed, "loop")
	assert.LessOrEqual(t, res.Accuracy.RelRMSE, 0.01)
	require.NotEmpty(t, s.Layers)
	narrower := false
	for _, l := range s.Layers {
		for _, p := range []passes.Precision{l.Weights, l.Act, l.All} {
			if p.IsZero() {
				continue
			}
			require.Equal(t, passes.FixedPoint, p.Kind, "%s", l.Name)
			assert.LessOrEqual(t, p.Fixed.W, 32, "%s", l.Name)
			narrower = narrower || p.Fixed.W < 16
		}
	}
	assert.True(t, narrower, "1%% should allow some layer below 16 bits: %s", printed)
}

func TestAutoErrors(t *testing.T) {
	b := bench(t, "lstm", 1)
	_, _, err := b.Auto(AutoOptions{Budget: 0})
	require.ErrorContains(t, err, "budget 0: must be a positive number")
	_, _, err = b.Auto(AutoOptions{Budget: 0.01, MinW: 8, MaxW: 4})
	require.ErrorContains(t, err, "widths 8..4")
	_, _, err = b.Auto(AutoOptions{Budget: 1e-12, MinW: 3, MaxW: 4})
	require.ErrorContains(t, err, "no width up to 4 meets relative RMSE ≤ 1e-12")
}

func TestIntBits(t *testing.T) {
	for m, want := range map[float64]int{0: 1, 0.4: 1, 0.5: 1, 0.99: 1, 1: 2, 1.5: 2, 2: 3, 7.9: 4, 8: 5, 1000: 11} {
		assert.Equal(t, want, intBits(m), "%g", m)
	}
}
