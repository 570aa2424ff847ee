package ntk

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// RestrictedEigenBound returns the right-hand side of eq. (3) of Theorem 13
// (= Theorem 35), the n-independent lower bound on the restricted smallest
// eigenvalue λ_R = min{aᵀ H∞ a : ‖a‖ = 1, a ∈ R} of Definition 12:
//
//	λ' = max(1/2 − B/√(2π), (1/B − 1/B³) e^{−B²/2}/√(2π))
//	     − e^{−B²/(2 − δ²/2)} · [π − arctan(δ sqrt(1 − δ²/4) / (1 − δ²/2))] / (2π),
//
// and λ_R ≥ max(0, λ'). The value is returned as is, so a negative result
// means the bound is vacuous (it is for δ → 0 and, on moderately separated
// data, for intermediate B ≈ 0.5–1, where the lower bound on p0 is loose;
// paper.md §6.1). The first term is a lower bound on p0 = Q(B) (the Mills
// term only for B > 0), the second an upper bound on every pair probability
// p_ij = P[⟨w,x_i⟩ ≥ B, ⟨w,x_j⟩ ≥ B] through |⟨x_i, x_j⟩| ≤ Δ ≤ 1 − δ²/2.
// The arctangent is evaluated as atan2, so δ = √2 (orthogonal data) is
// exact: there eq. (3) is the p0 bound minus e^{−B²}/4, a term the paper's
// remark after Theorem 13 omits (paper.md §8.6).
//
// Assumptions: unit-norm inputs with separation
// min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖) ≥ δ, δ ∈ [0, √2] (checked), B ≥ 0.
// The exact intermediate quantity p0 − min_{i≠j} p_ij is Region.Intermediate;
// EigenBoundsTheorem13 computes all of them for a data set.
func RestrictedEigenBound(B, delta float64) (float64, error) {
	const fn = boundCheck("RestrictedEigenBound")
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.separation(delta); err != nil {
		return 0, err
	}
	return restrictedEigenBound(B, delta), nil
}

func restrictedEigenBound(B, delta float64) float64 {
	d2 := delta * delta
	angle := math.Atan2(delta*math.Sqrt(1-d2/4), 1-d2/2)
	return firingLowerBound(B) - math.Exp(-B*B/(2-d2/2))*(math.Pi-angle)/(2*math.Pi)
}

// firingLowerBound returns the lower bound on p0 = Q(B) used by Theorem 13:
// max(1/2 − B/√(2π), (1/B − 1/B³) φ(B)), the Mills term only for B > 0.
func firingLowerBound(B float64) float64 {
	v := 0.5 - B/math.Sqrt(2*math.Pi)
	// For B below about 1e-103, 1/B³ overflows and the Mills term, −∞ in
	// the limit, would be Inf − Inf = NaN: it is skipped there.
	if mills := (1/B - 1/(B*B*B)) * NormalPDF(B); B > 0 && !math.IsNaN(mills) {
		v = max(v, mills)
	}
	return v
}

// separation reports whether delta is a separation margin in [0, √2].
func (fn boundCheck) separation(delta float64) error {
	if math.IsNaN(delta) || delta < 0 || delta > math.Sqrt2*(1+domainSlack) {
		return fmt.Errorf("ntk: %s: delta = %v; the separation δ = min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖) of unit vectors "+
			"lies in [0, √2] (data.Separation computes it)", fn, delta)
	}
	return nil
}

// EigenBoundSongYangZhang2021 returns the predecessor's worst-case lower
// bound on λ_min(H∞(B)) under δ-separation, Song, Yang and Zhang (2021),
// Theorem F.1, as quoted in paper.md §9:
//
//	λ_min(H∞(B)) ≥ C · e^{−B²/2} δ / n²,
//
// with the Ω(·) constant C = k.C (default 1). At B = 0 it is Oymak and
// Soltanolkotabi's Ω(δ/n²). Compare RestrictedEigenBound, which does not
// decay with n but holds only on the region R. δ ∈ [0, √2], n ≥ 1.
func EigenBoundSongYangZhang2021(n int, B, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("EigenBoundSongYangZhang2021")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.separation(delta); err != nil {
		return 0, err
	}
	C, _, err := fn.constants(k, 1)
	if err != nil {
		return 0, err
	}
	return C * math.Exp(-B*B/2) * delta / (float64(n) * float64(n)), nil
}

