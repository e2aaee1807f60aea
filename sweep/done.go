package sweep

import "fmt"

// maxBitset is the largest space whose Done is a bitset (16 MB); larger
// spaces keep a map of the designs done.
const maxBitset = 1 << 27

// Done is a set of design indices of a space: the designs a results file
// holds. A bitset for spaces up to 2^27 designs (a bit per design: 12 kB
// for 100,000), a map above.
type Done struct {
	size uint64
	bits []uint64
	m    map[uint64]struct{}
	n    int
}

// NewDone is an empty set for a space of size designs.
func NewDone(size uint64) *Done {
	d := &Done{size: size}
	if size <= maxBitset {
		d.bits = make([]uint64, (size+63)/64)
	} else {
		d.m = map[uint64]struct{}{}
	}
	return d
}

// Add adds design i and reports whether it was new; an index outside the
// space is an error.
func (d *Done) Add(i uint64) (bool, error) {
	if i >= d.size {
		return false, fmt.Errorf("design %d of a space of %d", i, d.size)
	}
	if d.Has(i) {
		return false, nil
	}
	if d.bits != nil {
		d.bits[i/64] |= 1 << (i % 64)
	} else {
		d.m[i] = struct{}{}
	}
	d.n++
	return true, nil
}

// Has reports whether design i is in the set (a nil set is empty).
func (d *Done) Has(i uint64) bool {
	switch {
	case d == nil || i >= d.size:
		return false
	case d.bits != nil:
		return d.bits[i/64]&(1<<(i%64)) != 0
	}
	_, ok := d.m[i]
	return ok
}

// Len is the number of designs in the set.
func (d *Done) Len() int {
	if d == nil {
		return 0
	}
	return d.n
}
