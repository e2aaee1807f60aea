package conform_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/conform"
)

func Example() {
	r := conform.Case("../../shared/testdata/onnx-node/test_lstm_with_peepholes", conform.Options{})
	fmt.Println(r.Status, r.Name)
	// Output: PASS test_lstm_with_peepholes
}
