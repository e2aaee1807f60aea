package lower

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// passing are the ONNX backend node tests (../shared/testdata/onnx-node)
// whose every node lowers and whose outputs, computed by the loop IR
// interpreter, match the stored ones within ONNX's tolerance.
var passing = []string{
	// element-wise unary
	"test_abs", "test_exp", "test_neg", "test_sqrt_example", "test_operator_sqrt",
	"test_operator_exp", "test_ReLU", "test_single_relu_model", "test_Sigmoid",
	"test_sigmoid_example", "test_Tanh", "test_tanh_example", "test_LeakyReLU",
	"test_leakyrelu", "test_leakyrelu_default",
	// element-wise binary and variadic, broadcasting
	"test_add", "test_sub", "test_sub_example", "test_mul", "test_mul_example",
	"test_div", "test_div_example", "test_max_example", "test_max_float32",
	"test_max_one_input", "test_max_two_inputs", "test_min_example",
	"test_min_float32", "test_min_one_input", "test_min_two_inputs",
	"test_sum_example", "test_sum_two_inputs", "test_operator_basic",
	"test_operator_max", "test_operator_min", "test_operator_symbolic_override_nested",
	// Gemm and MatMul
	"test_gemm_alpha", "test_gemm_beta", "test_gemm_default_no_bias",
	"test_gemm_default_scalar_bias", "test_gemm_default_vector_bias",
	"test_gemm_default_zero_bias", "test_gemm_transposeB", "test_Linear",
	"test_Linear_no_bias", "test_operator_addmm", "test_operator_params",
	"test_matmul_1d_3d", "test_matmul_2d", "test_matmul_4d", "test_matmul_4d_1d",
	// Conv
	"test_Conv1d", "test_Conv1d_groups", "test_Conv1d_pad1", "test_Conv1d_pad2",
	"test_Conv1d_pad2size1", "test_Conv2d", "test_Conv2d_depthwise",
	"test_Conv2d_depthwise_strided", "test_Conv2d_depthwise_with_multiplier",
	"test_Conv2d_groups", "test_Conv2d_groups_thnn", "test_Conv2d_padding",
	"test_Conv2d_strided", "test_Conv3d_dilated", "test_Conv3d_dilated_strided",
	"test_Conv3d_no_bias", "test_Conv3d_stride", "test_basic_conv_with_padding",
	"test_basic_conv_without_padding", "test_conv_with_strides_and_asymmetric_padding",
	"test_conv_with_strides_no_padding",
	// shape copies and Transpose
	"test_flatten_axis0", "test_flatten_axis1", "test_flatten_axis3",
	"test_flatten_negative_axis1", "test_flatten_negative_axis3",
	"test_flatten_negative_axis4", "test_operator_flatten",
	"test_reshape_negative_dim", "test_reshape_negative_extended_dims",
	"test_reshape_reduced_dims", "test_reshape_reordered_all_dims", "test_reshape_zero_and_negative_dim",
	"test_reshape_zero_dim", "test_squeeze", "test_unsqueeze_axis_0",
	"test_unsqueeze_axis_2", "test_unsqueeze_negative_axes",
	"test_unsqueeze_two_axes", "test_unsqueeze_unsorted_axes",
	"test_transpose_all_permutations_1", "test_transpose_all_permutations_2",
	"test_transpose_all_permutations_4", "test_transpose_all_permutations_5",
	"test_transpose_default", "test_operator_permute2",
	// LayerNormalization
	"test_layer_normalization_2d_axis0", "test_layer_normalization_2d_axis_negative_1",
	"test_layer_normalization_2d_axis_negative_2", "test_layer_normalization_3d_axis1_epsilon",
	"test_layer_normalization_3d_axis2_epsilon", "test_layer_normalization_3d_axis_negative_2_epsilon",
	"test_layer_normalization_3d_axis_negative_3_epsilon", "test_layer_normalization_4d_axis1",
	"test_layer_normalization_4d_axis2", "test_layer_normalization_4d_axis_negative_1",
	"test_layer_normalization_4d_axis_negative_2", "test_layer_normalization_4d_axis_negative_4",
	"test_layer_normalization_default_axis",
	// pooling
	"test_AvgPool1d", "test_AvgPool2d", "test_AvgPool2d_stride", "test_AvgPool3d_stride",
	"test_AvgPool3d_stride1_pad0_gpu_input", "test_MaxPool1d",
	"test_MaxPool1d_stride_padding_dilation", "test_MaxPool2d", "test_MaxPool3d_stride",
	"test_MaxPool3d_stride_padding", "test_averagepool_2d_ceil",
	"test_averagepool_2d_ceil_last_window_starts_on_pad", "test_averagepool_2d_dilations",
	"test_averagepool_2d_pads", "test_averagepool_2d_precomputed_pads",
	"test_averagepool_2d_precomputed_pads_count_include_pad",
	"test_averagepool_2d_precomputed_strides", "test_averagepool_2d_same_lower",
	"test_averagepool_2d_strides", "test_averagepool_3d_default",
	"test_averagepool_3d_dilations_large_count_include_pad_is_0_ceil_mode_is_True",
	"test_averagepool_3d_dilations_large_count_include_pad_is_1_ceil_mode_is_False",
	"test_averagepool_3d_dilations_small", "test_globalaveragepool", "test_globalmaxpool",
	"test_maxpool_2d_ceil", "test_maxpool_2d_default", "test_maxpool_2d_dilations",
	"test_maxpool_2d_pads", "test_maxpool_2d_precomputed_same_upper",
	"test_maxpool_2d_precomputed_strides", "test_maxpool_2d_same_upper",
	"test_maxpool_2d_strides", "test_maxpool_3d_default", "test_maxpool_3d_dilations",
	"test_maxpool_3d_dilations_use_ref_impl", "test_operator_maxpool",
}

// notYet are node tests of lowered operators that fail with an error
// naming the node: an empty tensor.
var notYet = map[string]string{}

func nodeTestDir(t *testing.T) string {
	if _, err := os.Stat(nodeTests); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("ONNX node tests missing: %v", err)
		}
		t.Skipf("ONNX node tests not found at %s", nodeTests)
	}
	return nodeTests
}

func TestNodeTests(t *testing.T) {
	dir := nodeTestDir(t)
	for _, name := range passing {
		t.Run(name, func(t *testing.T) {
			msg, err := runCase(filepath.Join(dir, name))
			require.NoError(t, err)
			assert.Empty(t, msg)
		})
	}
}

func TestNodeTestsNotYet(t *testing.T) {
	dir := nodeTestDir(t)
	for name, want := range notYet {
		t.Run(name, func(t *testing.T) {
			_, err := runCase(filepath.Join(dir, name))
			require.Error(t, err)
			assert.Contains(t, err.Error(), want)
		})
	}
}
