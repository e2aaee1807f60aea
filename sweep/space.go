package sweep

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/bits"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kiln-hls/kiln/passes"
	"github.com/kiln-hls/kiln/passes/loops"
	"github.com/kiln-hls/kiln/passes/place"
)

// Kind is what a knob sets.
type Kind uint8

// The knobs, in enumeration order: a space's knobs are sorted by kind, and
// the loop knobs of one kind keep the file's order.
const (
	KindPrecision   Kind = iota // precision spec (passes.ParsePrecisionSpec)
	KindDevice                  // device name (targets.Lookup)
	KindClock                   // clock period in ns
	KindChannels                // memory channels
	KindBatch                   // batch size
	KindPlacement               // memory placement policy: auto, onchip, offchip-weights or none (passes/place)
	KindPlace                   // placement overrides: KERNEL.BUFFER=SPACE,… (place.ParseOverrides) or none
	KindTile                    // tile: {KERNEL.LOOP: [SIZE[,SIZE…] | none]}
	KindInterchange             // interchange: {KERNEL.LOOP: [OTHER | none]}
	KindCopy                    // copy: {KERNEL.BUFFER: [LOOP | none]} (stage what one iteration of LOOP reads on chip)
	KindUnroll                  // unroll: {KERNEL.LOOP: [N | full[:expand] | none]}
	KindPartition               // partition: {KERNEL.BUFFER: [MODE[:F][:DIM] | none]}
	numKinds
)

var kindNames = [numKinds]string{"precision", "device", "clock", "channels", "batch", "placement", "place", "tile", "interchange", "copy", "unroll", "partition"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return "kind?"
}

// IsLoop reports whether k is a per-loop knob (a loops.Plan step).
func (k Kind) IsLoop() bool { return k >= KindTile && k < numKinds }

// None is the value of a loop knob that adds no step.
const None = "none"

// Knob is one dimension of a space: what it sets and the values to try.
type Knob struct {
	Kind   Kind
	Target string  // loop knobs: KERNEL.LOOP (partition, copy: KERNEL.BUFFER); "" otherwise
	Name   string  // "precision", "clock", "tile:KERNEL.LOOP"
	Line   int     // the line of its key in the file
	Values []Value // at least one, no two equal
}

// Value is one value of a knob, parsed and canonical.
type Value struct {
	Text      string               // canonical text ("fp16", "5", "offchip-weights", "16,8", "cyclic:4:1", "none")
	Line      int                  // the line it was written on (a range's values: the range's)
	Num       float64              // clock, channels, batch
	Precision passes.PrecisionSpec // precision
	Step      *loops.Step          // loop knobs; nil for none
	Overrides []place.Override     // place: the overrides (Source: FILE:LINE); nil for none

	key  string // `Name=Text` (Text quoted where it holds a space, '"' or '=')
	json string // `"Name":value` for a results line's knobs object
}

// Space is a design space: the product of its knobs' values. A design is
// numbered by an index in [0, Size()) written in mixed radix, the first
// knob the most significant digit: precision changes slowest and the last
// loop knob fastest, so consecutive designs differ in one kernel's
// transforms (what an incremental estimator and an accuracy cache per
// precision want).
type Space struct {
	Name  string // the file it came from, for errors
	Model string // the model it is written for (the file's model key; "" if none)
	// Windows is how many validation windows (the first ones) each
	// precision's accuracy is measured on (the file's accuracy_windows;
	// 0: all of them). It changes the figures, so the digest covers it.
	Windows int
	Knobs   []Knob

	size   uint64
	digest string
}

// Size is the number of designs.
func (s *Space) Size() uint64 { return s.size }

// Knob returns the knob named name ("clock", "tile:K.L"), or nil.
func (s *Space) Knob(name string) *Knob {
	for i := range s.Knobs {
		if s.Knobs[i].Name == name {
			return &s.Knobs[i]
		}
	}
	return nil
}

