package accuracy

import (
	"fmt"

	kbackend "github.com/kiln-hls/kiln/backend"
	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/narrow"
	"github.com/kiln-hls/kiln/sim"
)

// Result is one narrowed run of a Bench.
type Result struct {
	Precision     string       `json:"precision"` // the spec, as PrecisionSpec.String prints it
	Backend       string       `json:"backend"`
	Accuracy      sim.Accuracy `json:"accuracy"`
	OutputsSHA256 string       `json:"outputs_sha256"` // sim.OutputsSHA256 of every set's outputs in order
	// Overflow counts the casts into fixed-point types and those whose
	// value lay outside the type (wrapped or saturated). The interpreter
	// counts them, so they are present for the loop back end only; the
	// other back ends compute the same bits.
	Overflow *exec.Stats      `json:"overflow,omitempty"`
	Report   *narrow.Report   `json:"-"`
	Outputs  [][]*dtype.Array `json:"-"`
}

// OverflowShare is the share of casts into fixed point that overflowed,
// or 0 when none were counted.
func (r *Result) OverflowShare() float64 {
	if r.Overflow == nil || r.Overflow.NarrowCasts == 0 {
		return 0
	}
	return float64(r.Overflow.Overflows) / float64(r.Overflow.NarrowCasts)
}

// Narrow returns the Bench's program narrowed to spec.
func (b *Bench) Narrow(spec passes.PrecisionSpec) (*loop.Program, *narrow.Report, error) {
	if err := spec.Check(b.Graph); err != nil {
		return nil, nil, err
	}
	opt := b.tables
	opt.Spec, opt.Ranges = spec, b.Ranges
	return narrow.Apply(b.Program, opt)
}

// Evaluate narrows the Bench's program to spec, runs it on every
// validation set with the named back end (loop, llvm or c) and compares
// its outputs with the fp32 reference.
func (b *Bench) Evaluate(spec passes.PrecisionSpec, backend string) (*Result, error) {
	be, err := kbackend.Lookup(backend)
	if err != nil {
		return nil, err
	}
	p, rep, err := b.Narrow(spec)
	if err != nil {
		return nil, err
	}
	res := &Result{Precision: spec.String(), Backend: backend, Report: rep}
	var all, ref []*dtype.Array
	for i, in := range b.Sets {
		if len(in) > len(p.Params) {
			return nil, fmt.Errorf("set %d: %d inputs, the program takes %d parameters", i, len(in), len(p.Params))
		}
		args, outs := bindArgs(p, in)
		if backend == "loop" {
			st, err := sim.Functional(p, args)
			if err != nil {
				return nil, fmt.Errorf("set %d: %w", i, err)
			}
			if res.Overflow == nil {
				res.Overflow = &exec.Stats{}
			}
			res.Overflow.NarrowCasts += st.NarrowCasts
			res.Overflow.Overflows += st.Overflows
		} else if err := be.RunProgram(p, args, kbackend.Options{}); err != nil {
			return nil, fmt.Errorf("set %d: %w", i, err)
		}
		res.Outputs = append(res.Outputs, outs)
		all = append(all, outs...)
		ref = append(ref, b.Ref[i]...)
	}
	if res.Accuracy, err = sim.Compare(ref, all); err != nil {
		return nil, err
	}
	res.OutputsSHA256 = sim.OutputsSHA256(all)
	return res, nil
}

// bindArgs returns the top's arguments for one input set: the inputs, then
// fresh output arrays.
func bindArgs(p *loop.Program, in []*dtype.Array) (args, outs []*dtype.Array) {
	args = append(args, in...)
	for _, id := range p.Params[len(in):] {
		b := p.Buffers[id]
		o := dtype.New(b.Kind, b.Shape)
		outs = append(outs, o)
		args = append(args, o)
	}
	return args, outs
}
