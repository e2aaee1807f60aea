package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/kiln-hls/kiln/frontend/zoo/gridsim"
)

// manifest is DIR/scenarios.json.
type manifest struct {
	Seed      int64              `json:"seed"`
	Rows      int                `json:"rows"`
	Features  string             `json:"features"`
	Scenarios []manifestScenario `json:"scenarios"`
	Skipped   []gridsim.Skipped  `json:"skipped"`
}

type manifestScenario struct {
	File   string    `json:"file"`
	Index  int       `json:"index"`
	Hops   int       `json:"hops"`
	K      float64   `json:"k"`
	Buses  []int     `json:"buses"`
	DeltaP []float64 `json:"delta_p_pu"`
	MinF   float64   `json:"f_min_hz"`
	MaxF   float64   `json:"f_max_hz"`
	MinVm  float64   `json:"vm_min_pu"`
	MaxVm  float64   `json:"vm_max_pu"`
}

type gridsimFlags struct {
	n       int
	seed    int64
	out     string
	data    string
	force   bool
	workers int
}

func newGridsim() *cobra.Command {
	gf := &gridsimFlags{}
	cmd := &cobra.Command{
		Use:   "gridsim -n N --seed S -o DIR",
		Short: "simulate IEEE 68-bus load-pulse scenarios as training data (DIR/scenario_NNN.npy: 1400×136 float32 [F | Vm])",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return gf.run(cmd.OutOrStdout())
		},
	}
	f := cmd.Flags()
	f.IntVarP(&gf.n, "n", "n", 0, "number of stable scenarios to write (1..1000)")
	f.Int64Var(&gf.seed, "seed", 1, "random seed; the same seed and -n give byte-identical files")
	f.StringVarP(&gf.out, "out", "o", "", "output folder (created; must be empty unless --force)")
	f.StringVar(&gf.data, "data", "../shared/data/ieee68", "folder with the IEEE 68-bus CSVs")
	f.BoolVar(&gf.force, "force", false, "write into a non-empty output folder, replacing files")
	f.IntVar(&gf.workers, "workers", 0, "parallel simulations (default GOMAXPROCS); the output does not depend on it")
	return cmd
}

func (gf *gridsimFlags) run(w io.Writer) error {
	if gf.n < 1 || gf.n > 1000 {
		return fmt.Errorf("gridsim: -n %d: must be in 1..1000", gf.n)
	}
	if gf.out == "" {
		return errors.New("gridsim: -o DIR is required")
	}
	start := time.Now()
	sys, err := gridsim.Load(gf.data)
	if err != nil {
		return err
	}
	if err := checkDir(gf.out, gf.force); err != nil {
		return err
	}
	workers := gf.workers
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	res, skipped, err := sys.Generate(gf.seed, gf.n, workers)
	if err != nil {
		return err
	}
	// Only now, with every scenario simulated, does anything touch the disk.
	if err := os.MkdirAll(gf.out, 0o755); err != nil {
		return fmt.Errorf("gridsim: %w", err)
	}
	m := manifest{Seed: gf.seed, Rows: gridsim.Rows, Features: "F(68, Hz) | Vm(68, pu), buses 1..68",
		Scenarios: []manifestScenario{}, Skipped: append([]gridsim.Skipped{}, skipped...)}
	for i, r := range res {
		name := fmt.Sprintf("scenario_%03d.npy", i)
		if err := writeNPYFile(filepath.Join(gf.out, name), r.Trace.Rows); err != nil {
			return err
		}
		sc, tr := r.Scenario, r.Trace
		m.Scenarios = append(m.Scenarios, manifestScenario{File: name, Index: sc.Index, Hops: sc.Hops, K: sc.K,
			Buses: sc.Buses, DeltaP: sc.DeltaP, MinF: tr.MinF, MaxF: tr.MaxF, MinVm: tr.MinVm, MaxVm: tr.MaxVm})
	}
	js, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return fmt.Errorf("gridsim: %w", err)
	}
	if err := writeWhole(filepath.Join(gf.out, "scenarios.json"), func(w io.Writer) error {
		_, err := w.Write(append(js, '\n'))
		return err
	}); err != nil {
		return err
	}
	fmt.Fprintf(w, "gridsim: %d scenarios (%d unstable skipped) in %s, %.1f s\n",
		len(res), len(skipped), gf.out, time.Since(start).Seconds())
	return nil
}

// checkDir accepts dir when it does not exist yet, is empty, or force is set.
func checkDir(dir string, force bool) error {
	ents, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return nil
	case err != nil:
		return fmt.Errorf("gridsim: %w", err)
	case len(ents) > 0 && !force:
		return fmt.Errorf("gridsim: %s is not empty (use --force to write into it)", dir)
	}
	return nil
}

func writeNPYFile(path string, rows [][]float32) error {
	return writeWhole(path, func(w io.Writer) error { return gridsim.WriteNPY(w, rows) })
}

// writeWhole writes a file through a temporary name in the same folder and
// renames it into place, so a failure never leaves a half-written file.
func writeWhole(path string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("gridsim: %w", err)
	}
	tmp := f.Name()
	err = write(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
