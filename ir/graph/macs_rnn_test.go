package graph

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestMACsRNN(t *testing.T) {
	tests := []struct {
		name  string
		op    Op
		attrs RNNAttrs
		in    []Meta
		want  int64
	}{
		// 4·H·(I+H) per step, direction and sequence: 4·4·(3+4)·5·1·2
		{"lstm", OpLSTM, RNNAttrs{Direction: "forward"}, lstmMetas(), 4 * 4 * 7 * 5 * 2},
		// 3·4·(3+4)·5 steps·2 directions·2 sequences
		{"gru bidirectional", OpGRU, RNNAttrs{Direction: "bidirectional"},
			[]Meta{rnnMeta(5, 2, 3), rnnMeta(2, 12, 3), rnnMeta(2, 12, 4)}, 3 * 4 * 7 * 5 * 2 * 2},
		// batch first: X [batch 2, seq 5, input 3]; 1·4·7·5·2
		{"rnn layout 1", OpRNN, RNNAttrs{Direction: "forward", Layout: 1},
			[]Meta{rnnMeta(2, 5, 3), rnnMeta(1, 4, 3), rnnMeta(1, 4, 4)}, 4 * 7 * 5 * 2},
		// the benchmark LSTM: 4·64·(136+64)·60 = 3 072 000
		{"lstm 136x64x60", OpLSTM, RNNAttrs{Direction: "forward"},
			[]Meta{rnnMeta(60, 1, 136), rnnMeta(1, 256, 136), rnnMeta(1, 256, 64)}, 3072000},
		{"bad shapes", OpLSTM, RNNAttrs{Direction: "forward"}, []Meta{rnnMeta(60, 1), rnnMeta(1, 256, 136), rnnMeta(1, 256, 64)}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, macsRNN(rnnTestNode(tc.op, tc.attrs, len(tc.in), 2), tc.in, nil))
		})
	}
}
