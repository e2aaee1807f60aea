package loop

import (
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

var update = flag.Bool("update", false, "rewrite the valid testdata/*.kir files with what the printer gives")

// summarised finds the constants a .kir file prints as data(count, hash).
var summarised = regexp.MustCompile(`const ([A-Za-z_][A-Za-z0-9_.]*): ([a-z0-9]+)\[([0-9,]*)\][^=,)]*= data\(`)

// testData gives the summarised constants of src deterministic values:
// element i is ((7i mod 13) − 6)/8.
func testData(src string) map[string]*dtype.Array {
	data := map[string]*dtype.Array{}
	for _, m := range summarised.FindAllStringSubmatch(src, -1) {
		k, _ := dtype.KindByName(m[2])
		var shape []int
		for _, d := range strings.Split(m[3], ",") {
			n, _ := strconv.Atoi(d)
			shape = append(shape, n)
		}
		if !k.Computable() || dtype.BytesFor(k, shape) > 1<<20 {
			continue // fuzzed text: leave the constant without values
		}
		a := dtype.New(k, shape)
		for i := range a.Len() {
			a.Set(i, float64((7*i)%13-6)/8)
		}
		data[m[1]] = a
	}
	return data
}

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
				k, err := Parse(src, testData(src))
				if err == nil {
					err = Verify(k)
				}
				require.Error(t, err)
				assert.Contains(t, err.Error(), want)
				return
			}
			k, err := Parse(src, testData(src))
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
