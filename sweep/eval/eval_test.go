package eval

import (
	"context"
	"encoding/json"
	"errors"
	"math/rand/v2"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/sim"
	"github.com/kiln-hls/kiln/sweep"
	"github.com/kiln-hls/kiln/targets"
)

var models sync.Map // modelKey → func() (*Evaluator, error)

type modelKey struct {
	name  string
	bench bool
}

// prepared is built-in model name's evaluator (its accuracy on two
// windows), built once per test binary.
func prepared(name string) (*Evaluator, error) { return evaluator(name, true) }

// fp32Only is built-in model name's evaluator without its accuracy bench
// (fp32 designs only: no accuracy run), built once per test binary.
func fp32Only(name string) (*Evaluator, error) { return evaluator(name, false) }

func evaluator(name string, bench bool) (*Evaluator, error) {
	f, _ := models.LoadOrStore(modelKey{name, bench}, sync.OnceValues(func() (*Evaluator, error) {
		p, b, err := Builtin(name, 2)
		if err != nil {
			return nil, err
		}
		if !bench {
			b = nil
		}
		return New(p, b, Defaults{})
	}))
	return f.(func() (*Evaluator, error))()
}

func lstm() (*Evaluator, error) { return prepared("lstm") }

// space is the LSTM's example space with its precisions cut to two (each
// precision's accuracy run is the slow part).
func space(t testing.TB) *sweep.Space {
	src, err := os.ReadFile("../../examples/sweep-lstm.yaml")
	require.NoError(t, err)
	s, err := sweep.ParseSpace("sweep-lstm.yaml", src)
	require.NoError(t, err)
	return s
}

// direct is design d estimated the plain way, as kiln sim does it: the
// whole plan applied to the narrowed program at once, placed afresh
// (place.Apply on the device's capacity, the design's placement or
// auto and its place overrides; none places nothing), a one-off estimate.
func direct(t *testing.T, e *Evaluator, d sweep.Design) (*sim.Result, targets.Device, error) {
	spec := "fp32"
	if s, ok := d.Precision(); ok {
		spec = s.String()
	}
	n := e.narrow(spec)
	require.NoError(t, n.err)
	p, err := d.Plan().Apply(n.prog)
	if err != nil {
		return nil, targets.Device{}, err
	}
	name, _ := d.Device()
	dev, err := targets.Lookup(name)
	require.NoError(t, err)
	policy, ok := d.Placement()
	if !ok {
		policy = "auto"
	}
	overrides, _ := d.Overrides()
	if policy == "none" && len(overrides) > 0 {
		return nil, dev, errors.New("needs a placement (placement none places nothing)")
	}
	if policy != "none" {
		capacity, err := place.CapacityOf(dev)
		require.NoError(t, err)
		if p, _, err = place.Apply(p, place.Options{Capacity: capacity, Policy: place.Policy(policy), Overrides: overrides}); err != nil {
			return nil, dev, err
		}
	}
	clock, _ := d.ClockNS()
	ch, _ := d.Channels()
	cfg, err := sim.ForDevice(dev, clock, ch)
	if err != nil {
		return nil, dev, err
	}
	r, err := sim.Estimate(p, cfg)
	return r, dev, err
}

// TestComposedEqualsDirect: kernel variants built once and composed, with
// a worker's estimator kept across designs, give the figures of applying
// each design's whole plan and estimating it afresh — on random designs
// of the example space, at fp32 and one narrow precision.
func TestComposedEqualsDirect(t *testing.T) {
	e, err := lstm()
	require.NoError(t, err)
	s := space(t)
	eval, err := e.NewWorker()
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 7))
	checked := 0
	for range 60 {
		d := s.Design(rng.Uint64N(s.Size()))
		if ps, _ := d.Precision(); ps.String() != "fp32" && ps.String() != "fixed<16,6>" {
			continue
		}
		got, gerr := eval(context.Background(), d)
		if !sameFigures(t, e, d, got, gerr) {
			continue
		}
		var f Figures
		require.NoError(t, json.Unmarshal(got, &f))
		require.NotNil(t, f.Accuracy)
		checked++
	}
	assert.Greater(t, checked, 10)
}

