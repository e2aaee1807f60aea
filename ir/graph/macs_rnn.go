package graph

import "math"

// macsRNN counts the multiply-accumulates of RNN, GRU and LSTM: the gate
// matrix products Xt·Wᵀ and Ht-1·Rᵀ, gates·H·(I+H) per time step, per
// direction and per sequence of the batch (gates: RNN 1, GRU 3, LSTM 4).
// Every step up to seq_length is counted, whatever sequence_lens says;
// biases, peepholes and the element-wise gate arithmetic are not. A node
// whose inputs do not check gives 0; the count saturates at MaxInt64.
func macsRNN(n *Node, in []Meta, out []Meta) int64 {
	s, err := RNNShapeOf(n, in)
	if err != nil {
		return 0
	}
	perStep := int64(s.Gates) * int64(s.Hidden) * (int64(s.Input) + int64(s.Hidden))
	total := perStep
	for _, f := range []int{s.Seq, s.Dirs, s.Batch} {
		if f == 0 {
			return 0
		}
		if total > math.MaxInt64/int64(f) {
			return math.MaxInt64
		}
		total *= int64(f)
	}
	return total
}
