package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/sim/gpu"
)

// storedBaseline is an imported baseline file and where it lies.
type storedBaseline struct {
	*gpu.Baseline
	file string
}

func newBaseline() *cobra.Command {
	var dir string
	cmd := &cobra.Command{
		Use:   "baseline",
		Short: "import and list measured GPU latencies that kiln compare shows next to its estimates",
		Long: `Measured GPU numbers live in a baselines folder, one checked JSON file per import
(format kiln-gpu-baseline/1, written by sim/gpu/measure.py), under <folder>/<model>/.
The folder is --dir, else $KILN_BASELINES, else <user config dir>/kiln/baselines
(~/.config/kiln/baselines on Linux): measurements belong to the machine and the
person who made them, not to a checkout; point KILN_BASELINES at a shared folder (or one
in a repository) to share them.`,
	}
	cmd.PersistentFlags().StringVar(&dir, "dir", "", "baselines folder (default $KILN_BASELINES, else <user config dir>/kiln/baselines)")
	imp := &cobra.Command{
		Use:   "import FILE.json...",
		Short: "check measured GPU latencies and store them for kiln compare",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			d := baselineDir(dir)
			for _, file := range args {
				path, b, err := importBaseline(d, file)
				if err != nil {
					return err
				}
				fmt.Fprintf(cmd.OutOrStdout(), "imported %s: model %s on %s, %d measurements (%s) → %s\n", file, b.Model, b.GPU, len(b.Measurements), b.Date, path)
			}
			return nil
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "list the imported measurements",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			bs, err := loadBaselines(baselineDir(dir))
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(cmd.OutOrStdout(), 2, 8, 2, ' ', 0)
			fmt.Fprintln(tw, "model\tgpu\truntime\tbatch\tprecision\tper inference µs\tbatch µs\tdate\tfile")
			for _, b := range bs {
				for _, m := range b.Measurements {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%.3f\t%.1f\t%s\t%s\n", b.Model, b.GPU, m.Runtime, m.Batch, m.Precision, m.PerInferenceUS, m.BatchLatencyUS, b.Date, b.file)
				}
			}
			return tw.Flush()
		},
	}
	cmd.AddCommand(imp, list)
	return cmd
}

// baselineDir is the baselines folder: the flag, $KILN_BASELINES, or the
// user's config folder ("" if none can be found).
func baselineDir(flag string) string {
	if flag != "" {
		return flag
	}
	if env := os.Getenv("KILN_BASELINES"); env != "" {
		return env
	}
	if cfg, err := os.UserConfigDir(); err == nil {
		return filepath.Join(cfg, "kiln", "baselines")
	}
	return ""
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// importBaseline checks file and writes it, unchanged, to
// dir/<model>/<gpu>_<date>_<hash>.json (atomically; the same file imported
// twice lands on the same name).
func importBaseline(dir, file string) (string, *gpu.Baseline, error) {
	if dir == "" {
		return "", nil, errors.New("baseline import: no baselines folder: give --dir or set KILN_BASELINES")
	}
	data, err := os.ReadFile(file)
	if err != nil {
		return "", nil, fmt.Errorf("baseline import: %w", err)
	}
	b, err := gpu.ParseBaseline(data)
	if err != nil {
		return "", nil, fmt.Errorf("baseline import %s: %w", file, err)
	}
	h := sha256.Sum256(data)
	sub := filepath.Join(dir, unsafeName.ReplaceAllString(b.Model, "_"))
	name := fmt.Sprintf("%s_%s_%s.json", b.GPU, unsafeName.ReplaceAllString(b.Date, "-"), hex.EncodeToString(h[:4]))
	if err := os.MkdirAll(sub, 0o755); err != nil {
		return "", nil, fmt.Errorf("baseline import: %w", err)
	}
	tmp, err := os.CreateTemp(sub, ".import-*")
	if err != nil {
		return "", nil, fmt.Errorf("baseline import: %w", err)
	}
	_, werr := tmp.Write(data)
	cerr := tmp.Close()
	path := filepath.Join(sub, name)
	if err := errors.Join(werr, cerr); err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err := errors.Join(werr, cerr); err != nil {
		os.Remove(tmp.Name())
		return "", nil, fmt.Errorf("baseline import: %w", err)
	}
	return path, b, nil
}

// loadBaselines reads every baseline under dir (none if dir does not
// exist); a file there that does not check is an error naming it.
func loadBaselines(dir string) ([]storedBaseline, error) {
	if dir == "" {
		return nil, nil
	}
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var out []storedBaseline
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, ".json") || strings.HasPrefix(d.Name(), ".") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		b, err := gpu.ParseBaseline(data)
		if err != nil {
			return fmt.Errorf("baselines: %s: %w", path, err)
		}
		out = append(out, storedBaseline{b, path})
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].file < out[j].file })
	return out, err
}
