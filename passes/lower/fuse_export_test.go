package lower

// PassingCases are the node tests that pass lowered, for the external
// tests (fuse_node_test.go runs them fused).
func PassingCases() []string { return passing }
