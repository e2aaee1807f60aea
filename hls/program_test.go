package hls

import (
	"flag"
	"fmt"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes/lower"
)

// progNodeTests is the folder of ONNX's backend node tests.
const progNodeTests = "../../shared/testdata/onnx-node"

// progNames are ONNX node tests that lower (passes/lower's node test runs
// them through exec): several nodes (kernels with temporaries between
// them), constants, broadcasting, Conv and Gemm, integer and bool kinds.
var progNames = []string{
	"test_operator_basic", "test_operator_symbolic_override_nested", "test_Linear",
	"test_Conv1d_pad1", "test_gemm_alpha", "test_matmul_4d_1d", "test_transpose_default", "test_softmax_axis_1_expanded",
	"test_layer_normalization_2d_axis0",
	// data-dependent indices scaled by a stride (12 * (p / 12) in C)
	"test_reshape_reordered_all_dims",
	// recurrent: If/else, i32 to i64 casts, expm1/log1p
	"test_lstm_with_peepholes", "test_gru_seq_length",
}

// progCase is a lowered ONNX case and its arguments (inputs from the
// case's first data set, outputs zero).
type progCase struct {
	name string
	p    *loop.Program
	args []*dtype.Array
}

// progCases lowers the cases of progNames that the current lowering
// takes; a missing folder skips the test (fails under CI).
func progCases(t *testing.T) []progCase {
	t.Helper()
	if _, err := os.Stat(progNodeTests); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (CI is set)", progNodeTests)
		}
		t.Skipf("%s is missing", progNodeTests)
	}
	cases := progLoad(t, progNames, true)
	require.NotEmpty(t, cases)
	return cases
}

// progLoad loads and lowers the named cases; one that does not load or
// lower is logged (when verbose) and left out.
func progLoad(t *testing.T, names []string, verbose bool) []progCase {
	t.Helper()
	var cases []progCase
	for _, name := range names {
		c, err := progLoadOne(name)
		if err != nil {
			if verbose {
				t.Logf("%s: %v", name, err)
			}
			continue
		}
		cases = append(cases, c)
	}
	return cases
}

// progLoadOne reads a case's model and first data set's inputs and lowers
// it (not with conform.Prepare: conform imports the back ends, which
// import hls). Cases whose shapes depend on input values do not load.
func progLoadOne(name string) (progCase, error) {
	dir := filepath.Join(progNodeTests, name)
	var inputs []*dtype.Array
	var shapes [][]int
	for i := 0; ; i++ {
		file := filepath.Join(dir, "test_data_set_0", fmt.Sprintf("input_%d.pb", i))
		if _, err := os.Stat(file); err != nil {
			break
		}
		a, err := onnx.ReadTensorFile(file, onnx.DefaultMaxTensorBytes)
		if err != nil {
			return progCase{}, err
		}
		inputs, shapes = append(inputs, a), append(shapes, a.Shape)
	}
	m, err := onnx.Load(filepath.Join(dir, "model.onnx"), onnx.Options{InputShapes: shapes})
	if err != nil {
		return progCase{}, err
	}
	p, err := lower.Program(m.Graph, lower.Options{})
	if err != nil {
		return progCase{}, fmt.Errorf("not lowered: %w", err)
	}
	nin := len(p.Params) - len(m.Graph.Outputs)
	if nin != len(inputs) {
		return progCase{}, fmt.Errorf("%d inputs for %d parameters", len(inputs), nin)
	}
	args := append([]*dtype.Array(nil), inputs...)
	for _, id := range p.Params[nin:] {
		args = append(args, dtype.New(p.Buffers[id].Kind, p.Buffers[id].Shape))
	}
	return progCase{name, p, args}, nil
}

// progKernel is the top of p seen as a kernel: its buffers and parameters,
// for the drivers of the kernel tests.
func progKernel(p *loop.Program, name string) *loop.Kernel {
	return &loop.Kernel{Name: name, Buffers: p.Buffers, Params: p.Params}
}

