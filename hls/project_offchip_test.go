package hls

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower/lowertest"
	"github.com/kiln-hls/kiln/passes/narrow"
	"github.com/kiln-hls/kiln/passes/place"
	"github.com/kiln-hls/kiln/targets"
)

// offchipProgram is two kernels: k1 reads a weight placed off chip, k2 a
// constant on chip (rom) and a scratch array off chip; externalized.
func offchipProgram(t *testing.T) *loop.Program {
	t.Helper()
	k1, err := loop.Parse(`kernel k1(in x: f32[4], out h: f32[4]) {
  const w: f32[4] offchip = {0.5, -1.25, 3, 1e-3}
  for i in 0..4 {
    h[i] = x[i] * w[i] + w[3 - i]
  }
}`, nil)
	require.NoError(t, err)
	k2, err := loop.Parse(`kernel k2(in h: f32[4], out y: f32[2]) {
  const c: f32[2] rom = {2, -3}
  temp s: f32[4] offchip
  for i in 0..4 {
    s[i] = h[i] * h[i]
  }
  for j in 0..2 {
    y[j] = s[j] * c[j] + s[j + 2]
  }
}`, nil)
	require.NoError(t, err)
	f4 := func(name string, r loop.Role) *loop.Buffer {
		return &loop.Buffer{Name: name, Kind: dtype.F32, Shape: []int{4}, Role: r, Space: loop.OffChip}
	}
	y := f4("y", loop.Output)
	y.Shape = []int{2}
	h := f4("h", loop.Temp)
	h.Space = loop.RAM
	p := &loop.Program{Name: loop.TopName, Kernels: []*loop.Kernel{k1, k2},
		Buffers: []*loop.Buffer{f4("x", loop.Input), h, y}, Params: []loop.BufID{0, 2},
		Calls: []loop.KernelCall{{Kernel: 0, Args: []loop.BufID{0, 1}}, {Kernel: 1, Args: []loop.BufID{1, 2}}}}
	q, err := place.Externalize(p)
	require.NoError(t, err)
	return q
}

// writeProject writes files into a new folder and returns it.
func writeProjectFiles(t *testing.T, files map[string][]byte) string {
	t.Helper()
	dir := t.TempDir()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, data, 0o644))
	}
	return dir
}

