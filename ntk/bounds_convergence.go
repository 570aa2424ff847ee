package ntk

import (
	"fmt"
	"math"
)

// WidthTheorem1 returns the width requirement of Theorem 1 (and the "this
// work" entry of Table 1's convergence column),
//
//	m ≥ C · λ0^{−4} n^4 e^{B²},
//
// where λ0 is the B-independent constant of Theorem 1's assumption
// λ(B) = λ0 e^{−B²/2}. C = k.C (default 1) stands for the constant of Ω̃,
// whose polylogarithmic factor is dropped here; WidthTheorem32 writes the
// logs out. With λ = λ(B) the same number is C λ^{−4} n^4 e^{−B²}, which is
// the form the proof needs and holds without the assumption (paper.md §8.9);
// pass λ0 = λ·e^{B²/2} to use a measured λ(B). Theorem 1 also needs
// B ≤ sqrt(0.5 log m), i.e. m ≥ e^{2B²} (see MaxBias), which this formula does
// not include. Requirements beyond the float64 range give an error.
func WidthTheorem1(n int, lambda0, B float64, k Constants) (float64, error) {
	const fn = boundCheck("WidthTheorem1")
	C, err := widthArgs(fn, n, "lambda0", lambda0, B, k)
	if err != nil {
		return 0, err
	}
	return fn.width(math.Log(C) - 4*math.Log(lambda0) + 4*math.Log(float64(n)) + B*B)
}

// WidthTheorem32 returns the smallest width m that satisfies the hypotheses
// of Theorem 32 (the appendix form of Theorem 1 with its log factors):
//
//	m ≥ C · λ^{−4} n^4 [1 + (e^{−B²/2} + 1/m) log³(2mn/δ)] e^{−B²}   and   B ≤ sqrt(0.5 log m),
//
// with λ = λ(B) = λ_min(H∞(B)), δ the failure probability and C = k.C
// (default 1) the constant of Ω̃. m appears on both sides; for m ≥ 10 the
// ratio of the right-hand side to m decreases, so the smallest solution is
// found by bisection (over real m, to 1e-13 relative, then rounded up to an
// integer when below 2^53). Requirements beyond the float64 range give an
// error.
func WidthTheorem32(n int, lambda, B, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("WidthTheorem32")
	C, err := widthArgs(fn, n, "lambda", lambda, B, k)
	if err != nil {
		return 0, err
	}
	if err := fn.failure(delta); err != nil {
		return 0, err
	}
	logA := math.Log(C) - 4*math.Log(lambda) + 4*math.Log(float64(n)) - B*B
	return fn.solveWidth(logA, float64(n), B, delta)
}

// solveWidth returns the smallest m ≥ 1 with m ≥ e^{2B²} and
// m ≥ A [1 + (e^{−B²/2} + 1/m) log³(2mn/δ)], A = e^{logA}.
func (fn boundCheck) solveWidth(logA, n, B, delta float64) (float64, error) {
	eB := math.Exp(-B * B / 2)
	// excess(m) = log(A·bracket(m)) − log m ≤ 0 iff the width condition holds.
	excess := func(m float64) float64 {
		L := math.Log(2 * m * n / delta)
		return logA + math.Log1p((eB+1/m)*L*L*L) - math.Log(m)
	}
	floor := math.Exp(2 * B * B) // B ≤ sqrt(0.5 log m)
	if math.IsInf(floor, 1) {
		return 0, fmt.Errorf("ntk: %s: B = %v needs m ≥ e^{2B²}, beyond the float64 range; lower B", fn, B)
	}
	for m := 1.0; m < 10; m++ {
		if excess(m) <= 0 && m >= floor {
			return m, nil
		}
	}
	lo, hi := 10.0, 10.0
	if excess(hi) > 0 {
		for excess(hi) > 0 {
			lo, hi = hi, 2*hi
			if math.IsInf(hi, 1) {
				return 0, fmt.Errorf("ntk: %s: the width requirement exceeds the float64 range; check λ and n", fn)
			}
		}
		for hi-lo > 1e-13*hi {
			mid := lo + (hi-lo)/2
			if excess(mid) <= 0 {
				hi = mid
			} else {
				lo = mid
			}
		}
	}
	m := max(hi, floor)
	if m < 1<<53 {
		m = math.Ceil(m)
	}
	return m, nil
}

