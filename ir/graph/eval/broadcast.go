package eval

import "github.com/kiln-hls/kiln/ir/dtype"

// BroadcastIndex maps each element of shape out to the element of an input
// of shape in that numpy broadcasting reads (in is right-aligned to out).
func BroadcastIndex(out, in []int) []int {
	n := dtype.Size(out)
	idx := make([]int, n)
	off := len(out) - len(in)
	inStr := dtype.Strides(in)
	// stride per output axis in the input; 0 where broadcast
	str := make([]int, len(out))
	for i := range in {
		if in[i] != 1 {
			str[off+i] = inStr[i]
		}
	}
	coord := make([]int, len(out))
	pos := 0
	for j := 0; j < n; j++ {
		idx[j] = pos
		for ax := len(out) - 1; ax >= 0; ax-- {
			coord[ax]++
			pos += str[ax]
			if coord[ax] < out[ax] {
				break
			}
			pos -= str[ax] * coord[ax]
			coord[ax] = 0
		}
	}
	return idx
}
