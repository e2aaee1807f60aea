package lower

// The node tests of the reductions, Softmax, CumSum and the
// normalisations: those that pass lowered (see passing in node_test.go),
// and those that fail with an error naming the node (notYet).
func init() {
	passing = append(passing,
		"test_BatchNorm1d_3d_input_eval", "test_BatchNorm2d_momentum_eval", "test_BatchNorm3d_eval",
		"test_batchnorm_epsilon", "test_batchnorm_example",
		"test_instancenorm_epsilon", "test_operator_symbolic_override",
		"test_LogSoftmax", "test_Softmax", "test_log_softmax_lastdim", "test_softmax_lastdim",
		"test_logsoftmax_axis_0", "test_logsoftmax_axis_1", "test_logsoftmax_axis_2",
		"test_logsoftmax_default_axis", "test_logsoftmax_negative_axis",
		"test_softmax_axis_0", "test_softmax_axis_1", "test_softmax_axis_2",
		"test_softmax_default_axis", "test_softmax_negative_axis",
		"test_logsoftmax_axis_0_expanded", "test_logsoftmax_axis_0_expanded_ver18",
		"test_logsoftmax_axis_1_expanded", "test_logsoftmax_axis_1_expanded_ver18",
		"test_logsoftmax_axis_2_expanded", "test_logsoftmax_axis_2_expanded_ver18",
		"test_logsoftmax_default_axis_expanded", "test_logsoftmax_default_axis_expanded_ver18",
		"test_logsoftmax_negative_axis_expanded", "test_logsoftmax_negative_axis_expanded_ver18",
		"test_softmax_axis_0_expanded", "test_softmax_axis_0_expanded_ver18",
		"test_softmax_axis_1_expanded", "test_softmax_axis_1_expanded_ver18",
		"test_softmax_axis_2_expanded", "test_softmax_axis_2_expanded_ver18",
		"test_softmax_default_axis_expanded", "test_softmax_default_axis_expanded_ver18",
		"test_softmax_negative_axis_expanded", "test_softmax_negative_axis_expanded_ver18",
		"test_operator_reduced_mean", "test_operator_reduced_sum", "test_reduce_max_bool_inputs",
		"test_reduce_max_default_axes_keepdims_random", "test_reduce_max_do_not_keepdims_example",
		"test_reduce_max_keepdims_example", "test_reduce_max_negative_axes_keepdims_example",
		"test_reduce_max_negative_axes_keepdims_random",
		"test_reduce_mean_do_not_keepdims_random", "test_reduce_mean_keepdims_example",
		"test_reduce_mean_negative_axes_keepdims_example", "test_reduce_mean_negative_axes_keepdims_random",
		"test_reduce_sum_do_not_keepdims_random", "test_reduce_sum_keepdims_random",
		"test_reduce_sum_negative_axes_keepdims_example",
		"test_cumsum_1d", "test_cumsum_1d_int32_exclusive", "test_cumsum_1d_reverse",
		"test_cumsum_2d_axis_0", "test_cumsum_2d_axis_1", "test_cumsum_2d_negative_axis",
	)
	// Empty tensors: an empty output computes nothing (no kernel); an
	// empty input (axes of shape [0], data of shape [2, 0, 4]) is a
	// parameter that nothing reads.
	passing = append(passing, "test_reduce_sum_empty_set_non_reduced_axis_zero",
		"test_reduce_mean_default_axes_keepdims_example", "test_reduce_mean_default_axes_keepdims_random",
		"test_reduce_sum_default_axes_keepdims_example", "test_reduce_sum_default_axes_keepdims_random",
		"test_reduce_sum_empty_axes_input_noop", "test_reduce_max_empty_set", "test_reduce_sum_empty_set")
}
