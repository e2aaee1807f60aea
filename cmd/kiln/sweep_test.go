package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/internal/slurmtest"
	"github.com/kiln-hls/kiln/sweep"
)

// TestMain lets the test binary stand for kiln itself (KILN_AS_MAIN=1), so
// a test can run kiln as a process of its own: to kill it, or to hand it
// to Slurm.
func TestMain(m *testing.M) {
	if os.Getenv("KILN_AS_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

const smallSpace = "testdata/sweep-small.yaml"

// results reads a results file into index → the line's figures (or
// error), checking that every line is whole and no design is there twice.
func results(t *testing.T, path string) map[uint64]string {
	out := map[uint64]string{}
	_, err := sweep.ReadResults(path, func(l *sweep.Line) error {
		_, dup := out[l.Index]
		require.False(t, dup, "design %d twice in %s", l.Index, path)
		var b bytes.Buffer
		b.Write(l.Figures)
		b.WriteString(l.Error)
		out[l.Index] = b.String()
		return nil
	})
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, bytes.HasSuffix(data, []byte("\n")), "%s ends with a whole line", path)
	return out
}

func sweepRun(t *testing.T, args ...string) string {
	out, err := run(append([]string{"sweep", "lstm", "--space", smallSpace}, args...)...)
	require.NoError(t, err, out)
	return out
}

// TestSweepWhole: every design of the space once, a front, the files.
func TestSweepWhole(t *testing.T) {
	dir := t.TempDir()
	out := sweepRun(t, "-o", dir, "-j", "2")
	assert.Contains(t, out, "96 designs evaluated")
	got := results(t, filepath.Join(dir, "results.jsonl"))
	assert.Len(t, got, 96)
	for _, name := range []string{"pareto.jsonl", "README.md", "latency_area_fpga.png", "latency_area_asic.svg", "energy_accuracy_asic.png"} {
		assert.FileExists(t, filepath.Join(dir, name))
	}
	readme, err := os.ReadFile(filepath.Join(dir, "README.md"))
	require.NoError(t, err)
	assert.Contains(t, string(readme), "## ASIC front")

	// Again into a fresh folder: the same bytes (results in another
	// order, the summary not).
	dir2 := t.TempDir()
	sweepRun(t, "-o", dir2, "-j", "1")
	assert.Equal(t, got, results(t, filepath.Join(dir2, "results.jsonl")))
	for _, name := range []string{"pareto.jsonl", "README.md", "latency_area_fpga.png"} {
		a, _ := os.ReadFile(filepath.Join(dir, name))
		b, _ := os.ReadFile(filepath.Join(dir2, name))
		if name == "README.md" { // the command names the folder
			a = bytes.ReplaceAll(a, []byte(dir), nil)
			b = bytes.ReplaceAll(b, []byte(dir2), nil)
		}
		assert.Equal(t, a, b, name)
	}

	_, err = run("sweep", "lstm", "--space", smallSpace, "-o", dir)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "--resume continues it")
}

// TestSweepKillResume kills a sweep with SIGKILL part-way, resumes it, and
// checks the results equal an uninterrupted run's: the same designs, the
// same figures, no broken line.
func TestSweepKillResume(t *testing.T) {
	const space = "testdata/sweep-kill.yaml"
	whole := t.TempDir()
	out, err := run("sweep", "lstm", "--space", space, "-o", whole, "-j", "2")
	require.NoError(t, err, out)
	want := results(t, filepath.Join(whole, "results.jsonl"))
	require.Len(t, want, 768)

	dir := t.TempDir()
	path := filepath.Join(dir, "results.jsonl")
	cmd := exec.Command(os.Args[0], "sweep", "lstm", "--space", space, "-o", dir, "-j", "1")
	cmd.Env = append(os.Environ(), "KILN_AS_MAIN=1")
	require.NoError(t, cmd.Start())
	lines := 0
	for deadline := time.Now().Add(2 * time.Minute); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		if lines = countLines(path); lines > 20 {
			break
		}
	}
	require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
	_ = cmd.Wait()
	require.Greater(t, lines, 20, "the sweep wrote lines before it was killed")
	part := countLines(path) - 1
	t.Logf("killed after %d of 768 designs", part)
	require.Less(t, part, 768, "killed before the end (the test caught nothing otherwise)")

	out, err = run("sweep", "lstm", "--space", space, "-o", dir, "-j", "2", "--resume")
	require.NoError(t, err, out)
	assert.Contains(t, out, "already done")
	assert.Equal(t, want, results(t, path))

	// A results file of another space is refused.
	other := filepath.Join(t.TempDir(), "other.yaml")
	src, err := os.ReadFile(space)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(other, bytes.Replace(src, []byte("clock: [5, 7.5, 10]"), []byte("clock: [5, 10]"), 1), 0o644))
	_, err = run("sweep", "lstm", "--space", other, "-o", dir, "--resume")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds results of another sweep")
}

