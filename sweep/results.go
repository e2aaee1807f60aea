package sweep

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"sync"
)

// A results file (results.jsonl) is a header line and then one line per
// design, in any order:
//
//	{"kiln_sweep":1,"space":"sweep-lstm.yaml","model":"lstm","digest":"sha256:…","designs":30720}
//	{"index":17,"key":"precision=fp16 … tile:dense_layer_Gemm.j=16","knobs":{"precision":"fp16",…},"figures":{…}}
//	{"index":18,"key":"…","knobs":{…},"error":"…"}
//
// Each line is written whole by one write and ends with a newline, so a
// killed sweep leaves at most a torn last line, which Resume drops.

// Header is a results file's first line: the space it belongs to.
type Header struct {
	Version int    `json:"kiln_sweep"`
	Space   string `json:"space"`           // the space file's name
	Model   string `json:"model,omitempty"` // the model swept
	Digest  string `json:"digest"`          // Space.Digest
	Designs uint64 `json:"designs"`         // Space.Size
	// Settings are what else decides a design's figures, as the caller
	// writes them (kiln sweep: the defaults of the knobs the space leaves
	// out, the placement, the off-chip memory, the lowering flags): a
	// file made under other settings is another sweep's.
	Settings string `json:"settings,omitempty"`
}

// Header is the header of a results file of s for model (s.Model when
// model is "").
func (s *Space) Header(model string) Header {
	if model == "" {
		model = s.Model
	}
	return Header{Version: 1, Space: s.Name, Model: model, Digest: s.digest, Designs: s.size}
}

// same explains why a file with header got cannot take want's results, or
// returns nil.
func (want Header) same(path string, got Header) error {
	if got.Digest == want.Digest && got.Model == want.Model {
		if got.Settings == want.Settings {
			return nil
		}
		return fmt.Errorf("sweep: %s holds results of the same space made under other settings (%s), not %s: "+
			"write to another folder, remove the file, or give the settings it was made with",
			path, orNone(got.Settings), orNone(want.Settings))
	}
	return fmt.Errorf("sweep: %s holds results of another sweep: model %q, space %s (%d designs, %s), not model %q, space %s (%d designs, %s); "+
		"a changed space numbers its designs differently: write to another folder or remove the file",
		path, got.Model, got.Space, got.Designs, got.Digest, want.Model, want.Space, want.Designs, want.Digest)
}

func orNone(settings string) string {
	if settings == "" {
		return "none recorded"
	}
	return settings
}

// check is an onHeader for scan that refuses another sweep's file.
func (want Header) check(path string) func(h *Header) error {
	return func(h *Header) error { return want.same(path, *h) }
}

// Line is one result line, as read back.
type Line struct {
	Index   uint64          `json:"index"`
	Key     string          `json:"key"`
	Knobs   json.RawMessage `json:"knobs"`
	Figures json.RawMessage `json:"figures,omitempty"`
	Error   string          `json:"error,omitempty"`
}

// Writer appends result lines to a file, each with one write (and an
// fsync with Sync). It is safe for concurrent use.
type Writer struct {
	mu   sync.Mutex
	f    *os.File
	sync bool
	buf  []byte
	key  []byte
}

// Create starts a new results file at path (replacing any) with h.
func Create(path string, h Header, sync bool) (*Writer, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_TRUNC|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	w := &Writer{f: f, sync: sync}
	b, _ := json.Marshal(h) // strings and ints always marshal
	if err := w.writeLine(append(b, '\n')); err != nil {
		f.Close()
		return nil, err
	}
	return w, nil
}

// Append continues the results file at path, which Resume has checked
// against h (a missing or empty file is started with h).
func Append(path string, h Header, sync bool) (*Writer, error) {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) || err == nil && st.Size() == 0 {
		return Create(path, h, sync)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	return &Writer{f: f, sync: sync}, nil
}

