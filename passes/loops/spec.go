package loops

import (
	"fmt"
	"slices"
	"strings"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Spec is one loop choice as a user writes it: KERNEL.LOOP=VALUE[,VALUE…]
// ("gemm.j=16", "lstm.gates=16,8", "conv1.k=full"). The kernel name ends
// at the first '.', so loop names may hold dots (i.outer).
type Spec struct {
	Kernel, Loop string
	Values       []string
}

func (s Spec) String() string {
	return s.Kernel + "." + s.Loop + "=" + strings.Join(s.Values, ",")
}

// ParseSpecs reads a comma-separated list of specs, as a command-line flag
// holds them: "gemm.j=16,gemm.k=4" is two specs, and an item without '='
// is one more value of the spec before it ("lstm.gates=16,8").
func ParseSpecs(text string) ([]Spec, error) {
	var out []Spec
	for item := range strings.SplitSeq(text, ",") {
		item = strings.TrimSpace(item)
		name, value, found := strings.Cut(item, "=")
		switch {
		case item == "":
			return nil, fmt.Errorf("loops: spec %q: empty item", text)
		case !found && len(out) == 0:
			return nil, fmt.Errorf("loops: spec %q: want KERNEL.LOOP=VALUE", item)
		case !found:
			out[len(out)-1].Values = append(out[len(out)-1].Values, item)
			continue
		}
		kernel, lp, ok := strings.Cut(name, ".")
		if !ok || kernel == "" || lp == "" || value == "" {
			return nil, fmt.Errorf("loops: spec %q: want KERNEL.LOOP=VALUE", item)
		}
		out = append(out, Spec{Kernel: kernel, Loop: lp, Values: []string{value}})
	}
	return out, nil
}

// OnKernel returns a copy of p whose kernel named kernel is replaced by
// what pass makes of it (p is untouched). An unknown kernel is an error
// that lists the kernels there are.
func OnKernel(p *loop.Program, kernel string, pass func(*loop.Kernel) (*loop.Kernel, error)) (*loop.Program, error) {
	for i, k := range p.Kernels {
		if k == nil || k.Name != kernel {
			continue
		}
		n, err := pass(k)
		if err != nil {
			return nil, err
		}
		q := *p
		q.Kernels = slices.Clone(p.Kernels)
		q.Kernels[i] = n
		return &q, nil
	}
	var names []string
	for _, k := range p.Kernels {
		if k != nil {
			names = append(names, k.Name)
		}
	}
	return nil, fmt.Errorf("loops: program %s: no kernel %q (it has %s)", p.Name, kernel, strings.Join(names, ", "))
}
