package ntk

import (
	"fmt"
	"math"
)

// LinearizationErrorBound returns Theorem 42's bound on the distance between
// the trained network and its kernel linearization after `step` gradient
// steps. Under symmetric initialization f(0) = 0 and
//
//	f(k) − y = −(I − η H∞)^k y + e(k),
//	‖e(k)‖₂ ≤ k (1 − ηλ/4)^{(k−1)/2} η n^{3/2} · O( e^{−B²/4} sqrt(log(n²/δ)/m) + R e^{−B²/2} ).
//
// We read the O(·) with the constants the proof assembles and evaluate
//
//	k (1 − ηλ/4)^{(k−1)/2} η n^{3/2} · C · ( 4 e^{−B²/4} sqrt(log(2n²/δ)/m) + 10 c R e^{−B²/2} ),
//
// where 4 e^{−B²/4} sqrt(…) n is Lemma 16's ‖H(0) − H∞‖_F (KernelDeviationBound,
// with its two-sided log(2n²/δ)), 8 c n R e^{−B²/2} Lemma 20's ‖H(s) − H(0)‖_F
// (KernelPerturbationBound) and 2 c n R e^{−B²/2} the output change of the
// flipped neurons (Lemma 30), each multiplying ‖f(s) − y‖ ≤ (1 − ηλ/4)^{s/2}‖y‖
// with ‖y‖₂ ≤ √n (labels |y_i| ≤ 1). C = k.C (default 1) scales the whole
// O(·); c = k.Flip (default FlipConstant). R = R_w + R_b.
//
// Assumptions (checked): unit-norm inputs; n, m ≥ 1; step ≥ 0; λ = λ(B) > 0;
// B ≤ sqrt(0.5 log m) (Theorem 1's range); R_w, R_b ≤ min{1/B, 1}
// (Lemma 18); δ ∈ (0, 1); the step size small enough that
// ‖I − ηH∞‖ ≤ 1 − ηλ, which the proof takes from η = O(λ/n²) ≪ 1/‖H∞‖ and is
// checked here through the sufficient condition η ≤ 1/tr H∞ = 1/(2nQ(B)).
// The bound holds with probability at least 1 − δ − e^{−Ω(n)}. Lemma 16's
// condition on m (see KernelDeviationBound) is not required: the formula is
// evaluated as printed.
func LinearizationErrorBound(n, m, step int, eta, lambda, B, Rw, Rb, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("LinearizationErrorBound")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	if step < 0 {
		return 0, fmt.Errorf("ntk: %s: step = %d; the number of steps must be ≥ 0", fn, step)
	}
	if err := fn.biasWidth(B, m); err != nil {
		return 0, err
	}
	if err := fn.failure(delta); err != nil {
		return 0, err
	}
	rate, err := rateArgs(fn, eta, lambda)
	if err != nil {
		return 0, err
	}
	nf := float64(n)
	if lim := 1 / (2 * nf * Q(B)); eta > lim*(1+domainSlack) {
		return 0, fmt.Errorf("ntk: %s: eta = %v > 1/(2nQ(B)) = %.6g; Theorem 42's proof needs ‖I − ηH∞‖ ≤ 1 − ηλ "+
			"(the paper takes η = O(λ/n²)); use a smaller step", fn, eta, lim)
	}
	p, err := flipBound(fn, B, Rw, Rb, k) // c R e^{−B²/2}
	if err != nil {
		return 0, err
	}
	C, _, err := fn.constants(k, 1)
	if err != nil {
		return 0, err
	}
	if step == 0 {
		return 0, nil // e(0) = f(0) − y + y = 0 under symmetric initialization
	}
	kf := float64(step)
	inner := 4*math.Exp(-B*B/4)*math.Sqrt(math.Log(2*nf*nf/delta)/float64(m)) + 10*p
	return kf * math.Pow(rate, (kf-1)/2) * eta * math.Pow(nf, 1.5) * C * inner, nil
}
