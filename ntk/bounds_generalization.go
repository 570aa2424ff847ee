package ntk

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// KernelNorm returns sqrt(yᵀ H⁻¹ y), the RKHS norm of the minimum-norm
// kernel interpolant of the labels y. It is the data-dependent term of the
// generalization bounds (Theorem 9, Corollary 10: RademacherBound,
// RiskBound) and the m → ∞ limit of the total parameter movement
// (Lemma 11: TotalMovementBound), with H = H∞(B), e.g. from KernelInf.
//
// H must be a finite, positive-definite n×n matrix with n = len(y) (an
// inverse is needed: a kernel with duplicate or antipodal inputs, δ = 0, is
// singular) and y finite. It is computed as ‖L⁻¹y‖₂ from the Cholesky
// factor H = LLᵀ, accurate to about κ(H)·1e-16 relative; a condition number
// above 1e14 gives an error instead of a meaningless value.
func KernelNorm(H mat.Symmetric, y []float64) (float64, error) {
	q, err := boundCheck("KernelNorm").inverseForm(H, y)
	return math.Sqrt(q), err
}

// inverseForm returns yᵀH⁻¹y after checking H and y.
func (fn boundCheck) inverseForm(H mat.Symmetric, y []float64) (float64, error) {
	if H == nil {
		return 0, fmt.Errorf("ntk: %s: the kernel H is nil; pass H∞(B), e.g. from KernelInf", fn)
	}
	n := H.SymmetricDim()
	if len(y) != n {
		return 0, fmt.Errorf("ntk: %s: len(y) = %d but H is %d×%d; give one label per sample", fn, len(y), n, n)
	}
	if err := fn.count("len(y)", n); err != nil {
		return 0, err
	}
	for i := 0; i < n; i++ {
		if err := fn.finite("y", i, y[i]); err != nil {
			return 0, err
		}
		for j := i; j < n; j++ {
			if v := H.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, fmt.Errorf("ntk: %s: H[%d][%d] = %v; the kernel must be finite", fn, i, j, v)
			}
		}
	}
	var chol mat.Cholesky
	if ok := chol.Factorize(H); !ok {
		return 0, fmt.Errorf("ntk: %s: H is not positive definite (its Cholesky factorization failed); the bound uses H⁻¹, "+
			"so it needs λ_min(H∞) > 0: remove duplicate or antipodal inputs (separation δ = 0) or check the kernel", fn)
	}
	if c := chol.Cond(); c > 1e14 {
		return 0, fmt.Errorf("ntk: %s: H is numerically singular (condition number ≈ %.3g > 1e14), so yᵀH⁻¹y would be "+
			"dominated by rounding; the inputs are nearly duplicate or antipodal", fn, c)
	}
	var L mat.TriDense
	chol.LTo(&L)
	z := mat.NewVecDense(n, append([]float64(nil), y...))
	if err := z.SolveVec(&L, z); err != nil {
		return 0, fmt.Errorf("ntk: %s: solving with the Cholesky factor failed: %v", fn, err)
	}
	return mat.Dot(z, z), nil
}

// unitKernel checks that H is a bias-generalized NTK of unit-norm inputs at
// bias B: its diagonal is H∞_ii = (‖x_i‖² + 1) Q(B/‖x_i‖) = 2 Q(B).
func (fn boundCheck) unitKernel(H mat.Symmetric, B float64) error {
	if H == nil {
		return nil // reported by inverseForm
	}
	want := 2 * Q(B)
	for i := 0; i < H.SymmetricDim(); i++ {
		if v := H.At(i, i); !(math.Abs(v-want) <= 1e-9*want) {
			return fmt.Errorf("ntk: %s: H[%d][%d] = %v but H∞(B)_ii = 2Q(B) = %v for unit-norm inputs at B = %v; "+
				"the bound assumes H = H∞(B) of unit-norm inputs (normalize the rows and use the same B)", fn, i, i, v, want, B)
		}
	}
	return nil
}

// RademacherBound returns Theorem 9's bound on the empirical Rademacher
// complexity of the networks reachable by gradient descent,
//
//	R_S(F) ≤ sqrt(yᵀ H∞(B)⁻¹ y · 8 e^{−B²/2} / n) + Õ(e^{−B²/4} / √n),
//
// as Terms: Leading is the square root, Rest = C e^{−B²/4}/√n with C = k.C
// (default 1) and the log factors of Õ dropped. n = len(y).
//
// Assumptions: H = H∞(B) of unit-norm inputs (its diagonal must be 2Q(B),
// checked) and positive definite (checked); symmetric initialization
// (Definition 7); width m ≥ WidthTheorem40; step size and B as in Theorem 1;
// after t ≥ Ω(log(n log(1/δ)/ε)/(ηλ)) steps. It holds with probability at
// least 1 − 2δ − e^{−Ω(n)}. Corollary 10 is the case B = 0.
func RademacherBound(H mat.Symmetric, y []float64, B float64, k Constants) (Terms, error) {
	const fn = boundCheck("RademacherBound")
	q, C, err := generalizationArgs(fn, H, y, B, k)
	if err != nil {
		return Terms{}, err
	}
	n := float64(len(y))
	return Terms{
		Leading: math.Sqrt(q * 8 * math.Exp(-B*B/2) / n),
		Rest:    C * math.Exp(-B*B/4) / math.Sqrt(n),
	}, nil
}

