package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/sweep"
	"github.com/kiln-hls/kiln/sweep/summary"
)

// emitPareto writes the HLS project of every front design, as kiln
// compile writes it (the same command, run in process), under
// DIR/pareto/d<index>, and DIR/pareto/Makefile to build them all. The
// folder is built aside and renamed into place.
func (sw *sweepFlags) emitPareto(cmd *cobra.Command, gf *globalFlags, arg string, space *sweep.Space, sum *summary.Summary) error {
	final := filepath.Join(sw.out, "pareto")
	tmp := filepath.Join(sw.out, ".pareto.tmp")
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	var names []string
	for _, front := range sum.FrontNames() {
		for _, d := range sum.Front(front) {
			name := fmt.Sprintf("d%d", d.Index)
			args, err := sw.compileArgs(arg, space.Design(d.Index), filepath.Join(tmp, name))
			if err != nil {
				return err
			}
			c := newCompile(gf)
			c.SetArgs(args)
			c.SetOut(io.Discard)
			c.SetErr(cmd.ErrOrStderr())
			c.SilenceUsage, c.SilenceErrors = true, true
			if err := c.Execute(); err != nil {
				os.RemoveAll(tmp)
				return fmt.Errorf("--emit-pareto: design %d (%s): %w", d.Index, d.Key, err)
			}
			names = append(names, name)
		}
	}
	if err := os.WriteFile(filepath.Join(tmp, "Makefile"), []byte(paretoMakefile(names)), 0o644); err != nil {
		return err
	}
	if err := os.RemoveAll(final); err != nil {
		return err
	}
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	fmt.Fprintf(cmd.OutOrStdout(), "sweep: %d HLS projects in %s (make -C %s -j N synth)\n", len(names), final, final)
	return nil
}

// compileArgs is kiln compile's command line for design d.
func (sw *sweepFlags) compileArgs(arg string, d sweep.Design, out string) ([]string, error) {
	args := []string{arg, "-o", out}
	dev := sw.target
	if v, ok := d.Device(); ok {
		dev = v
	}
	if dev == "" {
		return nil, fmt.Errorf("design %d has no device (no device knob, no -t)", d.Index)
	}
	args = append(args, "-t", dev)
	if c, ok := d.ClockNS(); ok {
		args = append(args, "--clock", strconv.FormatFloat(c, 'g', -1, 64))
	} else if sw.clock > 0 {
		args = append(args, "--clock", strconv.FormatFloat(sw.clock, 'g', -1, 64))
	} else if dev == "nangate45" || dev == "asap7" || dev == "asap7-BC" {
		args = append(args, "--clock", "5")
	}
	ch := sw.channels
	if c, ok := d.Channels(); ok {
		ch = c
	}
	args = append(args, "--channels", strconv.Itoa(ch))
	prec := sw.precision
	if p, ok := d.Precision(); ok {
		prec = p.String()
	}
	if prec != "" && prec != "fp32" {
		args = append(args, "--precision", prec)
	}
	placement := sw.placement
	if v, ok := d.Placement(); ok {
		placement = v
	}
	if placement != "" {
		args = append(args, "--placement", placement)
	}
	if sw.memory != "" {
		args = append(args, "--offchip-memory", sw.memory)
	}
	if ovs, _ := d.Overrides(); len(ovs) > 0 {
		texts := make([]string, len(ovs))
		for i, o := range ovs {
			texts[i] = o.String()
		}
		args = append(args, "--place", strings.Join(texts, ","))
	}
	if sw.lower.data != "" {
		args = append(args, "--data", sw.lower.data)
	}
	for _, s := range d.Plan() {
		args = append(args, "--"+s.Op.String(), s.Spec.String())
	}
	return args, nil
}

// paretoMakefile builds every front design's project: make -j N synth
// (or csim, sim, asic, report) runs them in parallel.
func paretoMakefile(names []string) string {
	var b strings.Builder
	b.WriteString("# The HLS projects of the sweep's Pareto front (kiln sweep --emit-pareto), one folder\n")
	b.WriteString("# per design (d<index> in results.jsonl). make -j N synth synthesises them all with Bambu.\n\n")
	fmt.Fprintf(&b, "DESIGNS := %s\n\n", strings.Join(names, " "))
	b.WriteString(".PHONY: help csim sim synth asic report\n")
	b.WriteString("help:\n\t@echo 'make [-j N] csim | sim | synth | asic | report: the target in every design folder'\n\n")
	for _, t := range []string{"csim", "sim", "synth", "asic", "report"} {
		fmt.Fprintf(&b, "%s: $(DESIGNS:%%=%s-%%)\n%s-%%:\n\t$(MAKE) -C $* %s\n\n", t, t, t, t)
	}
	return b.String()
}
