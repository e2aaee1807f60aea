package sweep

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// ResultsFile is the name of a sweep's results in its output folder.
const ResultsFile = "results.jsonl"

// MergeStats says what Merge joined.
type MergeStats struct {
	Files      int // inputs read
	Designs    int // lines written
	Duplicates int // lines dropped: a design already written from an earlier input
}

// Merge joins results files (or folders holding results.jsonl: the
// outputs of shards) into the file out, keeping the first line of each
// design and the first input's header. Inputs of different spaces or
// models are refused. out is written under a temporary name and renamed,
// so it may be one of the inputs; a torn last line of an input is left
// out.
func Merge(out string, inputs ...string) (MergeStats, error) {
	var st MergeStats
	if len(inputs) == 0 {
		return st, errors.New("sweep: merge: no inputs")
	}
	tmp, err := os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
	if err != nil {
		return st, fmt.Errorf("sweep: merge: %w", err)
	}
	defer os.Remove(tmp.Name()) // after the rename, there is nothing to remove
	w := bufio.NewWriterSize(tmp, 1<<16)
	var seen *Done // made with the first header
	var first *Header
	for _, in := range inputs {
		if fi, err := os.Stat(in); err == nil && fi.IsDir() {
			in = filepath.Join(in, ResultsFile)
		}
		if err := mergeOne(w, in, &first, &seen, &st); err != nil {
			tmp.Close()
			return st, err
		}
	}
	if err := w.Flush(); err == nil {
		err = tmp.Sync()
	}
	if err := errors.Join(err, tmp.Close()); err != nil {
		return st, fmt.Errorf("sweep: merge: %w", err)
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return st, fmt.Errorf("sweep: merge: %w", err)
	}
	return st, nil
}

// mergeOne copies the lines of the file in whose designs are not in seen.
func mergeOne(w *bufio.Writer, in string, first **Header, seen **Done, st *MergeStats) error {
	f, err := os.Open(in)
	if err != nil {
		return fmt.Errorf("sweep: merge: %w", err)
	}
	defer f.Close()
	var werr error
	h, _, err := scan(f, in, func(l *Line, raw []byte) error {
		added, err := (*seen).Add(l.Index)
		if err != nil {
			return err
		}
		if !added {
			st.Duplicates++
			return nil
		}
		st.Designs++
		_, werr = w.Write(raw)
		return werr
	}, func(h *Header) error {
		if *first == nil {
			*first, *seen = h, NewDone(h.Designs)
			b, _ := json.Marshal(h) // strings and ints always marshal
			_, err := w.Write(append(b, '\n'))
			return err
		}
		return (*first).same(in, *h)
	})
	if err != nil {
		return err
	}
	if h == nil {
		return fmt.Errorf("sweep: merge: %s: empty results file", in)
	}
	st.Files++
	return nil
}
