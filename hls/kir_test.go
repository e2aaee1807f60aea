package hls

import "flag"

// update makes the golden tests of both emitters rewrite their files.
var update = flag.Bool("update", false, "rewrite the golden testdata/llvm/*.ll and testdata/c/* files")
