package backend

import (
	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// The two native back ends. clang 16 reads the LLVM 14 text hls emits
// (typed pointers), and clang 14 is its own version. The module calls no
// compiler-rt function (narrow floats are floats rounded by emitted integer
// helpers), so neither needs -rtlib=compiler-rt, which Debian's clang-14
// cannot link without libclang-rt-14-dev. The C is built as hls says it
// must be to compute what exec computes: C99, no floating-point
// contraction.
var (
	llvmTools = toolchain{
		backend: "llvm",
		emit:    emitLLVM,
		compilers: []compiler{
			{"clang-16", []string{"-std=c99", "-O1", "-w"}},
			{"clang-14", []string{"-std=c99", "-O1", "-w"}},
		},
	}
	cTools = toolchain{
		backend: "c",
		emit:    emitC,
		compilers: []compiler{
			{"gcc", []string{"-std=c99", "-O1", "-ffp-contract=off"}},
		},
	}
)

func runLLVM(p *loop.Program, args []*dtype.Array, opt Options) error {
	return llvmTools.run(p, args, opt)
}

func runC(p *loop.Program, args []*dtype.Array, opt Options) error {
	return cTools.run(p, args, opt)
}

// emitLLVM is the program as one LLVM module (hls.EmitLLVMProgram); the
// top is p.Name.
func emitLLVM(p *loop.Program) ([]source, string, error) {
	ll, err := hls.EmitLLVMProgram(p)
	if err != nil {
		return nil, "", err
	}
	return []source{{"program.ll", ll}}, p.Name, nil
}

// emitC is the program as one C translation unit (hls.EmitCProgram's
// Unit); the top is its C name.
func emitC(p *loop.Program) ([]source, string, error) {
	cp, err := hls.EmitCProgram(p)
	if err != nil {
		return nil, "", err
	}
	return []source{{"program.c", cp.Unit}}, cp.Top.Name, nil
}
