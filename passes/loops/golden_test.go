package loops_test

import (
	"flag"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/sim"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden with what the passes give")

// goldens are one pass each on testdata/gemm.kir (i in 0..2, j in 0..4,
// k in 0..3).
var goldens = []struct {
	name string
	pass func(*loop.Kernel) (*loop.Kernel, error)
}{
	{"tile_j3", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "j", 3) }},
	{"tile_i2", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Tile(k, "i", 2) }},
	{"interchange_ij", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Interchange(k, "i", "j") }},
	{"unroll_k2_expand", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "k", 2, true) }},
	{"unroll_k_full_expand", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "k", loop.UnrollFull, true) }},
	{"unroll_j4_directive", func(k *loop.Kernel) (*loop.Kernel, error) { return loops.Unroll(k, "j", 4, false) }},
}

func parseFile(t *testing.T, path string) *loop.Kernel {
	t.Helper()
	src, err := os.ReadFile(path)
	require.NoError(t, err)
	k, err := loop.Parse(string(src), nil)
	require.NoError(t, err)
	return k
}

// TestGolden runs each pass on gemm.kir, compares the text with the golden
// file, checks the text parses back, and that the kernel computes the same
// bits as the original on random inputs.
func TestGolden(t *testing.T) {
	for _, c := range goldens {
		t.Run(c.name, func(t *testing.T) { checkGolden(t, c.name, c.pass, 1) })
	}
}

// checkGolden runs pass on gemm.kir and checks the input is unchanged,
// the text is testdata/gemm_<name>.golden (-update rewrites it) and parses
// back to itself, and the result computes the original's bits on random
// inputs of each of seeds seeds.
func checkGolden(t *testing.T, name string, pass func(*loop.Kernel) (*loop.Kernel, error), seeds uint64) {
	t.Helper()
	k := parseFile(t, "testdata/gemm.kir")
	before := k.String()
	got, err := pass(k)
	require.NoError(t, err)
	assert.Equal(t, before, k.String(), "the input kernel changed")
	text := got.String()
	path := filepath.Join("testdata", "gemm_"+name+".golden")
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), text, "%s (go test -update rewrites it)", path)
	back, err := loop.Parse(text, nil)
	require.NoError(t, err)
	assert.Equal(t, text, back.String())
	for seed := range seeds {
		assert.Equal(t, hashKernel(t, k, seed+1), hashKernel(t, got, seed+1))
	}
}

// hashKernel runs k on random inputs (seeded) and hashes its outputs.
func hashKernel(t *testing.T, k *loop.Kernel, seed uint64) string {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 7))
	var args, outs []*dtype.Array
	for _, id := range k.Params {
		b := k.Buffers[id]
		a := dtype.New(b.Kind, b.Shape)
		if b.Role == loop.Input {
			for i := range a.Len() {
				a.Set(i, float64(r.IntN(64)-32)/8)
			}
		} else {
			outs = append(outs, a)
		}
		args = append(args, a)
	}
	require.NoError(t, exec.Run(k, args))
	return sim.OutputsSHA256(outs)
}
