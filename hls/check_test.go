package hls

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCheckBambu: each hand-written module breaks the subset in one way
// and the checker names the function and the instruction.
func TestCheckBambu(t *testing.T) {
	tests := []struct {
		name string
		ll   string
		want []string
	}{
		{"ok", `
declare float @expf(float)
define void @k(float* noalias %x) {
entry:
	%a = alloca [4 x float]
	%v = load float, float* %x
	%e = call float @expf(float %v)
	store float %e, float* %x
	ret void
}`, nil},
		{"vector", `
define void @k(<4 x float>* %x) {
entry:
	%v = load <4 x float>, <4 x float>* %x
	%s = fadd <4 x float> %v, %v
	ret void
}`, []string{"function @k: vector type in its signature", "function @k: vector type: %s = fadd <4 x float> %v, %v"}},
		{"half", `
define void @k(half* %x) {
entry:
	%v = load half, half* %x
	ret void
}`, []string{"function @k: half type: %v = load half, half* %x"}},
		{"bfloat", `
define void @k(i8* %x) {
entry:
	%v = bitcast i8* %x to bfloat*
	ret void
}`, []string{"function @k: bfloat type: %v = bitcast i8* %x to bfloat*"}},
		{"undef", `
define void @k(float* %x) {
entry:
	store float undef, float* %x
	ret void
}`, []string{"function @k: undef in store float undef, float* %x"}},
		{"poison", `
@g = internal constant [2 x i32] [i32 1, i32 poison]
define void @k(i32* %x) {
entry:
	%v = add i32 poison, 1
	ret void
}`, []string{"global @g: poison in", "function @k: poison in %v = add i32 poison, 1"}},
		{"recursion", `
define void @a() {
entry:
	call void @b()
	ret void
}
define void @b() {
entry:
	call void @a()
	ret void
}
define void @self() {
entry:
	call void @self()
	ret void
}`, []string{"function @a: recursive", "function @b: recursive", "function @self: recursive"}},
		{"malloc", `
declare i8* @malloc(i64)
declare void @free(i8*)
define void @k() {
entry:
	%p = call i8* @malloc(i64 16)
	call void @free(i8* %p)
	ret void
}`, []string{"function @k: call of malloc (heap allocation): %p = call i8* @malloc(i64 16)",
			"function @k: call of free (heap allocation)", "function @malloc: heap allocation"}},
		{"vla", `
define void @k(i32 %n) {
entry:
	%a = alloca float, i32 %n
	%b = alloca float, i32 4
	ret void
}`, []string{"function @k: alloca of a variable size: %a = alloca float, i32 %n"}},
		{"undefined call", `
declare float @mystery(float)
define void @k(float %x) {
entry:
	%y = call float @mystery(float %x)
	ret void
}`, []string{"function @k: call of undefined function mystery: %y = call float @mystery(float %x)",
			"function @mystery: declared but not defined"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckBambu(tt.ll)
			if tt.want == nil {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

// TestCheckBambuAllAtOnce: several violations in one module are reported
// together.
func TestCheckBambuAllAtOnce(t *testing.T) {
	err := CheckBambu(`
declare i8* @calloc(i64, i64)
define void @k(i32 %n) {
entry:
	%a = alloca float, i32 %n
	store float undef, float* %a
	%p = call i8* @calloc(i64 1, i64 4)
	call void @k(i32 %n)
	ret void
}`)
	require.Error(t, err)
	for _, w := range []string{"variable size", "undef", "calloc", "recursive"} {
		assert.Contains(t, err.Error(), w)
	}
}

// TestCheckBambuSyntax: text that does not parse is an error, not a panic.
func TestCheckBambuSyntax(t *testing.T) {
	assert.Error(t, CheckBambu("define void @k( {"))
}
