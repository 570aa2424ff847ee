package ntk

import "math"

// InitialOutputMoment returns the exact second moment of the network's output
// at initialization on a unit input x,
//
//	E[f(x; θ(0))²] = E[σ(Z − B)²] = (1 + B²) Q(B) − B φ(B),   Z ~ N(0, 1),
//
// for every width m: the a_r are independent signs, so the cross terms of
// (1/m) Σ_{r,s} a_r a_s σ(⟨w_r,x⟩ − B) σ(⟨w_s,x⟩ − B) vanish in expectation
// (paper.md §3.1 item 9, the exact companion of Lemma 5 / 25). Values: 0.5
// at B = 0, 0.07534 at B = 1, 0.005769 at B = 2; it decays like 2φ(B)/B³.
// Plain initialization; under symmetric initialization f(·; θ(0)) ≡ 0.
//
// Accuracy: about 1e-14 relative (tested against the closed form and, at
// B = 30, against the asymptotic series). The closed form is used for B ≤ 1; above,
// its two terms cancel (by a factor ≈ B⁴/2), so the moment is computed as
// φ(B) ∫_0^T t² e^{−Bt − t²/2} dt by composite Gauss–Legendre, a sum of
// positive terms. It underflows to 0 past B ≈ 38.
func InitialOutputMoment(B float64) (float64, error) {
	const fn = boundCheck("InitialOutputMoment")
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	return initialMoment(B), nil
}

// initialMoment returns E[σ(Z − B)²] for B ≥ 0.
func initialMoment(B float64) float64 {
	if B <= 1 {
		return (1+B*B)*Q(B) - B*NormalPDF(B)
	}
	// BT + T²/2 = 50: the neglected tail ∫_T^∞ is below e^{−50}·T²/B, far
	// below 1e-16 of the integral (≈ 2/B³ for large B).
	T := 100 / (B + math.Sqrt(B*B+100))
	const panels = 12
	f := func(t float64) float64 { return t * t * math.Exp(-B*t-t*t/2) }
	var s float64
	for p := 0; p < panels; p++ {
		s += boundsIntegrate(f, T*float64(p)/panels, T*float64(p+1)/panels)
	}
	return NormalPDF(B) * s
}

// InitialErrorExact returns the exact expected squared initial error on n =
// len(y) unit-norm inputs,
//
//	E‖f(0) − y‖² = n·E[f(x)²] + ‖y‖² = n·InitialOutputMoment(B) + ‖y‖²,
//
// since E f(x; θ(0)) = 0 (plain initialization, any width m). It is the
// exact quantity that Lemma 5 / 25 (InitialErrorBound) bounds with high
// probability. y must be non-empty and finite.
func InitialErrorExact(B float64, y []float64) (float64, error) {
	const fn = boundCheck("InitialErrorExact")
	if err := fn.bias(B); err != nil {
		return 0, err
	}
	if err := fn.count("len(y)", len(y)); err != nil {
		return 0, err
	}
	var yy float64
	for i, v := range y {
		if err := fn.finite("y", i, v); err != nil {
			return 0, err
		}
		yy += v * v
	}
	return float64(len(y))*initialMoment(B) + yy, nil
}

// InitialOutputBound returns Lemma 25's bound on the initial outputs: with
// probability at least 1 − δ over the initialization,
//
//	‖f(0)‖² ≤ C · n (e^{−B²/2} + 1/m) log³(m n/δ),
//
// with the O(·) constant C = k.C (default 1). Unit-norm inputs, any B ≥ 0.
// The exact expectation is n·InitialOutputMoment(B), which sits below this
// with C = 1 by a wide margin (the log³ factor comes from the union bound of
// the proof).
func InitialOutputBound(n, m int, B, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("InitialOutputBound")
	C, err := initialArgs(fn, n, m, B, delta, k)
	if err != nil {
		return 0, err
	}
	L := math.Log(float64(m) * float64(n) / delta)
	return C * float64(n) * (math.Exp(-B*B/2) + 1/float64(m)) * L * L * L, nil
}

// InitialErrorBound returns Lemma 5 (= Lemma 25)'s bound on the initial
// error: with probability at least 1 − δ,
//
//	‖f(0) − y‖² ≤ C · (n + n (e^{−B²/2} + 1/m) log³(2 m n/δ)),
//
// for labels with |y_i| ≤ 1 (the paper's y_i = O(1)), with the O(·)
// constant C = k.C (default 1). Lemma 5 and Lemma 25 place the log³ bracket
// differently (paper.md §8.5); this is the placement the proof supports. The
// predecessor's bound is InitialErrorSongYangZhang2021.
func InitialErrorBound(n, m int, B, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("InitialErrorBound")
	C, err := initialArgs(fn, n, m, B, delta, k)
	if err != nil {
		return 0, err
	}
	L := math.Log(2 * float64(m) * float64(n) / delta)
	return C * float64(n) * (1 + (math.Exp(-B*B/2)+1/float64(m))*L*L*L), nil
}

// InitialErrorSongYangZhang2021 returns the predecessor's initial-error
// bound, Song, Yang and Zhang (2021), Claim D.1, as quoted in paper.md §3.1:
//
//	‖f(0) − y‖² ≤ C · n (1 + B²) log²(n/δ) log(m/δ),
//
// with the O(·) constant C = k.C (default 1). It grows with B where Lemma
// 25's bound decays like e^{−B²/2}.
func InitialErrorSongYangZhang2021(n, m int, B, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("InitialErrorSongYangZhang2021")
	C, err := initialArgs(fn, n, m, B, delta, k)
	if err != nil {
		return 0, err
	}
	Ln := math.Log(float64(n) / delta)
	return C * float64(n) * (1 + B*B) * Ln * Ln * math.Log(float64(m)/delta), nil
}

// initialArgs checks the arguments shared by the initial-error bounds and
// returns the constant C.
func initialArgs(fn boundCheck, n, m int, B, delta float64, k Constants) (float64, error) {
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
	C, _, err := fn.constants(k, 1)
	return C, err
}
