package ntk

import (
	"fmt"
	"math"
)

// This file holds what the bounds of the paper share: the convention for the
// constants the paper leaves unspecified, the result types of high-probability
// and multi-term bounds, and the argument checks. The bounds themselves live in
// bounds_*.go, one file per theme:
//
//	bounds_convergence.go    Theorem 1 / 32, Lemma 23, Remark 2, Appendix E, Table 1
//	bounds_initial.go        Lemma 5 / 25 (initial output and error)
//	bounds_flip.go           Lemma 3 / 18, Corollary 19 (activation flips)
//	bounds_sparsity.go       Lemmas 6 / 33 / 34 (active neurons)
//	bounds_kernel.go         Lemmas 15, 16, 20 (sampled and perturbed kernels)
//	bounds_generalization.go Theorem 9 / 40, Corollary 10, Lemmas 11 and 41
//	bounds_eigen.go          Definition 12, Theorem 13, Remark 14: eq. (3), the region R
//	bounds_restricted.go     the restricted minimum over R (Region.Minimize)
//	bounds_pairs.go          pair firing probabilities, Theorem 13 on a data set
//	bounds_linearized.go     Theorem 42
//
// Conventions shared by all of them:
//
//   - Inputs are unit vectors unless a function says otherwise (the paper
//     assumes ‖x_i‖ ≤ 1, and = 1 wherever a bound uses Q(B) as the firing
//     probability). n is the number of samples, m the width, B ≥ 0 the initial
//     bias, λ = λ_min(H∞(B)) the least eigenvalue of the bias-generalized NTK
//     and λ0 = λ·e^{B²/2} the constant of Theorem 1's assumption
//     λ(B) = λ0 e^{−B²/2}. Each function takes the λ its theorem is printed
//     with and says which.
//   - A width is returned as a float64: the requirements are often far beyond
//     the range of int.
//   - Every constant the paper hides in O(·), Ω(·), Ω̃(·) or calls "a universal
//     constant" is an explicit field of a Constants argument, always the last
//     argument, whose zero value selects the default documented on each
//     function. Log factors of Ω̃ are dropped in the "Theorem 1/9" forms and
//     written out in the "Theorem 32/40" forms, as the paper prints them.
//   - Where the paper states a failure probability, the result is a ProbBound;
//     where it adds a remainder known only up to its order, the result is a
//     Terms that keeps the explicit leading term apart.
//   - Arguments outside a bound's assumptions give an error that names the
//     assumption; no function returns NaN.

// Constants fixes the constants that the paper leaves unspecified. The zero
// value selects, for each bound, the default documented on that function; a
// field set to a positive value overrides it. Negative, infinite or NaN values
// are rejected.
type Constants struct {
	// C is the constant of the O(·), Ω(·) or Ω̃(·) term of a bound; each
	// function says which factor it multiplies and what its default is (1
	// unless stated otherwise).
	C float64
	// Flip is the universal constant c of Lemma 3 / 18, P[flip] ≤ c·R·e^{−B²/2},
	// wherever a bound uses it. Zero means FlipConstant, the smallest value for
	// which the lemma holds on its whole domain.
	Flip float64
}

// ProbBound is a bound that holds with probability at least 1 − Failure over
// the random initialization. Failure is clipped to [0, 1]; a Failure of 1
// means the paper's argument gives no guarantee at these parameters.
type ProbBound struct {
	Value   float64 // the bound
	Failure float64 // upper bound on the probability that it fails
}

// Terms is a bound the paper writes as an explicit leading term plus a
// remainder it states only up to its order (O(·) or Õ(·)). Rest evaluates
// that remainder with the constant Constants.C and the log factors documented
// on the function; Sum is the whole bound.
type Terms struct {
	Leading float64 // the explicit term, with the paper's constants
	Rest    float64 // the O(·)/Õ(·) remainder under the documented reading
}

// Sum returns Leading + Rest.
func (t Terms) Sum() float64 { return t.Leading + t.Rest }

// MaxBias returns sqrt(0.5·log m), the largest initial bias B that Theorem 1
// (= Theorem 32) and the results built on it allow at width m. At this B a
// neuron fires with probability about e^{−B²/2} = m^{−1/4}, so each input
// still activates about m^{3/4} neurons (Lemma 34's remark).
func MaxBias(m int) (float64, error) {
	if m < 1 {
		return 0, fmt.Errorf("ntk: MaxBias: m = %d; the width must be ≥ 1", m)
	}
	return math.Sqrt(0.5 * math.Log(float64(m))), nil
}

// boundCheck validates the arguments of the bound named by its value; its
// errors start with "ntk: <name>:".
type boundCheck string

// count reports whether an integer argument is ≥ 1.
func (fn boundCheck) count(name string, v int) error {
	if v < 1 {
		return fmt.Errorf("ntk: %s: %s = %d; it must be ≥ 1", fn, name, v)
	}
	return nil
}

