package hls

import (
	"bytes"
	"os"
	osexec "os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/targets"
)

// projectOptions are the options of the tests' projects for the node case
// c (its inputs from the case's data).
func projectOptions(t *testing.T, c progCase, device string) ProjectOptions {
	t.Helper()
	dev, err := targets.Lookup(device)
	require.NoError(t, err)
	nin := 0
	for _, id := range c.p.Params {
		if c.p.Buffers[id].Role.String() == "in" {
			nin++
		}
	}
	return ProjectOptions{Device: dev, ClockNS: 10, Inputs: c.args[:nin], InputSource: "the case's first data set",
		Command: "kiln compile " + c.name + " -t " + device + " -o DIR", Model: c.name, Precision: "fp32"}
}

// TestProjectGolden compares the text files of one small project (two
// kernels) with testdata/project (go test -update rewrites them).
func TestProjectGolden(t *testing.T) {
	c, err := progLoadOne("test_gemm_alpha")
	if err != nil {
		progCases(t) // skips or fails as the node tests' absence wants
		require.NoError(t, err)
	}
	files, err := Project(c.p, projectOptions(t, c, "xc7z020-1clg484-VVD"))
	require.NoError(t, err)
	again, err := Project(c.p, projectOptions(t, c, "xc7z020-1clg484-VVD"))
	require.NoError(t, err)
	assert.Equal(t, files, again, "the same arguments give the same bytes")
	for _, name := range []string{"Makefile", "README.md", "kiln.json", "bambu/forward_kernel_xc7z020-1clg484-VVD_10ns.sh"} {
		golden := filepath.Join("testdata", "project", strings.ReplaceAll(name, "/", "_"))
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(golden), 0o755))
			require.NoError(t, os.WriteFile(golden, files[name], 0o644))
		}
		want, err := os.ReadFile(golden)
		require.NoError(t, err)
		assert.Equal(t, string(want), string(files[name]), name)
	}
}

// TestProjectNodeCases builds the projects of ONNX node cases (several
// kernels, integer and bool kinds, conditionals, recurrences) and runs
// make csim: every kernel's C and the top's match their golden outputs;
// make -n sim, synth and asic name the Bambu runs.
func TestProjectNodeCases(t *testing.T) {
	cases := progCases(t)
	cNeedGCC(t)
	mk, err := osexec.LookPath("make")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("make is missing (CI is set)")
		}
		t.Skip("make is not installed")
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			files, err := Project(c.p, projectOptions(t, c, "asap7"))
			require.NoError(t, err)
			dir := t.TempDir()
			for name, data := range files {
				path := filepath.Join(dir, filepath.FromSlash(name))
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, data, 0o644))
			}
			out := runMake(t, mk, dir, "-s", "csim")
			assert.Equal(t, len(c.p.Kernels)+1, strings.Count(out, ": OK ("), out)
			assert.NotContains(t, out, "FAIL")
			dry := runMake(t, mk, dir, "-n", "sim", "synth", "asic")
			assert.Equal(t, 4, strings.Count(dry, "bambu -v3"), dry) // sim, synth, then asic: nangate45, asap7
			assert.Contains(t, dry, "--device-name=asap7-BC --clock-period=10")
			assert.Contains(t, dry, "--device-name=nangate45")
			assert.Contains(t, runMake(t, mk, dir, "-n", "sim", "TB=xml"), "testbench/forward_kernel.xml")
			assert.Contains(t, runMake(t, mk, dir, "-s", "help"), "make asic          the top through Bambu's OpenROAD flow")
		})
	}
}

func runMake(t *testing.T, mk, dir string, args ...string) string {
	t.Helper()
	cmd := osexec.Command(mk, append([]string{"-C", dir}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	require.NoError(t, cmd.Run(), "make %s:\n%s", strings.Join(args, " "), out.String())
	return out.String()
}

// TestProjectErrors: every bad option is named, all at once.
func TestProjectErrors(t *testing.T) {
	c, err := progLoadOne("test_gemm_alpha")
	if err != nil {
		progCases(t)
		require.NoError(t, err)
	}
	good := projectOptions(t, c, "nangate45")
	bad := good
	bad.Device, bad.ClockNS, bad.Channels, bad.MemoryPolicy = targets.Device{}, -1, 99, "SOME_BRAM"
	_, err = Project(c.p, bad)
	require.Error(t, err)
	for _, want := range []string{"no device", "clock period -1 ns", "99 memory channels", `"SOME_BRAM"`} {
		assert.Contains(t, err.Error(), want)
	}
	bad = good
	bad.Inputs = bad.Inputs[:len(bad.Inputs)-1]
	_, err = Project(c.p, bad)
	assert.ErrorContains(t, err, "input arrays for the")
	bad = good
	bad.Inputs = append([]*dtype.Array{dtype.New(dtype.F32, []int{7})}, good.Inputs[1:]...)
	_, err = Project(c.p, bad)
	assert.ErrorContains(t, err, "input 0")
	_, err = Project(nil, good)
	assert.ErrorContains(t, err, "nil program")
}
