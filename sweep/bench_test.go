package sweep_test

import (
	"os"
	"testing"

	"github.com/kiln-hls/kiln/sweep"
)

// stgcnSpace is the STGCN's example space.
func stgcnSpace(b *testing.B) *sweep.Space {
	data, err := os.ReadFile("../examples/sweep-stgcn.yaml")
	if err != nil {
		b.Fatal(err)
	}
	s, err := sweep.ParseSpace("sweep-stgcn.yaml", data)
	if err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkDesignKey is the cost of naming one design of the STGCN
// example (9 knobs): Design(i) and its Key.
func BenchmarkDesignKey(b *testing.B) {
	s := stgcnSpace(b)
	n := s.Size()
	i := uint64(0)
	for b.Loop() {
		_ = s.Design(i).Key()
		i = (i + 7919) % n
	}
}

// BenchmarkDesignAppendKey is BenchmarkDesignKey into a reused buffer.
func BenchmarkDesignAppendKey(b *testing.B) {
	s := stgcnSpace(b)
	n := s.Size()
	i := uint64(0)
	var buf []byte
	for b.Loop() {
		buf = s.Design(i).AppendKey(buf[:0])
		i = (i + 7919) % n
	}
}

// BenchmarkSampleAt is the cost of the j-th design of a sample.
func BenchmarkSampleAt(b *testing.B) {
	s, err := sweep.ParseSpace("s.yaml", []byte(space2000))
	if err != nil {
		b.Fatal(err)
	}
	set := s.Sample(1000, 1)
	j := uint64(0)
	for b.Loop() {
		_ = set.At(j)
		j = (j + 1) % set.Len()
	}
}