// nonNegative reports whether v is a finite number ≥ 0.
func (fn boundCheck) nonNegative(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
		return fmt.Errorf("ntk: %s: %s = %v; it must be a finite number ≥ 0", fn, name, v)
	}
	return nil
}

// positive reports whether v is a finite number > 0.
func (fn boundCheck) positive(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return fmt.Errorf("ntk: %s: %s = %v; it must be a finite number > 0", fn, name, v)
	}
	return nil
}

// bias reports whether B is a valid initial bias (finite, ≥ 0).
func (fn boundCheck) bias(B float64) error {
	if math.IsNaN(B) || math.IsInf(B, 0) || B < 0 {
		return fmt.Errorf("ntk: %s: B = %v; the paper's initial bias must be a finite number ≥ 0", fn, B)
	}
	return nil
}

// failure reports whether delta is a failure probability in (0, 1).
func (fn boundCheck) failure(delta float64) error {
	if math.IsNaN(delta) || delta <= 0 || delta >= 1 {
		return fmt.Errorf("ntk: %s: delta = %v; the failure probability δ must lie in (0, 1)", fn, delta)
	}
	return nil
}

// lambda reports whether v is a valid least eigenvalue of H∞ (finite, > 0).
func (fn boundCheck) lambda(name string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v <= 0 {
		return fmt.Errorf("ntk: %s: %s = %v; the least eigenvalue of H∞ must be a finite number > 0 "+
			"(the bound needs a positive-definite kernel)", fn, name, v)
	}
	return nil
}

// constants returns k.C (default def) and k.Flip (default FlipConstant).
func (fn boundCheck) constants(k Constants, def float64) (C, c float64, err error) {
	if C, err = fn.constant("Constants.C", k.C, def); err != nil {
		return 0, 0, err
	}
	if c, err = fn.constant("Constants.Flip", k.Flip, FlipConstant); err != nil {
		return 0, 0, err
	}
	return C, c, nil
}

// constant returns v, or def when v is zero.
func (fn boundCheck) constant(name string, v, def float64) (float64, error) {
	switch {
	case v == 0:
		return def, nil
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0:
		return 0, fmt.Errorf("ntk: %s: %s = %v; a constant must be a finite number > 0 (0 selects the documented default)", fn, name, v)
	}
	return v, nil
}

// domainSlack is the relative tolerance of the domain checks, so that a value
// computed as exactly the limit (say B = MaxBias(m)) is not rejected for a
// rounding error in its last bits.
const domainSlack = 1e-12

// biasWidth reports whether B ∈ [0, sqrt(0.5 log m)], the range of Theorem 1.
func (fn boundCheck) biasWidth(B float64, m int) error {
	if err := fn.bias(B); err != nil {
		return err
	}
	if lim := 0.5 * math.Log(float64(m)); B*B > lim*(1+domainSlack) {
		return fmt.Errorf("ntk: %s: B = %v is outside [0, sqrt(0.5·log m)] = [0, %.6g] for m = %d; "+
			"Theorem 1 (and the results built on it) assume this range: lower B or widen to m ≥ e^{2B²} ≈ %.4g",
			fn, B, math.Sqrt(lim), m, math.Exp(2*B*B))
	}
	return nil
}

// radii reports whether the movement radii satisfy the hypothesis
// R_w, R_b ∈ [0, min{1/B, 1}] of Lemma 18 (paper.md §8.10).
func (fn boundCheck) radii(B, Rw, Rb float64) error {
	if err := fn.nonNegative("Rw", Rw); err != nil {
		return err
	}
	if err := fn.nonNegative("Rb", Rb); err != nil {
		return err
	}
	lim := flipRadiusLimit(B)
	for _, r := range []struct {
		name string
		v    float64
	}{{"Rw", Rw}, {"Rb", Rb}} {
		if r.v > lim*(1+domainSlack) {
			return fmt.Errorf("ntk: %s: %s = %v > min{1/B, 1} = %.6g at B = %v; Lemma 18 assumes both movement radii "+
				"R_w, R_b are at most min{1/B, 1}", fn, r.name, r.v, lim, B)
		}
	}
	return nil
}

// flipRadiusLimit returns min{1/B, 1}, the largest movement radius of Lemma 18.
func flipRadiusLimit(B float64) float64 {
	if B <= 1 {
		return 1
	}
	return 1 / B
}

// clipProbability clips a probability bound to [0, 1].
func clipProbability(p float64) float64 { return min(max(p, 0), 1) }

// finite reports whether element i of the vector name is finite.
func (fn boundCheck) finite(name string, i int, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("ntk: %s: %s[%d] = %v; all entries must be finite", fn, name, i, v)
	}
	return nil
}
