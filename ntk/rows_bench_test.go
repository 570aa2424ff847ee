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

// BenchmarkGramRows measures gramRows on a 1000×1000 matrix, 66 rows read at
// 41 columns (an implicit neuron of the d = 784 bench case).
func BenchmarkGramRows(b *testing.B) {
	const n = 1000
	g := make([]float64, n*n)
	for i := range g {
		g[i] = float64(i%13) - 6
	}
	cand := make([]int32, 66)
	for k := range cand {
		cand[k] = int32(k * 15 % n)
	}
	idx := make([]int32, 41)
	v := make([]float64, 41)
	for q := range idx {
		idx[q] = int32(q * 23 % n)
		v[q] = float64(q)
	}
	dz := make([]float64, len(cand))
	for _, z := range []bool{false, useRow512} {
		saved := useRow512
		useRow512 = z
		b.Run(fmt.Sprintf("avx512=%v", z), func(b *testing.B) {
			for b.Loop() {
				gramRows(dz, g, n, cand, idx, v)
			}
		})
		useRow512 = saved
	}
}
