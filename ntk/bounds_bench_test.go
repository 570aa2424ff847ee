package ntk

import (
	"fmt"
	"testing"

	"github.com/sparsentk/sparsentk/data"
)

// BenchmarkFlipProbability measures one exact flip probability, on the
// quadrature branch (narrow strip) and the tail-difference branch.
func BenchmarkFlipProbability(b *testing.B) {
	for _, c := range [][2]float64{{2, 0.01}, {2, 1}} {
		b.Run(fmt.Sprintf("B=%v/R=%v", c[0], c[1]), func(b *testing.B) {
			for b.Loop() {
				stripProbability(c[0], c[1])
			}
		})
	}
}

// BenchmarkMinimize measures Region.Minimize at B = 0 on random unit data
// (closed-form pair probabilities), default options.
func BenchmarkMinimize(b *testing.B) {
	for _, n := range []int{20, 100} {
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			ds, err := data.Sphere(n, 10, 1)
			if err != nil {
				b.Fatal(err)
			}
			X := ds.X
			P := bndPairsZeroBias(X)
			H := bndKernelFromPairs(X, P)
			R, err := NewRegion(P)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := R.Minimize(H, MinimizeOptions{Seed: 1}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
