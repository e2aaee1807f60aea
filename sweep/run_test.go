package sweep_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

// space2000 is a space of 2000 designs.
const space2000 = "model: m\ntile: {k.l: {from: 1, to: 50}}\nunroll: {k.m: {from: 2, to: 41}}\n"

// evaluate is a made-up evaluator: figures from the index, an error for
// every 97th design.
var evaluate = sweep.Func(func(_ context.Context, d sweep.Design) (json.RawMessage, error) {
	if d.Index%97 == 0 {
		return nil, fmt.Errorf("design %d cannot be built", d.Index)
	}
	return figures(d), nil
})

// sweepTo runs set into a new results file at path.
func sweepTo(t *testing.T, set sweep.Set, path string, workers int) sweep.Stats {
	t.Helper()
	w, err := sweep.Create(path, set.Space().Header(""), false)
	require.NoError(t, err)
	st, err := sweep.Run(context.Background(), set, evaluate, w, sweep.RunOptions{Workers: workers, Chunk: 7})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return st
}

func TestRun(t *testing.T) {
	s := parse(t, space2000)
	dir := t.TempDir()
	st := sweepTo(t, s.All(), filepath.Join(dir, "a.jsonl"), 4)
	assert.Equal(t, sweep.Stats{Evaluated: 2000, Failed: 21}, st)
	got := lines(t, filepath.Join(dir, "a.jsonl"))
	require.Len(t, got, 2000)
	assert.Contains(t, got[97], `"error":"design 97 cannot be built"`)
	sweepTo(t, s.All(), filepath.Join(dir, "b.jsonl"), 1)
	assert.Equal(t, got, lines(t, filepath.Join(dir, "b.jsonl")), "one worker or four: the same lines")
}

func TestRunFatal(t *testing.T) {
	s := parse(t, space2000)
	w, err := sweep.Create(filepath.Join(t.TempDir(), "r.jsonl"), s.Header(""), false)
	require.NoError(t, err)
	defer w.Close()
	var n atomic.Int64
	_, err = sweep.Run(context.Background(), s.All(), sweep.Func(func(_ context.Context, d sweep.Design) (json.RawMessage, error) {
		if n.Add(1) == 100 {
			return nil, sweep.Fatal(errors.New("disk full"))
		}
		return figures(d), nil
	}), w, sweep.RunOptions{Workers: 3})
	require.Error(t, err)
	assert.Regexp(t, `^sweep: design \d+ \(tile:k.l=\d+ unroll:k.m=\d+\): disk full$`, err.Error())
	assert.Less(t, n.Load(), int64(2000), "stopped early")
}

