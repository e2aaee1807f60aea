package hls

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	osexec "os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/ir/loop/looptest"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// tbProject is one function's C files, testbench and golden outputs, as
// the project folder holds them.
type tbProject struct {
	fname  string
	srcs   map[string]string // the C files at the root, by name
	params []TBParam
	tb     Testbench
}

// tbParseKernel parses a .kir file, its summarised constants as ramps.
func tbParseKernel(t *testing.T, file string) *loop.Kernel {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	k, err := loop.Parse(string(b), looptest.Data(string(b)))
	require.NoError(t, err, file)
	return k
}

// tbRandom is an array of kind k and shape filled from rng: floats in
// (−8, 8) rounded to the kind, integers, bools and fixed raws over their
// whole range.
func tbRandom(rng *rand.Rand, k dtype.Kind, shape []int) *dtype.Array {
	a := dtype.New(k, shape)
	for j := range a.Len() {
		cSetRandom(a, j, rng.Uint64())
	}
	return a
}

// tbArgs makes seeded random inputs and zero outputs for bufs (a kernel's
// or a program's parameters), runs them with run, and returns the
// testbench parameters: inputs with In, outputs with Golden. Constants
// are not arguments.
func tbArgs(t *testing.T, seed uint64, bufs []*loop.Buffer, run func([]*dtype.Array) error) []TBParam {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 0x6b696c6e))
	args := make([]*dtype.Array, len(bufs))
	ins := make([]*dtype.Array, len(bufs))
	for i, b := range bufs {
		switch b.Role {
		case loop.Constant:
			args[i] = b.Init.Clone()
		case loop.Input:
			args[i] = tbRandom(rng, b.Kind, b.Shape)
			ins[i] = args[i].Clone()
		default:
			args[i] = dtype.New(b.Kind, b.Shape)
		}
	}
	require.NoError(t, run(args))
	var params []TBParam
	for i, b := range bufs {
		if b.Role == loop.Constant {
			continue
		}
		p := TBParam{Name: b.Name, Kind: b.Kind, Len: dtype.Size(b.Shape), In: ins[i]}
		if b.Role == loop.Output {
			p.Golden = args[i]
		}
		params = append(params, p)
	}
	return params
}

// tbKernelProject is kernel k's project, golden outputs from exec.Run.
func tbKernelProject(t *testing.T, k *loop.Kernel, seed uint64) *tbProject {
	t.Helper()
	f, err := EmitC(k)
	require.NoError(t, err)
	bufs := make([]*loop.Buffer, len(k.Params))
	for i, id := range k.Params {
		bufs[i] = k.Buffers[id]
	}
	params := tbArgs(t, seed, bufs, func(a []*dtype.Array) error { return exec.Run(k, a) })
	pr := &tbProject{fname: f.Name, params: params, srcs: map[string]string{f.Name + ".c": f.C, f.Name + ".h": f.H}}
	pr.tb, err = EmitTestbench(f.Name, "../"+f.Name+".h", params)
	require.NoError(t, err)
	return pr
}

// tbProgramProject is program p's project for its top function, golden
// outputs from exec.RunProgram.
func tbProgramProject(t *testing.T, p *loop.Program, seed uint64) *tbProject {
	t.Helper()
	cp, err := EmitCProgram(p)
	require.NoError(t, err)
	bufs := make([]*loop.Buffer, len(p.Params))
	for i, id := range p.Params {
		bufs[i] = p.Buffers[id]
	}
	params := tbArgs(t, seed, bufs, func(a []*dtype.Array) error { return exec.RunProgram(p, a) })
	pr := &tbProject{fname: cp.Top.Name, params: params, srcs: map[string]string{}}
	for name, text := range cp.Files() {
		if !strings.HasSuffix(name, "_all.c") {
			pr.srcs[name] = text
		}
	}
	pr.tb, err = EmitTestbench(cp.Top.Name, "../"+cp.Top.Name+".h", params)
	require.NoError(t, err)
	return pr
}