// Region is the data-dependent region R of Definition 12,
//
//	R = { a ∈ Rⁿ : Σ_{i≠j} a_i a_j p_ij ≥ p_min Σ_{i≠j} a_i a_j },   p_min = min_{i≠j} p_ij,
//
// where p_ij = P[⟨w, x_i⟩ ≥ B, ⟨w, x_j⟩ ≥ B] are the pair firing
// probabilities (PairFiringProbabilities). Equivalently aᵀ M a ≥ 0 for the
// matrix M with M_ij = p_ij − p_min ≥ 0 off the diagonal and M_ii = 0, which
// is how membership is computed (Margin). R is a symmetric double cone
// (a ∈ R ⇒ −a ∈ R), contains the nonnegative orthant, is all of Rⁿ when all
// p_ij are equal (orthonormal inputs), and is not convex in general. On R
// the restricted eigenvalue of Theorem 13 holds.
type Region struct {
	n    int
	pmin float64       // min_{i≠j} p_ij
	dmin float64       // min_i p_ii
	m    *mat.SymDense // M: p_ij − p_min off the diagonal, 0 on it
}

// NewRegion returns the region R of Definition 12 for the n×n matrix P of
// pair firing probabilities (n ≥ 2; entries finite, in [0, 1]; the diagonal
// holds the single-input probabilities p_ii = Q(B/‖x_i‖), used only by
// Intermediate). P is copied.
func NewRegion(P mat.Symmetric) (*Region, error) {
	const fn = boundCheck("NewRegion")
	if P == nil {
		return nil, fmt.Errorf("ntk: %s: P is nil; pass the pair firing probabilities of PairFiringProbabilities", fn)
	}
	n := P.SymmetricDim()
	if n < 2 {
		return nil, fmt.Errorf("ntk: %s: P is %d×%d; the region compares pairs i ≠ j, so it needs n ≥ 2 inputs", fn, n, n)
	}
	r := &Region{n: n, pmin: math.Inf(1), dmin: math.Inf(1), m: mat.NewSymDense(n, nil)}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := P.At(i, j)
			if !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("ntk: %s: P[%d][%d] = %v; firing probabilities lie in [0, 1]", fn, i, j, v)
			}
			if i == j {
				r.dmin = min(r.dmin, v)
			} else {
				r.pmin = min(r.pmin, v)
			}
		}
	}
	for i := 0; i < n; i++ {
		for j := i + 1; j < n; j++ {
			r.m.SetSym(i, j, P.At(i, j)-r.pmin)
		}
	}
	return r, nil
}

// Dim returns the number n of inputs, the dimension of the vectors of R.
func (r *Region) Dim() int { return r.n }

// MinPair returns p_min = min_{i≠j} p_ij.
func (r *Region) MinPair() float64 { return r.pmin }

// Intermediate returns the exact intermediate lower bound of Theorem 13's
// proof,
//
//	λ_R ≥ p0 − min_{i≠j} p_ij,
//
// with p0 = min_i p_ii (= Q(B) for unit-norm inputs, the paper's case; for
// other norms the same proof holds with the smallest diagonal entry). Proof:
// aᵀH∞a ≥ aᵀPa (H∞ = (XXᵀ + 11ᵀ) ∘ P and (XXᵀ) ∘ P ⪰ 0), and on R,
// aᵀPa ≥ (p0 − p_min)‖a‖² + p_min (Σ_i a_i)². It may be negative only for
// inputs of different norms.
func (r *Region) Intermediate() float64 { return r.dmin - r.pmin }

