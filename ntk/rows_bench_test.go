package ntk

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// BenchmarkRowKernels compares the row kernels with one gonum call per row
// (the sparse trainer's former inner loops), d = 64 and 784, 48 rows.
func BenchmarkRowKernels(b *testing.B) {
	for _, d := range []int{64, 784} {
		const n, k = 2000, 48
		x := make([]float64, n*d)
		for i := range x {
			x[i] = float64(i%17) - 8
		}
		w := make([]float64, d)
		for j := range w {
			w[j] = float64(j%5) - 2
		}
		idx := make([]int32, k)
		coef := make([]float64, k)
		for q := range idx {
			idx[q] = int32(q * 41 % n)
			coef[q] = float64(q)
		}
		z := make([]float64, k)
		g := make([]float64, d)
		b.Run(fmt.Sprintf("dotRows/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				dotRows(z, w, x, d, idx, 0.5)
			}
		})
		b.Run(fmt.Sprintf("floatsDot/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				for q, i := range idx {
					z[q] = floats.Dot(w, x[int(i)*d:int(i)*d+d]) - 0.5
				}
			}
		})
		b.Run(fmt.Sprintf("sumRows/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				sumRows(g, x, d, idx, coef)
			}
		})
		b.Run(fmt.Sprintf("floatsAddScaled/d=%d", d), func(b *testing.B) {
			for b.Loop() {
				clear(g)
				for q, i := range idx {
					floats.AddScaled(g, coef[q], x[int(i)*d:int(i)*d+d])
				}
			}
		})
	}
}