// TestKillAndResume stops a sweep partway, tears its last line as a kill
// during a write would, resumes it and compares with an uninterrupted run.
func TestKillAndResume(t *testing.T) {
	s := parse(t, space2000)
	dir := t.TempDir()
	whole, part := filepath.Join(dir, "whole.jsonl"), filepath.Join(dir, "part.jsonl")
	sweepTo(t, s.All(), whole, 2)

	w, err := sweep.Create(part, s.Header(""), false)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	var n atomic.Int64
	_, err = sweep.Run(ctx, s.All(), sweep.Func(func(ctx context.Context, d sweep.Design) (json.RawMessage, error) {
		if n.Add(1) == 700 {
			cancel()
		}
		return evaluate(ctx, d)
	}), w, sweep.RunOptions{Workers: 3})
	require.ErrorIs(t, err, context.Canceled)
	require.NoError(t, w.Close())
	before := lines(t, part)
	assert.Less(t, len(before), 2000)
	f, err := os.OpenFile(part, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"index":1999,"key":"tile:k.l=50 unr`)
	require.NoError(t, err)
	require.NoError(t, f.Close())

	done, err := sweep.Resume(part, s.Header(""))
	require.NoError(t, err)
	assert.Equal(t, len(before), done.Len())
	assert.Equal(t, before, lines(t, part), "the torn line is cut, nothing else")
	w, err = sweep.Append(part, s.Header(""), true)
	require.NoError(t, err)
	st, err := sweep.Run(context.Background(), s.All(), evaluate, w, sweep.RunOptions{Workers: 2, Skip: done})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	assert.Equal(t, uint64(done.Len()), st.Skipped)
	assert.Equal(t, uint64(2000-done.Len()), st.Evaluated)
	assert.Equal(t, lines(t, whole), lines(t, part))
}

// TestKillHelper is the sweep that TestSIGKILL kills: it runs only as
// that test's child.
func TestKillHelper(t *testing.T) {
	path := os.Getenv("SWEEP_KILL_RESULTS")
	if path == "" {
		t.Skip("the child of TestSIGKILL")
	}
	s := parse(t, space2000)
	done, err := sweep.Resume(path, s.Header(""))
	require.NoError(t, err)
	w, err := sweep.Append(path, s.Header(""), false)
	require.NoError(t, err)
	slow := sweep.Func(func(ctx context.Context, d sweep.Design) (json.RawMessage, error) {
		time.Sleep(200 * time.Microsecond)
		return evaluate(ctx, d)
	})
	_, err = sweep.Run(context.Background(), s.All(), slow, w, sweep.RunOptions{Workers: 4, Skip: done})
	require.NoError(t, err)
}

// TestSIGKILL kills a sweep process with SIGKILL while it writes, twice,
// resuming each time, and checks that the result equals an uninterrupted
// run's with no broken line.
func TestSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	s := parse(t, space2000)
	dir := t.TempDir()
	whole, part := filepath.Join(dir, "whole.jsonl"), filepath.Join(dir, "part.jsonl")
	sweepTo(t, s.All(), whole, 2)
	for _, at := range []int{300, 1200} {
		before := 0
		if data, err := os.ReadFile(part); err == nil {
			before = strings.Count(string(data), "\n") - 1
		}
		cmd := exec.Command(os.Args[0], "-test.run=^TestKillHelper$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SWEEP_KILL_RESULTS="+part)
		require.NoError(t, cmd.Start())
		for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			data, _ := os.ReadFile(part)
			if strings.Count(string(data), "\n") > at {
				break
			}
		}
		require.NoError(t, cmd.Process.Kill())
		_ = cmd.Wait()
		data, err := os.ReadFile(part)
		require.NoError(t, err)
		got := strings.Count(string(data), "\n") - 1
		require.Greater(t, got, before, "the child made progress")
		require.Less(t, got, 2000, "killed before the end")
	}
	done, err := sweep.Resume(part, s.Header(""))
	require.NoError(t, err)
	w, err := sweep.Append(part, s.Header(""), false)
	require.NoError(t, err)
	_, err = sweep.Run(context.Background(), s.All(), evaluate, w, sweep.RunOptions{Skip: done})
	require.NoError(t, err)
	require.NoError(t, w.Close())
	assert.Equal(t, lines(t, whole), lines(t, part))
}

// TestRunMemoryFlat runs 100,000 designs and checks that the heap does not
// grow with them (results go to the file, designs are computed lazily).
func TestRunMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000 designs")
	}
	s := parse(t, "tile: {k.l: {from: 1, to: 1000}}\nunroll: {k.m: {from: 2, to: 101}}\n")
	require.Equal(t, uint64(100000), s.Size())
	w, err := sweep.Create(filepath.Join(t.TempDir(), "r.jsonl"), s.Header(""), false)
	require.NoError(t, err)
	defer w.Close()
	runtime.GC()
	var base runtime.MemStats
	runtime.ReadMemStats(&base)
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
				runtime.ReadMemStats(&m)
				if m.HeapInuse > peak.Load() {
					peak.Store(m.HeapInuse)
				}
			}
		}
	}()
	st, err := sweep.Run(context.Background(), s.All(), sweep.Func(func(context.Context, sweep.Design) (json.RawMessage, error) {
		return json.RawMessage(`{"latency_us":1}`), nil
	}), w, sweep.RunOptions{Workers: 4})
	close(stop)
	<-sampled
	require.NoError(t, err)
	assert.Equal(t, uint64(100000), st.Evaluated)
	grew := int64(peak.Load()) - int64(base.HeapInuse)
	t.Logf("heap in use: %d MB before, at most %d MB more during the run", base.HeapInuse>>20, grew>>20)
	assert.Less(t, grew, int64(16<<20), "the heap grew with the designs")
}
