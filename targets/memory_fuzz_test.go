package targets

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzParseOffChipMemory: any bytes give a checked memory or an error,
// never a panic; a memory it accepts passes Check and costs at a clock.
func FuzzParseOffChipMemory(f *testing.F) {
	good, err := os.ReadFile("../examples/dram-hbm2-stack.json")
	require.NoError(f, err)
	f.Add(good)
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"name": "x", "kind": "ddr4"} {}`))
	f.Add([]byte(`[1, 2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseOffChipMemory(data)
		if err != nil {
			assert.NotEmpty(t, err.Error())
			return
		}
		require.NoError(t, m.Check())
		_, err = m.Cost(10)
		assert.NoError(t, err)
	})
}

// TestParseOffChipMemory: the example parses; each mistake is named.
func TestParseOffChipMemory(t *testing.T) {
	good, err := os.ReadFile("../examples/dram-hbm2-stack.json")
	require.NoError(t, err)
	m, err := ParseOffChipMemory(good)
	require.NoError(t, err)
	assert.Equal(t, "HBM2", m.Name)
	assert.Equal(t, 256.0, m.PeakGBs)
	for _, c := range []struct{ in, want string }{
		{`{"name": "x", "kind": "ddr4", "colour": 1}`, `unknown field "colour"`},
		{string(good) + "{}", "data after the memory's object"},
		{`{"name": "x", "kind": "ddr9"}`, `kind "ddr9"`},
		{`[1]`, "cannot unmarshal array"},
		{``, "EOF"},
	} {
		_, err := ParseOffChipMemory([]byte(c.in))
		assert.ErrorContains(t, err, c.want, c.in)
	}
}
