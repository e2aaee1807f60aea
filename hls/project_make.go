package hls

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/loop"
	"github.com/kiln-hls/kiln/targets"
)

// projectText writes the project's scripts, Makefile and README.
type projectText struct {
	opt     ProjectOptions
	top     string   // the top function
	kernels []string // the kernels' functions, in call order
	designs []design
	fp      map[string]string // design → its --fp-format option ("" for none)
	weights []string          // the data files of the weights the top takes as pointers
}

func newProjectText(p *loop.Program, opt ProjectOptions, designs []design) *projectText {
	pj := &projectText{opt: opt, top: designs[len(designs)-1].name, designs: designs, fp: map[string]string{}}
	var all []string
	for _, d := range designs[:len(designs)-1] {
		pj.kernels = append(pj.kernels, d.name)
	}
	for _, k := range p.Kernels {
		if f := BambuFPFormat(k); f != "" {
			pj.fp[k.Name] = f
			all = append(all, strings.TrimPrefix(f, "--fp-format="))
		}
	}
	if len(all) > 0 {
		pj.fp[pj.top] = "--fp-format=" + strings.Join(all, ",")
	}
	for _, id := range p.Params {
		if b := p.Buffers[id]; isWeight(b) {
			pj.weights = append(pj.weights, "data/"+weightFile(b))
		}
	}
	return pj
}

// loops is the loop plan as a list, for kiln.json.
func (pj *projectText) loops() []string {
	out := []string{}
	for line := range strings.SplitSeq(pj.opt.Plan, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			out = append(out, line)
		}
	}
	return out
}

// run names one Bambu run: a design on a device.
type run struct {
	design string
	dev    targets.Device
}

// stem is the run's name: <design>_<device>_<clock>ns.
func (pj *projectText) stem(r run) string {
	return r.design + "_" + r.dev.Name + "_" + clockText(pj.opt.ClockNS) + "ns"
}

// runs are the project's Bambu runs: every design on the device, then the
// top on every ASIC library the device is not.
func (pj *projectText) runs() []run {
	var out []run
	for _, d := range pj.designs {
		out = append(out, run{d.name, pj.opt.Device})
	}
	for _, a := range targets.ASICs() {
		if a.Name != pj.opt.Device.Name {
			out = append(out, run{pj.top, a})
		}
	}
	return out
}

// bambuArgs are Bambu's options for r, SODA's canonical set: soft-float
// arithmetic, CLANG16's front end, the balanced multi-port setup, the
// memory channels and policy, no function proxies, a testbench and a
// Verilator co-simulation, the top function; tb is the testbench's path.
//
// External memory. The top's pointer arguments (the model's inputs and
// outputs and the weights placed off chip) point into the memory outside
// the design: in Bambu's co-simulation the testbench's, which its
// m_param_alloc declares. --memory-allocation-policy only decides where
// the design's own objects go (ALL_BRAM: its globals — the on-chip
// constants and the tensors between kernels — in block RAM; NO_BRAM and
// EXT_PIPELINED_BRAM would send those off chip too, so kiln keeps the
// caller's policy). When ProjectOptions gives them, --mem-delay-read=N
// and --mem-delay-write=N set the external memory's latency in cycles for
// loads and stores (Bambu's defaults, per `bambu --help` of PandA-Bambu
// 2024.x: 2 and 1). These option names and meanings are from Bambu's
// documentation as recalled, not yet checked against a Bambu run.
func (pj *projectText) bambuArgs(r run, tb string) []string {
	args := []string{"-v3", "-lm", "--soft-float", "--compiler=I386_CLANG16",
		"--device-name=" + r.dev.Bambu, "--clock-period=" + clockText(pj.opt.ClockNS),
		"--experimental-setup=BAMBU-BALANCED-MP",
		fmt.Sprintf("--channels-number=%d", pj.opt.Channels),
		"--memory-allocation-policy=" + pj.opt.MemoryPolicy}
	if pj.opt.MemDelayRead > 0 {
		args = append(args, fmt.Sprintf("--mem-delay-read=%d", pj.opt.MemDelayRead))
	}
	if pj.opt.MemDelayWrite > 0 {
		args = append(args, fmt.Sprintf("--mem-delay-write=%d", pj.opt.MemDelayWrite))
	}
	args = append(args, "--disable-function-proxy",
		"--generate-tb="+tb, "--simulate", "--simulator=VERILATOR",
		"--top-fname="+r.design)
	if f := pj.fp[r.design]; f != "" {
		args = append(args, f)
	}
	return args
}

