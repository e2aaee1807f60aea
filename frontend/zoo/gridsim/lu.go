package gridsim

import (
	"errors"
	"math/cmplx"
)

// cluLU is a dense complex LU factorisation with partial pivoting (gonum has
// no complex LU). a holds L (unit diagonal, below) and U (on and above).
type cluLU struct {
	n   int
	a   []complex128
	piv []int
}

var errSingular = errors.New("augmented admittance matrix is singular")

func factor(m []complex128, n int) (*cluLU, error) {
	a := append([]complex128(nil), m...)
	piv := make([]int, n)
	for k := 0; k < n; k++ {
		p := k
		for i := k + 1; i < n; i++ {
			if cmplx.Abs(a[i*n+k]) > cmplx.Abs(a[p*n+k]) {
				p = i
			}
		}
		if a[p*n+k] == 0 {
			return nil, errSingular
		}
		piv[k] = p
		if p != k {
			for j := 0; j < n; j++ {
				a[k*n+j], a[p*n+j] = a[p*n+j], a[k*n+j]
			}
		}
		inv := 1 / a[k*n+k]
		for i := k + 1; i < n; i++ {
			l := a[i*n+k] * inv
			if l == 0 {
				continue
			}
			a[i*n+k] = l
			for j := k + 1; j < n; j++ {
				a[i*n+j] -= l * a[k*n+j]
			}
		}
	}
	return &cluLU{n: n, a: a, piv: piv}, nil
}

// solve writes the solution of A x = b into x (x and b may not alias).
func (f *cluLU) solve(x, b []complex128) {
	n, a := f.n, f.a
	copy(x, b)
	for k := 0; k < n; k++ {
		if p := f.piv[k]; p != k {
			x[k], x[p] = x[p], x[k]
		}
	}
	for i := 0; i < n; i++ {
		s := x[i]
		for j := 0; j < i; j++ {
			s -= a[i*n+j] * x[j]
		}
		x[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		s := x[i]
		for j := i + 1; j < n; j++ {
			s -= a[i*n+j] * x[j]
		}
		x[i] = s / a[i*n+i]
	}
}
