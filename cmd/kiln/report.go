package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/report"
)

func newReport() *cobra.Command {
	var dir string
	var quick bool
	cmd := &cobra.Command{
		Use:   "report [-o DIR] [--quick]",
		Short: "the main job: the built-in models on an FPGA and an ASIC at four precisions against the A100 and H100, as a markdown report with plots",
		Long: `report lowers the three built-in models (lstm, cnn, stgcn), narrows each to fp32, fp16,
fixed<16,6> and int8, estimates each design with kiln's schedule model of Bambu on
xc7z020-1clg484-VVD at 10 ns and nangate45 at 5 ns (as kiln sim does), estimates the same
models on a100-sxm4-40gb and h100-sxm at batch 1 and at the study's batch 2048 (as kiln compare
does), measures each precision's error against fp32 on the first validation windows, and writes
DIR/report.md with tables (latency, energy, speed-up and energy ratio against each GPU,
accuracy, per-layer breakdown) and plots as PNG and SVG. The output is the same, byte for
byte, on every run. --quick: fp32 and int8 only, fewer validation windows.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			cfg := report.Default()
			if quick {
				cfg = report.Quick()
			}
			if err := checkOutDir(dir); err != nil {
				return err
			}
			r, err := report.Run(cfg)
			if err != nil {
				return err
			}
			files, err := r.Files()
			if err != nil {
				return err
			}
			if err := writeReport(dir, files); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "wrote %s (%d files)\n", filepath.Join(dir, "report.md"), len(files))
			return nil
		},
	}
	cmd.Flags().StringVarP(&dir, "output", "o", "kiln-report", "folder to write report.md and the plots into (created if missing)")
	cmd.Flags().BoolVar(&quick, "quick", false, "a smaller run: fp32 and int8 only, fewer validation windows")
	return cmd
}

// checkOutDir creates DIR, failing early, before the work, when it is a
// file or cannot be made.
func checkOutDir(dir string) error {
	if dir == "" {
		return fmt.Errorf("-o: empty folder name")
	}
	if st, err := os.Stat(dir); err == nil && !st.IsDir() {
		return fmt.Errorf("-o %s: exists and is not a folder", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("-o %s: %w", dir, err)
	}
	return nil
}

func writeReport(dir string, files map[string][]byte) error {
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		data := files[n]
		if err := writeWhole(filepath.Join(dir, n), func(w io.Writer) error {
			_, err := w.Write(data)
			return err
		}); err != nil {
			return err
		}
	}
	return nil
}
