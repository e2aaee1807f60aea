package loop

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kiln-hls/kiln/ir/loop/looptest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the valid testdata/*.kir files with what the printer gives")

// wantError is the substring a "// error: …" first line expects.
func wantError(src string) (string, bool) {
	first, _, _ := strings.Cut(src, "\n")
	return strings.CutPrefix(first, "// error: ")
}

// TestGolden: every valid testdata/*.kir parses, verifies and prints as
// itself; every invalid one fails with the error its first line names.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/*.kir")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			b, err := os.ReadFile(file)
			require.NoError(t, err)
			src := string(b)
			if want, ok := wantError(src); ok {
				k, err := Parse(src, looptest.Data(src))
				if err == nil {
					err = Verify(k)
				}
				require.Error(t, err)
				assert.Contains(t, err.Error(), want)
				return
			}
			k, err := Parse(src, looptest.Data(src))
			require.NoError(t, err)
			assert.NoError(t, Verify(k))
			if *update {
				require.NoError(t, os.WriteFile(file, []byte(k.String()), 0o644))
				return
			}
			assert.Equal(t, src, k.String())
		})
	}
}
