package ntk

import (
	"math"

	"gonum.org/v1/gonum/integrate/quad"
)

// FlipConstant is the default constant c of Lemma 3 (= Lemma 18),
//
//	c = sqrt(2/π)·sinh(2)/2 ≈ 1.44691,
//
// the supremum of [Φ(B+R) − Φ(B−R)] / (R e^{−B²/2}) over the lemma's whole
// domain: B ≥ 0 and R = R_w + R_b with R_w, R_b ≤ min{1/B, 1}.
//
// Derivation. Φ(B+R) − Φ(B−R) = ∫_{−R}^{R} φ(B+t) dt = 2φ(B) ∫_0^R cosh(Bt) e^{−t²/2} dt,
// and φ(B) e^{B²/2} = 1/√(2π), so the ratio is
//
//	g(B, R) = sqrt(2/π) · (1/R) ∫_0^R cosh(Bt) e^{−t²/2} dt ≤ sqrt(2/π) · sinh(BR)/(BR).
//
// On the domain BR ≤ 2·min{1, B} ≤ 2, and sinh(s)/s increases, so
// g ≤ sqrt(2/π)·sinh(2)/2. The value is approached (not attained) as B → ∞
// with R_w = R_b = 1/B, hence it is the supremum. Restricted to
// R = R_w + R_b ≤ min{1/B, 1} the same argument gives sqrt(2/π)·sinh(1) ≈ 0.93767,
// and as R → 0 the ratio tends to sqrt(2/π) ≈ 0.79788 (the "c ≈ 0.8 for small
// R" of paper.md §6.1). TestFlipConstant checks all three numerically.
const FlipConstant = 1.4469079618041600 // sqrt(2/π)·sinh(2)/2

// FlipProbability returns the exact probability that a neuron's activation on
// a unit input x can flip when its parameters move by at most R = R_w + R_b
// from the initialization (w̃ ~ N(0, I_d), b̃ = B), paper Lemma 3 / 18:
//
//	P[A_{i,r}] = P[|⟨w̃, x⟩ − B| < R] = Φ(B+R) − Φ(B−R).
//
// (For ‖x‖ = 1 the event "some (w, b) within (R_w, R_b) of (w̃, B) changes
// 1[⟨w,x⟩ ≥ b]" is exactly |⟨w̃,x⟩ − B| < R_w + R_b.) This is exact for any
// R ≥ 0; Lemma 18's bound needs R_w, R_b ≤ min{1/B, 1} (see FlipBound).
//
// Accuracy: about 1e-14 relative for all B ≥ 0 and R ≥ 0, including R → 0
// and large B where the difference of the two tails cancels: the difference
// is formed only when the two tails differ by a factor ≥ 2, and otherwise
// φ(B) ∫_{−R}^{R} e^{−Bt − t²/2} dt is computed by 24-point Gauss–Legendre
// (the strip is then narrow on the scale of φ, so the rule is exact to
// rounding). TestFlipProbabilityAccuracy checks it against the Taylor series
// in R and against erf differences. Results below the float64 range
// underflow to 0.
func FlipProbability(B, R float64) (float64, error) {
	const fn = boundCheck("FlipProbability")
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.nonNegative("R", R); err != nil {
		return 0, err
	}
	return stripProbability(B, R), nil
}

// stripProbability returns Φ(B+R) − Φ(B−R) for B ≥ 0, R ≥ 0.
func stripProbability(B, R float64) float64 {
	if R == 0 {
		return 0
	}
	lo, hi := B-R, B+R
	if lo >= 0 {
		// Both ends in the upper tail: Q(lo) − Q(hi) loses at most a factor
		// (1+r)/(1−r) ≤ 3 of relative accuracy when r = Q(hi)/Q(lo) ≤ 1/2.
		ql, qh := Q(lo), Q(hi)
		if qh <= 0.5*ql {
			return ql - qh
		}
	} else if R >= 0.5 {
		// The interval contains 0 and has length ≥ 1: the result is ≥ 0.34
		// and both subtracted tails are ≤ 1/2.
		return 1 - Q(hi) - Q(-lo)
	}
	// Narrow interval: here either R < 0.5 around 0, or the tail ratio is
	// > 1/2, which forces 2R·max(lo, 0) ≲ ln 2 and 2R ≲ 1.2, so φ varies by
	// a bounded factor over [lo, hi] and Gauss–Legendre is exact to rounding.
	// The integrand is written as φ(B+t) = φ(B) e^{−Bt − t²/2} over t ∈ [−R, R]
	// so that neither the width 2R nor the nodes suffer from rounding B ± R.
	var s float64
	for k, x := range boundsLegendre.x {
		t := R * x
		s += boundsLegendre.w[k] * math.Exp(-B*t-t*t/2)
	}
	return NormalPDF(B) * R * s
}

// boundsLegendre holds the 24-point Gauss–Legendre rule on [−1, 1] (gonum's
// nodes and weights, accurate to a few ulps), computed once.
var boundsLegendre = func() (r struct{ x, w []float64 }) {
	r.x, r.w = make([]float64, 24), make([]float64, 24)
	quad.Legendre{}.FixedLocations(r.x, r.w, -1, 1)
	return r
}()

