package targets

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Complete entries with a memory section, which the cases below break one
// thing at a time (in TestParseErrors' style).
const (
	memFPGAHead = `{"name":"f","kind":"fpga","bambu":"f","source":"s","static_power_source":"x","energy":{"logic":1,"hard":1,"source":"s"},` +
		`"resources":{"lut":10,"ff":20,"dsp":1,"bram36":4,"uram":2,"source":"s"},"memory":`
	memBRAM   = `"bram":{"count":4,"bits":36864,"ports":2,"width_bits":36,"source":"s"}`
	memURAM   = `"uram":{"count":2,"bits":294912,"ports":2,"width_bits":72,"source":"s"}`
	memLUTRAM = `"lutram_bits":0,"lutram_source":"unknown"`
	memDDR    = `{"name":"DDR4","kind":"ddr4","capacity_bytes":1024,"peak_gb_s":38.4,"channels":2,"channel_peak_gb_s":19.2,"port_bits":512,` +
		`"source":"s","latency_ns":206.7,"latency_source":"s","burst_bytes":4096,"burst_source":"s","access_bytes":64,"access_source":"s"}`
	memASICHead = `{"name":"a","kind":"asic","bambu":"a","source":"s","static_power_source":"x","energy":{"logic":1,"hard":1,"source":"s"},` +
		`"asic_area":{"um2_per_unit":1,"source":"s"},"memory":`
)

func memFPGA(onChip, offChip string) string {
	return "[" + memFPGAHead + `{"on_chip":{` + onChip + `},"off_chip":[` + offChip + "]}}]"
}

func memASIC(memory string) string { return "[" + memASICHead + memory + "}]" }

func TestParseMemoryErrors(t *testing.T) {
	onChip := memBRAM + "," + memURAM + "," + memLUTRAM
	ds, err := parse([]byte(memFPGA(onChip, memDDR)))
	require.NoError(t, err, "the complete FPGA entry the cases below break")
	require.Len(t, ds[0].Memory.OffChip, 1)
	_, err = parse([]byte(memASIC(`{"off_chip":[` + memDDR + "]}")))
	require.NoError(t, err, "the complete ASIC entry")

	ddr := func(old, new string) string { return strings.Replace(memDDR, old, new, 1) }
	for name, c := range map[string]struct{ text, want string }{
		"unknown key":        {memFPGA(onChip+`,"sram_bits":3`, memDDR), `unknown field "sram_bits"`},
		"no off-chip":        {memFPGA(onChip, ""), "no off-chip memory"},
		"listed twice":       {memFPGA(onChip, memDDR+","+memDDR), `off-chip memory "DDR4" listed twice`},
		"bad kind":           {memFPGA(onChip, ddr(`"ddr4"`, `"sram"`)), `kind "sram" (want one of ddr3, ddr4, hbm2)`},
		"no name":            {memFPGA(onChip, ddr(`"name":"DDR4"`, `"name":""`)), "no name"},
		"no capacity":        {memFPGA(onChip, ddr(`"capacity_bytes":1024`, `"capacity_bytes":0`)), "capacity_bytes 0"},
		"channel over peak":  {memFPGA(onChip, ddr(`"channel_peak_gb_s":19.2`, `"channel_peak_gb_s":40`)), "want 0 < channel <= peak"},
		"channels too few":   {memFPGA(onChip, ddr(`"channels":2`, `"channels":1`)), "1 channels of 19.2 GB/s cannot carry the peak 38.4 GB/s"},
		"no channels":        {memFPGA(onChip, ddr(`"channels":2`, `"channels":0`)), "channels 0"},
		"odd port":           {memFPGA(onChip, ddr(`"port_bits":512`, `"port_bits":12`)), "port_bits 12"},
		"negative latency":   {memFPGA(onChip, ddr(`"latency_ns":206.7`, `"latency_ns":-1`)), "latency_ns -1"},
		"burst under access": {memFPGA(onChip, ddr(`"burst_bytes":4096`, `"burst_bytes":32`)), "burst_bytes 32, access_bytes 64 (want 0 < access <= burst)"},
		"no access":          {memFPGA(onChip, ddr(`"access_bytes":64`, `"access_bytes":0`)), "access_bytes 0"},
		"no access source":   {memFPGA(onChip, ddr(`"access_source":"s"`, `"access_source":""`)), "without its source"},
		"no latency source":  {memFPGA(onChip, ddr(`"latency_source":"s"`, `"latency_source":""`)), "without its source"},
		"no bram":            {memFPGA(memURAM+","+memLUTRAM, memDDR), "on_chip: no bram"},
		"bram count":         {memFPGA(strings.Replace(onChip, `"count":4`, `"count":5`, 1), memDDR), "bram count 5, but resources list 4"},
		"bram no source":     {memFPGA(strings.Replace(onChip, `"width_bits":36,"source":"s"`, `"width_bits":36,"source":""`, 1), memDDR), "bram needs"},
		"no uram":            {memFPGA(memBRAM+","+memLUTRAM, memDDR), "no uram, but resources list 2 UltraRAMs"},
		"uram no ports":      {memFPGA(strings.Replace(onChip, `"ports":2,"width_bits":72`, `"ports":0,"width_bits":72`, 1), memDDR), "uram needs"},
		"lutram no source":   {memFPGA(memBRAM+","+memURAM+`,"lutram_bits":64`, memDDR), "lutram_bits 64 negative or without lutram_source"},
		"fpga no on-chip":    {"[" + memFPGAHead + `{"off_chip":[` + memDDR + "]}}]", "FPGA without on_chip RAM"},
		"asic with on-chip":  {memASIC(`{"on_chip":{` + onChip + `},"off_chip":[` + memDDR + "]}"), "device a: memory: an ASIC has no fixed on-chip RAM"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := parse([]byte(c.text))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "devices.json")
			assert.Contains(t, err.Error(), c.want)
			if name != "unknown key" { // the JSON decoder's error names no device
				assert.Contains(t, err.Error(), "devices.json: device ")
			}
		})
	}
}

// TestParseMemoryAllErrors checks that a broken memory reports every
// problem at once, not only the first.
func TestParseMemoryAllErrors(t *testing.T) {
	bad := strings.NewReplacer(`"latency_ns":206.7`, `"latency_ns":0`, `"access_bytes":64`, `"access_bytes":-64`).Replace(memDDR)
	_, err := parse([]byte(memASIC(`{"off_chip":[` + bad + "]}")))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "device a: memory: off_chip[0]")
	assert.Contains(t, err.Error(), "latency_ns 0")
	assert.Contains(t, err.Error(), "access_bytes -64")
}
