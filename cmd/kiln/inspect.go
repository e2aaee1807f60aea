package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/graph"
)

func newInspect(gf *globalFlags) *cobra.Command {
	var raw, ir bool
	cmd := &cobra.Command{
		Use:   "inspect MODEL",
		Short: "show a model's nodes with shapes, element types, parameters and MACs (after the clean-up passes)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var m *onnx.Model
			var err error
			if raw {
				m, err = gf.loadRaw(args[0])
			} else {
				m, err = gf.loadClean(args[0])
			}
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if ir {
				fmt.Fprint(w, m.Graph.String())
				return nil
			}
			printSummary(cmd, m)
			return nil
		},
	}
	cmd.Flags().BoolVar(&raw, "raw", false, "show the graph as read, without the clean-up passes")
	cmd.Flags().BoolVar(&ir, "ir", false, "print the graph IR text instead of the table")
	return cmd
}

func printSummary(cmd *cobra.Command, m *onnx.Model) {
	g := m.Graph
	w := cmd.OutOrStdout()
	fmt.Fprintf(w, "model %q: opset %d, IR version %d", g.Name, m.Opset, m.IRVersion)
	if m.Producer != "" {
		fmt.Fprintf(w, ", from %s", m.Producer)
	}
	fmt.Fprintln(w)
	for _, k := range sortedKeys(m.SymbolDims) {
		fmt.Fprintf(w, "symbol %s = %d\n", k, m.SymbolDims[k])
	}
	for _, id := range g.Inputs {
		fmt.Fprintf(w, "input  %s %v%v\n", g.Tensors[id].Name, g.Tensors[id].Kind, g.Tensors[id].Shape)
	}
	for _, id := range g.Outputs {
		fmt.Fprintf(w, "output %s %v%v\n", g.Tensors[id].Name, g.Tensors[id].Kind, g.Tensors[id].Shape)
	}
	tw := tabwriter.NewWriter(w, 2, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "#\tnode\top\tinputs\toutputs\tparams\tMACs")
	var totalMACs int64
	isParam := g.IsParams()
	for _, n := range g.Nodes {
		var ins, outs []string
		var params int64
		for _, t := range n.In {
			if t == graph.None {
				ins = append(ins, "_")
				continue
			}
			tt := g.Tensors[t]
			s := fmt.Sprintf("%v%v", tt.Kind, tt.Shape)
			if tt.Init != nil {
				s = "const " + s
			}
			if isParam[t] {
				params += int64(tt.Init.Len())
			}
			ins = append(ins, s)
		}
		for _, t := range n.Out {
			if t == graph.None {
				outs = append(outs, "_")
				continue
			}
			outs = append(outs, fmt.Sprintf("%v%v", g.Tensors[t].Kind, g.Tensors[t].Shape))
		}
		macs := g.NodeMACs(n)
		totalMACs += macs
		fmt.Fprintf(tw, "%d\t%s\t%v\t%s\t%s\t%d\t%d\n", n.ID, n.Name, n.Op, strings.Join(ins, " "), strings.Join(outs, " "), params, macs)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d nodes, %d parameters, %d MACs per inference\n", len(g.Nodes), g.Params(), totalMACs)
}
