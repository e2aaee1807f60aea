package sweep_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kiln-hls/kiln/sweep"
)

func Example() {
	space, err := sweep.ParseSpace("space.yaml", []byte(`
precision: [fp16, "fixed<16,6>"]
clock: {from: 5, to: 10, step: 5}
tile: {dense_layer_Gemm.j: [none, 16]}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(space.Size(), "designs")
	fmt.Println(space.Design(5).Key())
	fmt.Print(space.Design(5).Plan())

	dir, _ := os.MkdirTemp("", "sweep")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, sweep.ResultsFile)
	w, _ := sweep.Create(path, space.Header("lstm"), false)
	estimate := sweep.Func(func(_ context.Context, d sweep.Design) (json.RawMessage, error) {
		clock, _ := d.ClockNS()
		return json.RawMessage(fmt.Sprintf(`{"latency_us": %g}`, 1000/clock)), nil
	})
	st, err := sweep.Run(context.Background(), space.All(), estimate, w, sweep.RunOptions{Workers: 2})
	w.Close()
	fmt.Println(st.Evaluated, "evaluated", err)

	front := sweep.NewFront[string]("latency_us")
	sweep.ReadResults(path, func(l *sweep.Line) error {
		var f struct {
			Latency float64 `json:"latency_us"`
		}
		json.Unmarshal(l.Figures, &f)
		front.Add(sweep.Point[string]{Values: []float64{f.Latency}, Item: l.Key})
		return nil
	})
	fmt.Println(front.Len(), "designs on the front")
	// Output:
	// 8 designs
	// precision=fixed<16,6> clock=5 tile:dense_layer_Gemm.j=16
	// tile dense_layer_Gemm.j=16
	// 8 evaluated <nil>
	// 4 designs on the front
}