// boundsIntegrate returns the 24-point Gauss–Legendre approximation of
// ∫_a^b f.
func boundsIntegrate(f func(float64) float64, a, b float64) float64 {
	c, h := (a+b)/2, (b-a)/2
	var s float64
	for k, x := range boundsLegendre.x {
		s += boundsLegendre.w[k] * f(c+h*x)
	}
	return h * s
}

// FlipBound returns Lemma 3 (= Lemma 18)'s bound on the probability that the
// activation of neuron r on input x_i can flip while (w_r, b_r) stays within
// (R_w, R_b) of its initialization:
//
//	P[A_{i,r}] ≤ c (R_w + R_b) e^{−B²/2}.
//
// Assumptions (checked): B ≥ 0 and R_w, R_b ∈ [0, min{1/B, 1}] (paper.md
// §8.10; both radii separately, as the lemma states); unit-norm inputs,
// w̃_r ~ N(0, I_d), b̃_r = B. The constant c is k.Flip, by default
// FlipConstant ≈ 1.447, the supremum of the exact ratio over this domain, so
// the bound holds for every admissible (B, R_w, R_b). For comparison, the
// predecessor's bound is FlipBoundSongYangZhang2021 and the exact value is
// FlipProbability(B, R_w + R_b).
func FlipBound(B, Rw, Rb float64, k Constants) (float64, error) {
	return flipBound("FlipBound", B, Rw, Rb, k)
}

// flipBound is FlipBound with errors attributed to fn.
func flipBound(fn boundCheck, B, Rw, Rb float64, k Constants) (float64, error) {
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.radii(B, Rw, Rb); err != nil {
		return 0, err
	}
	_, c, err := fn.constants(k, 1)
	if err != nil {
		return 0, err
	}
	return c * (Rw + Rb) * math.Exp(-B*B/2), nil
}

// FlipBoundSongYangZhang2021 returns the flip-probability bound of the
// predecessor, Song, Yang and Zhang (2021), Claim C.11, as quoted in paper.md
// §3.1 item 3:
//
//	P[flip] ≤ C · min{R, e^{−B²/2}},
//
// with the O(·) constant C = k.C (default 1). R ≥ 0 is the weight movement
// (their bias is fixed). Lemma 18's product form c R e^{−B²/2} (FlipBound) is
// smaller by the factor e^{−B²/2} when R ≤ e^{−B²/2}.
func FlipBoundSongYangZhang2021(B, R float64, k Constants) (float64, error) {
	const fn = boundCheck("FlipBoundSongYangZhang2021")
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.nonNegative("R", R); err != nil {
		return 0, err
	}
	C, _, err := fn.constants(k, 1)
	if err != nil {
		return 0, err
	}
	return C * min(R, math.Exp(-B*B/2)), nil
}

// FlipSetBound returns Corollary 19's bound on the flip sets S̄_i (the
// neurons whose activation on x_i may change, Definition 17) when every
// neuron moves by at most (R_w, R_b):
//
//	|S̄_i| ≤ 2 m c R e^{−B²/2} for all i ∈ [n],   R = R_w + R_b,
//
// with probability at least 1 − n·exp(−(3/8) m c R e^{−B²/2}); pass n = 1 for
// a single input. c is k.Flip (default FlipConstant). Assumptions as in
// FlipBound; m ≥ 1, n ≥ 1. Measured against it: the number of neurons with
// |⟨w_r(0), x_i⟩ − B| < R, which contains S̄_i.
//
// Correction (ours): the paper states the failure probability with the
// exponent (2/3) m c R e^{−B²/2}. Bernstein's inequality
// P[X − EX ≥ t] ≤ exp(−(t²/2)/(Var X + t/3)) with EX ≤ μ = m c R e^{−B²/2},
// Var X ≤ EX and t = 2μ − EX gives only exp(−3μ/8), and the (2/3) exponent
// is false when EX is close to μ: for a Binomial(m, p) count,
// P[X ≥ 2mp] ≈ exp(−(2 ln 2 − 1) mp) = exp(−0.386 mp) > exp(−(2/3) mp)
// (TestFlipSetFailureErratum). We report the Bernstein exponent 3/8.
func FlipSetBound(n, m int, B, Rw, Rb float64, k Constants) (ProbBound, error) {
	const fn = boundCheck("FlipSetBound")
	if err := fn.count("n", n); err != nil {
		return ProbBound{}, err
	}
	if err := fn.count("m", m); err != nil {
		return ProbBound{}, err
	}
	p, err := flipBound(fn, B, Rw, Rb, k)
	if err != nil {
		return ProbBound{}, err
	}
	mu := float64(m) * p // m c R e^{−B²/2}, an upper bound on E|S̄_i|
	return ProbBound{Value: 2 * mu, Failure: flipFailure(n, mu)}, nil
}

// flipFailure returns n·exp(−3μ/8), clipped to [0, 1], the probability that
// some of n flip sets with means ≤ μ exceeds 2μ; it is 0 when μ = 0 (no
// movement, no flip).
func flipFailure(n int, mu float64) float64 {
	if mu == 0 {
		return 0
	}
	return clipProbability(float64(n) * math.Exp(-3*mu/8))
}
