package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runReport runs kiln report with args (registering the command on the
// root when root.go does not yet).
func runReport(args ...string) (string, error) {
	root := newRoot()
	if c, _, err := root.Find([]string{"report"}); err != nil || c == root {
		root.AddCommand(newReport())
	}
	var out bytes.Buffer
	root.SetOut(&out)
	root.SetErr(&out)
	root.SetArgs(append([]string{"report"}, args...))
	err := root.Execute()
	return out.String(), err
}

// TestReportQuick: kiln report --quick writes report.md with its tables
// and every plot as PNG and SVG, the same bytes on a second run.
func TestReportQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("about 15 s per run")
	}
	dirs := []string{filepath.Join(t.TempDir(), "a"), filepath.Join(t.TempDir(), "b", "nested")}
	for _, d := range dirs {
		out, err := runReport("--quick", "-o", d)
		require.NoError(t, err, out)
		assert.Contains(t, out, filepath.Join(d, "report.md"))
	}
	a, err := os.ReadDir(dirs[0])
	require.NoError(t, err)
	var pngs, svgs int
	for _, e := range a {
		x, err := os.ReadFile(filepath.Join(dirs[0], e.Name()))
		require.NoError(t, err)
		y, err := os.ReadFile(filepath.Join(dirs[1], e.Name()))
		require.NoError(t, err, "second run lacks %s", e.Name())
		assert.True(t, bytes.Equal(x, y), "%s differs between runs", e.Name())
		switch filepath.Ext(e.Name()) {
		case ".png":
			pngs++
		case ".svg":
			svgs++
		}
	}
	// 3 latency/energy, 2 GPUs × 2 batches speed-up, 3 per-layer plots.
	assert.Equal(t, 10, pngs)
	assert.Equal(t, 10, svgs)
	md, err := os.ReadFile(filepath.Join(dirs[0], "report.md"))
	require.NoError(t, err)
	for _, s := range []string{"## FPGA and ASIC designs", "| stgcn | nangate45 | int8 |", "| lstm | h100-sxm | int8 | 2048 |",
		"## Accuracy loss per precision", "### cnn:", "![layers_stgcn](layers_stgcn.png)"} {
		assert.Contains(t, string(md), s)
	}
	assert.NotContains(t, string(md), "fixed<16,6>", "--quick has fp32 and int8 only")
}

func TestReportBadOutput(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, []byte("x"), 0o644))
	out, err := runReport("-o", file)
	require.Error(t, err, out)
	assert.Contains(t, err.Error(), "not a folder")
	_, err = runReport("-o", "")
	assert.Error(t, err)
	_, err = runReport("extra")
	assert.Error(t, err)
	_, err = runReport("-o", filepath.Join(file, "sub"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), file), err.Error())
}
