package ntk

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// ActiveMean returns the exact expected number of neurons that fire on a
// unit input at initialization,
//
//	E|S_on(i, 0)| = m·Q(B),
//
// since each of the m neurons fires independently with probability
// P[⟨w_r, x⟩ ≥ B] = Q(B) (paper.md §3.2; Lemma 33 bounds Q(B) by e^{−B²/2},
// which is loose by more than a factor 2, paper.md §8.13). Also valid under
// symmetric initialization (Definition 7), where the count is doubled from
// m/2 independent neurons. Full float64 accuracy.
func ActiveMean(m int, B float64) (float64, error) {
	const fn = boundCheck("ActiveMean")
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	return float64(m) * Q(B), nil
}

// ActiveTail returns the exact probability that at least count of the m
// neurons fire on a unit input at initialization,
//
//	P[|S_on(i, 0)| ≥ count] = P[Binomial(m, Q(B)) ≥ count] = I_{Q(B)}(count, m − count + 1),
//
// the regularized incomplete beta function (gonum mathext.RegIncBeta, about
// 1e-13 relative accuracy). It is 1 for count ≤ 0 and 0 for count > m. It
// assumes independent neurons, i.e. the plain initialization (under
// symmetric initialization the count is 2·Binomial(m/2, Q(B))). Lemma 33's
// bound on this tail at count = 2m e^{−B²/2} is ActiveBound(1, m, B).Failure.
func ActiveTail(m int, B float64, count int) (float64, error) {
	const fn = boundCheck("ActiveTail")
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	return activeBinomialTail(m, Q(B), count), nil
}

// activeBinomialTail returns P[Binomial(m, p) ≥ k].
func activeBinomialTail(m int, p float64, k int) float64 {
	switch {
	case k <= 0:
		return 1
	case k > m || p == 0:
		return 0
	case p == 1:
		return 1
	}
	return mathext.RegIncBeta(float64(k), float64(m-k+1), p)
}

// ActiveBound returns Lemma 33's bound on the number of neurons active on
// each input at initialization:
//
//	|S_on(i, 0)| ≤ 2 m e^{−B²/2} for all i ∈ [n],
//
// with probability at least 1 − n·exp(−m e^{−B²/2}/4) (Bernstein, using
// P[fire] ≤ e^{−B²/2}, and a union bound over the n inputs; pass n = 1 for a
// single input). Unit-norm inputs; any B ≥ 0 (the proof does not use
// B ≤ sqrt(0.5 log m), which only keeps m e^{−B²/2} ≥ m^{3/4} large). The
// exact mean is ActiveMean and the exact per-input tail ActiveTail. The
// by-product ‖Z(0)‖_F² ≤ 8 n e^{−B²/2} holds on the same event.
func ActiveBound(n, m int, B float64) (ProbBound, error) {
	const fn = boundCheck("ActiveBound")
	if err := fn.count("n", n); err != nil {
		return ProbBound{}, err
	}
	if err := fn.count("m", m); err != nil {
		return ProbBound{}, err
	}
	if err := fn.bias(B); err != nil {
		return ProbBound{}, err
	}
	me := float64(m) * math.Exp(-B*B/2)
	return ProbBound{Value: 2 * me, Failure: clipProbability(float64(n) * math.Exp(-me/4))}, nil
}

// ActiveBoundTraining returns Lemma 6 (= Lemma 34)'s bound on the number of
// active neurons at any time of training during which every neuron stays
// within (R_w, R_b) of its initialization:
//
//	|S_on(i, t)| ≤ |S_on(i, 0)| + |S̄_i| ≤ 2 m e^{−B²/2} + 2 m c R e^{−B²/2},   R = R_w + R_b,
//
// for all i ∈ [n], with probability at least
// 1 − n·exp(−m e^{−B²/2}/4) − n·exp(−(3/8) m c R e^{−B²/2}) (Lemma 33 plus
// Corollary 19, the latter with the corrected exponent documented on
// FlipSetBound). The paper states the result as O(m e^{−B²/2}) by taking
// R ≤ 2, which gives 2 + 4c; here the explicit radii are arguments, e.g. the
// measured Stats.MoveW and Stats.MoveB or Lemma 23's MovementRadius.
// Assumptions: those of FlipBound (R_w, R_b ≤ min{1/B, 1}); c is k.Flip
// (default FlipConstant).
func ActiveBoundTraining(n, m int, B, Rw, Rb float64, k Constants) (ProbBound, error) {
	const fn = boundCheck("ActiveBoundTraining")
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
	me := float64(m) * math.Exp(-B*B/2)
	mu := float64(m) * p
	return ProbBound{
		Value:   2*me + 2*mu,
		Failure: clipProbability(float64(n)*math.Exp(-me/4) + flipFailure(n, mu)),
	}, nil
}
