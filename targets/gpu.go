package targets

import (
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// GPU is a graphics processor kiln compares designs with: peak rates per
// precision, memory, host link, launch overhead and power, from NVIDIA's
// data sheets and whitepapers (gpus.json; Source says which).
type GPU struct {
	Name  string `json:"name"`  // kiln's name (--gpu NAME)
	Title string `json:"title"` // the product
	Arch  string `json:"arch"`  // volta, ampere, hopper
	SMs   int    `json:"sms"`   // streaming multiprocessors
	// Peak is dense peak throughput in TFLOPS (TOPS for int8) by rate
	// name: fp64, fp32, fp16, bf16 on the CUDA cores; fp64_tc, tf32_tc,
	// fp16_tc, bf16_tc, int8_tc on the tensor cores. A rate the data
	// sheet does not give is absent.
	Peak         map[string]float64 `json:"peak_tflops"`
	MemoryGB     float64            `json:"memory_gb"`
	MemoryGBs    float64            `json:"memory_gbs"` // device memory bandwidth, GB/s
	TDPW         float64            `json:"tdp_w"`      // board power, W
	Link         Link               `json:"link"`       // host <-> device
	LaunchUS     float64            `json:"launch_us"`  // cost of one kernel launch, µs
	Source       string             `json:"source"`
	LaunchSource string             `json:"launch_source"`
}

// Link is the path between host memory and the GPU's memory.
type Link struct {
	Kind string  `json:"kind"`
	GBs  float64 `json:"gbs"` // one direction, GB/s
}

// Rates are the peak names a GPU may list.
var Rates = []string{"fp64", "fp64_tc", "fp32", "tf32_tc", "fp16", "fp16_tc", "bf16", "bf16_tc", "int8_tc"}

//go:embed gpus.json
var gpusJSON []byte

var loadGPUs = sync.OnceValues(func() ([]GPU, error) {
	return parseGPUs(gpusJSON)
})

// parseGPUs reads a GPU list, checking that every GPU is complete, named
// once and has positive rates under known names.
func parseGPUs(data []byte) ([]GPU, error) {
	gs, err := decodeList[GPU](data, "gpus.json")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, g := range gs {
		if err := g.check(); err != nil {
			return nil, fmt.Errorf("targets: gpus.json: gpu %d (%q): %w", i, g.Name, err)
		}
		if seen[g.Name] {
			return nil, fmt.Errorf("targets: gpus.json: gpu %s listed twice", g.Name)
		}
		seen[g.Name] = true
	}
	return gs, nil
}

func (g GPU) check() error {
	switch {
	case g.Name == "" || g.Source == "" || g.LaunchSource == "":
		return fmt.Errorf("lacks a name, source or launch source")
	case g.SMs <= 0 || g.MemoryGBs <= 0 || g.TDPW <= 0 || g.Link.GBs <= 0 || g.LaunchUS <= 0 || g.MemoryGB <= 0:
		return fmt.Errorf("sms, memory, bandwidth, TDP, link and launch must be positive")
	case g.Peak["fp32"] <= 0:
		return fmt.Errorf("no fp32 peak")
	}
	for k, v := range g.Peak {
		if !slices.Contains(Rates, k) {
			return fmt.Errorf("peak %q is not one of %s", k, strings.Join(Rates, ", "))
		}
		if v <= 0 {
			return fmt.Errorf("peak %s = %g: must be positive", k, v)
		}
	}
	return nil
}

// GPUs returns every GPU in the order of gpus.json.
func GPUs() []GPU {
	gs, err := loadGPUs()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	out := slices.Clone(gs)
	for i := range out {
		out[i].Peak = cloneRates(out[i].Peak)
	}
	return out
}

func cloneRates(m map[string]float64) map[string]float64 {
	c := make(map[string]float64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// GPUNames lists the GPUs' names.
func GPUNames() []string {
	var names []string
	for _, g := range GPUs() {
		names = append(names, g.Name)
	}
	return names
}

// LookupGPU returns the GPU named name; an unknown name is an error
// listing the GPUs there are.
func LookupGPU(name string) (GPU, error) {
	for _, g := range GPUs() {
		if g.Name == name {
			return g, nil
		}
	}
	return GPU{}, fmt.Errorf("unknown GPU %q (kiln knows %s)", name, strings.Join(GPUNames(), ", "))
}

// PeakTFLOPS returns the rate named rate, or false if the data sheet
// gives none.
func (g GPU) PeakTFLOPS(rate string) (float64, bool) {
	v, ok := g.Peak[rate]
	return v, ok && v > 0
}
