package hls

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// headBytes is how much of a file is read to tell what it is.
const headBytes = 64 << 10

// synthDepth is how deep below the directory synthesis report XML is
// looked for (Bambu writes it under HLS_output/Synthesis/…).
const synthDepth = 8

// findBambuFiles lists the files of dir that ReadBambuReport reads.
func findBambuFiles(dir string) (*bambuFiles, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("bambu report: %w", err)
	}
	f := &bambuFiles{}
	newest := -1
	var logs []string
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() {
			continue
		}
		if num, ok := strings.CutPrefix(name, "bambu_results_"); ok && strings.HasSuffix(num, ".xml") {
			n, err := strconv.Atoi(strings.TrimSuffix(num, ".xml"))
			if err != nil || n < 0 {
				f.notes = append(f.notes, fmt.Sprintf("%s: ignored (no run number)", name))
				continue
			}
			if n > newest {
				newest, f.xml = n, name
			}
			continue
		}
		switch {
		case name == "results.txt":
			f.results = name
		case name == "bambu-log" || (!strings.HasSuffix(name, ".xml") && isBambuLog(filepath.Join(dir, name))):
			logs = append(logs, name)
		}
	}
	if len(logs) > 0 {
		// bambu-log sorts before most names; prefer it by name anyway.
		sort.SliceStable(logs, func(i, j int) bool { return logs[i] == "bambu-log" && logs[j] != "bambu-log" })
		f.log = logs[0]
		for _, l := range logs[1:] {
			f.notes = append(f.notes, fmt.Sprintf("%s: another Bambu log, ignored (read %s)", l, f.log))
		}
	}
	if f.synth, err = findSynthXML(dir); err != nil {
		return nil, err
	}
	f.openroad, err = findOpenROAD(dir)
	return f, err
}

// isBambuLog reports whether the file starts like Bambu's console output.
func isBambuLog(path string) bool {
	head := readHead(path)
	return bytes.Contains(head, []byte("Bambu executed with:")) ||
		(bytes.Contains(head, []byte("High-Level Synthesis Tool")) && bytes.Contains(head, []byte("Version: PandA")))
}

func readHead(path string) []byte {
	fh, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer fh.Close()
	head, _ := io.ReadAll(io.LimitReader(fh, headBytes))
	return head
}

// findSynthXML finds the synthesis report XML files (Bambu's
// <item stringID="…" value="…"/> summaries) up to synthDepth below dir.
func findSynthXML(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // unreadable corners are not Bambu's summary
		}
		rel := relName(dir, path)
		if d.IsDir() {
			if rel != "." && strings.Count(rel, "/") >= synthDepth {
				return filepath.SkipDir
			}
			return nil
		}
		base := d.Name()
		if !d.Type().IsRegular() || !strings.HasSuffix(base, ".xml") || strings.HasPrefix(base, "bambu_results_") {
			return nil
		}
		if bytes.Contains(readHead(path), []byte("stringID=")) {
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("bambu report: %w", err)
	}
	sort.Strings(out)
	return out, nil
}
