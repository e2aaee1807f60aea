package summary

import (
	"cmp"
	"slices"
)

// cloudSize is how many designs per front the plots draw besides the
// front: a bottom-k sample by a hash of the design's index, so the same
// results give the same sample in any line order (a merged or resumed
// file) and memory stays bounded.
const cloudSize = 4000

type cloud struct {
	ds []hashed
}

type hashed struct {
	h uint64
	d Design
}

func newCloud() *cloud { return &cloud{} }

// add keeps d if its hash is among the cloudSize smallest seen.
func (c *cloud) add(d Design) {
	d.Knobs = nil // the plots need none of it
	c.ds = append(c.ds, hashed{mix(d.Index), d})
	if len(c.ds) >= 2*cloudSize {
		c.trim()
	}
}

func (c *cloud) trim() {
	slices.SortFunc(c.ds, func(a, b hashed) int { return cmp.Compare(a.h, b.h) })
	if len(c.ds) > cloudSize {
		c.ds = c.ds[:cloudSize]
	}
}

// designs is the sample, in hash order.
func (c *cloud) designs() []Design {
	c.trim()
	out := make([]Design, len(c.ds))
	for i, h := range c.ds {
		out[i] = h.d
	}
	return out
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	return x ^ x>>31
}
