package narrow_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/passes/narrow"
	"github.com/kiln-hls/kiln/sim"
)

// model is a built-in model lowered as kiln lower does (the compile
// pipeline, fused), its first windows and the calibrated ranges of its
// tensors over them.
type model struct {
	g       *graph.Graph
	p       *loop.Program
	windows []*dtype.Array
	ranges  map[string]passes.Range
	want    []*dtype.Array // the f32 program's outputs, one per window
}

// windows is how many validation windows the tests run (the interpreter
// takes a fraction of a second per LSTM window).
const windows = 2

var zooModels sync.Map // name → func() (*model, error)

// zooModel loads, lowers and calibrates the built-in model name once.
func zooModel(t *testing.T, name string) *model {
	t.Helper()
	f, _ := zooModels.LoadOrStore(name, sync.OnceValues(func() (*model, error) { return loadModel(name) }))
	m, err := f.(func() (*model, error))()
	require.NoError(t, err)
	return m
}

func loadModel(name string) (*model, error) {
	lm, err := lowertest.Zoo(name, windows)
	if err != nil {
		return nil, err
	}
	m := &model{g: lm.Graph, p: lm.Program, windows: lm.Windows}
	var runs [][]*dtype.Array
	for _, w := range m.windows {
		runs = append(runs, []*dtype.Array{w})
	}
	if m.ranges, err = passes.Calibrate(lm.Graph, runs); err != nil {
		return nil, err
	}
	for _, in := range m.windows {
		out, err := run(m.p, in)
		if err != nil {
			return nil, err
		}
		m.want = append(m.want, out)
	}
	return m, nil
}

// run runs a one-input, one-output program with the interpreter.
func run(p *loop.Program, in *dtype.Array) (*dtype.Array, error) {
	ob := p.Buffers[p.Params[1]]
	out := dtype.New(ob.Kind, ob.Shape)
	return out, exec.RunProgram(p, []*dtype.Array{in, out})
}

// relRMSE is ‖got − want‖₂ / ‖want‖₂ over all the windows.
func relRMSE(got, want []*dtype.Array) float64 {
	a, err := sim.Compare(want, got)
	if err != nil {
		panic(err) // the tests' own outputs: same shapes and kinds
	}
	return a.RelRMSE
}

// narrowed applies spec to m's program and runs it on m's windows.
func narrowed(t *testing.T, m *model, spec string) (*loop.Program, *narrow.Report, []*dtype.Array) {
	t.Helper()
	s, err := passes.ParsePrecisionSpec(spec)
	require.NoError(t, err)
	p, rep, err := narrow.Apply(m.p, narrow.Options{Spec: s, Ranges: m.ranges})
	require.NoError(t, err)
	var got []*dtype.Array
	for _, in := range m.windows {
		out, err := run(p, in)
		require.NoError(t, err)
		got = append(got, out)
	}
	return p, rep, got
}