// progTolerance is the largest libm tolerance of p's kernels.
func progTolerance(p *loop.Program) float64 {
	tol := 0.0
	for _, k := range p.Kernels {
		tol = max(tol, cLibmTolerance(k))
	}
	return 10 * tol // several kernels may each add their ulps
}

// TestProgramEmit: each lowered program's module passes CheckBambu and
// opt -passes=verify (LLVM 14, and 16 where installed); its C emits.
func TestProgramEmit(t *testing.T) {
	cases := progCases(t)
	opt14 := llFind("opt-14", "opt")
	opt16 := llFind("opt-16")
	if opt14 == "" && os.Getenv("CI") != "" {
		t.Fatal("opt is missing (CI is set)")
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := EmitLLVMProgramModule(c.p)
			require.NoError(t, err)
			ll := m.String()
			assert.NoError(t, CheckBambu(ll))
			file := filepath.Join(dir, c.name+".ll")
			require.NoError(t, os.WriteFile(file, []byte(ll), 0o644))
			for _, opt := range []string{opt14, opt16} {
				if opt != "" {
					out, err := osexec.Command(opt, "-passes=verify", "-disable-output", file).CombinedOutput()
					assert.NoError(t, err, "%s: %s", opt, out)
				}
			}
			cp, err := EmitCProgram(c.p)
			require.NoError(t, err)
			assert.Len(t, cp.Kernels, len(c.p.Kernels))
			assert.Len(t, cp.Files(), 2*len(c.p.Kernels)+3)
		})
	}
}

// TestProgramRun: each lowered program, as LLVM IR and as C (the separate
// files and the one unit), built and run with a driver, computes what
// exec.RunProgram computes, bit for bit but for libm's ulps.
func TestProgramRun(t *testing.T) {
	gcc := cNeedGCC(t)
	for _, c := range progCases(t) {
		t.Run(c.name, func(t *testing.T) {
			want := make([]*dtype.Array, len(c.args))
			for i, a := range c.args {
				want[i] = a.Clone()
			}
			require.NoError(t, exec.RunProgram(c.p, want))
			cp, err := EmitCProgram(c.p)
			require.NoError(t, err)
			ll, err := EmitLLVMProgram(c.p)
			require.NoError(t, err)
			k := progKernel(c.p, cp.Top.Name)
			for _, how := range []string{"c", "unit", "llvm"} {
				got := progBuildRun(t, gcc, how, k, cp, ll, c.args)
				for i, id := range c.p.Params {
					if b := c.p.Buffers[id]; b.Role == loop.Output {
						cCompare(t, how+": "+b.Name, want[i], got[i], progTolerance(c.p))
					}
				}
			}
		})
	}
}

// progBuildRun builds the program one way (how: "c" the separate files,
// "unit" the one C file, "llvm" the module) with cDriver around the top,
// runs it on args and returns the arguments as it left them.
func progBuildRun(t *testing.T, gcc, how string, k *loop.Kernel, cp CProgram, ll string, args []*dtype.Array) []*dtype.Array {
	t.Helper()
	dir := t.TempDir()
	write := func(name, s string) string {
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, []byte(s), 0o644))
		return path
	}
	write(cp.Top.Name+".h", cp.Top.H)
	srcs := []string{write("driver.c", cDriver(k, cp.Top))}
	switch how {
	case "c":
		for name, s := range cp.Files() {
			if p := write(name, s); filepath.Ext(name) == ".c" && name != cp.Top.Name+"_all.c" {
				srcs = append(srcs, p)
			}
		}
	case "unit":
		srcs = append(srcs, write("unit.c", cp.Unit))
	case "llvm":
		llc := llFind("llc-14", "llc", "llc-16")
		if llc == "" {
			t.Skip("llc is not installed")
		}
		obj := filepath.Join(dir, "k.o")
		out, err := osexec.Command(llc, "-O2", "-relocation-model=pic", "-filetype=obj", write("k.ll", ll), "-o", obj).CombinedOutput()
		require.NoError(t, err, "llc: %s", out)
		srcs = append(srcs, obj)
	}
	prog := filepath.Join(dir, "prog")
	cmd := append([]string{"-std=c99", "-O2", "-ffp-contract=off", "-Wall", "-Wno-unknown-pragmas", "-o", prog}, srcs...)
	msg, err := osexec.Command(gcc, append(cmd, "-lm")...).CombinedOutput()
	require.NoError(t, err, "gcc: %s", msg)
	assert.Empty(t, string(msg), "gcc warnings")
	var in []byte
	for i, id := range k.Params {
		if k.Buffers[id].Role != loop.Constant {
			in = append(in, tbBytes(args[i])...)
		}
	}
	inPath, outPath := write("in.bin", string(in)), filepath.Join(dir, "out.bin")
	msg, err = osexec.Command(prog, inPath, outPath).CombinedOutput()
	require.NoError(t, err, "run: %s", msg)
	out, err := os.ReadFile(outPath)
	require.NoError(t, err)
	return cSplitOutputs(t, k, args, out)
}

