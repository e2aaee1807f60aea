package narrow_test

import (
	"math"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/graph/eval"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
	"github.com/kiln-hls/kiln/passes/narrow"
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
	z, err := zoo.Lookup(name)
	if err != nil {
		return nil, err
	}
	om, err := z.Load(onnx.Options{})
	if err != nil {
		return nil, err
	}
	if err := passes.RunGraph(&passes.Context{}, om.Graph, passes.CompilePipeline); err != nil {
		return nil, err
	}
	p, err := lower.Program(om.Graph, lower.Options{Fuse: true})
	if err != nil {
		return nil, err
	}
	x, err := onnx.ReadTensorFS(z.Data(), "test_data_set_0/input_0.pb", 0)
	if err != nil {
		return nil, err
	}
	m := &model{g: om.Graph, p: p}
	n := dtype.Size(x.Shape[1:])
	for w := range windows {
		shape := append([]int{1}, x.Shape[1:]...)
		m.windows = append(m.windows, dtype.FromF32(shape, x.F32[w*n:(w+1)*n]))
	}
	var runs [][]*dtype.Array
	for _, w := range m.windows {
		runs = append(runs, []*dtype.Array{w})
	}
	if m.ranges, err = calibrate(om.Graph, runs); err != nil {
		return nil, err
	}
	for _, in := range m.windows {
		out, err := run(p, in)
		if err != nil {
			return nil, err
		}
		m.want = append(m.want, out)
	}
	return m, nil
}

// calibrate runs g on each set of inputs with ir/graph/eval and records
// every float tensor's range (max-abs and extremes; P999 is set to MaxAbs).
func calibrate(g *graph.Graph, runs [][]*dtype.Array) (map[string]passes.Range, error) {
	ranges := map[string]passes.Range{}
	observe := func(id graph.TensorID, v *dtype.Array) {
		if !v.Kind.IsFloat() {
			return
		}
		name := g.Tensor(id).Name
		r, seen := ranges[name]
		if !seen {
			r = passes.Range{Min: math.Inf(1), Max: math.Inf(-1)}
		}
		for i := range v.Len() {
			x := v.At(i)
			if math.IsNaN(x) {
				continue // as the calibrate pass does
			}
			r.Min, r.Max, r.MaxAbs = min(r.Min, x), max(r.Max, x), max(r.MaxAbs, math.Abs(x))
			r.N++
		}
		r.P999 = r.MaxAbs
		ranges[name] = r
	}
	for _, in := range runs {
		if _, err := eval.Run(g, in, eval.Options{Observe: observe}); err != nil {
			return nil, err
		}
	}
	return ranges, nil
}

// run runs a one-input, one-output program with the interpreter.
func run(p *loop.Program, in *dtype.Array) (*dtype.Array, error) {
	ob := p.Buffers[p.Params[1]]
	out := dtype.New(ob.Kind, ob.Shape)
	return out, exec.RunProgram(p, []*dtype.Array{in, out})
}

// relRMSE is ‖got − want‖₂ / ‖want‖₂ over all the windows.
func relRMSE(got, want []*dtype.Array) float64 {
	var num, den float64
	for w := range want {
		for i := range want[w].Len() {
			d := got[w].At(i) - want[w].At(i)
			num += d * d
			den += want[w].At(i) * want[w].At(i)
		}
	}
	return math.Sqrt(num / den)
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
