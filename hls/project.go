package hls

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/ir/loop/exec"
	"github.com/kiln-hls/kiln/targets"
)

// ProjectOptions say what a project is for and where its test data comes
// from.
type ProjectOptions struct {
	Device       targets.Device
	ClockNS      float64 // Bambu's --clock-period
	Channels     int     // --channels-number (0: 2, SODA's setting)
	MemoryPolicy string  // --memory-allocation-policy ("": ALL_BRAM, SODA's setting)

	// The external memory's latency in cycles for Bambu's
	// --mem-delay-read and --mem-delay-write (0: left out, Bambu's
	// defaults). The caller converts the device's off-chip latency
	// (targets' memory hierarchy) to cycles of ClockNS. See bambuArgs.
	MemDelayRead, MemDelayWrite int

	// Inputs are the top's input arrays (one per input parameter, in
	// order): the testbenches pass them (each kernel gets what the kernels
	// before it make of them) and the golden outputs are what ir/loop/exec
	// computes from them.
	Inputs      []*dtype.Array
	InputSource string // where Inputs come from, for the README

	// What made the project, for kiln.json and the README.
	Command   string // the command line
	Model     string
	Precision string
	Plan      string // the loop transforms, one per line ("" for none)

	// Extra files to add (narrow_report.txt …), by name.
	Extra map[string]string
}

// MemoryPolicies are the memory allocation policies Bambu 2024.x takes
// (--memory-allocation-policy).
var MemoryPolicies = []string{"ALL_BRAM", "NO_BRAM", "LSS", "GSS", "EXT_PIPELINED_BRAM"}

// Manifest is kiln.json: what the project is, so that kiln knows a folder
// as its own and a user can see what made it.
type Manifest struct {
	Generator string   `json:"generator"` // always ManifestGenerator
	Command   string   `json:"command"`
	Model     string   `json:"model"`
	Target    string   `json:"target"`
	ClockNS   float64  `json:"clock_ns"`
	Precision string   `json:"precision"`
	Loops     []string `json:"loops"`
	Top       string   `json:"top"`
	Kernels   []string `json:"kernels"`
	Weights   []string `json:"weights,omitempty"` // data/*.bin: the weights the top takes as pointers (off chip)
	Files     []string `json:"files"`             // every file the project holds, kiln.json included
}

// ManifestGenerator marks a kiln.json as written by kiln compile.
const ManifestGenerator = "kiln compile"

// ManifestName is the manifest's file name.
const ManifestName = "kiln.json"

// design is one function Bambu synthesises: a kernel or the top.
type design struct {
	name   string // function name in C and LLVM IR, and file stem
	params []TBParam
}

// Project returns the files of the HLS project for program p, by path
// relative to the project folder (see the README it holds, projectReadme):
// for each kernel and for the top the LLVM IR, C and header, a C and an
// XML testbench with golden outputs, Bambu scripts per design for the
// device and, for the top, for every ASIC library; a Makefile, the loop
// IR, a README and kiln.json. It runs p on the inputs to get each
// kernel's inputs and expected outputs. The result depends only on p and
// opt: the same arguments give the same bytes.
func Project(p *loop.Program, opt ProjectOptions) (map[string][]byte, error) {
	opt, err := checkProject(p, opt)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	put := func(name, text string) { files[name] = []byte(text) }
	cp, err := EmitCProgram(p)
	if err != nil {
		return nil, err
	}
	for name, text := range cp.Files() {
		put(name, text)
	}
	if err := emitProjectLL(p, put); err != nil {
		return nil, err
	}
	put(p.Name+".kir", p.String())
	designs, err := traceDesigns(p, cp, opt.Inputs)
	if err != nil {
		return nil, err
	}
	for _, d := range designs {
		tb, err := EmitTestbench(d.name, "../"+d.name+".h", d.params)
		if err != nil {
			return nil, fmt.Errorf("hls: project: testbench of %s: %w", d.name, err)
		}
		put("testbench/"+d.name+"_tb.c", tb.C)
		put("testbench/"+d.name+".xml", tb.XML)
		for name, data := range tb.Golden {
			files[name] = data
		}
		for name, data := range tb.Data {
			files[name] = data
		}
	}
	pj := newProjectText(p, opt, designs)
	for name, text := range pj.scripts() {
		put(name, text)
	}
	put("Makefile", pj.makefile())
	for name, text := range opt.Extra {
		put(name, text)
	}
	put("README.md", pj.readme(files))
	man, err := pj.manifest(files)
	if err != nil {
		return nil, err
	}
	put(ManifestName, man)
	return files, nil
}

