package hls

import (
	"flag"
	"path/filepath"
	"strings"
)

// update makes the golden tests of both emitters rewrite their files.
var update = flag.Bool("update", false, "rewrite the golden testdata/llvm/*.ll and testdata/c/* files")

// loweredGoldens are kernels that passes/lower produced from graph nodes and
// keeps as its own golden .kir files — a Gemm, a Conv1d, an LSTM step and a
// CSR graph convolution — so that the loop IR, the .ll and the .c of one
// kernel are golden files side by side (here named lowered_<name>).
var loweredGoldens = []string{
	"../passes/lower/testdata/gemm.kir",
	"../passes/lower/testdata/conv1d.kir",
	"../passes/lower/testdata/lstm_step.kir",
	"../passes/lower/testdata/csr_a.kir",
}

// goldenName is a case's name: its file's base name, prefixed with
// lowered_ for passes/lower's files.
func goldenName(file string) string {
	name := strings.TrimSuffix(filepath.Base(file), ".kir")
	if strings.HasPrefix(file, "../passes/lower/") {
		name = "lowered_" + name
	}
	return name
}