// TestProjectOffChipWeight: a weight placed off chip is a pointer argument
// of the top and of its kernel in the .ll and the .c (no global), its
// values are in data/k1_w.bin, which the testbenches load (make csim
// passes bit for bit; without the file, or with other values, it fails),
// the XML testbench lists it, kiln.json and the README name it, the .ll
// verifies, and the Bambu commands get the external memory delays and
// KILN_DATA_DIR.
func TestProjectOffChipWeight(t *testing.T) {
	p := offchipProgram(t)
	dev, err := targets.Lookup("xc7z020-1clg484-VVD")
	require.NoError(t, err)
	x := dtype.FromF32([]int{4}, []float32{1, -2, 0.25, 7})
	opt := ProjectOptions{Device: dev, ClockNS: 10, Inputs: []*dtype.Array{x}, InputSource: "four numbers",
		Command: "test", Model: "offchip", Precision: "fp32", MemDelayRead: 20, MemDelayWrite: 12}
	files, err := Project(p, opt)
	require.NoError(t, err)

	data := files["data/k1_w.bin"]
	require.Len(t, data, 16)
	for i, v := range []float32{0.5, -1.25, 3, 1e-3} {
		assert.Equal(t, math.Float32bits(v), binary.LittleEndian.Uint32(data[4*i:]), "element %d", i)
	}
	top := string(files["forward_kernel.ll"])
	assert.Contains(t, top, "define void @forward_kernel(float* noalias %x, float* noalias %k1_w, float* noalias %y, float* noalias %k2_s)")
	assert.NotContains(t, top, "0x3FE0000000000000", "the weight's 0.5 is not in the design")
	assert.Contains(t, string(files["k1.ll"]), "float* noalias %w")
	assert.Contains(t, string(files["k2.ll"]), "internal", "k2's on-chip constant stays a global")
	assert.Contains(t, string(files["forward_kernel.h"]), "const float *restrict k1_w")
	progVerify(t, top)
	progVerify(t, string(files["k1.ll"]))

	tb := string(files["testbench/forward_kernel_tb.c"])
	assert.Contains(t, tb, `kiln_tb_load(1, "k1_w", "k1_w.bin", P1, sizeof P1)`)
	assert.Contains(t, tb, "static float P1[4];")
	assert.Contains(t, string(files["testbench/k1_tb.c"]), `kiln_tb_load(2, "w", "k1_w.bin", P2, sizeof P2)`)
	assert.Contains(t, string(files["testbench/forward_kernel.xml"]), `P1="{0.5,-1.25,3,0.00100000005}"`)
	var man Manifest
	require.NoError(t, json.Unmarshal(files["kiln.json"], &man))
	assert.Equal(t, []string{"data/k1_w.bin"}, man.Weights)
	assert.Contains(t, man.Files, "data/k1_w.bin")
	assert.Contains(t, string(files["README.md"]), "| `data/k1_w.bin` | a weight placed off chip")
	script := string(files["bambu/forward_kernel_xc7z020-1clg484-VVD_10ns.sh"])
	assert.Contains(t, script, "--mem-delay-read=20 \\\n  --mem-delay-write=12")
	assert.Contains(t, script, `export KILN_DATA_DIR="${KILN_DATA_DIR:-$project/data}"`)

	cNeedGCC(t)
	mk, err := osexec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	dir := writeProjectFiles(t, files)
	out := runMake(t, mk, dir, "-s", "csim")
	assert.Equal(t, 3, strings.Count(out, ": OK ("), out)
	assert.Contains(t, runMake(t, mk, dir, "-n", "sim"), "KILN_DATA_DIR=")

	// other weights in the file: the outputs differ
	bad := append([]byte(nil), data...)
	bad[0] ^= 0x40
	require.NoError(t, os.WriteFile(filepath.Join(dir, "data", "k1_w.bin"), bad, 0o644))
	cmd := osexec.Command(filepath.Join(dir, "build", "csim", "forward_kernel_tb"))
	cmd.Dir = dir
	got, err := cmd.CombinedOutput()
	assert.Error(t, err)
	assert.Contains(t, string(got), "FAIL")
	// no file: a clear message, exit 2
	require.NoError(t, os.Remove(filepath.Join(dir, "data", "k1_w.bin")))
	cmd = osexec.Command(cmd.Path)
	cmd.Dir = dir
	got, err = cmd.CombinedOutput()
	var ee *osexec.ExitError
	require.ErrorAs(t, err, &ee)
	assert.Equal(t, 2, ee.ExitCode())
	assert.Contains(t, string(got), "cannot open data file")
}

// TestTestbenchFileErrors: a data file without values or with a path in
// its name is refused, naming the argument.
func TestTestbenchFileErrors(t *testing.T) {
	in := dtype.FromF32([]int{2}, []float32{1, 2})
	_, err := EmitTestbench("f", "../f.h", []TBParam{{Name: "w", Kind: dtype.F32, Len: 2, File: "w.bin"}})
	assert.ErrorContains(t, err, `P0 (w): data file "w.bin": no values`)
	_, err = EmitTestbench("f", "../f.h", []TBParam{{Name: "w", Kind: dtype.F32, Len: 2, In: in, File: "../w.bin"}})
	assert.ErrorContains(t, err, "want a plain file name")
	tb, err := EmitTestbench("f", "../f.h", []TBParam{{Name: "w", Kind: dtype.F32, Len: 2, In: in, File: "w.bin"}})
	require.NoError(t, err)
	assert.Len(t, tb.Data["data/w.bin"], 8)
}

