package sweep_test

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/sweep"
)

// applyStep is a Check function for a lowered program: a loop knob's
// value must apply to it.
func applyStep(m *lowertest.Model) func(*sweep.Knob, *sweep.Value) error {
	return func(k *sweep.Knob, v *sweep.Value) error {
		switch {
		case v.Step != nil:
			_, err := loops.Plan{*v.Step}.Apply(m.Program)
			return err
		case k.Kind == sweep.KindPrecision:
			return v.Precision.Check(m.Graph)
		}
		return nil
	}
}

// TestExampleSpaces reads examples/sweep-*.yaml: their sizes, and every
// value applies to the built-in model (each loop step alone and the
// plans of a few random designs).
func TestExampleSpaces(t *testing.T) {
	for _, c := range []struct {
		model string
		size  uint64
	}{{"lstm", 12288}, {"cnn", 23040}, {"stgcn", 13824}} {
		t.Run(c.model, func(t *testing.T) {
			path := filepath.Join("..", "examples", "sweep-"+c.model+".yaml")
			data, err := os.ReadFile(path)
			require.NoError(t, err)
			s, err := sweep.ParseSpace(path, data)
			require.NoError(t, err)
			assert.Equal(t, c.model, s.Model)
			assert.Equal(t, c.size, s.Size())
			assert.GreaterOrEqual(t, s.Size(), uint64(10000))
			if testing.Short() {
				return
			}
			m, err := lowertest.Zoo(c.model, 1)
			require.NoError(t, err)
			require.NoError(t, s.Check(applyStep(m)))
			r := rand.New(rand.NewPCG(uint64(len(c.model)), 5))
			for range 16 {
				d := s.Design(r.Uint64N(s.Size()))
				_, err := d.Plan().Apply(m.Program)
				assert.NoError(t, err, d.Key())
			}
		})
	}
}

// TestCheckInfeasible: values a model refuses are reported at their lines.
func TestCheckInfeasible(t *testing.T) {
	if testing.Short() {
		t.Skip("lowers the LSTM")
	}
	m, err := lowertest.Zoo("lstm", 1)
	require.NoError(t, err)
	s, err := sweep.ParseSpace("space.yaml", []byte(`precision: [fp16, "lstm_layer_LSTM=int8", "nosuchlayer=int8"]
tile:
  dense_layer_Gemm.k: [8, 128]
  gemm.j: 4
unroll:
  dense_layer_Gemm.kk: 2
`))
	require.NoError(t, err)
	err = s.Check(applyStep(m))
	require.Error(t, err)
	assert.Equal(t, `space.yaml:1: sweep: knob precision: value "lstm_layer_LSTM=int8": precision spec "lstm_layer_LSTM=int8": layer lstm_layer_LSTM matches no node; `+
		`the nodes are "/lstm_layer/Transpose", "/lstm_layer/LSTM", "/lstm_layer/Squeeze", "/lstm_layer/Transpose_1", "/Gather_1", "/dense_layer/Gemm", "/Reshape"
space.yaml:1: sweep: knob precision: value "nosuchlayer=int8": precision spec "nosuchlayer=int8": layer nosuchlayer matches no node; `+
		`the nodes are "/lstm_layer/Transpose", "/lstm_layer/LSTM", "/lstm_layer/Squeeze", "/lstm_layer/Transpose_1", "/Gather_1", "/dense_layer/Gemm", "/Reshape"
space.yaml:3: sweep: knob tile:dense_layer_Gemm.k: value 128: loops: tile: kernel dense_layer_Gemm: loop k: tile size 128 is larger than the trip count 64
space.yaml:4: sweep: knob tile:gemm.j: value 4: loops: program forward_kernel: no kernel "gemm" (it has lstm_layer_Transpose, lstm_layer_LSTM, lstm_layer_Squeeze, lstm_layer_Transpose_1, Gather_1, dense_layer_Gemm, Reshape)
space.yaml:6: sweep: knob unroll:dense_layer_Gemm.kk: value 2: loops: unroll: kernel dense_layer_Gemm: loop kk: no such loop`, err.Error())
}
