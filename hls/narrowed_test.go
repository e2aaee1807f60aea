package hls

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// The Gemm that passes/lower makes (its golden gemm.kir), narrowed by
// passes/narrow to fixed<12,4> with an 18-bit accumulator: the golden .ll
// shows what Bambu receives, exact-width integers (i12 weights and
// activations, i24 products, i18 sums) and the casts between them.
func TestNarrowedGolden(t *testing.T) {
	b, err := os.ReadFile("../passes/lower/testdata/gemm.kir")
	require.NoError(t, err)
	k, err := loop.Parse(string(b), looptest.Data(string(b)))
	require.NoError(t, err)
	spec, err := passes.ParsePrecisionSpec("default=fixed<12,4,rne,sat>,acc=fixed<18,6,rne,sat>")
	require.NoError(t, err)
	np, _, err := narrow.Apply(loop.ProgramOf(k), narrow.Options{Spec: spec})
	require.NoError(t, err)
	got, err := EmitLLVMProgram(np)
	require.NoError(t, err)
	require.NoError(t, CheckBambu(got))
	for _, ty := range []string{"i12", "i18", "i24"} {
		assert.Contains(t, got, ty+" ", "the narrowed module uses %s", ty)
	}
	file := filepath.Join("testdata", "llvm", "narrowed_gemm_fixed12.ll")
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(file)
	require.NoError(t, err, "run go test ./hls -update")
	assert.Equal(t, string(want), got)
}

// narrowedCase is one of passes/narrow's golden kernels that computes in
// fixed point, parsed with ramp values for its summarised constants.
type narrowedCase struct {
	name   string
	kernel *loop.Kernel
}

// narrowedCases are passes/narrow's fixed-point golden kernels (the
// kernel of each file, not its program and report); the float and integer
// ones are run by TestLLVMRun and TestCRun.
func narrowedCases(t *testing.T) []narrowedCase {
	t.Helper()
	files, err := filepath.Glob("../passes/narrow/testdata/*.golden")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	var cases []narrowedCase
	for _, file := range files {
		b, err := os.ReadFile(file)
		require.NoError(t, err)
		src, _, _ := strings.Cut(string(b), "\ntop ")
		if !strings.Contains(src, "fixed<") {
			continue
		}
		src, data := llRampData(src)
		k, err := loop.Parse(src, data)
		require.NoError(t, err, file)
		require.NoError(t, loop.Verify(k), file)
		name := strings.ReplaceAll(strings.TrimSuffix(filepath.Base(file), ".golden"), ".", "_")
		cases = append(cases, narrowedCase{name, k})
	}
	require.NotEmpty(t, cases)
	return cases
}
