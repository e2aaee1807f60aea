package hls_test

import (
	"fmt"
	"strings"

	"github.com/kiln-hls/kiln/hls"
	"github.com/kiln-hls/kiln/ir/loop"
)

func ExampleEmitLLVM() {
	k, err := loop.Parse(`kernel scale(in x: f32[4], out y: f32[4]) {
  for i in 0..4 {
    y[i] = x[i] * 2.0
  }
}`, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	ll, err := hls.EmitLLVM("scale", []*loop.Kernel{k})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(hls.CheckBambu(ll))
	for _, line := range strings.Split(ll, "\n") {
		if strings.HasPrefix(line, "define") || strings.Contains(line, "fmul") {
			fmt.Println(strings.TrimSpace(line))
		}
	}
	// Output:
	// <nil>
	// define void @scale(float* noalias %x, float* noalias %y) {
	// %4 = fmul float %3, 2.0
}

func ExampleCheckBambu() {
	err := hls.CheckBambu(`
declare i8* @malloc(i64)
define void @k(i32 %n) {
entry:
	%a = alloca float, i32 %n
	%p = call i8* @malloc(i64 16)
	ret void
}`)
	fmt.Println(err)
	// Output:
	// hls: bambu: function @malloc: heap allocation is not synthesisable
	// hls: bambu: function @k: alloca of a variable size: %a = alloca float, i32 %n
	// hls: bambu: function @k: call of malloc (heap allocation): %p = call i8* @malloc(i64 16)
}