// progAll runs TestProgramAll's cases through the compilers as well
// (minutes: each case builds three programs).
var progAll = flag.Bool("hls.all", false, "TestProgramAll also builds and runs every lowered ONNX case")

// TestProgramAll: every ONNX node test that lowers emits as LLVM IR that
// passes CheckBambu and `opt -passes=verify` of LLVM 14 and 16, and as C;
// with -hls.all each is also built and run against exec.
func TestProgramAll(t *testing.T) {
	if _, err := os.Stat(progNodeTests); err != nil {
		t.Skipf("%s is missing", progNodeTests)
	}
	dirs, err := filepath.Glob(filepath.Join(progNodeTests, "test_*"))
	require.NoError(t, err)
	names := make([]string, 0, len(dirs))
	for _, d := range dirs {
		names = append(names, filepath.Base(d))
	}
	gcc := ""
	if *progAll {
		gcc = cNeedGCC(t)
	}
	var opts []string // LLVM 14's opt and opt-16
	for _, names := range [][]string{{"opt-14", "opt"}, {"opt-16"}} {
		if opt := llFind(names...); opt != "" {
			opts = append(opts, opt)
		} else if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing (.ci/run installs llvm and llvm-16)", names[0])
		} else {
			t.Logf("%s is missing: modules not verified with it", names[0])
		}
	}
	dir := t.TempDir()
	var emitted atomic.Int32
	for _, c := range progLoad(t, names, false) {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel() // the opt runs dominate
			ll, err := EmitLLVMProgram(c.p)
			require.NoError(t, err)
			assert.NoError(t, CheckBambu(ll))
			_, err = EmitCProgram(c.p)
			require.NoError(t, err)
			emitted.Add(1)
			file := filepath.Join(dir, c.name+".ll")
			require.NoError(t, os.WriteFile(file, []byte(ll), 0o644))
			for _, opt := range opts {
				out, err := osexec.Command(opt, "-passes=verify", "-disable-output", file).CombinedOutput()
				assert.NoError(t, err, "%s: %s", opt, out)
			}
			if *progAll {
				narrowRunTol(t, gcc, c.p, c.args, progTolerance(c.p))
			}
		})
	}
	t.Cleanup(func() { t.Logf("%d lowered cases emitted", emitted.Load()) })
}

// progVerify runs opt -passes=verify of LLVM 14 and 16 (those installed)
// on a module.
func progVerify(t *testing.T, ll string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "m.ll")
	require.NoError(t, os.WriteFile(file, []byte(ll), 0o644))
	for _, opt := range []string{llFind("opt-14", "opt"), llFind("opt-16")} {
		if opt != "" {
			out, err := osexec.Command(opt, "-passes=verify", "-disable-output", file).CombinedOutput()
			assert.NoError(t, err, "%s: %s", opt, out)
		}
	}
}
