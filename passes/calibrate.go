package passes

// Range is what calibration saw of one tensor's values over a model's
// validation inputs: the extremes, the largest magnitude and the 99.9th
// percentile of the magnitudes (a clipping point that ignores rare
// outliers). N is the number of values seen; NaNs are skipped.
type Range struct {
	Min, Max float64
	MaxAbs   float64
	P999     float64
	N        int
}