// scripts are bambu/<stem>.sh for every run.
func (pj *projectText) scripts() map[string]string {
	out := map[string]string{}
	for _, r := range pj.runs() {
		var sb strings.Builder
		stem := pj.stem(r)
		fmt.Fprintf(&sb, "#!/usr/bin/env bash\n")
		fmt.Fprintf(&sb, "# Runs PandA-Bambu (2024.x) on %s.ll for %s at %s ns: high-level synthesis\n", r.design, r.dev.Name, clockText(pj.opt.ClockNS))
		fmt.Fprintf(&sb, "# and a Verilator co-simulation against the testbench. Written by kiln compile.\n")
		fmt.Fprintf(&sb, "# Extra arguments go to Bambu (--evaluation adds logic synthesis: Vivado for\n")
		fmt.Fprintf(&sb, "# FPGAs, OpenROAD for ASIC libraries). BAMBU names the executable (default:\n")
		fmt.Fprintf(&sb, "# bambu); KILN_TB=xml uses the XML testbench; KILN_OUT the output folder.\n")
		fmt.Fprintf(&sb, "set -euo pipefail\n")
		fmt.Fprintf(&sb, "project=\"$(cd \"$(dirname \"$0\")/..\" && pwd)\"\n")
		fmt.Fprintf(&sb, "tb=\"$project/testbench/%s_tb.c\"\n", r.design)
		fmt.Fprintf(&sb, "if [ \"${KILN_TB:-c}\" = xml ]; then tb=\"$project/testbench/%s.xml\"; fi\n", r.design)
		fmt.Fprintf(&sb, "out=\"${KILN_OUT:-$project/build/bambu/%s}\"\n", stem)
		if len(pj.weights) > 0 {
			fmt.Fprintf(&sb, "# The testbench loads the weights (%s) from KILN_DATA_DIR.\n", strings.Join(pj.weights, ", "))
			fmt.Fprintf(&sb, "export KILN_DATA_DIR=\"${KILN_DATA_DIR:-$project/data}\"\n")
		}
		fmt.Fprintf(&sb, "mkdir -p \"$out\"\n")
		fmt.Fprintf(&sb, "cd \"$out\"\n")
		fmt.Fprintf(&sb, "\"${BAMBU:-bambu}\" \\\n")
		for _, a := range pj.bambuArgs(r, "$tb") {
			fmt.Fprintf(&sb, "  %s \\\n", shellWord(a))
		}
		fmt.Fprintf(&sb, "  \"$@\" \"$project/%s.ll\" 2>&1 | tee bambu-log\n", r.design)
		out["bambu/"+stem+".sh"] = sb.String()
	}
	return out
}

// shellWord quotes a Bambu argument for bash where it needs it ($tb is
// left to expand, in double quotes).
func shellWord(a string) string {
	if strings.Contains(a, "$") {
		name, value, _ := strings.Cut(a, "=")
		return name + "=\"" + value + "\""
	}
	if strings.ContainsAny(a, "*?[ '\"<>|&;()") {
		return "'" + a + "'"
	}
	return a
}

// reservedTargets are the Makefile's own targets, which no design alias
// may shadow.
var reservedTargets = []string{"help", "all", "synth", "sim", "csim", "asic", "report", "clean"}

// makefile is the project's Makefile.
func (pj *projectText) makefile() string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	main := run{pj.top, pj.opt.Device}
	w("# Makefile of the HLS project of %s for %s at %s ns, written by kiln compile.\n", pj.opt.Model, pj.opt.Device.Name, clockText(pj.opt.ClockNS))
	w("# make help lists the targets; README.md says what each file is.\n\n")
	w("SHELL := /bin/bash\n.SHELLFLAGS := -o pipefail -ec\n\n")
	w("BAMBU ?= bambu\nKILN ?= kiln\nCC ?= gcc\nCFLAGS ?= -std=c99 -O2 -ffp-contract=off\nLDLIBS ?= -lm\n")
	w("# TB=c: Bambu's C testbenches (testbench/*_tb.c); TB=xml: the XML ones (testbench/*.xml)\nTB ?= c\n")
	w("BUILD ?= build\n\n")
	w("TB_c := _tb.c\nTB_xml := .xml\nTBSUFFIX = $(TB_$(TB))\nCSIM := $(BUILD)/csim\n\n")
	w("KERNELS := %s\nTOP := %s\n\n", strings.Join(pj.kernels, " "), pj.top)
	w(".PHONY: help all synth sim csim asic report clean\n\n")
	w("help:\n")
	for _, line := range pj.helpLines() {
		w("\t@echo '%s'\n", strings.ReplaceAll(line, "'", `'\''`))
	}
	w("\nall: csim\n\n")
	w("synth: synth-$(TOP)\n\nsim: sim-$(TOP)\n\n")
	w("csim: $(addprefix csim-,$(KERNELS)) csim-$(TOP)\n\n")
	var asics []string
	for _, a := range targets.ASICs() {
		asics = append(asics, "asic-"+a.Name)
	}
	w("asic: %s\n\n", strings.Join(asics, " "))
	w("report: synth-$(TOP)\n")
	if _, ok := pj.opt.Extra["report.json"]; ok {
		w("\tcp report.json $(BUILD)/synth/%s/report.json\n", pj.stem(main))
	}
	w("\t$(KILN) bambu-report $(BUILD)/synth/%s\n\n", pj.stem(main))
	w("clean:\n\trm -rf $(BUILD)\n\n")
	w("$(CSIM)/%%.o: %%.c\n\t@mkdir -p $(CSIM)\n\t$(CC) $(CFLAGS) -c -o $@ $<\n\n")
	for _, d := range pj.designs {
		pj.designRules(w, d.name)
	}
	for _, a := range targets.ASICs() {
		w(".PHONY: asic-%s\nasic-%s:\n", a.Name, a.Name)
		pj.bambuRecipe(w, run{pj.top, a}, "asic", true)
	}
	return sb.String()
}

