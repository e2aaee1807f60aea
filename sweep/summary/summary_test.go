package summary

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

const spaceText = `model: lstm
precision: [fp32, fp16, int8, "fixed<16,6>"]
device: [xc7z020-1clg484-VVD, nangate45]
clock: {from: 5, to: 10, step: 1}
channels: [1, 2, 4]
unroll:
  dense_layer_Gemm.k: [none, 2, 4, 8, full]
`

type fake struct {
	lat, area, energy, rmse float64
	feasible                bool
	failed                  bool
}

// write writes a results file of random figures (a function of the seed
// and the design's index) for the designs of the space, in the order
// given, and returns the figures by index.
func write(t *testing.T, path string, s *sweep.Space, order []uint64, seed uint64) map[uint64]fake {
	w, err := sweep.Create(path, s.Header(""), false)
	require.NoError(t, err)
	out := map[uint64]fake{}
	for _, i := range order {
		rng := rand.New(rand.NewPCG(seed, i))
		d := s.Design(i)
		f := fake{lat: float64(1 + rng.IntN(50)), area: float64(1 + rng.IntN(50)), energy: float64(1 + rng.IntN(50)),
			rmse: float64(rng.IntN(20)) / 100, feasible: rng.IntN(10) > 0, failed: rng.IntN(20) == 0}
		out[i] = f
		if f.failed {
			require.NoError(t, w.Write(d, nil, fmt.Errorf("refused")))
			continue
		}
		dev, _ := d.Device()
		res := fmt.Sprintf(`"lut":%d,"dsp":0`, int(f.area))
		if dev == "nangate45" {
			res = fmt.Sprintf(`"area_um2":%g`, f.area)
		}
		fig := fmt.Sprintf(`{"cycles":1,"latency_us":%g,"energy_uj":%g,"power_w":1,"feasible":%t,"resources":{%s},"accuracy":{"rel_rmse":%g}}`,
			f.lat, f.energy, f.feasible, res, f.rmse)
		require.NoError(t, w.Write(d, json.RawMessage(fig), nil))
	}
	require.NoError(t, w.Close())
	return out
}

func parse(t *testing.T) *sweep.Space {
	s, err := sweep.ParseSpace("space.yaml", []byte(spaceText))
	require.NoError(t, err)
	return s
}

// TestFrontAgainstBruteForce: the fronts read from a results file are
// exactly the feasible, successful designs no other design of the same
// kind dominates.
func TestFrontAgainstBruteForce(t *testing.T) {
	s := parse(t)
	order := make([]uint64, s.Size())
	for i := range order {
		order[i] = uint64(i)
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	figs := write(t, path, s, order, 3)
	objs, err := LookupObjectives(nil)
	require.NoError(t, err)
	sum, err := Read(path, objs)
	require.NoError(t, err)
	assert.Equal(t, s.Size(), sum.Designs)

	for _, front := range []string{"fpga", "asic"} {
		var cand []uint64
		for i, f := range figs {
			dev, _ := s.Design(i).Device()
			if f.failed || !f.feasible || (dev == "nangate45") != (front == "asic") {
				continue
			}
			cand = append(cand, i)
		}
		vec := func(i uint64) []float64 { f := figs[i]; return []float64{f.lat, f.area, f.energy, f.rmse} }
		var want []uint64
		for _, i := range cand {
			dominated := false
			for _, j := range cand {
				dominated = dominated || sweep.Dominates(vec(j), vec(i))
			}
			if !dominated {
				want = append(want, i)
			}
		}
		slices.Sort(want)
		var got []uint64
		for _, d := range sum.Front(front) {
			got = append(got, d.Index)
			assert.Equal(t, vec(d.Index), d.Objective)
		}
		assert.Equal(t, want, got, front)
		assert.NotEmpty(t, got)
	}
}

// TestFilesDeterministic: the same results in another line order (as a
// merge or a resumed run leaves them) give byte-identical files.
func TestFilesDeterministic(t *testing.T) {
	s := parse(t)
	order := make([]uint64, s.Size())
	for i := range order {
		order[i] = uint64(i)
	}
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.jsonl"), filepath.Join(dir, "b.jsonl")
	write(t, a, s, order, 5)
	rand.New(rand.NewPCG(9, 9)).Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	write(t, b, s, order, 5)
	objs, err := LookupObjectives([]string{"latency", "energy"})
	require.NoError(t, err)
	sa, err := Read(a, objs)
	require.NoError(t, err)
	fa, err := sa.Files("kiln sweep lstm --space space.yaml -o out")
	require.NoError(t, err)
	sb, err := Read(b, objs)
	require.NoError(t, err)
	fb, err := sb.Files("kiln sweep lstm --space space.yaml -o out")
	require.NoError(t, err)
	require.Equal(t, len(fa), len(fb))
	for name, data := range fa {
		assert.Equal(t, data, fb[name], name)
	}
	for _, name := range []string{"pareto.jsonl", "README.md", "latency_area_fpga.png", "latency_area_asic.svg", "energy_accuracy_fpga.png"} {
		assert.Contains(t, fa, name)
	}
	readme := string(fa["README.md"])
	assert.Contains(t, readme, "## FPGA front")
	assert.Contains(t, readme, "kiln sweep lstm --space space.yaml -o out")
	lines := strings.Split(strings.TrimSpace(string(fa["pareto.jsonl"])), "\n")
	assert.Equal(t, len(sa.Front("fpga"))+len(sa.Front("asic")), len(lines))
	var first map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Contains(t, first["objectives"], "latency")
	if os.Getenv("KILN_KEEP_SUMMARY") != "" {
		for name, data := range fa {
			require.NoError(t, os.WriteFile(filepath.Join(os.Getenv("KILN_KEEP_SUMMARY"), name), data, 0o644))
		}
	}
}

// TestPathObjectives: an objective may be a path into the figures.
func TestPathObjectives(t *testing.T) {
	s := parse(t)
	order := make([]uint64, s.Size())
	for i := range order {
		order[i] = uint64(i)
	}
	path := filepath.Join(t.TempDir(), "results.jsonl")
	figs := write(t, path, s, order, 11)
	objs, err := LookupObjectives([]string{"resources.lut+resources.dsp|resources.area_um2", "-power_w", "accuracy.rel_rmse"})
	require.NoError(t, err)
	sum, err := Read(path, objs)
	require.NoError(t, err)
	for _, name := range sum.FrontNames() {
		for _, d := range sum.Front(name) {
			f := figs[d.Index]
			assert.Equal(t, []float64{f.area, -1, f.rmse}, d.Objective)
		}
	}
	assert.NotEmpty(t, sum.FrontNames())
}

func TestObjectiveErrors(t *testing.T) {
	_, err := LookupObjectives([]string{"latency", "speed"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), `unknown objective "speed"`)
	_, err = LookupObjectives([]string{"latency", "latency"})
	assert.ErrorContains(t, err, "named twice")
	_, err = LookupObjectives([]string{"resources."})
	assert.ErrorContains(t, err, "resources.")
}