// Margin returns Σ_{i≠j} a_i a_j (p_ij − p_min) = aᵀ M a, which is ≥ 0
// exactly when a ∈ R. It is computed as a sum of the products
// a_i a_j M_ij, so a nonnegative a gets a nonnegative margin in floating
// point too. a must have Dim() finite entries.
func (r *Region) Margin(a []float64) (float64, error) {
	if err := r.vector("Region.Margin", "a", a); err != nil {
		return 0, err
	}
	return r.quad(a), nil
}

// Contains reports whether a lies in R (Margin(a) ≥ 0). Remark 14: a label
// vector in R, e.g. any y ≥ 0, is where the restricted eigenvalue applies.
func (r *Region) Contains(a []float64) (bool, error) {
	if err := r.vector("Region.Contains", "a", a); err != nil {
		return false, err
	}
	return r.quad(a) >= 0, nil
}

// Shift returns the smallest C ≥ 0 such that the shifted labels y + C·1 lie
// in R (Remark 14's label shifting). The paper shifts into the nonnegative
// orthant, C = max(0, −min_i y_i), which always works because R ⊇ Rⁿ₊; the
// margin of y + C·1 is the quadratic g(y) + 2C Σ_{i≠j} y_i M_ij + C² Σ_{i≠j} M_ij,
// whose root gives the smallest shift, never larger than the paper's. The
// returned C is rounded up, if needed, until Contains(y + C·1) holds.
func (r *Region) Shift(y []float64) (float64, error) {
	if err := r.vector("Region.Shift", "y", y); err != nil {
		return 0, err
	}
	g0 := r.quad(y)
	if g0 >= 0 {
		return 0, nil
	}
	var a, b float64 // a = Σ_{i≠j} M_ij, b = Σ_{i≠j} y_i M_ij
	for i := 0; i < r.n; i++ {
		for j := 0; j < r.n; j++ {
			if i != j {
				mij := r.m.At(i, j)
				a += mij
				b += y[i] * mij
			}
		}
	}
	// g0 < 0 needs some M_ij > 0, so a > 0; the roots of a C² + 2b C + g0
	// have product g0/a < 0, and the positive one is computed without
	// cancellation.
	s := math.Sqrt(b*b - a*g0)
	var C float64
	if b > 0 {
		C = -g0 / (b + s)
	} else {
		C = (s - b) / a
	}
	shifted := make([]float64, r.n)
	for range 64 {
		for i, v := range y {
			shifted[i] = v + C
		}
		if r.quad(shifted) >= 0 {
			return C, nil
		}
		C = math.Nextafter(C, math.Inf(1)) * (1 + 1e-15)
	}
	// Unreachable in exact arithmetic; fall back on the orthant shift.
	lo := 0.0
	for _, v := range y {
		lo = min(lo, v)
	}
	return -lo, nil
}

// quad returns aᵀMa = 2 Σ_{i<j} a_i a_j M_ij.
func (r *Region) quad(a []float64) float64 {
	raw := r.m.RawSymmetric()
	var s float64
	for i := 0; i < r.n; i++ {
		row := raw.Data[i*raw.Stride:]
		var t float64
		for j := i + 1; j < r.n; j++ {
			t += a[j] * row[j]
		}
		s += a[i] * t
	}
	return 2 * s
}

// ready reports a nil or zero Region, which only NewRegion can build.
func (r *Region) ready(fn boundCheck) error {
	if r == nil || r.n == 0 {
		return fmt.Errorf("ntk: %s: the region is nil or empty; build it with NewRegion", fn)
	}
	return nil
}

// vector checks that v has Dim() finite entries.
func (r *Region) vector(fn boundCheck, name string, v []float64) error {
	if err := r.ready(fn); err != nil {
		return err
	}
	if len(v) != r.n {
		return fmt.Errorf("ntk: %s: len(%s) = %d but the region has dimension %d (one entry per input)", fn, name, len(v), r.n)
	}
	for i, x := range v {
		if err := fn.finite(name, i, x); err != nil {
			return err
		}
	}
	return nil
}
