package sweep

import (
	"errors"
	"fmt"
	"iter"
	"math/bits"
	"strconv"
	"strings"
)

// Check calls f with every value of every knob and reports each error it
// returns at the value's line, naming the knob (a loops error's own
// prefix, the step's source and text, is dropped): how a caller that knows
// the model refuses infeasible values (a tile larger than its loop, a
// loop that does not exist, a clock faster than the device allows). Every
// error is reported at once (up to 20).
func (s *Space) Check(f func(k *Knob, v *Value) error) error {
	p := &parser{name: s.Name}
	for i := range s.Knobs {
		k := &s.Knobs[i]
		for j := range k.Values {
			v := &k.Values[j]
			if err := f(k, v); err != nil {
				msg := err.Error()
				if v.Step != nil { // a loops error starts with where the step came from
					msg = strings.TrimPrefix(msg, v.Step.Source+": "+v.Step.String()+": ")
				}
				p.errorf(v.Line, "knob %s: value %s: %s", k.Name, quoteKey(v.Text), msg)
			}
		}
	}
	return errors.Join(p.errs...)
}

// Set is an ordered set of a space's designs: the whole space in index
// order, a sample of it in a pseudo-random order, or a contiguous slice
// (a shard) of either. A Set holds no list of designs: At computes the
// j-th, so its memory does not grow with its length.
type Set struct {
	space  *Space
	lo, hi uint64   // positions [lo, hi) of the order
	perm   *feistel // nil: position = index
}

// All is the whole space in index order.
func (s *Space) All() Set { return Set{space: s, hi: s.size} }

// Sample is n designs drawn without replacement (all of them, shuffled,
// when n ≥ Size), the same for the same seed and space: the first n
// positions of a pseudo-random permutation of the indices.
func (s *Space) Sample(n, seed uint64) Set {
	return Set{space: s, hi: min(n, s.size), perm: newFeistel(s.size, seed)}
}

// Space is the space the set's designs belong to.
func (t Set) Space() *Space { return t.space }

// Len is the number of designs in the set.
func (t Set) Len() uint64 { return t.hi - t.lo }

// At is the j-th design of the set, j < Len().
func (t Set) At(j uint64) Design {
	if j >= t.Len() {
		panic(fmt.Sprintf("sweep: position %d of a set of %d", j, t.Len()))
	}
	i := t.lo + j
	if t.perm != nil {
		i = t.perm.permute(i)
	}
	return Design{Index: i, space: t.space}
}

// All yields the set's designs in order.
func (t Set) All() iter.Seq[Design] {
	return func(yield func(Design) bool) {
		for j := range t.Len() {
			if !yield(t.At(j)) {
				return
			}
		}
	}
}

// Shard is the i-th of n contiguous, disjoint slices of t, whose union is
// t; their lengths differ by at most one. Contiguous slices of the index
// order keep each shard's designs close (few precisions per shard, one
// kernel changing between neighbours).
func (t Set) Shard(i, n int) (Set, error) {
	if n < 1 || i < 0 || i >= n {
		return Set{}, fmt.Errorf("sweep: shard %d/%d: want 0 ≤ i < n", i, n)
	}
	at := func(k int) uint64 {
		hi, lo := bits.Mul64(t.Len(), uint64(k))
		q, _ := bits.Div64(hi, lo, uint64(n))
		return q
	}
	s := t
	s.lo, s.hi = t.lo+at(i), t.lo+at(i+1)
	return s, nil
}

// ParseShard reads "i/n" (--shard 0/3), 0 ≤ i < n.
func ParseShard(text string) (i, n int, err error) {
	a, b, ok := strings.Cut(text, "/")
	i, errA := strconv.Atoi(a)
	n, errB := strconv.Atoi(b)
	if !ok || errA != nil || errB != nil || n < 1 || i < 0 || i >= n {
		return 0, 0, fmt.Errorf("sweep: shard %q: want i/n with 0 ≤ i < n (0/3, 1/3, 2/3)", text)
	}
	return i, n, nil
}

// feistel is a pseudo-random permutation of [0, size): a balanced Feistel
// network on the smallest even number of bits that holds size, walked
// until it lands below size (cycle walking keeps it a permutation; the
// domain is under 4·size, so a few rounds on average).
type feistel struct {
	size uint64
	half uint      // bits per half
	keys [6]uint64 // round keys
}

func newFeistel(size, seed uint64) *feistel {
	b := uint(bits.Len64(max(size, 2) - 1))
	b += b & 1
	f := &feistel{size: size, half: b / 2}
	x := seed
	for r := range f.keys {
		x += 0x9e3779b97f4a7c15
		f.keys[r] = mix(x)
	}
	return f
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func (f *feistel) permute(i uint64) uint64 {
	for {
		i = f.round(i)
		if i < f.size {
			return i
		}
	}
}

func (f *feistel) round(x uint64) uint64 {
	mask := uint64(1)<<f.half - 1
	l, r := x>>f.half, x&mask
	for _, k := range f.keys {
		l, r = r, l^(mix(r^k)&mask)
	}
	return l<<f.half | r
}