func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	s := bufio.NewScanner(f)
	s.Buffer(make([]byte, 1<<20), 1<<24)
	for s.Scan() {
		n++
	}
	return n
}

// TestSweepShardsMerge: shards 0/3, 1/3, 2/3 merged equal the whole run,
// in process and as a real Slurm job array submitted with the README's
// script.
func TestSweepShardsMerge(t *testing.T) {
	whole := t.TempDir()
	sweepRun(t, "-o", whole, "-j", "2")
	want := results(t, filepath.Join(whole, "results.jsonl"))

	shards := t.TempDir()
	var dirs []string
	for i := range 3 {
		d := filepath.Join(shards, "shard-"+string(rune('0'+i)))
		sweepRun(t, "-o", d, "-j", "1", "--shard", string(rune('0'+i))+"/3")
		dirs = append(dirs, d)
	}
	merged := t.TempDir()
	out, err := run(append([]string{"sweep", "merge", "-o", merged}, dirs...)...)
	require.NoError(t, err, out)
	assert.Equal(t, want, results(t, filepath.Join(merged, "results.jsonl")))
	a, _ := os.ReadFile(filepath.Join(whole, "pareto.jsonl"))
	b, _ := os.ReadFile(filepath.Join(merged, "pareto.jsonl"))
	assert.Equal(t, a, b, "the merged front is the whole run's")

	t.Run("slurm", func(t *testing.T) {
		slurmtest.Require(t)
		space, err := filepath.Abs(smallSpace)
		require.NoError(t, err)
		out := t.TempDir()
		slurmtest.SubmitArray(t, "../../examples/slurm/sweep-array.sh", 3, map[string]string{
			"KILN": os.Args[0], "KILN_AS_MAIN": "1", "MODEL": "lstm", "SPACE": space, "OUT": out})
		shardDirs, err := filepath.Glob(filepath.Join(out, "shard-*"))
		require.NoError(t, err)
		require.Len(t, shardDirs, 3)
		merged := t.TempDir()
		msg, err := run(append([]string{"sweep", "merge", "-o", merged}, shardDirs...)...)
		require.NoError(t, err, msg)
		assert.Equal(t, want, results(t, filepath.Join(merged, "results.jsonl")))
	})
}

// TestSweepSettingsRecorded: the results header records what the space
// leaves to the flags (here the placement), and --resume and merge
// refuse a file made under other settings, naming both.
func TestSweepSettingsRecorded(t *testing.T) {
	dir := t.TempDir()
	sweepRun(t, "-o", dir, "-j", "1", "--shard", "0/2", "--placement", "none")
	out, err := run("sweep", "lstm", "--space", smallSpace, "-o", dir, "-j", "1", "--resume")
	require.Error(t, err, out)
	assert.ErrorContains(t, err, "holds results of the same space made under other settings (placement=none interface=shared offchip-memory= data=)")
	assert.ErrorContains(t, err, "not placement=auto interface=shared")
	other := t.TempDir()
	sweepRun(t, "-o", other, "-j", "1", "--shard", "1/2")
	out, err = run("sweep", "merge", "-o", t.TempDir(), dir, other)
	require.Error(t, err, out)
	assert.ErrorContains(t, err, "made under other settings")
	sweepRun(t, "-o", dir, "-j", "1", "--resume", "--placement", "none") // the same settings: continued
}