// TestProjectLSTMOffChip: the LSTM at fp32 and fixed<16,6> placed on a
// small chip (4 RAMB36), its large weights off chip, externalized: the
// project builds and make csim passes for every kernel and the top, bit
// for bit (fixed weights as raw int16s in their files).
func TestProjectLSTMOffChip(t *testing.T) {
	m, err := lowertest.Zoo("lstm", 1)
	require.NoError(t, err)
	spec, err := passes.ParsePrecisionSpec("fixed<16,6>")
	require.NoError(t, err)
	for _, prec := range []string{"fp32", "fixed<16,6>"} {
		t.Run(prec, func(t *testing.T) {
			p := m.Program
			if prec != "fp32" {
				p, _, err = narrow.Apply(p, narrow.Options{Spec: spec})
				require.NoError(t, err)
			}
			lstmOffChip(t, p, m.Windows)
		})
	}
}

func lstmOffChip(t *testing.T, p *loop.Program, inputs []*dtype.Array) {
	t.Helper()
	placed, _, err := place.Apply(p, place.Options{Capacity: place.Capacity{BRAM36: 4, Ports: 2}})
	require.NoError(t, err)
	q, err := place.Externalize(placed)
	require.NoError(t, err)
	dev, err := targets.Lookup("xc7z020-1clg484-VVD")
	require.NoError(t, err)
	files, err := Project(q, ProjectOptions{Device: dev, ClockNS: 10, Inputs: inputs, InputSource: "the first window",
		Command: "test", Model: "lstm", Precision: "test"})
	require.NoError(t, err)
	var man Manifest
	require.NoError(t, json.Unmarshal(files["kiln.json"], &man))
	require.NotEmpty(t, man.Weights)
	for _, id := range q.Params {
		if b := q.Buffers[id]; isWeight(b) {
			w := 4
			if b.Kind.IsFixed() {
				w = 2 // fixed<16,6> raws are int16_t
			}
			assert.Len(t, files["data/"+b.Name+".bin"], dtype.Size(b.Shape)*w, b.Name)
		}
	}
	progVerify(t, string(files["forward_kernel.ll"]))
	csimAll(t, files, len(q.Kernels))
}

// csimAll writes the project and runs make csim: every kernel and the top
// bit-exact.
func csimAll(t *testing.T, files map[string][]byte, kernels int) {
	t.Helper()
	cNeedGCC(t)
	mk, err := osexec.LookPath("make")
	if err != nil {
		t.Skip("make is not installed")
	}
	dir := writeProjectFiles(t, files)
	out := runMake(t, mk, dir, "-s", "-j2", "csim")
	assert.Equal(t, kernels+1, strings.Count(out, ": OK ("), out)
	assert.NotContains(t, out, "FAIL")
}

// TestProjectZooZynq: the CNN and the ST-GCN at fp32 placed for
// xc7z020 with the default policy (place.CapacityOf: 140 RAMB36), so
// weights that do not fit go off chip (the CNN's; the ST-GCN's all fit),
// externalized: make csim passes for every kernel and the top, bit for
// bit.
func TestProjectZooZynq(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs whole models")
	}
	dev, err := targets.Lookup("xc7z020-1clg484-VVD")
	require.NoError(t, err)
	capa, err := place.CapacityOf(dev)
	require.NoError(t, err)
	for _, name := range []string{"cnn", "stgcn"} {
		t.Run(name, func(t *testing.T) {
			m, err := lowertest.Zoo(name, 1)
			require.NoError(t, err)
			placed, _, err := place.Apply(m.Program, place.Options{Capacity: capa})
			require.NoError(t, err)
			q, err := place.Externalize(placed)
			require.NoError(t, err)
			files, err := Project(q, ProjectOptions{Device: dev, ClockNS: 10, Inputs: m.Windows, InputSource: "the first window",
				Command: "test", Model: name, Precision: "fp32"})
			require.NoError(t, err)
			var man Manifest
			require.NoError(t, json.Unmarshal(files["kiln.json"], &man))
			if name == "cnn" {
				require.Contains(t, man.Weights, "data/dense_layer_Gemm_dense_layer_weight.bin", "the dense weight (1020 RAMB36) is off chip")
			} else {
				require.Empty(t, man.Weights)
			}
			csimAll(t, files, len(q.Kernels))
		})
	}
}