// checkProject validates opt and fills in its defaults.
func checkProject(p *loop.Program, opt ProjectOptions) (ProjectOptions, error) {
	var errs []error
	if p == nil {
		return opt, errors.New("hls: project: nil program")
	}
	if opt.Device.Name == "" || opt.Device.Bambu == "" {
		errs = append(errs, errors.New("hls: project: no device"))
	}
	if !(opt.ClockNS > 0 && opt.ClockNS <= 1e6) {
		errs = append(errs, fmt.Errorf("hls: project: clock period %g ns: want a positive number of ns", opt.ClockNS))
	}
	if opt.Channels == 0 {
		opt.Channels = 2
	}
	if opt.Channels < 1 || opt.Channels > 64 {
		errs = append(errs, fmt.Errorf("hls: project: %d memory channels: want 1 to 64", opt.Channels))
	}
	if opt.MemoryPolicy == "" {
		opt.MemoryPolicy = "ALL_BRAM"
	}
	if opt.MemDelayRead < 0 || opt.MemDelayRead > 1<<20 || opt.MemDelayWrite < 0 || opt.MemDelayWrite > 1<<20 {
		errs = append(errs, fmt.Errorf("hls: project: external memory delays %d (read) and %d (write) cycles: want 0 (Bambu's default) to 1048576", opt.MemDelayRead, opt.MemDelayWrite))
	}
	if !slices.Contains(MemoryPolicies, opt.MemoryPolicy) {
		errs = append(errs, fmt.Errorf("hls: project: memory allocation policy %q: Bambu takes %s", opt.MemoryPolicy, strings.Join(MemoryPolicies, ", ")))
	}
	return opt, errors.Join(errs...)
}

// emitProjectLL emits the top's module (every kernel and the top) and
// one module per kernel, each checked against the Bambu subset.
func emitProjectLL(p *loop.Program, put func(name, text string)) error {
	top, err := EmitLLVMProgramModule(p)
	if err != nil {
		return err
	}
	if err := CheckBambuModule(top); err != nil {
		return fmt.Errorf("hls: project: %s.ll breaks the Bambu subset: %w", p.Name, err)
	}
	put(p.Name+".ll", top.String())
	for _, k := range p.Kernels {
		m, err := EmitLLVMModule(k.Name, []*loop.Kernel{k})
		if err != nil {
			return err
		}
		if err := CheckBambuModule(m); err != nil {
			return fmt.Errorf("hls: project: %s.ll breaks the Bambu subset: %w", k.Name, err)
		}
		put(k.Name+".ll", m.String())
	}
	return nil
}

// traceDesigns runs p call by call on inputs and returns each kernel's
// and the top's testbench arguments: what each receives and what it must
// leave in its outputs. A weight (a top input holding data, see
// isWeight) is loaded from its data file by every testbench that takes it.
func traceDesigns(p *loop.Program, cp CProgram, inputs []*dtype.Array) ([]design, error) {
	arrays, err := topArrays(p, inputs)
	if err != nil {
		return nil, err
	}
	var designs []design
	for ci, c := range p.Calls {
		k := p.Kernels[c.Kernel]
		if cp.Kernels[c.Kernel].Name != k.Name {
			return nil, fmt.Errorf("hls: project: kernel %s is %s in C: the testbench cannot call both", k.Name, cp.Kernels[c.Kernel].Name)
		}
		args := make([]*dtype.Array, len(c.Args))
		params := make([]TBParam, len(c.Args))
		for i, id := range c.Args {
			b := k.Buffers[k.Params[i]]
			args[i] = arrays[id]
			params[i] = TBParam{Name: b.Name, Kind: b.Kind, Len: args[i].Len()}
			if b.Role == loop.Input {
				params[i].In = args[i].Clone()
			}
			if isWeight(p.Buffers[id]) {
				params[i].File = weightFile(p.Buffers[id])
			}
		}
		if err := exec.Run(k, args); err != nil {
			return nil, fmt.Errorf("hls: project: running call %d (%s) for the golden outputs: %w", ci, k.Name, err)
		}
		for i := range params {
			if k.Buffers[k.Params[i]].Role == loop.Output {
				params[i].Golden = args[i].Clone()
			}
		}
		if !slices.ContainsFunc(designs, func(d design) bool { return d.name == k.Name }) {
			designs = append(designs, design{name: k.Name, params: params})
		}
	}
	top := design{name: cp.Top.Name}
	for _, id := range p.Params {
		b := p.Buffers[id]
		tp := TBParam{Name: b.Name, Kind: b.Kind, Len: arrays[id].Len()}
		switch {
		case isWeight(b):
			tp.In, tp.File = b.Init, weightFile(b)
		case b.Role == loop.Input:
			tp.In = arrays[id]
		default:
			tp.Golden = arrays[id]
		}
		top.params = append(top.params, tp)
	}
	return append(designs, top), nil
}

