package ntk

import (
	"fmt"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// BenchmarkKernelEmpirical compares the sparse co-firing count of
// KernelEmpirical with the dense product S·Sᵀ (BLAS dsyrk on the 0/1 firing
// pattern, in the same neuron blocks) at B = 2, n = 2000, m = 65 536, d = 64.
// The dense run takes minutes: run it once, with -benchtime=1x.
func BenchmarkKernelEmpirical(b *testing.B) {
	const n, m, d, B = 2000, 65536, 64, 2.0
	X := sphereRows(n, d, 1)
	net, err := New(Init{Width: m, Dim: d, B: B, Seed: 2})
	if err != nil {
		b.Fatal(err)
	}
	for _, method := range []struct {
		name string
		run  func(*Network, *mat.Dense) (*mat.SymDense, error)
	}{
		{"sparse", KernelEmpirical},
		{"dense", kernelEmpiricalDense},
	} {
		b.Run(fmt.Sprintf("%s/n=%d/m=%d/B=%v", method.name, n, m, B), func(b *testing.B) {
			for b.Loop() {
				if _, err := method.run(net, X); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkKernelMonteCarlo measures the Monte Carlo kernel at B = 1 on
// n = 1000 unit rows with 65 536 draws.
func BenchmarkKernelMonteCarlo(b *testing.B) {
	X := sphereRows(1000, 64, 3)
	for b.Loop() {
		if _, _, err := KernelMonteCarlo(X, 1, 65536, 4); err != nil {
			b.Fatal(err)
		}
	}
}
