package exec_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
)

// TestNoPanic runs every testdata kernel that parses, the invalid ones
// included, on zero inputs: execution returns errors, never panics.
// bad_oob.kir reads outside its input, which Run reports.
func TestNoPanic(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "*.kir"))
	require.NoError(t, err)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			src, err := os.ReadFile(file)
			require.NoError(t, err)
			k, err := loop.Parse(string(src), nil)
			if err != nil {
				return // bad syntax, or summarised constants (run by the tests above)
			}
			p, err := exec.Compile(k)
			if err != nil {
				return
			}
			args := make([]*dtype.Array, len(k.Params))
			for i, id := range k.Params {
				if b := k.Buffers[id]; b.Role != loop.Constant && b.Kind.Computable() {
					args[i] = dtype.New(b.Kind, b.Shape)
				}
			}
			err = p.Run(args)
			if filepath.Base(file) == "bad_oob.kir" {
				var ie *exec.IndexError
				require.ErrorAs(t, err, &ie)
				assert.Equal(t, exec.IndexError{Kernel: "oob", Buffer: "x", Index: 64, Size: 64, Store: true}, *ie)
			}
		})
	}
}
