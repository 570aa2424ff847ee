package ntk

import (
	"fmt"
	"math"
)

// KernelEigenBound returns Lemma 15's bound on the least eigenvalue of the
// sampled kernel at initialization, H(0) with width m (matrix Chernoff):
//
//	λ_min(H(0)) ≥ (3/4) λ   with probability at least 1 − n·exp(−λ m/(64 n)),
//
// where λ = λ(B) = λ_min(H∞(B)). It holds for inputs with ‖x_i‖ ≤ 1 (each
// neuron's summand has ‖H_r‖₂ ≤ 2n/m) and any B ≥ 0, which enters only
// through λ. WidthLemma15 inverts the failure probability.
func KernelEigenBound(n, m int, lambda float64) (ProbBound, error) {
	const fn = boundCheck("KernelEigenBound")
	if err := fn.count("n", n); err != nil {
		return ProbBound{}, err
	}
	if err := fn.count("m", m); err != nil {
		return ProbBound{}, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return ProbBound{}, err
	}
	return ProbBound{Value: 0.75 * lambda, Failure: lemma15Failure(n, m, lambda)}, nil
}

// lemma15Failure returns n·exp(−λm/(64n)), clipped to 1.
func lemma15Failure(n, m int, lambda float64) float64 {
	return clipProbability(float64(n) * math.Exp(-lambda*float64(m)/(64*float64(n))))
}

// WidthLemma15 returns the width at which Lemma 15 holds with failure
// probability δ,
//
//	m = 64 n log(n/δ) / λ,
//
// the explicit form of the lemma's m = Ω(λ^{−1} n log(n/δ)) (so that
// n·exp(−λm/(64n)) = δ). λ = λ(B) = λ_min(H∞(B)) > 0, δ ∈ (0, 1).
func WidthLemma15(n int, lambda, delta float64) (float64, error) {
	const fn = boundCheck("WidthLemma15")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return 0, err
	}
	if err := fn.failure(delta); err != nil {
		return 0, err
	}
	return 64 * float64(n) * math.Log(float64(n)/delta) / lambda, nil
}

// KernelDeviationBound returns Lemma 16's bound on the distance between the
// sampled kernel at initialization and its infinite-width limit: with
// probability at least 1 − δ,
//
//	‖H(0) − H∞(B)‖_F ≤ 4 n e^{−B²/4} sqrt(log(2n²/δ) / m).
//
// Each entry is an average of m independent terms bounded by 2/m with second
// moment at most 4 e^{−B²/2}/m², so Bernstein gives the per-entry deviation
// sqrt(8 e^{−B²/2} L/m) + 4L/m with L = log(2n²/δ) (two-sided, union over the
// n² entries; the paper writes log(n²/δ), which omits the factor 2 of the
// two sides). That is at most 4 e^{−B²/4} sqrt(L/m) exactly when
//
//	e^{B²/2} · L ≤ (1 − 1/√2)² m ≈ 0.0858 m,
//
// the explicit form of the lemma's assumption "exp(B²/2) = O(√m), m = n^{O(1)}",
// which is checked. Inputs with ‖x_i‖ ≤ 1 (unit norm in the paper), δ ∈ (0, 1).
func KernelDeviationBound(n, m int, B, delta float64) (float64, error) {
	const fn = boundCheck("KernelDeviationBound")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.failure(delta); err != nil {
		return 0, err
	}
	nf, mf := float64(n), float64(m)
	L := math.Log(2 * nf * nf / delta)
	const room = (1 - 1/math.Sqrt2) * (1 - 1/math.Sqrt2)
	if need := math.Exp(B*B/2) * L / room; need > mf*(1+domainSlack) {
		return 0, fmt.Errorf("ntk: %s: m = %d is too small for B = %v and δ = %v: Lemma 16 assumes e^{B²/2} = O(√m), "+
			"which here means e^{B²/2}·log(2n²/δ) ≤ (1 − 1/√2)²·m, i.e. m ≥ %.4g", fn, m, B, delta, need)
	}
	return 4 * nf * math.Exp(-B*B/4) * math.Sqrt(L/mf), nil
}

// Perturbation is the result of KernelPerturbationBound (Lemma 20).
type Perturbation struct {
	// Kernel = 8 c n R e^{−B²/2}, the bound on ‖H(W, b) − H(W̃, b̃)‖_F.
	Kernel float64
	// Features = sqrt(8 c n R e^{−B²/2}), the bound on ‖Z(W, b) − Z(W̃, b̃)‖_F.
	Features float64
	// Failure bounds the probability that Kernel or Features fails.
	Failure float64
	// MinEigen is the resulting lower bound 0.75 λ − Kernel on
	// λ_min(H(W, b)); it may be negative (vacuous).
	MinEigen float64
	// MinEigenFailure = Failure + Lemma 15's failure n·exp(−λm/(64n)).
	MinEigenFailure float64
}

// KernelPerturbationBound returns Lemma 20's bounds on how much the kernel
// and the feature matrix can change when every neuron moves by at most
// (R_w, R_b) from its initialization (W̃, b̃ = B), R = R_w + R_b:
//
//	‖H(W̃, b̃) − H(W, b)‖_F ≤ 8 c n R e^{−B²/2},
//	‖Z(W̃, b̃) − Z(W, b)‖_F ≤ sqrt(8 c n R e^{−B²/2}),
//	λ_min(H(W, b)) > 0.75 λ − 8 c n R e^{−B²/2},
//
// simultaneously for all such (W, b), with probability at least
// 1 − n²·exp(−(3/8) c m R e^{−B²/2}) for the first two (the flip sets of
// Corollary 19 stay below 2mcRe^{−B²/2}; the paper's exponent 2/3 is
// corrected to 3/8 as documented on FlipSetBound), and additionally
// − n·exp(−λm/(64n)) (Lemma 15) for the third. λ = λ(B) = λ_min(H∞(B)).
// Assumptions: those of FlipBound (unit-norm inputs, R_w, R_b ≤ min{1/B, 1});
// c = k.Flip (default FlipConstant).
func KernelPerturbationBound(n, m int, lambda, B, Rw, Rb float64, k Constants) (Perturbation, error) {
	const fn = boundCheck("KernelPerturbationBound")
	if err := fn.count("n", n); err != nil {
		return Perturbation{}, err
	}
	if err := fn.count("m", m); err != nil {
		return Perturbation{}, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return Perturbation{}, err
	}
	p, err := flipBound(fn, B, Rw, Rb, k) // c R e^{−B²/2}
	if err != nil {
		return Perturbation{}, err
	}
	dk := 8 * float64(n) * p
	fail := flipFailure(n*n, float64(m)*p)
	return Perturbation{
		Kernel:          dk,
		Features:        math.Sqrt(dk),
		Failure:         fail,
		MinEigen:        0.75*lambda - dk,
		MinEigenFailure: clipProbability(fail + lemma15Failure(n, m, lambda)),
	}, nil
}
