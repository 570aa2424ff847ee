package ntk

import (
	"math"
	"math/rand/v2"
	"testing"
)

// orthantBenchPoints returns a fixed mixed grid: h, k uniform in [−2, 6], ρ uniform in [−1, 1].
func orthantBenchPoints() [][3]float64 {
	r := rand.New(rand.NewPCG(1, 2))
	p := make([][3]float64, 4096)
	for i := range p {
		p[i] = [3]float64{8*r.Float64() - 2, 8*r.Float64() - 2, 2*r.Float64() - 1}
	}
	return p
}

var orthantSink float64

// BenchmarkOrthant times Orthant per call on a mixed grid and on equal
// thresholds; "erfc" is the cost of one math.Erfc call on the same grid, a
// baseline for ratios.
func BenchmarkOrthant(b *testing.B) {
	pts := orthantBenchPoints()
	b.Run("mixed", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			p := pts[i&4095]
			s += Orthant(p[0], p[1], p[2])
		}
		orthantSink = s
	})
	b.Run("equal", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			p := pts[i&4095]
			s += Orthant(p[0], p[0], p[2])
		}
		orthantSink = s
	})
	b.Run("tail", func(b *testing.B) { // h, k in [6, 14], ρ in [−1, 0]: the far tails
		s := 0.0
		for i := 0; b.Loop(); i++ {
			p := pts[i&4095]
			s += Orthant(p[0]+8, p[1]+8, -0.5*(p[2]+1))
		}
		orthantSink = s
	})
	b.Run("erfc", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			p := pts[i&4095]
			s += math.Erfc(p[0])
		}
		orthantSink = s
	})
}

// BenchmarkOrthantCurve times At on uniform ρ at h = 2 ("at"), against the
// direct Orthant(2, 2, ρ) on the same ρ ("direct"), and the construction
// ("build", per curve, for h = 0.5 and h = 2).
func BenchmarkOrthantCurve(b *testing.B) {
	pts := orthantBenchPoints()
	c, err := NewOrthantCurve(2)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("at", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			s += c.At(pts[i&4095][2])
		}
		orthantSink = s
	})
	b.Run("direct", func(b *testing.B) {
		s := 0.0
		for i := 0; b.Loop(); i++ {
			s += Orthant(2, 2, pts[i&4095][2])
		}
		orthantSink = s
	})
	for _, h := range []float64{0.5, 2} {
		b.Run("build/h="+map[float64]string{0.5: "0.5", 2: "2"}[h], func(b *testing.B) {
			for b.Loop() {
				if _, err := NewOrthantCurve(h); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