// TestSweepBadInput: errors that name the offending line or flag, and
// nothing written.
func TestSweepBadInput(t *testing.T) {
	write := func(text string) string {
		p := filepath.Join(t.TempDir(), "space.yaml")
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		return p
	}
	for name, c := range map[string]struct {
		space string
		args  []string
		want  []string
	}{
		"unknown knob":  {"model: lstm\nprecision: [fp32]\nwidth: [3]\n", nil, []string{"space.yaml:3", "width"}},
		"empty range":   {"model: lstm\nclock: {from: 10, to: 5, step: 1}\n", nil, []string{"space.yaml:2"}},
		"tile too big":  {"model: lstm\ndevice: [nangate45]\ntile:\n  dense_layer_Gemm.j: [8, 100000]\n", nil, []string{"space.yaml:4", "100000", "trip count 4080"}},
		"unknown loop":  {"model: lstm\ndevice: [nangate45]\nunroll:\n  dense_layer_Gemm.zz: [2]\n", nil, []string{"space.yaml:4", "zz"}},
		"other model":   {"model: cnn\ndevice: [nangate45]\n", nil, []string{"a space for model cnn, not lstm"}},
		"no device":     {"model: lstm\nclock: [5]\n", nil, []string{"no device"}},
		"bad objective": {"model: lstm\ndevice: [nangate45]\n", []string{"--objectives", "latency,speed"}, []string{`unknown objective "speed"`}},
		"bad shard":     {"model: lstm\ndevice: [nangate45]\n", []string{"--shard", "3/3"}, []string{"--shard"}},
		"bad placement": {"model: lstm\ndevice: [nangate45]\nplacement: [auto, most]\n", nil, []string{"space.yaml:3", "knob placement: value most", "want auto, onchip, offchip-weights, none"}},
		"bad place name": {"model: lstm\ndevice: [nangate45]\nplace:\n  - none\n  - dense_layer_Gemm.nosuch=offchip\n", nil,
			[]string{"space.yaml:5", "knob place: value \"dense_layer_Gemm.nosuch=offchip\"", `kernel dense_layer_Gemm has no buffer "nosuch"`}},
		"bad --placement": {"model: lstm\ndevice: [nangate45]\n", []string{"--placement", "offchip"}, []string{`--placement "offchip": want auto, onchip, offchip-weights, none`}},
	} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			args := append([]string{"sweep", "lstm", "--space", write(c.space), "-o", dir}, c.args...)
			out, err := run(args...)
			require.Error(t, err, out)
			assert.NoDirExists(t, dir, "nothing written")
			for _, w := range c.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
	_, err := run("sweep", "lstm", "-o", t.TempDir())
	assert.ErrorContains(t, err, "--space")
}

// TestSweepEmitPareto: --emit-pareto writes each front design's project
// as kiln compile does, and a Makefile that builds them all.
func TestSweepEmitPareto(t *testing.T) {
	space := filepath.Join(t.TempDir(), "space.yaml")
	require.NoError(t, os.WriteFile(space, []byte("model: lstm\ndevice: [nangate45]\nclock: [5]\nunroll:\n  dense_layer_Gemm.k: [none, 4]\n"), 0o644))
	dir := t.TempDir()
	out, err := run("sweep", "lstm", "--space", space, "-o", dir, "--emit-pareto", "--objectives", "latency,area")
	require.NoError(t, err, out)
	var front []string
	data, err := os.ReadFile(filepath.Join(dir, "pareto.jsonl"))
	require.NoError(t, err)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var d struct{ Index int }
		require.NoError(t, json.Unmarshal([]byte(line), &d))
		front = append(front, fmt.Sprintf("d%d", d.Index))
	}
	require.NotEmpty(t, front)
	mk, err := os.ReadFile(filepath.Join(dir, "pareto", "Makefile"))
	require.NoError(t, err)
	assert.Contains(t, string(mk), "DESIGNS := "+strings.Join(front, " "))
	for _, d := range front {
		man, err := os.ReadFile(filepath.Join(dir, "pareto", d, "kiln.json"))
		require.NoError(t, err, d)
		assert.Contains(t, string(man), "nangate45")
	}
	if _, err := exec.LookPath("make"); err == nil {
		cmd := exec.Command("make", "-n", "-C", filepath.Join(dir, "pareto"), "synth")
		got, err := cmd.CombinedOutput()
		require.NoError(t, err, string(got))
		assert.Contains(t, string(got), "bambu", "make -n synth shows the Bambu runs")
	}
	assert.NoDirExists(t, filepath.Join(dir, ".pareto.tmp"))
}
