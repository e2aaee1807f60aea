package backend_test

// The ONNX node tests through the lowering back ends, as `kiln conform
// --backend loop|llvm|c` runs them. (They live here, not in conform, so
// that no test binary comes near go test's ten minutes.)

import (
	"bufio"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/passes/lower"
)

// native runs the lowering back ends, as the CLI does.
func native(name string, g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error) {
	return backend.Run(name, g, inputs, backend.Options{})
}

// caseNames lists the node tests of index.tsv (446).
func caseNames(t *testing.T) []string {
	f, err := os.Open(filepath.Join(nodeTests, "index.tsv"))
	require.NoError(t, err)
	defer f.Close()
	var names []string
	sc := bufio.NewScanner(f)
	sc.Scan() // header
	for sc.Scan() {
		names = append(names, strings.Split(sc.Text(), "\t")[0])
	}
	require.NoError(t, sc.Err())
	return names
}

// loopKnown are the node tests that do not pass through lowering, each
// with the reason (none since empty tensors lower).
var loopKnown = map[string]string{}

// TestLoopNodeTests: every node test passes lowered to loop IR and run by
// the interpreter, as with the reference, but the known ones.
func TestLoopNodeTests(t *testing.T) {
	names := caseNames(t)
	require.Len(t, names, 446)
	dirs := make([]string, len(names))
	for i, n := range names {
		dirs[i] = filepath.Join(nodeTests, n)
	}
	results := conform.Cases(dirs, conform.Options{Backend: "loop", Native: native, Jobs: runtime.GOMAXPROCS(0)})
	passed := 0
	for i, r := range results {
		if why, known := loopKnown[names[i]]; known {
			assert.NotEqual(t, conform.Pass, r.Status, "%s is listed as failing (%s) but passes: remove it", names[i], why)
			continue
		}
		if assert.Equal(t, conform.Pass, r.Status, "%s: %s", names[i], r.Detail) {
			passed++
		}
	}
	t.Logf("%d of %d node tests pass on the loop back end", passed, len(names))
}

// nativeCases are node tests for the llvm and c back ends, one or two per
// kind of code and data: f32 products and pooling, every integer width,
// bool in and out, f64, narrow floats and sub-byte integers (held as
// float and a byte), a data-dependent gather, a recurrence, a reduction,
// an i64 index output.
var nativeCases = []string{
	"test_conv_with_strides_and_asymmetric_padding",
	"test_gemm_alpha",
	"test_add_int8",
	"test_add_uint64",
	"test_mul_uint16",
	"test_cumsum_1d_int32_exclusive",
	"test_equal_int16",
	"test_where_example",
	"test_operator_add_broadcast",
	"test_gather_negative_indices",
	"test_lstm_batchwise",
	"test_softmax_axis_1",
	"test_maxpool_with_argmax_2d_precomputed_pads",
	"test_cast_FLOAT_to_FLOAT16",
	"test_cast_FLOAT8E4M3FN_to_FLOAT",
	"test_cast_FLOAT_to_INT4",
	"test_cast_UINT2_to_FLOAT",
}

// TestNativeNodeTests builds and runs every node test with clang (llvm)
// and nativeCases with gcc (c): every case passes, as with the reference.
// (All 446 on c run in cmd/kiln's TestConformC, as `kiln conform --backend
// c`, so that neither test binary nears go test's ten minutes.) With -short
// only nativeCases run on llvm too (the full run takes about 2.5
// CPU-minutes, mostly clang's start-up).
func TestNativeNodeTests(t *testing.T) {
	for _, name := range []string{"llvm", "c"} {
		names := nativeCases
		if !testing.Short() && name == "llvm" {
			names = caseNames(t)
			require.Len(t, names, 446)
		}
		t.Run(name, func(t *testing.T) {
			needTools(t, name)
			dirs := make([]string, len(names))
			for i, n := range names {
				dirs[i] = filepath.Join(nodeTests, n)
			}
			results := conform.Cases(dirs, conform.Options{Backend: name, Native: native, Jobs: runtime.GOMAXPROCS(0)})
			for i, r := range results {
				assert.Equal(t, conform.Pass, r.Status, "%s: %s", names[i], r.Detail)
			}
		})
	}
}

// TestFusedNodeTests: every node test passes with each chain of
// element-wise consumers fused into its producer's kernel, as kiln lower
// emits by default: interpreted, and (without -short) built as C where the
// case has a chain to fuse (the others are TestNativeNodeTests' programs
// unchanged, so they run on the interpreter here, keeping CI time sane).
func TestFusedNodeTests(t *testing.T) {
	names := caseNames(t)
	backends := []string{"loop"}
	if !testing.Short() {
		needTools(t, "c")
		backends = append(backends, "c")
	}
	for _, name := range backends {
		t.Run(name, func(t *testing.T) {
			var built atomic.Int32
			fused := func(name string, g *graph.Graph, inputs []*dtype.Array) ([]*dtype.Array, error) {
				if name != "loop" && len(lower.Chains(g)) == 0 {
					name = "loop"
				} else if name != "loop" {
					built.Add(1)
				}
				return backend.Run(name, g, inputs, backend.Options{Lower: lower.Options{Fuse: true}})
			}
			dirs := make([]string, len(names))
			for i, n := range names {
				dirs[i] = filepath.Join(nodeTests, n)
			}
			results := conform.Cases(dirs, conform.Options{Backend: name, Native: fused, Jobs: runtime.GOMAXPROCS(0)})
			for i, r := range results {
				assert.Equal(t, conform.Pass, r.Status, "%s: %s", names[i], r.Detail)
			}
			if name == "c" {
				t.Logf("%d cases with fused chains built as C", built.Load())
				assert.Greater(t, built.Load(), int32(10), "too few cases have a chain to fuse: is fusion on?")
			}
		})
	}
}