// String sums s up: each knob's number of values and the product
// ("precision 8 × device 4 × clock 3 × tile:gemm.j 4 = 384 designs").
func (s *Space) String() string {
	var b strings.Builder
	for i, k := range s.Knobs {
		if i > 0 {
			b.WriteString(" × ")
		}
		fmt.Fprintf(&b, "%s %d", k.Name, len(k.Values))
	}
	if len(s.Knobs) == 0 {
		b.WriteString("no knobs")
	}
	fmt.Fprintf(&b, " = %d design", s.size)
	if s.size != 1 {
		b.WriteByte('s')
	}
	return b.String()
}

// finish computes what enumeration needs once the knobs are parsed.
func (s *Space) finish() error {
	s.size = 1
	for i := range s.Knobs {
		k := &s.Knobs[i]
		hi, lo := bits.Mul64(s.size, uint64(len(k.Values)))
		if hi != 0 {
			return fmt.Errorf("%s:%d: sweep: the space has more than 2^64 designs at knob %s", s.Name, k.Line, k.Name)
		}
		s.size = lo
		for j := range k.Values {
			v := &k.Values[j]
			v.key = k.Name + "=" + quoteKey(v.Text)
			v.json = jsonString(k.Name) + ":" + valueJSON(k.Kind, v.Text)
		}
	}
	s.digest = digestOf(s)
	return nil
}

// quoteKey quotes a value for a Key where it could be misread.
func quoteKey(text string) string {
	if strings.ContainsAny(text, " \"=") || strconv.Quote(text) != `"`+text+`"` {
		return strconv.Quote(text)
	}
	return text
}

// valueJSON is a value as JSON: a number for clock, channels and batch, a
// string otherwise.
func valueJSON(k Kind, text string) string {
	if k == KindClock || k == KindChannels || k == KindBatch {
		return text
	}
	return jsonString(text)
}

func jsonString(s string) string { return string(appendJSONString(nil, s)) }

// appendJSONString appends s as a JSON string, escaping only what JSON
// requires (fixed<16,6> stays readable).
func appendJSONString(b []byte, s string) []byte {
	if !utf8.ValidString(s) {
		m, _ := json.Marshal(s) // invalid bytes become U+FFFD
		return append(b, m...)
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, `\n`...)
		case c < 0x20:
			b = append(b, `\u00`...)
			b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

// Canonical is the space's canonical form, the text Digest hashes: JSON
// of the model and each knob's name and values in enumeration order.
// Comments, formatting, line numbers, the file's name and how values were
// written (a range or a list, 5 or 5.0) do not change it.
func (s *Space) Canonical() []byte {
	type knob struct {
		Name   string   `json:"knob"`
		Values []string `json:"values"`
	}
	c := struct {
		Version int    `json:"kiln_sweep_space"`
		Model   string `json:"model,omitempty"`
		Windows int    `json:"accuracy_windows,omitempty"`
		Knobs   []knob `json:"knobs"`
	}{Version: 1, Model: s.Model, Windows: s.Windows, Knobs: []knob{}}
	for _, k := range s.Knobs {
		vs := make([]string, len(k.Values))
		for i, v := range k.Values {
			vs[i] = v.Text
		}
		c.Knobs = append(c.Knobs, knob{k.Name, vs})
	}
	var b bytes.Buffer
	e := json.NewEncoder(&b)
	e.SetEscapeHTML(false)
	_ = e.Encode(c) // strings and ints always marshal
	return bytes.TrimSuffix(b.Bytes(), []byte{'\n'})
}

func digestOf(s *Space) string {
	h := sha256.Sum256(s.Canonical())
	return "sha256:" + hex.EncodeToString(h[:])
}

// Digest is "sha256:" and the hex SHA-256 of Canonical: a results file
// records it, so that it is never resumed or merged under another space.
func (s *Space) Digest() string { return s.digest }
