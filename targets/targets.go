// Package targets holds the devices kiln compiles for and estimates on:
// FPGA parts and ASIC cell libraries by the names PandA-Bambu knows them
// by, as embedded JSON (devices.json). Every device carries the source of
// its data.
package targets

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
)

// Kind is what a device is.
type Kind string

// The kinds of device.
const (
	FPGA Kind = "fpga"
	ASIC Kind = "asic"
)

// Device is one target.
type Device struct {
	Name        string `json:"name"`  // kiln's name for it (-t NAME)
	Kind        Kind   `json:"kind"`  // fpga or asic
	Bambu       string `json:"bambu"` // what Bambu's --device-name takes
	Vendor      string `json:"vendor"`
	Family      string `json:"family"`
	Description string `json:"description"`
	Source      string `json:"source"` // where the data comes from
}

//go:embed devices.json
var devicesJSON []byte

var load = sync.OnceValues(func() ([]Device, error) {
	return parse(devicesJSON)
})

// parse reads a device list, checking that every device is complete and
// named once.
func parse(data []byte) ([]Device, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var ds []Device
	if err := dec.Decode(&ds); err != nil {
		return nil, fmt.Errorf("targets: devices.json: %w", err)
	}
	seen := map[string]bool{}
	for i, d := range ds {
		switch {
		case d.Name == "" || d.Bambu == "" || d.Source == "":
			return nil, fmt.Errorf("targets: devices.json: device %d (%q) lacks a name, Bambu name or source", i, d.Name)
		case d.Kind != FPGA && d.Kind != ASIC:
			return nil, fmt.Errorf("targets: devices.json: device %s: kind %q (want fpga or asic)", d.Name, d.Kind)
		case seen[d.Name]:
			return nil, fmt.Errorf("targets: devices.json: device %s listed twice", d.Name)
		}
		seen[d.Name] = true
	}
	return ds, nil
}

// All returns every device, in the order of devices.json (FPGAs, then
// ASIC libraries).
func All() []Device {
	ds, err := load()
	if err != nil {
		panic(err) // the embedded file is checked by the package's tests
	}
	return slices.Clone(ds)
}

// Lookup returns the device named name (kiln's name or Bambu's, which
// differ only for asap7 = asap7-BC). An unknown name is an error listing
// the devices there are.
func Lookup(name string) (Device, error) {
	ds := All()
	for _, d := range ds {
		if d.Name == name || d.Bambu == name {
			return d, nil
		}
	}
	names := make([]string, len(ds))
	for i, d := range ds {
		names[i] = d.Name
	}
	return Device{}, fmt.Errorf("unknown device %q (kiln knows %s; see kiln targets)", name, strings.Join(names, ", "))
}

// ASICs returns the ASIC libraries, for a project's asic target.
func ASICs() []Device {
	var out []Device
	for _, d := range All() {
		if d.Kind == ASIC {
			out = append(out, d)
		}
	}
	return out
}
