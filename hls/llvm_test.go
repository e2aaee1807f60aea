package hls

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
)

// llCase is one kernel of the golden tests.
type llCase struct {
	name   string // the .kir file's base name without extension
	kernel *loop.Kernel
	golden bool // whether its .ll is kept as a golden file
}

// llNoGolden are kernels emitted, verified and run but whose .ll and .c are
// not kept: gemm's 261120 weights make a 6 MB .ll and a 2 MB .c.
var llNoGolden = map[string]bool{"gemm": true}

// kindsGolden are the testdata/kinds kernels whose .ll, .c and .h are kept
// as golden files; the others come from the same template with another
// kind.
var kindsGolden = map[string]bool{"narrow_f8e4m3fnuz": true, "narrow_f8e8m0": true, "sub_i4": true}

// noGolden reports whether no golden file of kernel name is kept.
func noGolden(name string) bool {
	return (strings.HasPrefix(name, "narrow_") || strings.HasPrefix(name, "sub_")) && !kindsGolden[name]
}

// llCases parses every valid ir/loop/testdata/*.kir and every
// testdata/llvm/*.kir of this package.
func llCases(t *testing.T) []llCase {
	t.Helper()
	var files []string
	for _, g := range []string{"../ir/loop/testdata/*.kir", "testdata/llvm/*.kir", "testdata/kinds/*.kir"} {
		fs, err := filepath.Glob(g)
		require.NoError(t, err)
		files = append(files, fs...)
	}
	files = append(files, loweredGoldens...)
	require.NotEmpty(t, files)
	var cases []llCase
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		src := string(b)
		if strings.HasPrefix(src, "// error: ") {
			continue
		}
		name := goldenName(f)
		k, err := loop.Parse(src, looptest.Data(src))
		require.NoError(t, err, f)
		require.NoError(t, loop.Verify(k), f)
		cases = append(cases, llCase{name: name, kernel: k, golden: !llNoGolden[name] && !noGolden(name)})
	}
	return cases
}

// TestLLVMGolden: each kernel's module is its golden file, and passes the
// Bambu checker.
func TestLLVMGolden(t *testing.T) {
	for _, c := range llCases(t) {
		t.Run(c.name, func(t *testing.T) {
			got, err := EmitLLVM(c.name, []*loop.Kernel{c.kernel})
			require.NoError(t, err)
			assert.NoError(t, CheckBambu(got))
			again, err := EmitLLVM(c.name, []*loop.Kernel{c.kernel})
			require.NoError(t, err)
			assert.Equal(t, got, again, "output changes from run to run")
			if !c.golden {
				return
			}
			file := filepath.Join("testdata", "llvm", c.name+".ll")
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
				return
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run go test ./hls -update")
			assert.Equal(t, string(want), got)
		})
	}
}

// llTool finds a program: the test fails when CI is set and it is missing,
// and is skipped otherwise.
func llTool(t *testing.T, names ...string) string {
	t.Helper()
	for _, n := range names {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatalf("%s not found (CI is set; .ci/run installs it)", strings.Join(names, " or "))
	}
	t.Skipf("%s not found", strings.Join(names, " or "))
	return ""
}

// TestLLVMVerify: every emitted module passes opt -passes=verify, with
// LLVM 14 and, where installed, LLVM 16.
func TestLLVMVerify(t *testing.T) {
	cases := llCases(t)
	dir := t.TempDir()
	for _, opt := range []string{"opt-14", "opt-16"} {
		t.Run(opt, func(t *testing.T) {
			names := []string{opt}
			if opt == "opt-14" {
				names = append(names, "opt")
			}
			bin := llTool(t, names...)
			for _, c := range cases {
				got, err := EmitLLVM(c.name, []*loop.Kernel{c.kernel})
				require.NoError(t, err)
				file := filepath.Join(dir, c.name+".ll")
				require.NoError(t, os.WriteFile(file, []byte(got), 0o644))
				out, err := exec.Command(bin, "-passes=verify", "-disable-output", file).CombinedOutput()
				assert.NoError(t, err, "%s: %s", c.name, out)
			}
		})
	}
}
