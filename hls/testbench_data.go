package hls

import (
	"fmt"
	"strings"
)

// tbCheckFile says what is wrong with argument p's data file, or "": a
// plain file name (letters, digits, '_', '-', '.'; not starting with a
// dot) for an argument whose values In holds.
func tbCheckFile(p *TBParam) string {
	if p.File == "" {
		return ""
	}
	if p.In == nil {
		return "no values (In) to write into it"
	}
	if strings.HasPrefix(p.File, ".") || len(p.File) > 200 {
		return "want a plain file name"
	}
	for _, r := range p.File {
		if !(r == '_' || r == '-' || r == '.' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return "want a plain file name (letters, digits, _ - .)"
		}
	}
	return ""
}

// tbAppendLoader appends kiln_tb_load, which reads an argument from its
// data file, when an argument has one. It is outside KILN_CSIM: Bambu's
// testbench loads the weights too.
func tbAppendLoader(b []byte, fname string, params []TBParam) []byte {
	for _, p := range params {
		if p.File != "" {
			return fmt.Appendf(b, tbLoadC, fname, fname)
		}
	}
	return b
}

// tbAppendLoads appends main's loads of the arguments with data files.
func tbAppendLoads(b []byte, params []TBParam) []byte {
	for i, p := range params {
		if p.File != "" && p.Len > 0 {
			b = fmt.Appendf(b, "\tif (kiln_tb_load(%d, \"%s\", \"%s\", P%d, sizeof P%d) != 0)\n\t\treturn 2;\n",
				i, tbSafe(p.Name), p.File, i, i)
		}
	}
	return b
}

// tbLoadC is the C that loads an argument from its data file (%s: the
// function's name, twice).
const tbLoadC = `
#include <stdio.h>
#include <stdlib.h>

#ifndef KILN_DATA_DIR
#define KILN_DATA_DIR "data"
#endif

/* kiln_tb_load reads argument i (size bytes at p) from file in the data
 * folder (KILN_DATA_DIR, environment then macro, default "data"): 0 when
 * the file holds exactly size bytes, else 2 with a message. */
static int kiln_tb_load(int i, const char *name, const char *file, void *p, size_t size)
{
	const char *dir = getenv("KILN_DATA_DIR");
	char path[4096];
	unsigned char extra;
	size_t nread;
	FILE *f;
	snprintf(path, sizeof path, "%%s/%%s", dir ? dir : KILN_DATA_DIR, file);
	if (!(f = fopen(path, "rb"))) {
		fprintf(stderr, "testbench %s: P%%d (%%s): cannot open data file %%s\n", i, name, path);
		return 2;
	}
	nread = fread(p, 1, size, f);
	if (nread == size && fread(&extra, 1, 1, f) == 1)
		nread++;
	fclose(f);
	if (nread != size) {
		fprintf(stderr, "testbench %s: P%%d (%%s): data file %%s is not %%lu bytes long\n",
			i, name, path, (unsigned long)size);
		return 2;
	}
	return 0;
}
`
