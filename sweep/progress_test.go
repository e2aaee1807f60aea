package sweep_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

func TestProgressPlain(t *testing.T) {
	var b strings.Builder
	p := &sweep.Progress{W: &b, Every: 5 * time.Second}
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.Start(10000, t0)
	p.Update(100, t0.Add(time.Second)) // too soon
	p.Update(2500, t0.Add(5*time.Second))
	p.Update(2600, t0.Add(6*time.Second)) // too soon
	p.Update(5000, t0.Add(10*time.Second))
	p.Finish(10000, t0.Add(20*time.Second), true)
	assert.Equal(t, "sweep: 2500/10000 designs (25.0%), 500/s, ETA 0:15\n"+
		"sweep: 5000/10000 designs (50.0%), 500/s, ETA 0:10\n"+
		"sweep: done: 10000/10000 designs in 0:20 (500/s)\n", b.String())
}

func TestProgressTerminal(t *testing.T) {
	var b strings.Builder
	p := sweep.NewProgress(&b, true)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.Start(400000, t0)
	p.Update(0, t0.Add(time.Second))
	p.Update(100000, t0.Add(1000*time.Second))
	p.Finish(120000, t0.Add(1200*time.Second), false)
	assert.Equal(t, "\r[>                             ]   0.0%  0/400000  0/s  ETA ?\x1b[K"+
		"\r[=======>                      ]  25.0%  100000/400000  100/s  ETA 50:00\x1b[K"+
		"\r[=========>                    ]  30.0%  120000/400000  100/s  ETA 46:40\x1b[K\n"+
		"sweep: stopped: 120000/400000 designs in 20:00 (100/s)\n", b.String())
}

// TestRunProgress: Run drives the progress and ends with its last line.
func TestRunProgress(t *testing.T) {
	s := parse(t, space2000)
	w, err := sweep.Create(filepath.Join(t.TempDir(), "r.jsonl"), s.Header(""), false)
	require.NoError(t, err)
	defer w.Close()
	var b strings.Builder
	p := &sweep.Progress{W: &b, Every: time.Millisecond}
	_, err = sweep.Run(context.Background(), s.All(), sweep.Func(func(_ context.Context, d sweep.Design) (json.RawMessage, error) {
		time.Sleep(10 * time.Microsecond)
		return figures(d), nil
	}), w, sweep.RunOptions{Workers: 2, Progress: p})
	require.NoError(t, err)
	assert.Regexp(t, `sweep: done: 2000/2000 designs in 0:0\d \(\d+/s\)\n$`, b.String())
}
