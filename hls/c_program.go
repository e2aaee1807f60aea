package hls

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/kiln-hls/kiln/ir/dtype"
	"github.com/kiln-hls/kiln/ir/loop"
)

// CProgram is a whole program as C99.
//
//   - Kernels are the kernels' files, one CFiles per kernel in
//     loop.Program.Kernels' order, each as EmitC writes it (K.c includes
//     K.h).
//   - Top is the top function's files (Top.Name is p.Name's C name,
//     "forward_kernel" for lowered models): Top.H declares
//     void forward_kernel(const T0 *restrict in0, …, Tn *restrict outN),
//     one flat row-major pointer per parameter of p, inputs (const; the
//     off-chip weights among them) then outputs, with EmitLLVMProgram's
//     signature; Top.C includes every
//     kernel's header, holds the temporaries as file-scope static arrays
//     (zero when the program loads, not at each call: see EmitLLVMProgram)
//     and calls the kernels in order.
//   - Unit is the whole program as one translation unit: the helpers once,
//     every kernel's function and the top, including only the standard
//     headers and Top.H's declaration. Build it alone (gcc -std=c99
//     -ffp-contract=off -c unit.c -lm) or the separate files together;
//     both compute the same.
//
// Files lists every file by name, for writing to a folder.
type CProgram struct {
	Kernels []CFiles
	Top     CFiles
	Unit    string
}

// Files returns every file of the program by name: each kernel's .c and
// .h, the top's, and the unit as <top>_all.c.
func (p CProgram) Files() map[string]string {
	m := map[string]string{}
	for _, f := range append(append([]CFiles(nil), p.Kernels...), p.Top) {
		m[f.Name+".c"], m[f.Name+".h"] = f.C, f.H
	}
	m[p.Top.Name+"_all.c"] = p.Unit
	return m
}

// EmitCProgram returns program p as C99 (see CProgram) computing what
// ir/loop/exec's RunProgram computes, with EmitC's conditions (build with
// -ffp-contract=off). p is verified first; the errors of EmitLLVMProgram
// apply (a top buffer passed to a constant parameter, a written buffer
// passed twice), and every problem is reported at once.
func EmitCProgram(p *loop.Program) (CProgram, error) {
	if p == nil {
		return CProgram{}, errors.New("hls: c: nil program")
	}
	if err := loop.VerifyProgram(p); err != nil {
		return CProgram{}, fmt.Errorf("hls: c: %w", err)
	}
	var out CProgram
	var errs []error
	helpers := map[string]string{}
	var defs []string
	fnames := map[string]bool{}
	for _, k := range p.Kernels {
		e, body, err := emitC(k)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if fnames[e.fname] {
			errs = append(errs, fmt.Errorf("hls: c: kernel %s: its C name %s is taken", k.Name, e.fname))
		}
		fnames[e.fname] = true
		out.Kernels = append(out.Kernels, CFiles{Name: e.fname, C: e.cFile(body), H: e.hFile()})
		maps.Copy(helpers, e.helpers)
		defs = append(defs, e.paramDoc()+e.signature()+"\n{\n"+body+"}\n")
	}
	if len(errs) > 0 {
		return CProgram{}, errors.Join(errs...)
	}
	t, err := newCTop(p, out.Kernels, fnames)
	if err != nil {
		return CProgram{}, err
	}
	out.Top = CFiles{Name: t.name, C: t.cFile(), H: t.hFile()}
	out.Unit = t.unit(helpers, defs)
	return out, nil
}

// cTop is the top function of a program being emitted.
type cTop struct {
	p       *loop.Program
	name    string
	kernels []CFiles
	bufName []string
	isParam []bool
	calls   []string // the statements of the body
}

