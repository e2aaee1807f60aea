package main

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/conform"
	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/frontend/zoo"
	"github.com/kiln-hls/kiln/passes"
)

// modelArg resolves a MODEL argument: a built-in name (lstm, cnn, stgcn)
// or a path to an .onnx file. A bare word that is neither is an error
// listing the built-in names.
func modelArg(arg string) (conform.Source, *zoo.Model, error) {
	if strings.ContainsAny(arg, `/\`) || strings.HasSuffix(arg, ".onnx") {
		return conform.File(arg), nil, nil
	}
	m, err := zoo.Lookup(arg)
	if err != nil {
		if st, statErr := os.Stat(arg); statErr == nil && !st.IsDir() {
			return conform.File(arg), nil, nil
		}
		return conform.Source{}, nil, err
	}
	return conform.Source{Name: m.Name, Load: m.Load}, m, nil
}

// loadRaw reads MODEL as it is.
func (gf *globalFlags) loadRaw(arg string) (*onnx.Model, error) {
	src, _, err := modelArg(arg)
	if err != nil {
		return nil, err
	}
	lo, err := gf.loadOptions()
	if err != nil {
		return nil, err
	}
	return src.Load(lo)
}

// loadClean reads MODEL and runs the clean-up passes.
func (gf *globalFlags) loadClean(arg string) (*onnx.Model, error) {
	m, err := gf.loadRaw(arg)
	if err != nil {
		return nil, err
	}
	if err := passes.RunGraph(gf.passContext(), m.Graph, passes.CleanupPipeline); err != nil {
		return nil, err
	}
	return m, nil
}

func newModels(gf *globalFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "models",
		Short: "list the built-in models: parameters, MACs, shapes and validation error",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "name\tparams\tMACs/window\tinput\toutput\tval RMSE\tpersistence\tmodel")
			for _, name := range zoo.Names() {
				z, err := zoo.Lookup(name)
				if err != nil {
					return err
				}
				m, err := gf.loadClean(name)
				if err != nil {
					return err
				}
				g := m.Graph
				var macs int64
				for _, n := range g.Nodes {
					macs += g.NodeMACs(n)
				}
				in, out := g.Tensors[g.Inputs[0]], g.Tensors[g.Outputs[0]]
				fmt.Fprintf(tw, "%s\t%d\t%d\t%v%v\t%v%v\t%.4g\t%.4g\t%s\n", name, g.Params(), macs, in.Kind, in.Shape, out.Kind, out.Shape,
					z.Metrics.ValRMSE, z.Metrics.PersistenceRMSE, z.Title)
			}
			return tw.Flush()
		},
	}
}
