package graph

import (
	"fmt"
	"slices"
)

// Window is the geometry of a convolution or pooling window sliding over
// the spatial axes D1…Dn of an N x C x D1 x … x Dn input, with auto_pad
// resolved into explicit pads. All slices have one entry per spatial axis.
type Window struct {
	In        []int // input spatial sizes
	Kernel    []int // taps per axis (before dilation)
	Strides   []int
	Dilations []int
	PadBegin  []int
	PadEnd    []int
	Out       []int // output spatial sizes
}

// Extent is the span of the dilated kernel along axis d.
func (w Window) Extent(d int) int { return (w.Kernel[d]-1)*w.Dilations[d] + 1 }

// ConvWindow resolves the window of Conv, ConvInteger and QLinearConv for
// input shape x (N x C x D1…) and weight shape w (M x C/group x k1…).
func ConvWindow(a ConvAttrs, x, w []int) (Window, error) {
	if len(x) < 3 {
		return Window{}, fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(x))
	}
	if len(w) != len(x) {
		return Window{}, fmt.Errorf("weight has rank %d, input has rank %d", len(w), len(x))
	}
	kernel := w[2:]
	if len(a.KernelShape) != 0 && !slices.Equal(a.KernelShape, kernel) {
		return Window{}, fmt.Errorf("kernel_shape %v does not match the weight's spatial shape %v", a.KernelShape, kernel)
	}
	return nnResolveWindow(a.AutoPad, x[2:], kernel, a.Strides, a.Dilations, a.Pads, false)
}

// PoolWindow resolves the window of AveragePool and MaxPool for input shape
// x (N x C x D1…), ceil_mode included: with CeilMode a last window that
// would start beyond the input and its left padding is dropped.
func PoolWindow(a PoolAttrs, x []int) (Window, error) {
	if len(x) < 3 {
		return Window{}, fmt.Errorf("input has rank %d, want at least 3 (N x C x D1…)", len(x))
	}
	if len(a.KernelShape) != len(x)-2 {
		return Window{}, fmt.Errorf("kernel_shape has %d dims, input has %d spatial dims", len(a.KernelShape), len(x)-2)
	}
	return nnResolveWindow(a.AutoPad, x[2:], a.KernelShape, a.Strides, a.Dilations, a.Pads, a.CeilMode)
}

// nnResolveWindow computes output sizes and pads as ONNX's Conv and pooling
// operators define them (Operators.md, AveragePool: output_spatial_shape).
func nnResolveWindow(autoPad string, in, kernel, strides, dilations, pads []int, ceil bool) (Window, error) {
	n := len(in)
	w := Window{
		In:        slices.Clone(in),
		Kernel:    slices.Clone(kernel),
		Strides:   nnOnes(n),
		Dilations: nnOnes(n),
		PadBegin:  make([]int, n),
		PadEnd:    make([]int, n),
		Out:       make([]int, n),
	}
	for d, k := range kernel {
		if k < 1 || k > nnMaxWindow {
			return Window{}, fmt.Errorf("kernel size %d on spatial axis %d, want 1 to %d", k, d, nnMaxWindow)
		}
	}
	if err := nnAxisList("strides", strides, n, 1, w.Strides); err != nil {
		return Window{}, err
	}
	if err := nnAxisList("dilations", dilations, n, 1, w.Dilations); err != nil {
		return Window{}, err
	}
	if len(pads) != 0 {
		if len(pads) != 2*n {
			return Window{}, fmt.Errorf("pads has %d values, want %d (begin and end of %d spatial axes)", len(pads), 2*n, n)
		}
		for _, p := range pads {
			if p < 0 {
				return Window{}, fmt.Errorf("pads %v has a negative value", pads)
			}
			if p > nnMaxWindow {
				return Window{}, fmt.Errorf("pads %v has a value over %d", pads, nnMaxWindow)
			}
		}
	}
	switch autoPad {
	case "", "NOTSET":
		if len(pads) != 0 {
			copy(w.PadBegin, pads[:n])
			copy(w.PadEnd, pads[n:])
		}
		for d := range n {
			total := in[d] + w.PadBegin[d] + w.PadEnd[d] - w.Extent(d)
			if total < 0 {
				return Window{}, fmt.Errorf("window of extent %d is larger than the padded input (%d) on spatial axis %d", w.Extent(d), in[d]+w.PadBegin[d]+w.PadEnd[d], d)
			}
			s := w.Strides[d]
			if ceil {
				w.Out[d] = (total+s-1)/s + 1
				if (w.Out[d]-1)*s >= in[d]+w.PadBegin[d] {
					w.Out[d]--
				}
			} else {
				w.Out[d] = total/s + 1
			}
		}
	case "VALID", "SAME_UPPER", "SAME_LOWER":
		for _, p := range pads {
			if p != 0 {
				return Window{}, fmt.Errorf("pads %v given together with auto_pad %s", pads, autoPad)
			}
		}
		for d := range n {
			s := w.Strides[d]
			if autoPad == "VALID" {
				if in[d] < w.Extent(d) {
					return Window{}, fmt.Errorf("window of extent %d is larger than the input (%d) on spatial axis %d", w.Extent(d), in[d], d)
				}
				w.Out[d] = (in[d]-w.Extent(d))/s + 1
				continue
			}
			w.Out[d] = (in[d] + s - 1) / s
			total := max(0, (w.Out[d]-1)*s+w.Extent(d)-in[d])
			small, big := total/2, total-total/2
			if autoPad == "SAME_UPPER" {
				w.PadBegin[d], w.PadEnd[d] = small, big
			} else {
				w.PadBegin[d], w.PadEnd[d] = big, small
			}
		}
	default:
		return Window{}, fmt.Errorf("auto_pad %q, want NOTSET, VALID, SAME_UPPER or SAME_LOWER", autoPad)
	}
	return w, nil
}

// nnMaxWindow bounds kernel sizes, strides, dilations and pads so that the
// window arithmetic (extent = (kernel-1)*dilation+1, input plus pads, the
// output size) cannot overflow an int: each term stays below 2^62.
const nnMaxWindow = 1<<31 - 1

// nnAxisList checks a per-axis attribute (empty: keep the default in dst).
func nnAxisList(name string, v []int, n, least int, dst []int) error {
	if len(v) == 0 {
		return nil
	}
	if len(v) != n {
		return fmt.Errorf("%s has %d values for %d spatial axes", name, len(v), n)
	}
	for _, x := range v {
		if x < least || x > nnMaxWindow {
			return fmt.Errorf("%s %v: values must be %d to %d", name, v, least, nnMaxWindow)
		}
	}
	copy(dst, v)
	return nil
}

func nnOnes(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = 1
	}
	return s
}
