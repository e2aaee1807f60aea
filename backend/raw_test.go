package backend

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// TestRawRoundTrip: encode then decode gives the array back, for every
// kind with storage, extremes included; the byte layout is little-endian
// of the emitted element type.
func TestRawRoundTrip(t *testing.T) {
	tests := []struct {
		kind  dtype.Kind
		vals  []float64
		bytes []byte // of the first element
	}{
		{dtype.F32, []float64{1, -0.5, math.Inf(1)}, []byte{0, 0, 0x80, 0x3f}},
		{dtype.F16, []float64{1, 65504}, []byte{0, 0, 0x80, 0x3f}}, // held as float
		{dtype.F64, []float64{1, -1e300}, []byte{0, 0, 0, 0, 0, 0, 0xf0, 0x3f}},
		{dtype.I8, []float64{-128, 127}, []byte{0x80}},
		{dtype.U8, []float64{255, 0}, []byte{0xff}},
		{dtype.I16, []float64{-2, 300}, []byte{0xfe, 0xff}},
		{dtype.U16, []float64{65535}, []byte{0xff, 0xff}},
		{dtype.I32, []float64{-2147483648}, []byte{0, 0, 0, 0x80}},
		{dtype.U32, []float64{4294967295}, []byte{0xff, 0xff, 0xff, 0xff}},
		{dtype.I64, []float64{-1, 1 << 40}, []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{dtype.U64, []float64{1 << 63}, []byte{0, 0, 0, 0, 0, 0, 0, 0x80}},
		{dtype.Bool, []float64{1, 0}, []byte{1}},
		{dtype.I4, []float64{-8, 7}, []byte{0xf8}}, // one byte each
	}
	for _, tc := range tests {
		t.Run(tc.kind.String(), func(t *testing.T) {
			a := dtype.New(tc.kind, []int{len(tc.vals)})
			for i, v := range tc.vals {
				a.Set(i, v)
			}
			b, err := encode(a)
			require.NoError(t, err)
			assert.Equal(t, tc.bytes, b[:len(tc.bytes)])
			back := dtype.New(tc.kind, a.Shape)
			require.NoError(t, decode(back, b))
			assert.Equal(t, a, back)
			assert.ErrorContains(t, decode(back, b[1:]), "bytes for")
		})
	}
}

// TestCommandErrors: a failing tool's error names it and shows its
// stderr; a run past its time is stopped.
func TestCommandErrors(t *testing.T) {
	if _, err := os.Stat("/bin/sh"); err != nil {
		t.Skip("no /bin/sh")
	}
	err := command(context.Background(), t.TempDir(), "cc", "/bin/sh", []string{"-c", "echo 'x.c:1: error: boom' >&2; exit 3"})
	assert.ErrorContains(t, err, "cc: exit status 3:\nx.c:1: error: boom")

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	err = command(ctx, t.TempDir(), "prog", "/bin/sh", []string{"-c", "sleep 10"})
	assert.Error(t, err)
	assert.Less(t, time.Since(start), 5*time.Second)
}
