package ntk

import (
	"fmt"
	"os"
	"testing"
)

// BenchmarkKernelInf measures the exact kernel on n unit rows in R^64 (one
// OrthantCurve) and on rows of various norms (Orthant per entry).
func BenchmarkKernelInf(b *testing.B) {
	for _, c := range []struct {
		norms string
		n     int
	}{{"unit", 1000}, {"unit", 2000}, {"unit", 4000}, {"scaled", 1000}} {
		X := sphereRows(c.n, 64, 1)
		if c.norms == "scaled" {
			X = scaledRows(c.n, 64, 1)
		}
		b.Run(fmt.Sprintf("%s/n=%d", c.norms, c.n), func(b *testing.B) {
			for b.Loop() {
				if _, err := KernelInf(X, 1); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(c.n)*float64(c.n+1)/2*float64(b.N)/b.Elapsed().Seconds(), "entries/s")
		})
	}
}

// BenchmarkSpectrum measures Extremes (Lanczos for λ_max, Cholesky and
// inverse Lanczos for λ_min) and the full spectrum by EigenSym on the exact
// kernel at B = 1 of n unit rows in R^64. The full spectrum at n = 4000
// takes about a minute: it runs only when NTK_BENCH_FULL4000=1.
func BenchmarkSpectrum(b *testing.B) {
	for _, n := range []int{1000, 2000, 4000} {
		H, err := KernelInf(sphereRows(n, 64, 2), 1)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("extremes/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := Extremes(H); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("full/n=%d", n), func(b *testing.B) {
			if n > 2000 && os.Getenv("NTK_BENCH_FULL4000") != "1" {
				b.Skip("the full spectrum at n = 4000 takes about a minute; set NTK_BENCH_FULL4000=1 to measure it")
			}
			for b.Loop() {
				if _, err := Eigenvalues(H); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkPredictor measures the eigendecomposition of NewPredictor and
// one evaluation, at n = 500 and 1000.
func BenchmarkPredictor(b *testing.B) {
	for _, n := range []int{500, 1000} {
		X := sphereRows(n, 64, 3)
		H, err := KernelInf(X, 1)
		if err != nil {
			b.Fatal(err)
		}
		y := uniformValues(n, 4)
		b.Run(fmt.Sprintf("new/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := NewPredictor(H, y, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
		pred, err := NewPredictor(H, y, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("step/n=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := pred.AtStep(1000, 1/pred.Values()[n-1]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
