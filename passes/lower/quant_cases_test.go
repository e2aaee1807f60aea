package lower

func init() {
	passing = append(passing,
		// integer and quantised products (quant.go, quant_linear.go)
		"test_matmulinteger", "test_convinteger_with_padding", "test_qlinearconv",
		"test_qlinearmatmul_2D_int8_float16", "test_qlinearmatmul_2D_uint8_float16",
		"test_qlinearmatmul_2D_uint8_float32", "test_qlinearmatmul_3D_int8_float32",
		"test_qlinearmatmul_3D_uint8_float16",
		// MaxPool's Indices output (pool.go)
		"test_maxpool_with_argmax_2d_precomputed_pads",
	)
}