// write puts the project in dir: C files at the root, testbench/ and
// golden/ under it.
func (pr *tbProject) write(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"testbench/" + pr.fname + "_tb.c": pr.tb.C,
		"testbench/" + pr.fname + ".xml":  pr.tb.XML,
	}
	for name, text := range pr.srcs {
		files[name] = text
	}
	for name, b := range pr.tb.Golden {
		files[name] = string(b)
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(text), 0o644))
	}
}

// csim builds the project in dir with -DKILN_CSIM (no warnings allowed)
// and returns the path of the program.
func (pr *tbProject) csim(t *testing.T, gcc, dir string) string {
	t.Helper()
	args := []string{"-std=c99", "-O1", "-ffp-contract=off", "-Wall", "-Wextra", "-Wno-unknown-pragmas",
		"-DKILN_CSIM", "-o", "csim", "testbench/" + pr.fname + "_tb.c"}
	cmd := osexec.Command(gcc, append(append(args, pr.cFiles()...), "-lm")...)
	cmd.Dir = dir
	msg, err := cmd.CombinedOutput()
	require.NoError(t, err, "gcc: %s", msg)
	assert.Empty(t, string(msg), "gcc warnings")
	return filepath.Join(dir, "csim")
}

// cFiles are the project's .c files, sorted.
func (pr *tbProject) cFiles() []string {
	var names []string
	for name := range pr.srcs {
		if strings.HasSuffix(name, ".c") {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// tbRun runs prog in dir and returns its output and exit code.
func tbRun(t *testing.T, dir, prog string) (string, int) {
	t.Helper()
	cmd := osexec.Command(prog)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	var ee *osexec.ExitError
	if errors.As(err, &ee) {
		return string(out), ee.ExitCode()
	}
	require.NoError(t, err)
	return string(out), 0
}

// okLine is what csim prints when every output matches.
func (pr *tbProject) okLine() string {
	outs, elems := 0, 0
	for _, p := range pr.params {
		if p.Golden != nil {
			outs++
			elems += p.Len
		}
	}
	return fmt.Sprintf("csim %s: OK (%d outputs, %d elements bit-exact)\n", pr.fname, outs, elems)
}

// tbCheckCsim builds and runs the project's csim: OK; then one corrupted
// golden byte (exit 1, the element named), a short golden file and a
// missing one (exit 2).
func tbCheckCsim(t *testing.T, gcc string, pr *tbProject, seed uint64) {
	t.Helper()
	dir := t.TempDir()
	pr.write(t, dir)
	prog := pr.csim(t, gcc, dir)
	out, rc := tbRun(t, dir, prog)
	require.Equal(t, 0, rc, out)
	require.Equal(t, pr.okLine(), out)

	var checked []int // arguments with a non-empty golden file
	for i, p := range pr.params {
		if p.Golden != nil && p.Len > 0 {
			checked = append(checked, i)
		}
	}
	require.NotEmpty(t, checked, "the function has no output to corrupt")
	rng := rand.New(rand.NewPCG(seed, 1))
	i := checked[rng.IntN(len(checked))]
	p := pr.params[i]
	file := filepath.Join(dir, "golden", fmt.Sprintf("%s.P%d.bin", pr.fname, i))
	good := pr.tb.Golden[fmt.Sprintf("golden/%s.P%d.bin", pr.fname, i)]
	w := len(good) / p.Len
	j := rng.IntN(p.Len)
	for p.Golden.Kind.IsFloat() && math.IsNaN(p.Golden.At(j)) {
		j = rng.IntN(p.Len) // a NaN's low bit flipped is another NaN, which matches
	}
	bad := bytes.Clone(good)
	bad[j*w] ^= 0x01 // the low byte: a different value of every kind
	require.NoError(t, os.WriteFile(file, bad, 0o644))
	out, rc = tbRun(t, dir, prog)
	assert.Equal(t, 1, rc, out)
	assert.Contains(t, out, fmt.Sprintf("csim %s: P%d (%s)[%d]: got ", pr.fname, i, tbSafe(p.Name), j))
	assert.Contains(t, out, fmt.Sprintf("csim %s: FAIL (1 of ", pr.fname))

	require.NoError(t, os.WriteFile(file, good[:len(good)-1], 0o644))
	out, rc = tbRun(t, dir, prog)
	assert.Equal(t, 2, rc, out)
	assert.Contains(t, out, fmt.Sprintf("has %d bytes, want %d", len(good)-1, len(good)))

	require.NoError(t, os.Remove(file))
	out, rc = tbRun(t, dir, prog)
	assert.Equal(t, 2, rc, out)
	assert.Contains(t, out, "cannot open golden file golden/")
}

// TestTestbenchCsimKernels builds kernels' C with their testbenches in
// csim mode: every output is bit-exact with exec's, and a corrupted,
// short or missing golden file fails as documented. Kinds: f32, int8,
// f16 held in float (with i64, f64, bool and i32), sub-byte integers and
// fixed point.
func TestTestbenchCsimKernels(t *testing.T) {
	gcc := cNeedGCC(t)
	files := []string{
		"../passes/lower/testdata/gemm.kir",
		"../passes/lower/testdata/conv1d.kir",
		"../passes/lower/testdata/elem_clip_i8.kir",
		"testdata/kinds/narrow_f16.kir",
		"testdata/kinds/narrow_bf16.kir",
		"testdata/kinds/sub_i4.kir",
		"testdata/kinds/sub_u2.kir",
		"../ir/loop/testdata/fixed_gemm.kir",
		"../ir/loop/testdata/kinds.kir",
		"../ir/loop/testdata/lstm_step.kir",
		"../ir/loop/testdata/csr.kir",
	}
	for i, file := range files {
		t.Run(goldenName(file), func(t *testing.T) {
			tbCheckCsim(t, gcc, tbKernelProject(t, tbParseKernel(t, file), uint64(i)), uint64(i))
		})
	}
	for i, c := range narrowedCases(t) {
		t.Run("fixed/"+c.name, func(t *testing.T) {
			tbCheckCsim(t, gcc, tbKernelProject(t, c.kernel, uint64(100+i)), uint64(i))
		})
	}
}

// TestTestbenchCsimZoo: the top function of each lowered built-in model,
// in f32 and narrowed to fixed<16,6>, with seeded random inputs.
func TestTestbenchCsimZoo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the built-in models")
	}
	gcc := cNeedGCC(t)
	for i, name := range []string{"lstm", "cnn", "stgcn"} {
		t.Run(name, func(t *testing.T) {
			m, err := lowertest.Zoo(name, 1)
			require.NoError(t, err)
			for j, spec := range []string{"fp32", "fixed<16,6>"} {
				t.Run(spec, func(t *testing.T) {
					s, err := passes.ParsePrecisionSpec(spec)
					require.NoError(t, err)
					p, _, err := narrow.Apply(m.Program, narrow.Options{Spec: s})
					require.NoError(t, err)
					seed := uint64(10*i + j)
					tbCheckCsim(t, gcc, tbProgramProject(t, p, seed), seed)
				})
			}
		})
	}
}

// tbXMLValues parses the XML testbench: its P<i> attributes' values in order.
func tbXMLValues(t *testing.T, text string) [][]string {
	t.Helper()
	var doc struct {
		XMLName xml.Name `xml:"function"`
		TB      []struct {
			Attrs []xml.Attr `xml:",any,attr"`
		} `xml:"testbench"`
	}
	require.NoError(t, xml.Unmarshal([]byte(text), &doc))
	require.Len(t, doc.TB, 1)
	var vals [][]string
	for i, a := range doc.TB[0].Attrs {
		require.Equal(t, "P"+strconv.Itoa(i), a.Name.Local)
		require.True(t, strings.HasPrefix(a.Value, "{") && strings.HasSuffix(a.Value, "}"), a.Value)
		v := strings.Split(a.Value[1:len(a.Value)-1], ",")
		if len(v) == 1 && v[0] == "" {
			v = nil
		}
		vals = append(vals, v)
	}
	return vals
}
