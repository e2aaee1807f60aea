package sweep

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAccuracyWindows: accuracy_windows is read, changes the digest (it
// changes the figures), and a bad value is refused at its line.
func TestAccuracyWindows(t *testing.T) {
	plain, err := ParseSpace("a.yaml", []byte("model: lstm\nclock: [5]\n"))
	require.NoError(t, err)
	assert.Zero(t, plain.Windows)
	one, err := ParseSpace("b.yaml", []byte("model: lstm\naccuracy_windows: 1\nclock: [5]\n"))
	require.NoError(t, err)
	assert.Equal(t, 1, one.Windows)
	assert.NotEqual(t, plain.Digest(), one.Digest())
	zero, err := ParseSpace("c.yaml", []byte("{\"model\": \"lstm\", \"accuracy_windows\": 0, \"clock\": [5]}"))
	require.NoError(t, err)
	assert.Equal(t, plain.Digest(), zero.Digest(), "0 is all windows, as absent")
	for _, bad := range []string{"-1", "two", "[1]", "1.5"} {
		_, err := ParseSpace("d.yaml", []byte("model: lstm\nclock: [5]\naccuracy_windows: "+bad+"\n"))
		require.Error(t, err, bad)
		assert.Contains(t, err.Error(), "d.yaml:3: sweep: accuracy_windows")
	}
}
