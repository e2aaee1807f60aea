package main

import (
	"fmt"
	"io/fs"
	"os"
	"strings"
	"sync"

	"github.com/kiln-hls/kiln/accuracy"
	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/ir/graph"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
)

// narrow is kiln lower --precision: p narrowed to the spec, with the
// report and the Bambu --fp-format option added to files.
func (lf *lowerFlags) narrow(gf *globalFlags, arg string, g *graph.Graph, p *loop.Program, files map[string]string) (*loop.Program, error) {
	if strings.EqualFold(strings.TrimSpace(lf.precision), "auto") {
		return nil, fmt.Errorf("--precision auto: search with kiln eval --precision auto --budget B, then lower with the spec it prints")
	}
	spec, err := readSpec(lf.precision)
	if err != nil {
		return nil, fmt.Errorf("--precision: %w", err)
	}
	if err := spec.Check(g); err != nil {
		return nil, fmt.Errorf("--precision %s: %w", spec, err)
	}
	ranges, err := lf.calibrate(gf, arg)
	if err != nil {
		return nil, err
	}
	opt, err := lf.tables.options()
	if err != nil {
		return nil, err
	}
	opt.Spec, opt.Ranges = spec, ranges
	np, rep, err := narrow.Apply(p, opt)
	if err != nil && ranges == nil {
		return nil, fmt.Errorf("--precision %s: %w (the model has no validation data to calibrate on: give --data DIR)", spec, err)
	}
	if err != nil {
		return nil, fmt.Errorf("--precision %s: %w", spec, err)
	}
	files["narrow_report.txt"] = rep.String()
	var formats []string
	for _, k := range np.Kernels {
		if f := hls.BambuFPFormat(k); f != "" {
			formats = append(formats, strings.TrimPrefix(f, "--fp-format="))
		}
	}
	if len(formats) > 0 {
		files["bambu_fp_format.txt"] = "--fp-format=" + strings.Join(formats, ",") + "\n"
	}
	return np, nil
}

// calibrate returns the tensors' ranges on the validation data: --data
// DIR's, or a built-in model's own; nil when there is none (int8 and int16
// then fail, naming what they miss).
func (lf *lowerFlags) calibrate(gf *globalFlags, arg string) (map[string]passes.Range, error) {
	bench, err := lf.validation(gf, arg)
	if bench == nil || err != nil {
		return nil, err
	}
	return bench.Ranges, nil
}

// validation is the model with its validation data (--data DIR's, or a
// built-in model's own) run through the reference evaluator, prepared
// once; nil when there is no data.
func (lf *lowerFlags) validation(gf *globalFlags, arg string) (*accuracy.Bench, error) {
	if lf.bench == nil {
		lf.bench = sync.OnceValues(func() (*accuracy.Bench, error) { return lf.prepare(gf, arg) })
	}
	return lf.bench()
}

func (lf *lowerFlags) prepare(gf *globalFlags, arg string) (*accuracy.Bench, error) {
	src, _, err := modelArg(arg)
	if err != nil {
		return nil, err
	}
	fsys, err := lf.dataFS(arg)
	if fsys == nil || err != nil {
		return nil, err
	}
	lo, err := gf.loadOptions()
	if err != nil {
		return nil, err
	}
	// The data's own batch: tensor names, not shapes, carry the ranges.
	lo.Batch, lo.Dims, lo.InputShapes = 0, nil, nil
	bench, err := accuracy.Prepare(src, fsys, accuracy.Options{Load: lo, Windows: lf.windows})
	if err != nil {
		return nil, fmt.Errorf("calibration: %w", err)
	}
	return bench, nil
}

// dataFS is the validation data: --data DIR's, or a built-in model's own;
// nil when there is none.
func (lf *lowerFlags) dataFS(arg string) (fs.FS, error) {
	_, builtin, err := modelArg(arg)
	switch {
	case err != nil:
		return nil, err
	case lf.data != "":
		if st, err := os.Stat(lf.data); err != nil || !st.IsDir() {
			return nil, fmt.Errorf("--data %s: not a folder", lf.data)
		}
		return os.DirFS(lf.data), nil
	case builtin != nil:
		return builtin.Data(), nil
	}
	return nil, nil
}
