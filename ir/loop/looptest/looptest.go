// Package looptest gives tests of the loop IR and of what consumes it (the
// interpreter, the lowering, the emitters) one deterministic filling for
// constants, so their expected values agree.
package looptest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// Ramp is an array of kind k and the given shape whose element i is
// ((7i mod 13) − 6)/8, rounded to the kind.
func Ramp(k dtype.Kind, shape []int) *dtype.Array {
	a := dtype.New(k, shape)
	for i := range a.Len() {
		a.Set(i, float64((7*i)%13-6)/8)
	}
	return a
}

// summarised finds the constants a .kir file prints as data(count, hash).
var summarised = regexp.MustCompile(`const ([A-Za-z_][A-Za-z0-9_.]*): ([a-z0-9]+)\[([0-9,]*)\][^=,)]*= data\(`)

// Data gives every constant that src prints as data(count, hash) a Ramp
// value, for loop.Parse. Constants of unknown kinds or over 1 MiB (fuzzed
// text) are left without values.
func Data(src string) map[string]*dtype.Array {
	data := map[string]*dtype.Array{}
	for _, m := range summarised.FindAllStringSubmatch(src, -1) {
		k, _ := dtype.KindByName(m[2])
		var shape []int
		for _, d := range strings.Split(m[3], ",") {
			n, _ := strconv.Atoi(d)
			shape = append(shape, n)
		}
		if !k.Computable() || dtype.BytesFor(k, shape) > 1<<20 {
			continue
		}
		data[m[1]] = Ramp(k, shape)
	}
	return data
}
