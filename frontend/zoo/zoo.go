// Package zoo holds kiln's built-in models: the LSTM, CNN and STGCN of the
// study "Analyzing inference workloads for spatiotemporal modeling" (FGCS
// 2024), with the architectures of ../shared/models/PAPER_MODELS.md,
// trained by train/train.py on IEEE 68-bus data from gridsim, embedded
// with their validation windows and reference outputs so that kiln needs
// no download.
//
// Each model lives in models/<name>/ in ONNX's backend-test layout:
// model.onnx, test_data_set_0/input_0.pb (validation windows) and
// output_0.pb (PyTorch's outputs on them), and target_0.pb (what the grid
// really did next). models/metrics.json records the training run.
package zoo

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"strings"

	"github.com/kiln-hls/kiln/frontend/onnx"
	"github.com/kiln-hls/kiln/ir/dtype"
)

//go:embed models
var files embed.FS

// Model is one built-in model.
type Model struct {
	Name    string
	Title   string
	Metrics Metrics
}

// Metrics are the figures of the training run (models/metrics.json).
type Metrics struct {
	Params          int64   `json:"params"`
	ValRMSE         float64 `json:"val_rmse"`
	PersistenceRMSE float64 `json:"persistence_rmse"`
	ValPhysical     Units   `json:"val_rmse_physical"`
	PersistPhysical Units   `json:"persistence_rmse_physical"`
	WindowsTrain    int     `json:"windows_train"`
	WindowsVal      int     `json:"windows_val"`
	Epochs          float64 `json:"epochs"`
	Seconds         float64 `json:"seconds"`
	Normalised      bool    `json:"normalised"`
}

// Units is an error in physical units: frequency in Hz, voltage in pu.
type Units struct {
	Hz float64 `json:"hz"`
	PU float64 `json:"pu"`
}

// catalogue is the built-in models in the order kiln lists them.
var catalogue = []struct{ name, title string }{
	{"lstm", "LSTM 136→64 + Linear 64→4080 (study §2)"},
	{"cnn", "Conv1d 136→256 k3 on the last 3 steps + Linear 256→4080 (study §3)"},
	{"stgcn", "STGCN TNTGT 2→16→32→64, 68-bus graph (study §4)"},
}

// Names lists the built-in models.
func Names() []string {
	out := make([]string, len(catalogue))
	for i, c := range catalogue {
		out[i] = c.name
	}
	return out
}

// Lookup returns the built-in model called name; an unknown name is an
// error that lists the known ones.
func Lookup(name string) (*Model, error) {
	for _, c := range catalogue {
		if c.name != name {
			continue
		}
		m := &Model{Name: c.name, Title: c.title}
		all, err := metrics()
		if err != nil {
			return nil, err
		}
		m.Metrics = all[name]
		return m, nil
	}
	return nil, fmt.Errorf("no built-in model %q; kiln has %s", name, strings.Join(Names(), ", "))
}

func metrics() (map[string]Metrics, error) {
	b, err := files.ReadFile("models/metrics.json")
	if err != nil {
		return nil, fmt.Errorf("zoo: %w", err)
	}
	var all map[string]Metrics
	if err := json.Unmarshal(b, &all); err != nil {
		return nil, fmt.Errorf("zoo: models/metrics.json: %w", err)
	}
	return all, nil
}

// ONNX is the model file's bytes.
func (m *Model) ONNX() ([]byte, error) {
	return files.ReadFile("models/" + m.Name + "/model.onnx")
}

// Load reads the model as frontend/onnx does a file.
func (m *Model) Load(opt onnx.Options) (*onnx.Model, error) {
	b, err := m.ONNX()
	if err != nil {
		return nil, fmt.Errorf("zoo: %w", err)
	}
	om, err := onnx.Decode(b, "", opt)
	if err != nil {
		return nil, fmt.Errorf("built-in model %s: %w", m.Name, err)
	}
	return om, nil
}

// Data is the model's folder: test_data_set_0 and target_0.pb.
func (m *Model) Data() fs.FS {
	sub, err := fs.Sub(files, "models/"+m.Name)
	if err != nil {
		panic(err) // a constant, valid path
	}
	return sub
}

// Targets are the true future values of the validation windows.
func (m *Model) Targets() (*dtype.Array, error) {
	return onnx.ReadTensorFS(m.Data(), "target_0.pb", 0)
}
