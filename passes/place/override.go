package place

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/kiln-hls/kiln/ir/loop"
)

// Override puts one buffer in a space, whatever the policy says. Kernel
// names a kernel by its loop-IR name or by an ONNX node it computes; it is
// "" for a buffer of the top (the tensors between kernels, the model's
// inputs and outputs). Memory narrows an on-chip space to BRAM or URAM
// (the text "bram" or "uram"), AnyMemory otherwise.
type Override struct {
	Kernel, Buffer string
	Space          loop.Space
	Memory         Memory
	Source         string // where the text came from: "--place" or "kiln.yaml:12"
}

// String is the override's canonical text: "dense.w=offchip", "y=ram",
// "dense.w=uram".
func (o Override) String() string {
	name := o.Buffer
	if o.Kernel != "" {
		name = o.Kernel + "." + o.Buffer
	}
	v := o.Space.String()
	if o.Memory == BRAM || o.Memory == URAM {
		v = o.Memory.String()
	}
	return name + "=" + v
}

// where prefixes the override's errors: "--place dense.w=ram".
func (o Override) where() string {
	if o.Source == "" {
		return o.String()
	}
	return o.Source + " " + o.String()
}

// spaceWords are the values an override may take.
var spaceWords = map[string]struct {
	space loop.Space
	mem   Memory
}{
	"reg": {loop.Register, AnyMemory}, "ram": {loop.RAM, AnyMemory}, "rom": {loop.ROM, AnyMemory},
	"offchip": {loop.OffChip, AnyMemory}, "bram": {loop.RAM, BRAM}, "uram": {loop.RAM, URAM},
}

// ParseOverrides reads a comma-separated list of KERNEL.BUFFER=SPACE (a
// kernel's buffer) and BUFFER=SPACE (a buffer of the top), SPACE one of
// reg, ram, rom, offchip, bram, uram (on-chip RAM, or ROM for a constant,
// in block RAM or UltraRAM); spaces around the names and the '=' are
// dropped. It checks the text and the space; Apply
// checks the names against the program. source says where the text came
// from ("--place").
func ParseOverrides(text, source string) ([]Override, error) {
	prefix := "place"
	if source != "" {
		prefix = source + ": place"
	}
	var out []Override
	for item := range strings.SplitSeq(text, ",") {
		item = strings.TrimSpace(item)
		name, value, found := strings.Cut(item, "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !found || name == "" || value == "" {
			return nil, fmt.Errorf("%s: override %q: want KERNEL.BUFFER=SPACE or BUFFER=SPACE", prefix, item)
		}
		o := Override{Source: source}
		if k, b, dotted := strings.Cut(name, "."); dotted {
			if k == "" {
				return nil, fmt.Errorf("%s: override %q: empty kernel name", prefix, item)
			}
			o.Kernel, o.Buffer = k, b
		} else {
			o.Buffer = name
		}
		w, ok := spaceWords[value]
		if !ok {
			return nil, fmt.Errorf("%s: override %q: space %q (want reg, ram, rom, offchip, bram or uram)", prefix, item, value)
		}
		o.Space, o.Memory = w.space, w.mem
		if err := checkNames(o); err != nil {
			return nil, fmt.Errorf("%s: override %q: %w", prefix, item, err)
		}
		out = append(out, o)
	}
	return out, nil
}

// checkNames refuses names that no kernel or buffer can have: empty, or
// with a '.', a space or a control character. The kernel part may be an
// ONNX node's name, which is not an identifier.
func checkNames(o Override) error {
	for _, f := range []struct{ what, name string }{{"kernel", o.Kernel}, {"buffer", o.Buffer}} {
		if f.what == "kernel" && o.Kernel == "" {
			continue
		}
		if f.name == "" {
			return fmt.Errorf("empty %s name", f.what)
		}
		if strings.ContainsRune(f.name, '.') {
			return fmt.Errorf("%s name %q has a '.'", f.what, f.name)
		}
		if i := strings.IndexFunc(f.name, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsControl(r) || r == unicode.ReplacementChar
		}); i >= 0 {
			return fmt.Errorf("%s name %q has a space, a control character or invalid UTF-8", f.what, f.name)
		}
	}
	return nil
}
