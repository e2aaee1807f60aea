package lower

import "github.com/kiln-hls/kiln/ir/graph"

// rnnLowerings: The recurrent operators: LSTM, GRU, RNN.
var rnnLowerings = map[graph.Op]lowerFunc{}