// Write appends d's line: its knobs and figures (a JSON value, compacted
// onto the line), or evalErr's text when it could not be evaluated.
func (w *Writer) Write(d Design, figures json.RawMessage, evalErr error) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	b := append(w.buf[:0], `{"index":`...)
	b = strconv.AppendUint(b, d.Index, 10)
	b = append(b, `,"key":`...)
	w.key = d.AppendKey(w.key[:0])
	b = appendJSONString(b, string(w.key))
	b = append(b, `,"knobs":`...)
	b = d.appendKnobsJSON(b)
	if evalErr != nil {
		b = append(b, `,"error":`...)
		b = appendJSONString(b, evalErr.Error())
	} else {
		b = append(b, `,"figures":`...)
		var c bytes.Buffer
		if err := json.Compact(&c, figures); err != nil {
			return fmt.Errorf("sweep: design %d: figures are not JSON: %w", d.Index, err)
		}
		b = append(b, c.Bytes()...)
	}
	b = append(b, "}\n"...)
	w.buf = b
	return w.writeLine(b)
}

func (w *Writer) writeLine(b []byte) error {
	if _, err := w.f.Write(b); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	if w.sync {
		if err := w.f.Sync(); err != nil {
			return fmt.Errorf("sweep: %w", err)
		}
	}
	return nil
}

// Close closes the file.
func (w *Writer) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.f.Close(); err != nil {
		return fmt.Errorf("sweep: %w", err)
	}
	return nil
}

// Resume reads the results file at path for a sweep with header want: the
// designs it holds, to skip. A torn last line (a sweep killed while
// writing it) is cut off the file. A missing or empty file holds nothing;
// a file of another space or model is refused, saying which.
func Resume(path string, want Header) (*Done, error) {
	done := NewDone(want.Designs)
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if errors.Is(err, os.ErrNotExist) {
		return done, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sweep: %w", err)
	}
	defer f.Close()
	_, whole, err := scan(f, path, func(l *Line, _ []byte) error {
		_, err := done.Add(l.Index)
		return err
	}, want.check(path))
	if err != nil {
		return nil, err
	}
	if err := f.Truncate(whole); err != nil {
		return nil, fmt.Errorf("sweep: %s: cutting the torn last line: %w", path, err)
	}
	return done, nil
}

// ReadResults reads the results file at path, calling fn for each line
// (fn must not keep l's slices; its error stops the reading, prefixed
// with the file and line); a torn last line is skipped. It returns the
// file's header.
func ReadResults(path string, fn func(l *Line) error) (Header, error) {
	f, err := os.Open(path)
	if err != nil {
		return Header{}, fmt.Errorf("sweep: %w", err)
	}
	defer f.Close()
	h, _, err := scan(f, path, func(l *Line, _ []byte) error { return fn(l) }, nil)
	if err != nil {
		return Header{}, err
	}
	if h == nil {
		return Header{}, fmt.Errorf("sweep: %s: empty results file", path)
	}
	return *h, nil
}

// scan reads a results file: its header (nil for an empty file), each
// whole line through fn, and the length of the whole lines (where a torn
// last line begins).
//
// onHeader, if not nil, is called with the header before any line.
func scan(r io.Reader, path string, fn func(l *Line, raw []byte) error, onHeader func(h *Header) error) (h *Header, whole int64, err error) {
	br := bufio.NewReaderSize(r, 1<<16)
	for n := 1; ; n++ {
		b, err := br.ReadBytes('\n')
		if err == io.EOF {
			return h, whole, nil // b, if any, is a torn last line
		}
		if err != nil {
			return nil, 0, fmt.Errorf("sweep: %s: %w", path, err)
		}
		if h == nil {
			h = new(Header)
			if json.Unmarshal(b, h) != nil || h.Version != 1 || h.Digest == "" {
				return nil, 0, fmt.Errorf("sweep: %s:1: not a kiln sweep results file (no {\"kiln_sweep\":1,…} header)", path)
			}
			if onHeader != nil {
				if err := onHeader(h); err != nil {
					return nil, 0, err
				}
			}
		} else {
			var l Line
			if err := json.Unmarshal(b, &l); err != nil || l.Key == "" {
				return nil, 0, fmt.Errorf("sweep: %s:%d: a broken result line (not a torn last line: it ends with a newline): %v", path, n, err)
			}
			if err := fn(&l, b); err != nil {
				return nil, 0, fmt.Errorf("sweep: %s:%d: %w", path, n, err)
			}
		}
		whole += int64(len(b))
	}
}
