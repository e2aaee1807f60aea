package gridsim

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strings"
)

// WriteNPY writes rows as a NumPy .npy file, format version 1.0, dtype '<f4',
// C order, shape (len(rows), len(rows[0])) (numpy's format.py, NEP 1).
func WriteNPY(w io.Writer, rows [][]float32) error {
	cols := 0
	if len(rows) > 0 {
		cols = len(rows[0])
	}
	for i, r := range rows {
		if len(r) != cols {
			return fmt.Errorf("gridsim: npy: row %d has %d values, row 0 has %d", i, len(r), cols)
		}
	}
	dict := fmt.Sprintf("{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }", len(rows), cols)
	// magic (6) + version (2) + header length (2) + dict + padding + '\n' is a multiple of 64.
	pad := 64 - (10+len(dict)+1)%64
	if pad == 64 {
		pad = 0
	}
	header := dict + strings.Repeat(" ", pad) + "\n"
	if len(header) > math.MaxUint16 {
		return fmt.Errorf("gridsim: npy: header of %d bytes is too long for format 1.0", len(header))
	}
	bw := bufio.NewWriter(w)
	bw.WriteString("\x93NUMPY\x01\x00")
	binary.Write(bw, binary.LittleEndian, uint16(len(header)))
	bw.WriteString(header)
	var buf [4]byte
	for _, r := range rows {
		for _, v := range r {
			binary.LittleEndian.PutUint32(buf[:], math.Float32bits(v))
			bw.Write(buf[:])
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("gridsim: npy: %w", err)
	}
	return nil
}