func newCTop(p *loop.Program, kernels []CFiles, taken map[string]bool) (*cTop, error) {
	// The names of the top's buffers go through a kernel emitter's
	// uniquifier, with the kernels' names taken.
	names := newCEmitter(&loop.Kernel{Name: p.Name})
	t := &cTop{p: p, name: names.fname, kernels: kernels,
		bufName: make([]string, len(p.Buffers)), isParam: make([]bool, len(p.Buffers))}
	var errs []error
	if taken[t.name] {
		errs = append(errs, fmt.Errorf("hls: c: program %s: a kernel has the top's C name", p.Name))
	}
	for n := range taken {
		names.used[n] = true
	}
	for _, id := range p.Params {
		t.isParam[id] = true
	}
	for id, b := range p.Buffers {
		if err := cKindErr(b.Kind); err != "" {
			errs = append(errs, fmt.Errorf("hls: c: program %s: buffer %s: %s", p.Name, b.Name, err))
		}
		t.bufName[id] = names.unique(b.Name)
	}
	for ci, c := range p.Calls {
		k := p.Kernels[c.Kernel]
		if err := checkCall(p, c); err != nil {
			errs = append(errs, fmt.Errorf("hls: c: program %s: call %d (%s): %v", p.Name, ci, k.Name, err))
			continue
		}
		args := make([]string, len(c.Args))
		for i, id := range c.Args {
			args[i] = t.bufName[id]
			if p.Buffers[id].Rank() == 0 && !t.isParam[id] {
				args[i] = "&" + args[i]
			}
		}
		t.calls = append(t.calls, fmt.Sprintf("%s(%s);", kernels[c.Kernel].Name, strings.Join(args, ", ")))
	}
	return t, errors.Join(errs...)
}

// signature is the top's prototype.
func (t *cTop) signature() string {
	var bufs []*loop.Buffer
	var names []string
	for _, id := range t.p.Params {
		bufs, names = append(bufs, t.p.Buffers[id]), append(names, t.bufName[id])
	}
	return cPrototype(t.name, bufs, names)
}

// doc lists the top's parameters as the IR declares them.
func (t *cTop) doc() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* %s: the loop IR program %s, generated by kiln: %d kernel calls.\n", t.name, t.p.Name, len(t.p.Calls))
	for _, id := range t.p.Params {
		fmt.Fprintf(&sb, " *   %s\n", cDescribe(t.p.Buffers[id]))
	}
	sb.WriteString(" * Arrays are flat and row-major. */\n")
	return sb.String()
}

func (t *cTop) hFile() string {
	guard := "KILN_" + strings.ToUpper(t.name) + "_H"
	return fmt.Sprintf("#ifndef %s\n#define %s\n\n#include <stdbool.h>\n#include <stdint.h>\n\n%s%s;\n\n#endif /* %s */\n",
		guard, guard, t.doc(), t.signature(), guard)
}

// definition is the temporaries and the top function.
func (t *cTop) definition() string {
	var sb strings.Builder
	for id, b := range t.p.Buffers {
		if t.isParam[id] {
			continue
		}
		if b.Rank() == 0 {
			fmt.Fprintf(&sb, "static %s %s;%s\n", cType(b.Kind), t.bufName[id], cFixedComment(b.Kind))
		} else {
			// C has no empty arrays; an empty temporary is never read.
			fmt.Fprintf(&sb, "static %s %s[%d];%s\n", cType(b.Kind), t.bufName[id], max(dtype.Size(b.Shape), 1), cFixedComment(b.Kind))
		}
	}
	if sb.Len() > 0 {
		sb.WriteString("\n")
	}
	sb.WriteString(t.doc())
	sb.WriteString(t.signature())
	sb.WriteString("\n{\n")
	for _, c := range t.calls {
		sb.WriteString("\t" + c + "\n")
	}
	sb.WriteString("}\n")
	return sb.String()
}

func (t *cTop) cFile() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* %s.c: the loop IR program %s in C99, generated by kiln. */\n\n", t.name, t.p.Name)
	fmt.Fprintf(&sb, "#include \"%s.h\"\n", t.name)
	for _, k := range t.kernels {
		fmt.Fprintf(&sb, "#include \"%s.h\"\n", k.Name)
	}
	sb.WriteString("\n")
	sb.WriteString(t.definition())
	return sb.String()
}

// unit is the whole program in one file: helpers once, the kernels' and
// the top's definitions.
func (t *cTop) unit(helpers map[string]string, defs []string) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "/* %s_all.c: the loop IR program %s in C99, one translation unit, generated by kiln.\n", t.name, t.p.Name)
	sb.WriteString(" * Each float operation rounds to float (FLT_EVAL_METHOD 0, no contraction):\n")
	sb.WriteString(" * build with -ffp-contract=off to compute what ir/loop/exec computes. */\n")
	sb.WriteString("#pragma STDC FP_CONTRACT OFF\n\n")
	sb.WriteString("#include <math.h>\n#include <stdbool.h>\n#include <stdint.h>\n\n")
	sb.WriteString(cHelperText(helpers))
	for _, d := range defs {
		sb.WriteString(d)
		sb.WriteString("\n")
	}
	sb.WriteString(t.definition())
	return sb.String()
}
