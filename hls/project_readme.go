package hls

import (
	"fmt"
	"strings"
)

// readme is the project's README.md: what made it, what each file is,
// how to run it. files are the project's other files, by path.
func (pj *projectText) readme(files map[string][]byte) string {
	var sb strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&sb, format, args...) }
	o := pj.opt
	w("# HLS project: %s for %s at %s ns\n\n", o.Model, o.Device.Name, clockText(o.ClockNS))
	w("Written by kiln compile for PandA-Bambu 2024.x (`--compiler=I386_CLANG16`):\n\n")
	w("    %s\n\n", o.Command)
	w("- device: %s (%s, %s); Bambu's name `%s`\n", o.Device.Name, o.Device.Kind, o.Device.Description, o.Device.Bambu)
	w("- clock period: %s ns; memory channels: %d; memory allocation policy: %s\n", clockText(o.ClockNS), o.Channels, o.MemoryPolicy)
	w("- precision: %s\n", o.Precision)
	if loops := pj.loops(); len(loops) > 0 {
		w("- loop transforms, in order: `%s`\n", strings.Join(loops, "`, `"))
	} else {
		w("- loop transforms: none\n")
	}
	w("- top function `%s` calls the kernels in order: %s\n", pj.top, strings.Join(pj.kernels, ", "))
	if pj.fp[pj.top] != "" {
		w("- kernels computing in a narrow float format take Bambu's `%s`\n", pj.fp[pj.top])
	}
	w("\n## Running it\n\n")
	w("Bambu is needed for `sim`, `synth` and `asic` (plus Vivado for `synth` on an FPGA, OpenROAD\n")
	w("for `asic`); `csim` needs only gcc.\n\n```\n")
	for _, line := range pj.helpLines()[1:] {
		w("%s\n", line)
	}
	w("```\n\nBambu's output goes to `build/<mode>/<design>_<device>_<clock>ns/` (`HLS_output/`,\n")
	w("`bambu-log`, `results.txt`, `bambu_results_*.xml`); `kiln bambu-report DIR` reads it.\n")
	w("The scripts in `bambu/` run the same commands by hand (into `build/bambu/`).\n")
	w("\n## Files\n\n| file | what it is |\n|---|---|\n")
	for _, name := range sortedNames(files) {
		w("| `%s` | %s |\n", name, pj.describeFile(name))
	}
	w("| `README.md` | this file |\n| `%s` | what made the project and the list of its files (kiln knows the folder as its own by it) |\n", ManifestName)
	w("\n## Test data\n\n")
	w("The testbenches pass %s to `%s`; each kernel's testbench passes what the kernels\n", o.InputSource, pj.top)
	w("before it compute from them. `golden/<design>.P<i>.bin` hold what argument i must hold after\n")
	w("the call, as raw little-endian values of the argument's C type, computed by kiln's\n")
	w("bit-accurate interpreter of exactly this code (ir/loop/exec): `make csim` checks the C\n")
	w("against them bit for bit, and the emitted LLVM IR computes the same bits. Bambu's\n")
	w("co-simulation compares the hardware with the testbench run in software.\n")
	if len(pj.weights) > 0 {
		w("\nThe weights placed off chip are pointer arguments of `%s` (and of the kernels that\n", pj.top)
		w("read them), not constants inside the design: %s. Each holds the weight's\n", "`"+strings.Join(pj.weights, "`, `")+"`")
		w("values as raw little-endian elements of its C type (fixed point: the raw integers); every\n")
		w("testbench that takes one reads it before the call from `$KILN_DATA_DIR` (default `data`,\n")
		w("relative to the project root; the Makefile and the scripts set it for Bambu). A driver on\n")
		w("the board loads the same bytes into the external memory it passes to `%s`.\n", pj.top)
	}
	return sb.String()
}

// describeFile says what a project file is.
func (pj *projectText) describeFile(name string) string {
	stem, ext := name, ""
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		stem, ext = name[:i], name[i:]
	}
	switch {
	case name == "Makefile":
		return "`make help`: csim, sim, synth, asic, report and one target per design"
	case name == pj.top+".kir":
		return "the loop IR of every kernel and the top, after all passes (`kiln compile --explain` prints it)"
	case name == pj.top+"_all.c":
		return "every kernel and the top in one C translation unit"
	case name == pj.top+".ll":
		return "LLVM IR of the top and every kernel, one module: Bambu's input for the whole design"
	case name == pj.top+".c" || name == pj.top+".h":
		return "the top in C: calls the kernels in order; the tensors between them are static arrays"
	case name == "report.json":
		return "kiln's estimate for exactly this design (`kiln sim --json`): cycles, latency, resources, power, energy, per layer; `make report` puts Bambu's figures beside it"
	case name == "narrow_report.txt":
		return "what narrowing to the precision made of each kernel (types, lookup tables, float fallbacks)"
	case strings.HasPrefix(name, "bambu/"):
		return "Bambu's command for one design on one device (bash; extra arguments go to Bambu)"
	case strings.HasPrefix(name, "data/"):
		return "a weight placed off chip, which the top takes as a pointer: its values as raw little-endian elements of its C type; the testbenches load it (KILN_DATA_DIR, default data)"
	case strings.HasPrefix(name, "golden/"):
		return "expected contents of one argument after the call (raw little-endian)"
	case strings.HasPrefix(name, "testbench/") && ext == ".xml":
		return "Bambu's XML testbench (fallback, `TB=xml`): every argument in full, named P0, P1, …"
	case strings.HasPrefix(name, "testbench/"):
		return "Bambu's C testbench: the arguments, m_param_alloc for each, the call; `-DKILN_CSIM` adds the golden check"
	case ext == ".ll":
		return "LLVM IR of kernel " + stem + " alone (its constants inside): Bambu's input for that kernel"
	case ext == ".c":
		return "kernel " + stem + " in C99"
	case ext == ".h":
		return "kernel " + stem + "'s declaration"
	}
	return "added by kiln compile"
}
