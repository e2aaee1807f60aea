package main

import (
	"testing"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
)

// BenchmarkLowerSTGCN measures what `kiln lower stgcn -o DIR` computes
// before writing: the study's STGCN (68 buses, 60 steps, channels
// 2→16→32→64; 105,010 parameters) from ONNX bytes to the loop IR text, the
// LLVM module (Bambu-subset checked) and the C files.
//
//	GOMAXPROCS=1 go test ./cmd/kiln -run XXX -bench LowerSTGCN -benchtime 5x
func BenchmarkLowerSTGCN(b *testing.B) {
	z, err := zoo.Lookup("stgcn")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		m, err := z.Load(onnx.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := passes.RunGraph(&passes.Context{}, m.Graph, passes.CompilePipeline); err != nil {
			b.Fatal(err)
		}
		p, err := lower.Program(m.Graph, lower.Options{})
		if err != nil {
			b.Fatal(err)
		}
		_ = p.String()
		if _, err := emitLL(p); err != nil {
			b.Fatal(err)
		}
		if _, err := hls.EmitCProgram(p); err != nil {
			b.Fatal(err)
		}
	}
}