// widthArgs checks the arguments shared by the width requirements and
// returns the constant C.
func widthArgs(fn boundCheck, n int, lambdaName string, lambda, B float64, k Constants) (float64, error) {
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.lambda(lambdaName, lambda); err != nil {
		return 0, err
	}
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	C, _, err := fn.constants(k, 1)
	return C, err
}

// width returns e^{logm}, or an error when it overflows float64.
func (fn boundCheck) width(logm float64) (float64, error) {
	if logm > math.Log(math.MaxFloat64) {
		return 0, fmt.Errorf("ntk: %s: the width requirement e^%.4g exceeds the float64 range; check λ and n", fn, logm)
	}
	return math.Exp(logm), nil
}

// StepSizeTheorem1 returns the largest step size of Theorem 1 in the
// explicit form of Theorem 32,
//
//	η = λ e^{B²} / (5 C2² n²),
//
// with λ = λ(B) = λ_min(H∞(B)) and C2 = k.C the constant of Lemma 31,
// ‖f(k+1) − f(k)‖² ≤ C2² η² n² e^{−B²} ‖y − f(k)‖². The default C2 = 1 is
// what the kernel regime gives: there f(k+1) − f(k) ≈ −η H (f(k) − y) and
// ‖H‖ ≤ tr H ≈ 2 n Q(B) ≤ n e^{−B²/2}. The e^{B²} factor is the paper's
// point: with λ ≈ λ0 e^{−B²/2} the product ηλ, hence the rate
// RateTheorem1, does not depend on B.
func StepSizeTheorem1(n int, lambda, B float64, k Constants) (float64, error) {
	const fn = boundCheck("StepSizeTheorem1")
	C2, err := widthArgs(fn, n, "lambda", lambda, B, k)
	if err != nil {
		return 0, err
	}
	eta := lambda * math.Exp(B*B) / (5 * C2 * C2 * float64(n) * float64(n))
	if math.IsInf(eta, 0) {
		return 0, fmt.Errorf("ntk: %s: B = %v makes e^{B²} overflow float64", fn, B)
	}
	return eta, nil
}

// RateTheorem1 returns the per-step contraction factor of Theorem 1,
//
//	1 − η λ/4,   so that   L(W(t), b(t)) ≤ (1 − ηλ/4)^t L(W(0), b(0))
//
// (LossBoundTheorem1), with λ = λ(B) = λ_min(H∞(B)) and η the step size
// (at most StepSizeTheorem1). It needs η > 0, λ > 0 and ηλ ≤ 4.
func RateTheorem1(eta, lambda float64) (float64, error) {
	return rateArgs("RateTheorem1", eta, lambda)
}

func rateArgs(fn boundCheck, eta, lambda float64) (float64, error) {
	if err := fn.positive("eta", eta); err != nil {
		return 0, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return 0, err
	}
	if eta*lambda > 4 {
		return 0, fmt.Errorf("ntk: %s: η·λ = %v > 4, so 1 − ηλ/4 < 0; Theorem 1 needs η ≤ λe^{B²}/(5C2²n²) "+
			"(StepSizeTheorem1), which keeps ηλ ≤ 1/(5n²)", fn, eta*lambda)
	}
	return 1 - eta*lambda/4, nil
}

// LossBoundTheorem1 returns Theorem 1's bound on the loss after t steps,
//
//	L(t) ≤ (1 − ηλ/4)^t · L(0),
//
// which holds for all t with probability at least 1 − δ − e^{−Ω(n)} under
// the theorem's hypotheses (width WidthTheorem32, step η ≤ StepSizeTheorem1,
// B ≤ MaxBias(m)). loss0 = L(0) ≥ 0 (the summed ½‖y − f(0)‖² or ‖y − f(0)‖²:
// the bound is homogeneous), t ≥ 0.
func LossBoundTheorem1(loss0, eta, lambda float64, t int) (float64, error) {
	const fn = boundCheck("LossBoundTheorem1")
	if err := fn.nonNegative("loss0", loss0); err != nil {
		return 0, err
	}
	if t < 0 {
		return 0, fmt.Errorf("ntk: %s: t = %d; the number of steps must be ≥ 0", fn, t)
	}
	rate, err := rateArgs(fn, eta, lambda)
	if err != nil {
		return 0, err
	}
	return loss0 * math.Pow(rate, float64(t)), nil
}

