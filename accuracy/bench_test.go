package accuracy

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	kbackend "github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/passes"
)

// benches prepares one Bench per model and window count, once, however
// many parallel tests ask for it.
var (
	benchesMu sync.Mutex
	benches   = map[string]func() (*Bench, error){}
)

func bench(t testing.TB, name string, windows int) *Bench {
	t.Helper()
	key := fmt.Sprintf("%s/%d", name, windows)
	benchesMu.Lock()
	get, ok := benches[key]
	if !ok {
		get = sync.OnceValues(func() (*Bench, error) {
			m, err := zoo.Lookup(name)
			if err != nil {
				return nil, err
			}
			return Prepare(conform.Source{Name: m.Name, Load: m.Load}, m.Data(), Options{Windows: windows})
		})
		benches[key] = get
	}
	benchesMu.Unlock()
	b, err := get()
	require.NoError(t, err)
	return b
}

func spec(t testing.TB, s string) passes.PrecisionSpec {
	t.Helper()
	p, err := passes.ParsePrecisionSpec(s)
	require.NoError(t, err)
	return p
}

// evaluate runs b at s on backend; a native back end whose compiler is
// missing skips the test, or fails it in CI.
func evaluate(t *testing.T, b *Bench, s, backend string) *Result {
	t.Helper()
	res, err := b.Evaluate(spec(t, s), backend)
	if errors.Is(err, kbackend.ErrToolMissing) {
		if os.Getenv("CI") != "" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	require.NoError(t, err, "%s at %s on %s", b.Name, s, backend)
	return res
}

// The acceptance test: for every built-in model and each of the
// listed precisions, the interpreter, the emitted LLVM IR and the emitted
// C compute bit-identical outputs (one validation window each, to keep
// CI's time sane: the STGCN interprets in seconds per window, the CNN's
// 1.15 M weights take seconds to compile). The quantisation variants
// (zero points, per-channel scales) run on the LSTM, the two int8 ones
// that cover both code paths on the CNN too.
func TestBackendsAgree(t *testing.T) {
	all := []string{"fp32", "fp16", "bf16", "amp", "int16", "int8", "fixed<16,6>", "fixed<8,3>"}
	cases := map[string][]string{
		"lstm":  append(slices.Clone(all), "int16:asym", "int8:asym", "int16:channel", "int8:channel", "int8:asym:channel"),
		"cnn":   append(slices.Clone(all), "int8:asym", "int8:asym:channel"),
		"stgcn": all,
	}
	if testing.Short() {
		cases = map[string][]string{"lstm": {"fp16", "fixed<16,6>", "int8:asym:channel"}}
	}
	for _, m := range []string{"lstm", "cnn", "stgcn"} {
		for _, p := range cases[m] {
			t.Run(m+"/"+p, func(t *testing.T) {
				t.Parallel()
				b := bench(t, m, 1)
				ref := evaluate(t, b, p, "loop")
				t.Logf("%s %s: rel RMSE %.3e, max abs %.3e, overflow %v", m, p, ref.Accuracy.RelRMSE, ref.Accuracy.MaxAbs, ref.Overflow)
				for _, be := range []string{"llvm", "c"} {
					got := evaluate(t, b, p, be)
					assert.Equal(t, ref.OutputsSHA256, got.OutputsSHA256, "%s at %s: %s and loop differ (rel RMSE %.3e vs %.3e)", m, p, be, got.Accuracy.RelRMSE, ref.Accuracy.RelRMSE)
				}
			})
		}
	}
}

// Narrowing costs accuracy in the order the formats' precision says.
func TestAccuracyOrder(t *testing.T) {
	b := bench(t, "lstm", 2)
	rel := map[string]float64{}
	for _, p := range []string{"fp32", "fp16", "bf16", "fixed<24,8>", "fixed<12,4>"} {
		rel[p] = evaluate(t, b, p, "loop").Accuracy.RelRMSE
	}
	assert.Less(t, rel["fp32"], 1e-5, "fp32 on the interpreter is fp32")
	assert.Less(t, rel["fp16"], 1e-2)
	assert.Less(t, rel["fp16"], rel["bf16"], "fp16 has 3 more fraction bits than bf16")
	assert.Less(t, rel["fixed<24,8>"], rel["fixed<12,4>"])
	assert.Greater(t, rel["fixed<12,4>"], rel["fp32"])
}

func TestPrepareErrors(t *testing.T) {
	m, err := zoo.Lookup("lstm")
	require.NoError(t, err)
	src := conform.Source{Name: m.Name, Load: m.Load}
	_, err = Prepare(src, m.Data(), Options{Windows: 100000})
	require.ErrorContains(t, err, "cannot keep 100000 windows")
	_, err = Prepare(src, os.DirFS(t.TempDir()), Options{})
	require.ErrorContains(t, err, "no test_data_set_*")
	_, err = Prepare(conform.Source{Name: "x", Load: func(onnx.Options) (*onnx.Model, error) { return nil, errors.New("broken model") }}, m.Data(), Options{})
	require.ErrorContains(t, err, "broken model")
}

// BenchmarkNarrow measures the narrow-precision pass on the built-in
// models' lowered programs (the work every trial of Auto repeats).
func BenchmarkNarrow(b *testing.B) {
	for _, m := range []string{"lstm", "cnn", "stgcn"} {
		for _, p := range []string{"fp16", "fixed<16,6>", "int8"} {
			b.Run(m+"/"+p, func(b *testing.B) {
				bn, s := bench(b, m, 1), spec(b, p)
				b.ReportAllocs()
				for b.Loop() {
					if _, _, err := bn.Narrow(s); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