// designRules are a design's csim, sim and synth targets and its alias.
func (pj *projectText) designRules(w func(string, ...any), name string) {
	objs := "$(CSIM)/" + name + ".o"
	if name == pj.top {
		objs += " $(addprefix $(CSIM)/,$(addsuffix .o,$(KERNELS)))"
		w("$(CSIM)/%s.o: %s.h $(addsuffix .h,$(KERNELS))\n", name, name)
	} else {
		w("$(CSIM)/%s.o: %s.h\n", name, name)
	}
	w("$(CSIM)/%s_tb: testbench/%s_tb.c %s\n\t$(CC) $(CFLAGS) -DKILN_CSIM -o $@ $^ $(LDLIBS)\n\n", name, name, objs)
	w(".PHONY: csim-%s sim-%s synth-%s\n", name, name, name)
	w("csim-%s: $(CSIM)/%s_tb\n\t$(CSIM)/%s_tb\n\n", name, name, name)
	r := run{name, pj.opt.Device}
	w("sim-%s:\n", name)
	pj.bambuRecipe(w, r, "sim", false)
	w("synth-%s:\n", name)
	pj.bambuRecipe(w, r, "synth", true)
	if !slices.Contains(reservedTargets, name) {
		w(".PHONY: %s\n%s: synth-%s\n\n", name, name, name)
	}
}

// bambuRecipe runs Bambu for r in $(BUILD)/<mode>/<stem>, with
// --evaluation (logic synthesis) when synth.
func (pj *projectText) bambuRecipe(w func(string, ...any), r run, mode string, synth bool) {
	dir := "$(BUILD)/" + mode + "/" + pj.stem(r)
	args := pj.bambuArgs(r, "$(CURDIR)/testbench/"+r.design+"$(TBSUFFIX)")
	if synth {
		args = append(args, "--evaluation")
	}
	quoted := make([]string, len(args))
	for i, a := range args {
		quoted[i] = shellWord(a)
	}
	env := ""
	if len(pj.weights) > 0 {
		env = "KILN_DATA_DIR=$(CURDIR)/data " // the testbench loads the weights from there
	}
	w("\tmkdir -p %s\n", dir)
	w("\tcd %s && %s$(BAMBU) %s $(CURDIR)/%s.ll 2>&1 | tee bambu-log\n\n", dir, env, strings.Join(quoted, " "), r.design)
}

// helpLines are what make help prints.
func (pj *projectText) helpLines() []string {
	dev, clk := pj.opt.Device.Name, clockText(pj.opt.ClockNS)
	return []string{
		fmt.Sprintf("HLS project of %s for %s at %s ns (kiln compile).", pj.opt.Model, dev, clk),
		"  make csim          build each kernel and the top with its testbench (gcc) and compare with golden/",
		"  make sim           Bambu HLS of the top and a Verilator co-simulation (cycles)",
		"  make synth         the same plus logic synthesis (Bambu --evaluation: Vivado for FPGAs)",
		"  make asic          the top through Bambu's OpenROAD flow for every ASIC library",
		"  make report        synth, then kiln bambu-report: Bambu's figures beside report.json's",
		"  make csim-K sim-K synth-K   one design (a kernel or " + pj.top + "); make K = synth-K",
		"  variables: BAMBU KILN CC CFLAGS TB=c|xml BUILD",
	}
}