// ContractionTheorem32 returns the per-step factor of the proof of Theorem 32
// (its step 12, Claim 26 with Lemmas 27–31):
//
//	‖y − f(k+1)‖² ≤ ‖y − f(k)‖² · (1 − 5ηλ/8 + 12 η n c R e^{−B²/2} + C2² η² n² e^{−B²}),
//
// with R = R_w + R_b the movement radius, c = k.Flip (default FlipConstant)
// and C2 = k.C (default 1, see StepSizeTheorem1). (The paper prints a stray
// extra ‖y − f(k)‖² in the last term, paper.md §8.4; it is dropped.) The
// three terms are the kernel descent (B1 with Lemma 27), the flipped neurons
// (B2, B3) and the step's second-order term B4, which the sparsity shrinks by
// e^{−B²}: that is what allows the larger step. The factor is at most
// 1 − ηλ/4 (Theorem 1's rate) when the last two terms add up to at most
// 3ηλ/8, which the width and step-size conditions arrange.
// Assumptions: those of FlipBound for (B, R_w, R_b); η > 0; λ > 0.
func ContractionTheorem32(n int, eta, lambda, B, Rw, Rb float64, k Constants) (float64, error) {
	const fn = boundCheck("ContractionTheorem32")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.positive("eta", eta); err != nil {
		return 0, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return 0, err
	}
	p, err := flipBound(fn, B, Rw, Rb, k) // c R e^{−B²/2}
	if err != nil {
		return 0, err
	}
	C2, _, err := fn.constants(k, 1)
	if err != nil {
		return 0, err
	}
	nf := float64(n)
	v := 1 - 5*eta*lambda/8 + 12*eta*nf*p + C2*C2*eta*eta*nf*nf*math.Exp(-B*B)
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("ntk: %s: eta = %v is so large that the bound overflows float64; Theorem 32 assumes a small step, "+
			"η ≤ λe^{B²}/(5C2²n²) (see StepSizeTheorem1)", fn, eta)
	}
	return v, nil
}

// BiasLimitTheorem1 returns the largest initial bias that Theorem 1 allows at
// a given width, reading the theorem as an upper bound on B (paper Appendix
// E, paper.md §3.6):
//
//	B_max = min{ sqrt(log(m λ0⁴ / (C n⁴))),  sqrt(0.5 log m) },
//
// the first from m ≥ C λ0^{−4} n^4 e^{B²} (WidthTheorem1, same constant
// C = k.C, default 1, logs dropped), the second from B ∈ [0, sqrt(0.5 log m)].
// It fails when even B = 0 needs a width above m.
func BiasLimitTheorem1(n, m int, lambda0 float64, k Constants) (float64, error) {
	const fn = boundCheck("BiasLimitTheorem1")
	C, err := widthArgs(fn, n, "lambda0", lambda0, 0, k)
	if err != nil {
		return 0, err
	}
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	room := math.Log(float64(m)) + 4*math.Log(lambda0) - math.Log(C) - 4*math.Log(float64(n))
	if room < 0 {
		need := math.Exp(math.Log(C) + 4*math.Log(float64(n)) - 4*math.Log(lambda0))
		return 0, fmt.Errorf("ntk: %s: width m = %d is below Theorem 1's requirement %.4g at B = 0, so no bias B ≥ 0 is covered; widen the network", fn, m, need)
	}
	return math.Sqrt(min(room, 0.5*math.Log(float64(m)))), nil
}