// RiskBound returns Theorem 9's generalization bound, eq. (2): for a loss
// ℓ: R×R → [0, 1] that is 1-Lipschitz in its first argument, with
// probability at least 1 − 2δ − e^{−Ω(n)},
//
//	L_D(f) = E_{(x,y)~D} ℓ(f(x), y) ≤ sqrt(yᵀ H∞(B)⁻¹ y · 32 e^{−B²/2} / n) + Õ(1/√n),
//
// as Terms. Leading is the square root (twice RademacherBound's). Rest writes
// out the Õ(1/√n) of the proof (Theorem 37 of Shalev-Shwartz and Ben-David
// with training error ‖f − y‖₂ ≤ 1):
//
//	Rest = 2 C e^{−B²/4}/√n + 3 sqrt(log(2/δ)/(2n)) + 1/√n,
//
// where only the first term, twice RademacherBound's remainder, has an
// unknown constant C = k.C (default 1, logs dropped). n = len(y), δ ∈ (0, 1).
// Assumptions: as RademacherBound. Corollary 10 is the case B = 0.
func RiskBound(H mat.Symmetric, y []float64, B, delta float64, k Constants) (Terms, error) {
	const fn = boundCheck("RiskBound")
	q, C, err := generalizationArgs(fn, H, y, B, k)
	if err != nil {
		return Terms{}, err
	}
	if err := fn.failure(delta); err != nil {
		return Terms{}, err
	}
	n := float64(len(y))
	return Terms{
		Leading: math.Sqrt(q * 32 * math.Exp(-B*B/2) / n),
		Rest:    2*C*math.Exp(-B*B/4)/math.Sqrt(n) + 3*math.Sqrt(math.Log(2/delta)/(2*n)) + 1/math.Sqrt(n),
	}, nil
}

// generalizationArgs checks the arguments of the generalization bounds and
// returns yᵀH⁻¹y and the constant C.
func generalizationArgs(fn boundCheck, H mat.Symmetric, y []float64, B float64, k Constants) (q, C float64, err error) {
	if err := fn.bias(B); err != nil {
		return 0, 0, err
	}
	if C, _, err = fn.constants(k, 1); err != nil {
		return 0, 0, err
	}
	if err := fn.unitKernel(H, B); err != nil {
		return 0, 0, err
	}
	q, err = fn.inverseForm(H, y)
	return q, C, err
}

// WidthTheorem9 returns the width requirement of Theorem 9 (and the "this
// work" entry of Table 1's generalization column),
//
//	m ≥ C · λ^{−6} n^6 e^{−B²},
//
// with λ = λ(B) = λ_min(H∞(B)) (equivalently λ0^{−6} n^6 e^{2B²} under
// λ(B) = λ0 e^{−B²/2}) and C = k.C (default 1) the constant of Ω̃, log
// factors dropped; WidthTheorem40 writes them out. Theorem 39 prints λ^{−4}
// n^6 instead; we follow Theorems 9 and 40 (paper.md §8.3). At B = 0 this is
// Corollary 10's λ(0)^{−6} n^6.
func WidthTheorem9(n int, lambda, B float64, k Constants) (float64, error) {
	const fn = boundCheck("WidthTheorem9")
	C, err := widthArgs(fn, n, "lambda", lambda, B, k)
	if err != nil {
		return 0, err
	}
	return fn.width(math.Log(C) - 6*math.Log(lambda) + 6*math.Log(float64(n)) - B*B)
}

// WidthTheorem40 returns the smallest width that satisfies the hypotheses of
// Theorem 40 (the appendix form of Theorem 9 with its log factors):
//
//	m ≥ C · λ^{−6} n^6 [1 + (e^{−B²/2} + 1/m) log³(2mn/δ)] e^{−B²}   and   B ≤ sqrt(0.5 log m),
//
// with λ = λ(B), δ the failure probability and C = k.C (default 1), solved
// for m as in WidthTheorem32.
func WidthTheorem40(n int, lambda, B, delta float64, k Constants) (float64, error) {
	const fn = boundCheck("WidthTheorem40")
	C, err := widthArgs(fn, n, "lambda", lambda, B, k)
	if err != nil {
		return 0, err
	}
	if err := fn.failure(delta); err != nil {
		return 0, err
	}
	logA := math.Log(C) - 6*math.Log(lambda) + 6*math.Log(float64(n)) - B*B
	return fn.solveWidth(logA, float64(n), B, delta)
}

