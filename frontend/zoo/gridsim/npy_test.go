package gridsim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestWriteNPY checks the layout of numpy's format.py, version 1.0: magic,
// version, little-endian header length, a dict padded with spaces and ended
// by '\n' so that the data start on a multiple of 64, then the values.
func TestWriteNPY(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rows  [][]float32
		shape string
	}{
		{"2x3", [][]float32{{1, 2, 3}, {-0.5, float32(math.Inf(1)), 60}}, "(2, 3)"},
		{"empty", nil, "(0, 0)"},
		{"trace shape", make([][]float32, 1400), "(1400, 0)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, WriteNPY(&b, tc.rows))
			out := b.Bytes()
			require.Greater(t, len(out), 10)
			assert.Equal(t, "\x93NUMPY\x01\x00", string(out[:8]))
			hl := int(binary.LittleEndian.Uint16(out[8:10]))
			assert.Zero(t, (10+hl)%64)
			header := string(out[10 : 10+hl])
			dict := "{'descr': '<f4', 'fortran_order': False, 'shape': " + tc.shape + ", }"
			assert.Equal(t, dict, strings.TrimRight(header, " \n"))
			assert.True(t, strings.HasSuffix(header, " \n") || len(header) == len(dict)+1, "spaces then newline: %q", header)
			assert.Equal(t, byte('\n'), header[len(header)-1])
			data := out[10+hl:]
			var want []float32
			for _, r := range tc.rows {
				want = append(want, r...)
			}
			require.Len(t, data, 4*len(want))
			for i, w := range want {
				assert.Equal(t, math.Float32bits(w), binary.LittleEndian.Uint32(data[4*i:]))
			}
		})
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteNPYErrors(t *testing.T) {
	err := WriteNPY(&bytes.Buffer{}, [][]float32{{1, 2}, {3}})
	assert.ErrorContains(t, err, "row 1 has 1 values, row 0 has 2")
	err = WriteNPY(failWriter{}, [][]float32{{1}})
	assert.ErrorContains(t, err, "disk full")
}
