package lower

// The element-wise node tests that pass lowered, beyond the first f32 ones.
func init() {
	passing = append(passing,
		// arithmetic on kinds other than f32
		"test_add_int8", "test_add_int16", "test_add_uint32", "test_add_uint64",
		"test_sub_int16", "test_sub_uint8", "test_sub_uint16", "test_sub_uint32",
		"test_mul_int16", "test_mul_uint8", "test_mul_uint16", "test_mul_uint32",
		"test_div_int8", "test_div_int16", "test_div_uint8", "test_div_uint16", "test_div_uint64",
		"test_max_int8", "test_max_int16", "test_max_int32", "test_max_uint32", "test_max_uint64",
		"test_min_int8", "test_min_int16", "test_min_int32", "test_min_uint32", "test_min_uint64",
		"test_operator_add_broadcast", "test_operator_add_size1_broadcast",
		"test_operator_add_size1_singleton_broadcast", "test_operator_addconstant",
		// float activations
		"test_ELU", "test_elu_default", "test_elu_example", "test_SELU", "test_selu",
		"test_selu_default", "test_Softplus", "test_softplus_example", "test_hardsigmoid",
		"test_hardsigmoid_example", "test_log", "test_reciprocal",
		"test_PReLU_1d", "test_PReLU_2d", "test_PReLU_2d_multiparam", "test_PReLU_3d_multiparam",
		"test_prelu_broadcast",
		// comparisons and selection
		"test_equal", "test_equal_int8", "test_equal_int16", "test_equal_uint32", "test_equal_uint64",
		"test_greater", "test_greater_int8", "test_greater_int16", "test_greater_uint32",
		"test_greater_uint64", "test_less", "test_less_int8", "test_less_int16", "test_less_uint32",
		"test_less_uint64", "test_where_example",
		// Clip, and its expansions into Less/Where/Identity
		"test_clip", "test_clip_default_inbounds", "test_clip_default_int8_max",
		"test_clip_default_int8_min", "test_clip_default_min", "test_clip_example",
		"test_clip_min_greater_than_max", "test_clip_outbounds", "test_operator_clip",
		"test_clip_default_inbounds_expanded", "test_clip_default_int8_max_expanded",
		"test_clip_default_int8_min_expanded", "test_clip_default_min_expanded",
		"test_clip_example_expanded", "test_clip_expanded", "test_clip_min_greater_than_max_expanded",
		"test_clip_outbounds_expanded",
		// Cast, every pair the cases use
		"test_cast_BFLOAT16_to_FLOAT", "test_cast_DOUBLE_to_FLOAT16", "test_cast_FLOAT16_to_DOUBLE", "test_cast_FLOAT16_to_FLOAT4E2M1", "test_cast_FLOAT16_to_FLOAT8E4M3FN", "test_cast_FLOAT16_to_FLOAT8E5M2", "test_cast_FLOAT16_to_FLOAT8E5M2FNUZ", "test_cast_FLOAT16_to_INT4", "test_cast_FLOAT16_to_UINT2", "test_cast_FLOAT4E2M1_to_FLOAT", "test_cast_FLOAT4E2M1_to_FLOAT16", "test_cast_FLOAT8E4M3FNUZ_to_FLOAT16", "test_cast_FLOAT8E4M3FN_to_FLOAT", "test_cast_FLOAT8E5M2FNUZ_to_FLOAT", "test_cast_FLOAT8E5M2FNUZ_to_FLOAT16", "test_cast_FLOAT8E5M2_to_FLOAT16", "test_cast_FLOAT_to_BFLOAT16", "test_cast_FLOAT_to_FLOAT16", "test_cast_FLOAT_to_FLOAT4E2M1", "test_cast_FLOAT_to_FLOAT8E4M3FNUZ", "test_cast_FLOAT_to_FLOAT8E5M2", "test_cast_FLOAT_to_INT2", "test_cast_FLOAT_to_INT4", "test_cast_FLOAT_to_UINT4", "test_cast_INT2_to_FLOAT", "test_cast_INT2_to_INT8", "test_cast_INT4_to_FLOAT", "test_cast_INT4_to_INT8", "test_cast_UINT2_to_FLOAT", "test_cast_UINT2_to_UINT8", "test_cast_UINT4_to_FLOAT", "test_cast_UINT4_to_UINT8", "test_cast_e8m0_FLOAT16_to_FLOAT8E8M0", "test_cast_e8m0_FLOAT8E8M0_to_FLOAT16", "test_cast_e8m0_FLOAT_to_FLOAT8E8M0", "test_cast_no_saturate_FLOAT16_to_FLOAT8E4M3FNUZ", "test_cast_no_saturate_FLOAT16_to_FLOAT8E5M2", "test_cast_no_saturate_FLOAT_to_FLOAT8E4M3FN", "test_cast_no_saturate_FLOAT_to_FLOAT8E4M3FNUZ", "test_cast_no_saturate_FLOAT_to_FLOAT8E5M2FNUZ",
		// copies
		"test_identity", "test_dropout_default", "test_dropout_default_mask_ratio",
		"test_dropout_default_ratio", "test_dropout_random_old",
	)
}

func init() {
	passing = append(passing,
		// Pow
		"test_operator_pow", "test_pow_bcast_array", "test_pow_bcast_scalar",
		"test_pow_types_float32_int32", "test_pow_types_float32_int64",
		"test_pow_types_float32_uint64", "test_pow_types_int32_float32",
		"test_pow_types_int64_float32", "test_pow_types_int64_int64",
		// QuantizeLinear and DequantizeLinear: per tensor, per axis, blocked
		"test_quantizelinear", "test_quantizelinear_blocked_asymmetric",
		"test_quantizelinear_blocked_symmetric", "test_quantizelinear_e5m2",
		"test_quantizelinear_float4e2m1", "test_quantizelinear_int2", "test_quantizelinear_int4",
		"test_quantizelinear_uint2", "test_quantizelinear_uint4",
		"test_dequantizelinear", "test_dequantizelinear_blocked", "test_dequantizelinear_e4m3fn",
		"test_dequantizelinear_e4m3fn_zero_point", "test_dequantizelinear_e5m2",
		"test_dequantizelinear_int16", "test_dequantizelinear_int2", "test_dequantizelinear_uint16",
		"test_dequantizelinear_uint2",
	)
}
