package gridsim_test

import (
	"fmt"

	"github.com/kiln-hls/kiln/frontend/zoo/gridsim"
)

func Example() {
	sys, err := gridsim.Load("../../../../shared/data/ieee68")
	if err != nil {
		fmt.Println(err)
		return
	}
	sc := sys.Scenario(1, 0)
	tr, err := sys.Simulate(sc)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("buses", sc.Buses)
	fmt.Println("rows", len(tr.Rows), "features", len(tr.Rows[0]))
	fmt.Printf("frequency dip below 59.99 Hz: %v\n", tr.MinF < 59.99)
	// Output:
	// buses [23 29 37 41 42]
	// rows 1400 features 136
	// frequency dip below 59.99 Hz: true
}
