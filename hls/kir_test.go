package hls

import (
	"flag"
	"regexp"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
)

// update makes the golden tests of both emitters rewrite their files.
var update = flag.Bool("update", false, "rewrite the golden testdata/llvm/*.ll and testdata/c/* files")

// kirSummarised finds the constants a .kir file prints as data(count, hash).
var kirSummarised = regexp.MustCompile(`const ([A-Za-z_][A-Za-z0-9_.]*): ([a-z0-9]+)\[([0-9,]*)\][^=,)]*= data\(`)

// kirTestData gives the summarised constants of src the values ir/loop's
// golden tests give them: element i is ((7i mod 13) − 6)/8.
func kirTestData(src string) map[string]*dtype.Array {
	data := map[string]*dtype.Array{}
	for _, m := range kirSummarised.FindAllStringSubmatch(src, -1) {
		k, _ := dtype.KindByName(m[2])
		var shape []int
		for _, d := range strings.Split(m[3], ",") {
			n, _ := strconv.Atoi(d)
			shape = append(shape, n)
		}
		if !k.Computable() || dtype.BytesFor(k, shape) > 1<<20 {
			continue // fuzzed text: leave the constant without values
		}
		a := dtype.New(k, shape)
		for i := range a.Len() {
			a.Set(i, float64((7*i)%13-6)/8)
		}
		data[m[1]] = a
	}
	return data
}