// LocalRademacherBound returns Lemma 41's localized, sparsity-dependent
// bound on the empirical Rademacher complexity of
// F = {f(W, b) : ‖W − W(0)‖_{2,∞} ≤ R_w, ‖b − b(0)‖_∞ ≤ R_b, ‖[W,b] − [W(0),b(0)]‖_F ≤ R}:
//
//	R_S(F) ≤ R sqrt(8 e^{−B²/2} / n) + 4 c (R_w + R_b)² √m e^{−B²/2},
//
// with probability at least 1 − e^{−Ω(n)}. The first term is the linearized
// model (‖Z(0)‖_F ≤ sqrt(8 n e^{−B²/2})), the second the neurons within
// R_w + R_b of their activation boundary; both carry the sparsity factor.
// Assumptions: unit-norm inputs, those of FlipBound (R_w, R_b ≤ min{1/B, 1}),
// R ≥ 0; c = k.Flip (default FlipConstant), the only constant.
func LocalRademacherBound(n, m int, B, Rw, Rb, R float64, k Constants) (float64, error) {
	const fn = boundCheck("LocalRademacherBound")
	if err := fn.count("n", n); err != nil {
		return 0, err
	}
	if err := fn.count("m", m); err != nil {
		return 0, err
	}
	if err := fn.nonNegative("R", R); err != nil {
		return 0, err
	}
	p, err := flipBound(fn, B, Rw, Rb, k) // c (R_w + R_b) e^{−B²/2}
	if err != nil {
		return 0, err
	}
	e := math.Exp(-B * B / 2)
	return R*math.Sqrt(8*e/float64(n)) + 4*p*(Rw+Rb)*math.Sqrt(float64(m)), nil
}

// TotalMovementBound returns Lemma 11 (= Lemma 43)'s bound on the total
// (Frobenius) movement of the parameters during training: with probability
// at least 1 − δ − e^{−Ω(n)}, for all t,
//
//	‖[W,b](t) − [W,b](0)‖_F ≤ sqrt(yᵀ H∞⁻¹ y)
//	    + O( (n/λ) (e^{−B²/2} log(n/δ)/m)^{1/4} )
//	    + O( n sqrt(R e^{−B²/2}) / λ )
//	    + (n/λ²) · O( e^{−B²/4} sqrt(log(n²/δ)/m) + R e^{−B²/2} ),
//
// as Terms: Leading = sqrt(yᵀH∞⁻¹y) (KernelNorm), Rest = C × the sum of the
// three O(·) terms with C = k.C (default 1). n = len(y); λ = λ(B) > 0;
// R = R_w + R_b the movement radius (Õ(n/(λ√m)); e.g. twice MovementRadius or
// the measured Stats.MoveW + Stats.MoveB).
//
// Assumptions: H = H∞(B) of unit-norm inputs (diagonal 2Q(B), checked),
// positive definite (checked); symmetric initialization (the n/λ term of
// Song and Yang's version disappears because f(0) = 0); B ≤ sqrt(0.5 log m)
// (checked); δ ∈ (0, 1).
func TotalMovementBound(H mat.Symmetric, y []float64, m int, lambda, B, R, delta float64, k Constants) (Terms, error) {
	const fn = boundCheck("TotalMovementBound")
	if err := fn.count("m", m); err != nil {
		return Terms{}, err
	}
	if err := fn.biasWidth(B, m); err != nil {
		return Terms{}, err
	}
	if err := fn.lambda("lambda", lambda); err != nil {
		return Terms{}, err
	}
	if err := fn.nonNegative("R", R); err != nil {
		return Terms{}, err
	}
	if err := fn.failure(delta); err != nil {
		return Terms{}, err
	}
	q, C, err := generalizationArgs(fn, H, y, B, k)
	if err != nil {
		return Terms{}, err
	}
	n, mf := float64(len(y)), float64(m)
	e2, e4 := math.Exp(-B*B/2), math.Exp(-B*B/4)
	rest := (n/lambda)*math.Pow(e2*math.Log(n/delta)/mf, 0.25) +
		n*math.Sqrt(R*e2)/lambda +
		(n/(lambda*lambda))*(e4*math.Sqrt(math.Log(n*n/delta)/mf)+R*e2)
	return Terms{Leading: math.Sqrt(q), Rest: C * rest}, nil
}
