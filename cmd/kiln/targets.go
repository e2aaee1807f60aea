package main

import (
	"fmt"
	"strconv"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/targets"
)

func newTargets() *cobra.Command {
	var sources bool
	cmd := &cobra.Command{
		Use:   "targets [--sources]",
		Short: "list the devices kiln compiles for (-t NAME): FPGA parts and ASIC libraries, with their resources",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tKIND\tBAMBU\tLUT\tFF\tDSP\tBRAM36\tURAM\tMIN CLOCK NS\tSTATIC W\tDESCRIPTION")
			for _, d := range targets.All() {
				lut, ff, dsp, bram, uram := "–", "–", "–", "–", "–"
				if r := d.Resources; r != nil {
					lut, ff, dsp, bram, uram = strconv.Itoa(r.LUT), strconv.Itoa(r.FF), strconv.Itoa(r.DSP), strconv.Itoa(r.BRAM36), strconv.Itoa(r.URAM)
				}
				static := "?"
				if d.StaticPowerW > 0 {
					static = strconv.FormatFloat(d.StaticPowerW, 'g', -1, 64)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.2f\t%s\t%s\n", d.Name, d.Kind, d.Bambu, lut, ff, dsp, bram, uram, d.MinClockNS(), static, d.Description)
			}
			if err := w.Flush(); err != nil || !sources {
				return err
			}
			for _, d := range targets.All() {
				fmt.Fprintf(cmd.OutOrStdout(), "\n%s\n  device: %s\n", d.Name, d.Source)
				if d.Resources != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "  resources: %s\n", d.Resources.Source)
				}
				fmt.Fprintf(cmd.OutOrStdout(), "  static power: %s\n", d.StaticPowerSource)
				if d.Energy != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "  energy: %s\n", d.Energy.Source)
				}
				if d.Activity != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "  activity: %s\n", d.Activity.Source)
				}
				if m := d.Memory; m != nil {
					if oc := m.OnChip; oc != nil {
						for _, b := range []struct {
							name string
							blk  *targets.Block
						}{{"block RAM", oc.BRAM}, {"UltraRAM", oc.URAM}} {
							if b.blk != nil {
								fmt.Fprintf(cmd.OutOrStdout(), "  %s: %s\n", b.name, b.blk.Source)
							}
						}
						fmt.Fprintf(cmd.OutOrStdout(), "  distributed RAM: %s\n", oc.LUTRAMSource)
					}
					for _, o := range m.OffChip {
						fmt.Fprintf(cmd.OutOrStdout(), "  off-chip %s: %s; latency: %s; bursts: %s\n", o.Name, o.Source, o.LatencySource, o.BurstSource)
					}
				}
				if d.ASICArea != nil {
					fmt.Fprintf(cmd.OutOrStdout(), "  area: %s\n", d.ASICArea.Source)
				}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&sources, "sources", false, "also print where each device's figures come from")
	return cmd
}
