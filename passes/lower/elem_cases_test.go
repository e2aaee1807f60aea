package lower

// The element-wise node tests that pass lowered, beyond the first f32 ones.
func init() {
	passing = append(passing,
		// kinds other than f32
		"test_add_int8", "test_div_uint16", "test_max_int32",
		"test_operator_add_broadcast",
	)
}
