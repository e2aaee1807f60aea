// Command kiln turns trained spatio-temporal neural networks (ONNX) into
// hardware designs and estimates what they cost. See the README.
package main

import (
	"errors"
	"fmt"
	"os"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		if !errors.Is(err, errFailed) {
			fmt.Fprintln(os.Stderr, "kiln:", err)
		}
		os.Exit(exitCode(err))
	}
}