// topArrays are the top's buffers before the first call: the model's
// inputs (the top's inputs without data) from inputs, in order, the
// weights' data, zeros for the rest.
func topArrays(p *loop.Program, inputs []*dtype.Array) ([]*dtype.Array, error) {
	var model []loop.BufID
	for _, id := range p.Params {
		if b := p.Buffers[id]; b.Role == loop.Input && !isWeight(b) {
			model = append(model, id)
		}
	}
	if len(inputs) != len(model) {
		return nil, fmt.Errorf("hls: project: %d input arrays for the %d inputs of %s", len(inputs), len(model), p.Name)
	}
	arrays := make([]*dtype.Array, len(p.Buffers))
	for id, b := range p.Buffers {
		arrays[id] = dtype.New(b.Kind, b.Shape)
		if isWeight(b) {
			if b.Init.Kind != b.Kind || !slices.Equal(b.Init.Shape, b.Shape) {
				return nil, fmt.Errorf("hls: project: weight %s is %v%v, its data %s", b.Name, b.Kind, b.Shape, describe(b.Init))
			}
			arrays[id] = b.Init.Clone()
		}
	}
	for i, id := range model {
		b, in := p.Buffers[id], inputs[i]
		if in == nil || in.Kind != b.Kind || !slices.Equal(in.Shape, b.Shape) {
			return nil, fmt.Errorf("hls: project: input %d (%s) wants %v%v, got %s", i, b.Name, b.Kind, b.Shape, describe(in))
		}
		arrays[id] = in.Clone()
	}
	return arrays, nil
}

// isWeight reports whether top buffer b is a weight passed as a pointer:
// an input that holds data (what passes/place.Externalize makes of a
// constant placed off chip; place.IsWeight).
func isWeight(b *loop.Buffer) bool { return b.Role == loop.Input && b.Init != nil }

// weightFile is the data file of weight b, under data/.
func weightFile(b *loop.Buffer) string { return b.Name + ".bin" }

func describe(a *dtype.Array) string {
	if a == nil {
		return "nothing"
	}
	return fmt.Sprintf("%v%v", a.Kind, a.Shape)
}

// clockText is a clock period as file names and Bambu take it: 10, 2.5.
func clockText(ns float64) string { return strconv.FormatFloat(ns, 'f', -1, 64) }

// manifest is kiln.json's text, listing files plus itself.
func (pj *projectText) manifest(files map[string][]byte) (string, error) {
	names := append(sortedNames(files), ManifestName)
	slices.Sort(names)
	m := Manifest{
		Generator: ManifestGenerator, Command: pj.opt.Command, Model: pj.opt.Model,
		Target: pj.opt.Device.Name, ClockNS: pj.opt.ClockNS, Precision: pj.opt.Precision,
		Loops: pj.loops(), Top: pj.top, Kernels: pj.kernels, Files: names,
	}
	for _, name := range names {
		if strings.HasPrefix(name, "data/") {
			m.Weights = append(m.Weights, name)
		}
	}
	data, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return "", err
	}
	return string(data) + "\n", nil
}

func sortedNames(files map[string][]byte) []string {
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}
