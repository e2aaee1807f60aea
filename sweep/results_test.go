package sweep_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

// figures is a made-up evaluation of d: numbers that depend on its index.
func figures(d sweep.Design) json.RawMessage {
	return json.RawMessage(fmt.Sprintf("{\n  \"latency_us\": %d,\n  \"lut\": %d\n}", d.Index*7%101, d.Index*13%97))
}

// lines reads a results file as index → its line, failing on a broken
// line or a duplicate.
func lines(t *testing.T, path string) map[uint64]string {
	t.Helper()
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	require.True(t, len(data) == 0 || data[len(data)-1] == '\n', "ends with a newline")
	out := map[uint64]string{}
	for n, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")[1:] {
		var l sweep.Line
		require.NoError(t, json.Unmarshal([]byte(line), &l), "line %d", n+2)
		_, dup := out[l.Index]
		require.False(t, dup, "design %d twice", l.Index)
		out[l.Index] = line
	}
	return out
}

func TestWriter(t *testing.T) {
	s := parse(t, small)
	path := filepath.Join(t.TempDir(), "results.jsonl")
	w, err := sweep.Create(path, s.Header(""), true)
	require.NoError(t, err)
	require.NoError(t, w.Write(s.Design(5), figures(s.Design(5)), nil))
	require.NoError(t, w.Write(s.Design(7), nil, errors.New("loops: \"x\"\nrefused")))
	assert.ErrorContains(t, w.Write(s.Design(8), json.RawMessage("{bad"), nil), "design 8: figures are not JSON")
	require.NoError(t, w.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, `{"kiln_sweep":1,"space":"space.yaml","model":"lstm","digest":"`+s.Digest()+`","designs":324}
{"index":5,"key":"precision=fp32 device=nangate45 clock=5 channels=1 tile:gemm.j=none unroll:gemm.k=4 partition:gemm.w=complete","knobs":{"precision":"fp32","device":"nangate45","clock":5,"channels":1,"tile:gemm.j":"none","unroll:gemm.k":"4","partition:gemm.w":"complete"},"figures":{"latency_us":35,"lut":65}}
{"index":7,"key":"precision=fp32 device=nangate45 clock=5 channels=1 tile:gemm.j=none unroll:gemm.k=full:expand partition:gemm.w=cyclic:4:1","knobs":{"precision":"fp32","device":"nangate45","clock":5,"channels":1,"tile:gemm.j":"none","unroll:gemm.k":"full:expand","partition:gemm.w":"cyclic:4:1"},"error":"loops: \"x\"\nrefused"}
`, string(data))
}

func TestResumeRefuses(t *testing.T) {
	s := parse(t, space2000)
	dir := t.TempDir()
	path := filepath.Join(dir, "r.jsonl")
	sweepTo(t, s.All(), path, 2)
	other := parse(t, strings.Replace(space2000, "to: 50", "to: 51", 1))
	_, err := sweep.Resume(path, other.Header(""))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "holds results of another sweep: model \"m\", space space.yaml (2000 designs, "+s.Digest()+
		"), not model \"m\", space space.yaml (2040 designs, "+other.Digest()+"); a changed space numbers its designs differently")
	_, err = sweep.Resume(path, s.Header("cnn"))
	assert.ErrorContains(t, err, `model "m"`, "another model")

	for name, text := range map[string]string{
		"not results": "hello\n",
		"broken line": `{"kiln_sweep":1,"digest":"` + s.Digest() + `","model":"m"}` + "\n{\"index\":1,\n{}\n",
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		require.NoError(t, os.WriteFile(p, []byte(text), 0o644))
		_, err := sweep.Resume(p, s.Header(""))
		assert.Error(t, err, name)
	}
	outside := filepath.Join(dir, "outside")
	require.NoError(t, os.WriteFile(outside, []byte(`{"kiln_sweep":1,"digest":"`+s.Digest()+`","model":"m","designs":2000}`+"\n"+
		`{"index":2000,"key":"k"}`+"\n"), 0o644))
	_, err = sweep.Resume(outside, s.Header(""))
	assert.EqualError(t, err, "sweep: "+outside+":2: design 2000 of a space of 2000")

	done, err := sweep.Resume(filepath.Join(dir, "missing"), s.Header(""))
	require.NoError(t, err)
	assert.Zero(t, done.Len())

	torn := filepath.Join(dir, "torn")
	require.NoError(t, os.WriteFile(torn, []byte(`{"kiln_sweep":1,"dig`), 0o644))
	done, err = sweep.Resume(torn, s.Header(""))
	require.NoError(t, err)
	assert.Zero(t, done.Len())
	w, err := sweep.Append(torn, s.Header(""), false)
	require.NoError(t, err)
	require.NoError(t, w.Write(s.Design(3), figures(s.Design(3)), nil))
	require.NoError(t, w.Close())
	h, err := sweep.ReadResults(torn, func(l *sweep.Line) error {
		assert.Equal(t, uint64(3), l.Index)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, s.Header(""), h, "a torn header is written again")
}

