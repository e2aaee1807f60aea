package gpu

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strings"

	"github.com/kiln-hls/kiln/targets"
)

// Format names the baseline file format (measure.py writes it).
const Format = "kiln-gpu-baseline/1"

// Baseline is a file of measured GPU latencies of one model on one GPU,
// with what is needed to trust them: the device, driver and software
// versions, the date and who measured.
type Baseline struct {
	Format       string            `json:"format"`
	Model        string            `json:"model"`                  // built-in name or the ONNX file's base name
	ModelSHA256  string            `json:"model_sha256,omitempty"` // of the .onnx measured, when known
	GPU          string            `json:"gpu"`                    // kiln's GPU name (targets)
	Device       Device            `json:"device"`
	Software     map[string]string `json:"software"` // python, torch, onnxruntime, … versions
	Date         string            `json:"date"`     // YYYY, YYYY-MM, YYYY-MM-DD or RFC 3339
	Source       string            `json:"source"`   // who measured, how, or the publication
	Measurements []Measurement     `json:"measurements"`
}

// Device is the measured device as the driver names it.
type Device struct {
	Name   string `json:"name"`
	Driver string `json:"driver"`
	CUDA   string `json:"cuda,omitempty"`
	CuDNN  string `json:"cudnn,omitempty"`
}

// Measurement is one batch size and precision.
type Measurement struct {
	Runtime        string  `json:"runtime"` // pytorch, onnxruntime-cuda, …
	Batch          int     `json:"batch"`
	Precision      string  `json:"precision"`
	BatchLatencyUS float64 `json:"batch_latency_us,omitempty"` // median of the repeats
	PerInferenceUS float64 `json:"per_inference_us,omitempty"` // batch latency / batch
	P50US          float64 `json:"p50_us,omitempty"`           // of the batch latency
	P99US          float64 `json:"p99_us,omitempty"`
	Repeats        int     `json:"repeats,omitempty"`
	// EndToEnd is true when the time includes the copies from host
	// arrays and back (as the model estimates); false for device time only.
	EndToEnd bool   `json:"end_to_end"`
	Note     string `json:"note,omitempty"`
}

var dateRE = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?$`)

// ParseBaseline reads and checks a baseline file, filling whichever of
// batch latency and per-inference latency is missing. Every problem is
// reported, each naming where it is.
func ParseBaseline(data []byte) (*Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var b Baseline
	if err := dec.Decode(&b); err != nil {
		return nil, fmt.Errorf("not a baseline file: %w", err)
	}
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	if b.Format != Format {
		bad("format %q: want %q", b.Format, Format)
	}
	if strings.TrimSpace(b.Model) == "" {
		bad("model: missing")
	}
	if _, err := targets.LookupGPU(b.GPU); err != nil {
		bad("gpu: %w", err)
	}
	if b.Device.Name == "" || b.Device.Driver == "" {
		bad("device: name and driver are required (write \"unknown\" and say why in source if they are)")
	}
	if len(b.Software) == 0 {
		bad("software: no versions")
	}
	if !dateRE.MatchString(b.Date) {
		bad("date %q: want YYYY[-MM[-DD]] or an RFC 3339 time", b.Date)
	}
	if strings.TrimSpace(b.Source) == "" {
		bad("source: missing")
	}
	if len(b.Measurements) == 0 {
		bad("measurements: none")
	}
	for i := range b.Measurements {
		if err := b.Measurements[i].check(); err != nil {
			bad("measurements[%d]: %w", i, err)
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &b, nil
}

func (m *Measurement) check() error {
	if m.Runtime == "" {
		return fmt.Errorf("runtime: missing")
	}
	if m.Batch < 1 {
		return fmt.Errorf("batch %d: must be at least 1", m.Batch)
	}
	if _, err := ParsePrecision(m.Precision); err != nil {
		return err
	}
	for _, v := range []float64{m.BatchLatencyUS, m.PerInferenceUS, m.P50US, m.P99US} {
		if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("latency %g: must be a positive number of µs", v)
		}
	}
	switch {
	case m.BatchLatencyUS == 0 && m.PerInferenceUS == 0:
		return fmt.Errorf("batch %d %s: neither batch_latency_us nor per_inference_us", m.Batch, m.Precision)
	case m.BatchLatencyUS == 0:
		m.BatchLatencyUS = m.PerInferenceUS * float64(m.Batch)
	case m.PerInferenceUS == 0:
		m.PerInferenceUS = m.BatchLatencyUS / float64(m.Batch)
	case math.Abs(m.PerInferenceUS*float64(m.Batch)/m.BatchLatencyUS-1) > 0.01:
		return fmt.Errorf("batch %d %s: per_inference_us %g × batch ≠ batch_latency_us %g", m.Batch, m.Precision, m.PerInferenceUS, m.BatchLatencyUS)
	}
	if m.P50US > 0 && m.P99US > 0 && m.P99US < m.P50US {
		return fmt.Errorf("batch %d %s: p99 %g µs below p50 %g µs", m.Batch, m.Precision, m.P99US, m.P50US)
	}
	return nil
}

// Find returns the measurements of precision p at batch n.
func (b *Baseline) Find(p Precision, n int) []Measurement {
	var out []Measurement
	for _, m := range b.Measurements {
		if m.Precision == string(p) && m.Batch == n {
			out = append(out, m)
		}
	}
	return out
}
