package ntk

import (
	"math"
	"testing"

	"github.com/sparsentk/sparsentk/data"
	"gonum.org/v1/gonum/mat"
)

// Helpers shared by the bounds_*_test.go files. They compute reference
// quantities from closed forms, independently of the functions under test.

// bndOrthoKernel returns H∞(B) of n orthonormal inputs in closed form
// (paper.md §6): (2p0 − p0²) I + p0² 11ᵀ with p0 = Q(B), and its least and
// largest bndEigenvalues 2p0 − p0² and 2p0 − p0² + n p0².
func bndOrthoKernel(n int, B float64) (H *mat.SymDense, lmin, lmax float64) {
	p0 := Q(B)
	H = mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := p0 * p0
			if i == j {
				v = 2 * p0
			}
			H.SetSym(i, j, v)
		}
	}
	return H, 2*p0 - p0*p0, 2*p0 - p0*p0 + float64(n)*p0*p0
}

// bndOrthoPairs returns the pair firing probabilities of n orthonormal
// inputs: Q(B) on the diagonal, Q(B)² off it (independent firing).
func bndOrthoPairs(n int, B float64) *mat.SymDense {
	p0 := Q(B)
	P := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := p0 * p0
			if i == j {
				v = p0
			}
			P.SetSym(i, j, v)
		}
	}
	return P
}

// bndPairsZeroBias returns p_ij = 1/4 + arcsin(ρ_ij)/(2π) for unit rows of X
// (B = 0, paper.md §6), 1/2 on the diagonal.
func bndPairsZeroBias(X *mat.Dense) *mat.SymDense {
	n, _ := X.Dims()
	P := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		P.SetSym(i, i, 0.5) // not via ρ_ii = ‖x_i‖², whose rounding asin amplifies
		for j := i + 1; j < n; j++ {
			rho := math.Max(-1, math.Min(1, mat.Dot(X.RowView(i), X.RowView(j))))
			P.SetSym(i, j, 0.25+math.Asin(rho)/(2*math.Pi))
		}
	}
	return P
}

// bndKernelFromPairs returns H∞ = (XXᵀ + 11ᵀ) ∘ P.
func bndKernelFromPairs(X *mat.Dense, P *mat.SymDense) *mat.SymDense {
	n, _ := X.Dims()
	H := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			H.SetSym(i, j, (mat.Dot(X.RowView(i), X.RowView(j))+1)*P.At(i, j))
		}
	}
	return H
}

// bndEigenvalues returns the bndEigenvalues of S in ascending order (gonum
// EigenSym).
func bndEigenvalues(t *testing.T, S mat.Symmetric) []float64 {
	t.Helper()
	var es mat.EigenSym
	if !es.Factorize(S, false) {
		t.Fatal("EigenSym did not converge")
	}
	return es.Values(nil)
}

// bndSphere returns n uniform points on S^{d−1}.
func bndSphere(t *testing.T, n, d int, seed uint64) *mat.Dense {
	t.Helper()
	ds, err := data.Sphere(n, d, seed)
	if err != nil {
		t.Fatal(err)
	}
	return ds.X
}

// bndBasis returns the first n standard bndBasis vectors of R^d.
func bndBasis(t *testing.T, n, d int) *mat.Dense {
	t.Helper()
	ds, err := data.StandardBasis(n, d)
	if err != nil {
		t.Fatal(err)
	}
	return ds.X
}

// bndRelErr returns |got − want| / |want| (or |got| when want = 0).
func bndRelErr(got, want float64) float64 {
	if want == 0 {
		return math.Abs(got)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// bndFrobDiff returns ‖A − B‖_F.
func bndFrobDiff(A, B mat.Symmetric) float64 {
	n := A.SymmetricDim()
	var s float64
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			d := A.At(i, j) - B.At(i, j)
			s += d * d
		}
	}
	return math.Sqrt(s)
}

// bndMust returns a function that fails the test on a non-nil err and
// otherwise returns v: bndMust(f(x))(t).
func bndMust[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