func TestMerge(t *testing.T) {
	s := parse(t, space2000)
	dir := t.TempDir()
	sweepTo(t, s.All(), filepath.Join(dir, "whole.jsonl"), 2)
	var inputs []string
	for i := range 3 {
		sh, err := s.All().Shard(i, 3)
		require.NoError(t, err)
		d := filepath.Join(dir, fmt.Sprint("shard", i))
		require.NoError(t, os.Mkdir(d, 0o755))
		sweepTo(t, sh, filepath.Join(d, sweep.ResultsFile), 2)
		inputs = append(inputs, d)
	}
	// A second run of shard 1, killed partway (a torn last line): its
	// designs are duplicates.
	sh, _ := s.All().Shard(1, 3)
	again := filepath.Join(dir, "again.jsonl")
	sweepTo(t, sh, again, 1)
	f, err := os.OpenFile(again, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"index":5,"ke`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	out := filepath.Join(dir, "merged.jsonl")
	st, err := sweep.Merge(out, append(inputs, again)...)
	require.NoError(t, err)
	assert.Equal(t, sweep.MergeStats{Files: 4, Designs: 2000, Duplicates: int(sh.Len())}, st)
	assert.Equal(t, lines(t, filepath.Join(dir, "whole.jsonl")), lines(t, out))
	h, err := sweep.ReadResults(out, func(*sweep.Line) error { return nil })
	require.NoError(t, err)
	assert.Equal(t, s.Header(""), h)

	// Merging into one of the inputs.
	_, err = sweep.Merge(again, again, inputs[0])
	require.NoError(t, err)
	sh0, _ := s.All().Shard(0, 3)
	assert.Equal(t, int(sh.Len()+sh0.Len()), len(lines(t, again)))

	other := parse(t, strings.Replace(space2000, "to: 50", "to: 51", 1))
	mixed := filepath.Join(dir, "other.jsonl")
	sweepTo(t, other.Sample(10, 1), mixed, 1)
	_, err = sweep.Merge(filepath.Join(dir, "bad.jsonl"), inputs[0], mixed)
	assert.ErrorContains(t, err, "other.jsonl holds results of another sweep")
	_, err = os.Stat(filepath.Join(dir, "bad.jsonl"))
	assert.True(t, os.IsNotExist(err), "nothing written")
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		assert.False(t, strings.HasPrefix(e.Name(), "."), "temporary %s left", e.Name())
	}
	_, err = sweep.Merge(out)
	assert.Error(t, err)
	_, err = sweep.Merge(out, filepath.Join(dir, "missing"))
	assert.Error(t, err)
}

func TestDone(t *testing.T) {
	for _, size := range []uint64{100, 1 << 40} { // a bitset, a map
		d := sweep.NewDone(size)
		var nilDone *sweep.Done
		assert.False(t, nilDone.Has(3))
		assert.Zero(t, nilDone.Len())
		for _, i := range []uint64{0, 63, 64, 99, 63} {
			_, err := d.Add(i)
			require.NoError(t, err)
		}
		assert.Equal(t, 4, d.Len())
		added, _ := d.Add(64)
		assert.False(t, added)
		assert.True(t, d.Has(63))
		assert.False(t, d.Has(62))
		assert.False(t, d.Has(size))
		_, err := d.Add(size)
		assert.Error(t, err)
	}
}
