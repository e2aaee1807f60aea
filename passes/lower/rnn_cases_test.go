package lower

// The recurrent operators' ONNX node tests (rnn.go).
func init() {
	passing = append(passing,
		"test_gru_batchwise", "test_gru_seq_length", "test_gru_with_initial_bias",
		"test_lstm_batchwise", "test_lstm_with_initial_bias", "test_lstm_with_peepholes",
		"test_rnn_seq_length", "test_simple_rnn_defaults", "test_simple_rnn_with_initial_bias",
	)
}
