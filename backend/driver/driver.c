/* kiln's generic driver for a compiled program: it reads each input of the
 * top function from a file of raw little-endian elements, calls the top,
 * and writes each output to a file. Nothing in it depends on the model:
 * kiln_top.h, written beside it for each program, says how many inputs and
 * parameters the top has and how to call it; the command line gives, for
 * every parameter in order (inputs, then outputs), a file name and its
 * size in bytes:
 *
 *     prog IN0 BYTES0 ... OUT0 BYTES0 ...
 *
 * Errors go to stderr with exit status 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiln_top.h"

static void fail(const char *what, const char *name) {
  fprintf(stderr, "kiln driver: %s %s: %s\n", what, name, errno ? strerror(errno) : "");
  exit(1);
}

static void *readAll(const char *name, size_t size) {
  void *p = calloc(size ? size : 1, 1);
  FILE *f = fopen(name, "rb");
  if (!p || !f)
    fail("cannot open", name);
  if (fread(p, 1, size, f) != size || fgetc(f) != EOF) {
    errno = 0;
    fail("wrong size:", name);
  }
  fclose(f);
  return p;
}

static void writeAll(const char *name, const void *p, size_t size) {
  FILE *f = fopen(name, "wb");
  if (!f || fwrite(p, 1, size, f) != size || fclose(f) != 0)
    fail("cannot write", name);
}

int main(int argc, char **argv) {
  void *p[KILN_NPARAMS + 1];
  size_t size[KILN_NPARAMS + 1];
  if (argc != 1 + 2 * KILN_NPARAMS) {
    fprintf(stderr, "kiln driver: want %d file names and sizes, got %d arguments\n", KILN_NPARAMS, argc - 1);
    return 1;
  }
  for (int i = 0; i < KILN_NPARAMS; i++) {
    const char *name = argv[1 + 2 * i];
    size[i] = (size_t)strtoull(argv[2 + 2 * i], NULL, 10);
    if (i < KILN_NINPUTS) {
      p[i] = readAll(name, size[i]);
    } else if (!(p[i] = calloc(size[i] ? size[i] : 1, 1))) {
      fail("out of memory for", name);
    }
  }
  KILN_CALL(p);
  for (int i = KILN_NINPUTS; i < KILN_NPARAMS; i++)
    writeAll(argv[1 + 2 * i], p[i], size[i]);
  for (int i = 0; i < KILN_NPARAMS; i++)
    free(p[i]);
  return 0;
}
