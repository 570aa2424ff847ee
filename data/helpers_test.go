package data

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// wantErr fails unless err is non-nil and its message contains every part.
func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one mentioning %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not mention %q", err, p)
		}
	}
}

// sameBits reports whether a and b hold identical float64 bits.
func sameBits(a, b *mat.Dense) bool {
	ra, rb := a.RawMatrix(), b.RawMatrix()
	if ra.Rows != rb.Rows || ra.Cols != rb.Cols {
		return false
	}
	for i := 0; i < ra.Rows; i++ {
		for j := 0; j < ra.Cols; j++ {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				return false
			}
		}
	}
	return true
}

// rowNorm is an independent Euclidean norm of row i using math.Hypot.
func rowNorm(X *mat.Dense, i int) float64 {
	_, d := X.Dims()
	s := 0.0
	for j := 0; j < d; j++ {
		s = math.Hypot(s, X.At(i, j))
	}
	return s
}

// bruteSeparation computes δ from its definition with math.Hypot, pair by
// pair, independently of the package's Gram-based code.
func bruteSeparation(X *mat.Dense) float64 {
	n, d := X.Dims()
	best := math.Inf(1)
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			var m, p float64
			for k := 0; k < d; k++ {
				a, b := X.At(i, k), X.At(j, k)
				m = math.Hypot(m, a-b)
				p = math.Hypot(p, a+b)
			}
			best = math.Min(best, math.Min(m, p))
		}
	}
	return best
}

func relErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}
