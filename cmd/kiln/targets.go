package main

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/targets"
)

func newTargets() *cobra.Command {
	return &cobra.Command{
		Use:   "targets",
		Short: "list the devices kiln compiles for (-t NAME): FPGA parts and ASIC libraries",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
			fmt.Fprintln(w, "NAME\tKIND\tBAMBU\tFAMILY\tDESCRIPTION")
			for _, d := range targets.All() {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", d.Name, d.Kind, d.Bambu, d.Family, d.Description)
			}
			return w.Flush()
		},
	}
}
