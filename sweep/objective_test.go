package sweep_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kiln-hls/kiln/sweep"
)

func TestObjectives(t *testing.T) {
	objs, err := sweep.ParseObjectives("latency_us, resources.lut+resources.dsp|resources.area_um2,-throughput_inf_s,accuracy.rel_rmse")
	require.NoError(t, err)
	assert.Equal(t, []string{"latency_us", "resources.lut+resources.dsp|resources.area_um2", "-throughput_inf_s", "accuracy.rel_rmse"}, sweep.Names(objs))
	fpga := json.RawMessage(`{"latency_us": 12.5, "throughput_inf_s": 80000, "resources": {"lut": 1000, "dsp": 24}, "accuracy": {"rel_rmse": 0.01}}`)
	v, err := sweep.Values(objs, fpga)
	require.NoError(t, err)
	assert.Equal(t, []float64{12.5, 1024, -80000, 0.01}, v)
	asic := json.RawMessage(`{"latency_us": 3, "throughput_inf_s": 1, "resources": {"area_um2": 5e5}, "accuracy": {"rel_rmse": 0}}`)
	v, err = sweep.Values(objs, asic)
	require.NoError(t, err)
	assert.Equal(t, []float64{3, 5e5, -1, 0}, v)
	_, err = sweep.Values(objs, json.RawMessage(`{"latency_us": 3, "throughput_inf_s": 1, "resources": {"lut": 1}}`))
	assert.EqualError(t, err, "sweep: objective resources.lut+resources.dsp|resources.area_um2: the figures have no number resources.area_um2")
	_, err = sweep.Values(objs, json.RawMessage(`[1]`))
	assert.Error(t, err)
	for _, bad := range []string{"", "a,,b", "a.", "a+", "-", "a,a", "x|"} {
		_, err := sweep.ParseObjectives(bad)
		assert.Error(t, err, bad)
	}
}