// MovementRadius returns Lemma 23's bound on how far gradient descent moves
// each neuron,
//
//	‖w_r(k) − w_r(0)‖₂ ≤ D,   |b_r(k) − b_r(0)| ≤ D,   D = 8 √n ‖y − f(0)‖₂ / (√m λ),
//
// for every r and every step k at which the loss has so far followed
// Theorem 1's rate, ‖y − f(k')‖² ≤ (1 − ηλ/4)^{k'} ‖y − f(0)‖² for k' < k.
// Given that hypothesis it is deterministic (Lemma 22's gradient bound summed
// as a geometric series) and holds for unit-norm (indeed ‖x_i‖ ≤ 1) inputs.
// residual0 = ‖y − f(0)‖₂ ≥ 0 (not squared); λ = λ(B) = λ_min(H∞(B)). The
// bias moves at the same O(1/√m) rate, which is how trainable biases stay in
// the kernel regime.
func MovementRadius(n, m int, lambda, residual0 float64) (float64, error) {
	const fn = boundCheck("MovementRadius")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return 0, err
	}
	if err := fn.nonNegative("residual0", residual0); err != nil {
		return 0, err
	}
	return 8 * math.Sqrt(float64(n)) * residual0 / (math.Sqrt(float64(m)) * lambda), nil
}

// WidthSongYang2019 returns the convergence width of Song and Yang (2019), a
// row of the paper's Table 1 (zero bias only):
//
//	m ≥ C · λ0^{−4} n^4,
//
// with C = k.C (default 1) the constant of Ω̃, log factors dropped.
func WidthSongYang2019(n int, lambda0 float64, k Constants) (float64, error) {
	const fn = boundCheck("WidthSongYang2019")
	C, err := widthArgs(fn, n, "lambda0", lambda0, 0, k)
	if err != nil {
		return 0, err
	}
	return fn.width(math.Log(C) - 4*math.Log(lambda0) + 4*math.Log(float64(n)))
}

// GeneralizationWidthSongYang2019 returns the generalization width of Song
// and Yang (2019), Theorem G.7, as printed in the paper's Table 1,
//
//	m ≥ C · n^16 · λ(0)^{−degree},
//
// where the table's poly(1/λ(0)) has a degree the paper does not give
// (paper.md §3.3 and §4; the appendix text says n^14): pass it explicitly.
// C = k.C (default 1), log factors dropped. Compare WidthTheorem9 at B = 0
// (Corollary 10): λ(0)^{−6} n^6.
func GeneralizationWidthSongYang2019(n int, lambda0, degree float64, k Constants) (float64, error) {
	const fn = boundCheck("GeneralizationWidthSongYang2019")
	C, err := widthArgs(fn, n, "lambda0", lambda0, 0, k)
	if err != nil {
		return 0, err
	}
	if err := fn.nonNegative("degree", degree); err != nil {
		return 0, err
	}
	return fn.width(math.Log(C) - degree*math.Log(lambda0) + 16*math.Log(float64(n)))
}

// WidthSongYangZhang2021 returns the convergence width of Song, Yang and
// Zhang (2021), Lemma D.9, a row of Table 1 and the comparison of Remark 2:
//
//	m ≥ C · λ0^{−4} n^4 max{B², 1} e^{2B²},
//
// with C = k.C (default 1), log factors dropped. The paper prints B² e^{2B²};
// that factor vanishes at B = 0, where their setting reduces to Song and
// Yang (2019)'s λ0^{−4} n^4, so we read it as max{B², 1}, identical for
// B ≥ 1. It exceeds WidthTheorem1 by the factor max{B², 1} e^{B²}; at
// B = sqrt(0.25 log m) that is the polynomial gap Θ̃((n/λ0)^{8/3}) of Remark 2.
func WidthSongYangZhang2021(n int, lambda0, B float64, k Constants) (float64, error) {
	const fn = boundCheck("WidthSongYangZhang2021")
	C, err := widthArgs(fn, n, "lambda0", lambda0, B, k)
	if err != nil {
		return 0, err
	}
	return fn.width(math.Log(C) - 4*math.Log(lambda0) + 4*math.Log(float64(n)) + math.Log(max(B*B, 1)) + 2*B*B)
}
