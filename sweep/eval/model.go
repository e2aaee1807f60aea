package eval

import (
	"github.com/kiln-hls/kiln/accuracy"
	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
)

// Builtin prepares built-in model name as kiln sim and kiln report see
// it: compiled and lowered at batch 1 with fused kernels, and its accuracy
// bench on the first windows validation windows (0: all of them).
func Builtin(name string, windows int) (*loop.Program, *accuracy.Bench, error) {
	z, err := zoo.Lookup(name)
	if err != nil {
		return nil, nil, err
	}
	bench, err := accuracy.Prepare(conform.Source{Name: z.Name, Load: z.Load}, z.Data(), accuracy.Options{Windows: windows})
	if err != nil {
		return nil, nil, err
	}
	m, err := z.Load(onnx.Options{Batch: 1})
	if err != nil {
		return nil, nil, err
	}
	if err := passes.RunGraph(&passes.Context{}, m.Graph, passes.CompilePipeline); err != nil {
		return nil, nil, err
	}
	p, err := lower.Program(m.Graph, lower.Options{Fuse: true})
	if err != nil {
		return nil, nil, err
	}
	return p, bench, nil
}