// sameFigures checks a worker's answer for design d (its JSON line, or
// its error) against direct's; it reports whether there were figures.
func sameFigures(t *testing.T, e *Evaluator, d sweep.Design, got []byte, gerr error) bool {
	t.Helper()
	want, dev, werr := direct(t, e, d)
	if werr != nil {
		require.Error(t, gerr, "design %s", d.Key())
		assert.Contains(t, gerr.Error(), werr.Error(), "design %s", d.Key())
		return false
	}
	require.NoError(t, gerr, "design %s", d.Key())
	var f Figures
	require.NoError(t, json.Unmarshal(got, &f))
	assert.Equal(t, want.Cycles, f.Cycles, "design %s", d.Key())
	b, err := json.Marshal(want.Figures(dev.Kind == targets.ASIC))
	require.NoError(t, err)
	var a, w map[string]any
	require.NoError(t, json.Unmarshal(got, &a))
	require.NoError(t, json.Unmarshal(b, &w))
	for k, v := range w {
		assert.Equal(t, v, a[k], "design %s: %s", d.Key(), k)
	}
	return true
}

// TestAccuracyCachedPerPrecision: a precision's accuracy is computed once
// and is the bench's own answer.
func TestAccuracyCachedPerPrecision(t *testing.T) {
	e, err := lstm()
	require.NoError(t, err)
	a, b := e.narrow("fixed<16,6>"), e.narrow("fixed<16,6>")
	require.NoError(t, a.err)
	assert.Same(t, a, b)
	assert.Same(t, a.acc, b.acc)
	assert.Positive(t, a.acc.RelRMSE)
	fp := e.narrow("fp32")
	require.NoError(t, fp.err)
	assert.Less(t, fp.acc.RelRMSE, 1e-5, "fp32 on the loop interpreter against the reference evaluator")
	assert.Same(t, e.base, fp.prog)
}

func TestErrors(t *testing.T) {
	e, err := lstm()
	require.NoError(t, err)
	s, err := sweep.ParseSpace("s.yaml", []byte("model: lstm\ntile:\n  dense_layer_Gemm.j: [100000]\n"))
	require.NoError(t, err)
	_, err = e.Evaluate(nil, s.Design(0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "s.yaml:3: tile dense_layer_Gemm.j=100000", "the step's line")

	s, err = sweep.ParseSpace("s.yaml", []byte("model: lstm\ntile:\n  dense_layer_Gemm.j: [8]\n"))
	require.NoError(t, err)
	_, err = e.Evaluate(nil, s.Design(0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no device")

	noBench, err := New(e.base, nil, Defaults{Device: "nangate45"})
	require.NoError(t, err)
	s, err = sweep.ParseSpace("s.yaml", []byte("model: lstm\nprecision: [int8]\n"))
	require.NoError(t, err)
	_, err = noBench.Evaluate(nil, s.Design(0))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "validation data")

	_, err = New(nil, nil, Defaults{})
	require.Error(t, err)
}

// BenchmarkDesign: one design of each built-in model's example space, at
// fp32 (accuracy cached, kernel variants built: a first pass over the
// space warms them), a worker evaluating consecutive designs as a sweep
// does, the result line's JSON included; placed as kiln sim does by
// default (auto), and unplaced (none) for comparison.
func BenchmarkDesign(b *testing.B) {
	for _, model := range []string{"lstm", "cnn", "stgcn"} {
		for _, placement := range []string{"auto", "none"} {
			name := model
			if placement != "auto" {
				name += "/" + placement
			}
			b.Run(name, func(b *testing.B) {
				e, err := prepared(model)
				require.NoError(b, err)
				src, err := os.ReadFile("../../examples/sweep-" + model + ".yaml")
				require.NoError(b, err)
				src = regexp.MustCompile(`(?m)^precision:.*$`).ReplaceAll(src, []byte("precision: [fp32]"))
				src = regexp.MustCompile(`(?m)^placement:.*$`).ReplaceAll(src, []byte("placement: ["+placement+"]"))
				if !regexp.MustCompile(`(?m)^placement:`).Match(src) {
					src = append(src, "\nplacement: ["+placement+"]\n"...)
				}
				s, err := sweep.ParseSpace("sweep-"+model+".yaml", src)
				require.NoError(b, err)
				eval, err := e.NewWorker()
				require.NoError(b, err)
				for i := range s.Size() {
					_, _ = eval(context.Background(), s.Design(i))
				}
				b.ReportAllocs()
				b.ResetTimer()
				for i := 0; b.Loop(); i++ {
					_, _ = eval(context.Background(), s.Design(uint64(i)%s.Size()))
				}
			})
		}
	}
}
