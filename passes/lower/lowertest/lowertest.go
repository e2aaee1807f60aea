// Package lowertest is test support: the built-in models lowered as kiln
// lower does, with their first validation windows, for the tests of the
// passes that work on lowered programs.
package lowertest

import (
	"fmt"
	"sync"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/lower"
)

// Model is a built-in model after the compile pipeline, lowered with
// fusion, and its first validation windows, one per array (batch 1).
// Callers share it: they must not change it.
type Model struct {
	Graph   *graph.Graph
	Program *loop.Program
	Windows []*dtype.Array
}

var models sync.Map // "name/windows" → func() (*Model, error)

// Zoo returns the built-in model name with its first windows validation
// windows, built once per process however many tests ask.
func Zoo(name string, windows int) (*Model, error) {
	f, _ := models.LoadOrStore(fmt.Sprintf("%s/%d", name, windows), sync.OnceValues(func() (*Model, error) {
		return build(name, windows)
	}))
	return f.(func() (*Model, error))()
}

func build(name string, windows int) (*Model, error) {
	z, err := zoo.Lookup(name)
	if err != nil {
		return nil, err
	}
	om, err := z.Load(onnx.Options{})
	if err != nil {
		return nil, err
	}
	if err := passes.RunGraph(&passes.Context{}, om.Graph, passes.CompilePipeline); err != nil {
		return nil, err
	}
	p, err := lower.Program(om.Graph, lower.Options{Fuse: true})
	if err != nil {
		return nil, err
	}
	x, err := onnx.ReadTensorFS(z.Data(), "test_data_set_0/input_0.pb", 0)
	if err != nil {
		return nil, err
	}
	if len(x.Shape) == 0 || x.Shape[0] < windows || x.Kind != dtype.F32 {
		return nil, fmt.Errorf("lowertest: %s: validation input %v%v has not %d f32 windows", name, x.Kind, x.Shape, windows)
	}
	m := &Model{Graph: om.Graph, Program: p}
	n := dtype.Size(x.Shape[1:])
	for w := range windows {
		shape := append([]int{1}, x.Shape[1:]...)
		m.Windows = append(m.Windows, dtype.FromF32(shape, x.F32[w*n:(w+1)*n]))
	}
	return m, nil
}
