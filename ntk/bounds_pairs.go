package ntk

import (
	"fmt"
	"math"

	"github.com/sparsentk/sparsentk/data"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// PairFiringProbabilities returns the n×n matrix of firing probabilities of
// Theorem 13 and Definition 12 for the rows x_i of X,
//
//	P_ij = p_ij = P[⟨w, x_i⟩ ≥ B, ⟨w, x_j⟩ ≥ B] = Orthant(B/‖x_i‖, B/‖x_j‖, ρ_ij),   w ~ N(0, I_d),
//
// with ρ_ij = ⟨x_i,x_j⟩/(‖x_i‖‖x_j‖) (clamped to [−1, 1] after rounding) and
// P_ii = Q(B/‖x_i‖) (= p0 = Q(B) for unit rows). H∞ = (XXᵀ + 11ᵀ) ∘ P, but P
// is computed directly rather than as H∞_ij/(⟨x_i,x_j⟩ + 1), which would be
// 0/0 for antipodal unit inputs. It is the input of NewRegion.
//
// Accuracy: that of Orthant, about 1e-13 relative per entry, plus the few
// ulps of ρ_ij. When all rows share one norm (64 ulps) or B = 0 one
// OrthantCurve serves every pair. Work is split over GOMAXPROCS goroutines
// with every entry computed the same way, so the result does not depend on
// GOMAXPROCS. X must be non-empty and finite with no zero row; B ≥ 0.
func PairFiringProbabilities(X *mat.Dense, B float64) (*mat.SymDense, error) {
	const fn = boundCheck("PairFiringProbabilities")
	if err := fn.bias(B); err != nil {
		return nil, err
	}
	if X == nil || X.IsEmpty() {
		return nil, fmt.Errorf("ntk: %s: X is nil or empty; pass one input per row", fn)
	}
	if err := checkFinite("X", X); err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	if err := checkMemory(fmt.Sprintf("%s: the %d×%d matrix", fn, n, n), matrixBytes(n, n)); err != nil {
		return nil, err
	}
	norms := make([]float64, n)
	for i := range norms {
		x := X.RawRowView(i)
		norms[i] = math.Sqrt(floats.Dot(x, x))
		if norms[i] == 0 || math.IsInf(norms[i], 0) {
			return nil, fmt.Errorf("ntk: %s: row %d of X has norm %v; the firing probabilities need a nonzero finite input", fn, i, norms[i])
		}
	}
	lo, hi := floats.Min(norms), floats.Max(norms)
	var curve *OrthantCurve
	if B == 0 || hi-lo <= 64*0x1p-52*hi {
		h := 0.0
		if B != 0 {
			h = B / (lo + (hi-lo)/2)
		}
		c, err := NewOrthantCurve(h)
		if err != nil {
			return nil, fmt.Errorf("ntk: %s: %w", fn, err)
		}
		curve = c
	}
	P := mat.NewSymDense(n, nil)
	raw := P.RawSymmetric()
	parallelFor(n, 1, func(i0, i1 int) {
		for i := i0; i < i1; i++ {
			xi := X.RawRowView(i)
			row := raw.Data[i*raw.Stride : i*raw.Stride+n]
			row[i] = Q(B / norms[i])
			for j := i + 1; j < n; j++ {
				rho := math.Max(-1, math.Min(1, floats.Dot(xi, X.RawRowView(j))/(norms[i]*norms[j])))
				if curve != nil {
					row[j] = curve.At(rho)
				} else {
					row[j] = Orthant(B/norms[i], B/norms[j], rho)
				}
			}
		}
	})
	return P, nil
}

// EigenBounds collects, for one data set and bias, the quantities of
// Theorem 13 and its comparison (paper.md §7 item 13).
type EigenBounds struct {
	// Separation is δ = min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖) (data.Separation).
	Separation float64
	// P0 = Q(B), the firing probability of one unit input.
	P0 float64
	// MinPair and MaxPair are min and max over i ≠ j of p_ij.
	MinPair, MaxPair float64
	// Intermediate = P0 − MinPair, the exact intermediate lower bound on
	// the restricted eigenvalue λ_R (Region.Intermediate).
	Intermediate float64
	// Worst = P0 − MaxPair, the quantity eq. (3) bounds from below.
	Worst float64
	// Eq3 is RestrictedEigenBound(B, Separation); negative means vacuous.
	Eq3 float64
	// SongYangZhang2021 is the predecessor's C e^{−B²/2} δ/n² for the
	// unrestricted λ_min (EigenBoundSongYangZhang2021).
	SongYangZhang2021 float64
	// Region is R of Definition 12 for these inputs; Region.Minimize with
	// H∞(B) (KernelInf) brackets the restricted eigenvalue itself.
	Region *Region
}

// EigenBoundsTheorem13 evaluates Theorem 13 on the rows of X at bias B:
// the separation δ, the pair probabilities, the exact intermediate bound
// p0 − min p_ij, p0 − max p_ij, eq. (3), the predecessor's bound (with
// constant k.C, default 1) and the region R. Its chain
//
//	Eq3 ≤ Worst ≤ Intermediate ≤ λ_R
//
// is what the theorem proves. X needs n ≥ 2 unit-norm rows (to 1e-10;
// Theorem 13 assumes ‖x_i‖ = 1: normalize with data.NormalizeRows), B ≥ 0.
func EigenBoundsTheorem13(X *mat.Dense, B float64, k Constants) (EigenBounds, error) {
	const fn = boundCheck("EigenBoundsTheorem13")
	if X == nil || X.IsEmpty() {
		return EigenBounds{}, fmt.Errorf("ntk: %s: X is nil or empty; pass one input per row", fn)
	}
	n, _ := X.Dims()
	if n < 2 {
		return EigenBounds{}, fmt.Errorf("ntk: %s: X has %d row; Theorem 13 compares pairs of inputs, so it needs n ≥ 2", fn, n)
	}
	if err := checkFinite("X", X); err != nil {
		return EigenBounds{}, err
	}
	for i := 0; i < n; i++ {
		x := X.RawRowView(i)
		if nrm := math.Sqrt(floats.Dot(x, x)); math.Abs(nrm-1) > 1e-10 {
			return EigenBounds{}, fmt.Errorf("ntk: %s: row %d of X has norm %v; Theorem 13 assumes unit-norm inputs "+
				"(normalize the rows, e.g. with data.NormalizeRows)", fn, i, nrm)
		}
	}
	P, err := PairFiringProbabilities(X, B)
	if err != nil {
		return EigenBounds{}, err
	}
	R, err := NewRegion(P)
	if err != nil {
		return EigenBounds{}, err
	}
	delta, err := data.Separation(X)
	if err != nil {
		return EigenBounds{}, fmt.Errorf("ntk: %s: %w", fn, err)
	}
	delta = min(delta, math.Sqrt2) // unit rows: rounding may exceed √2 by ulps
	old, err := EigenBoundSongYangZhang2021(n, B, delta, k)
	if err != nil {
		return EigenBounds{}, err
	}
	p0 := Q(B)
	pmax := 0.0
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			pmax = max(pmax, P.At(i, j))
		}
	}
	return EigenBounds{
		Separation:        delta,
		P0:                p0,
		MinPair:           R.MinPair(),
		MaxPair:           pmax,
		Intermediate:      p0 - R.MinPair(),
		Worst:             p0 - pmax,
		Eq3:               restrictedEigenBound(B, delta),
		SongYangZhang2021: old,
		Region:            R,
	}, nil
}
