package ntk_test

import (
	"fmt"
	"math"

	"github.com/sparsentk/sparsentk/ntk"
	"gonum.org/v1/gonum/mat"
)

// The flip probability of Lemma 18 next to its bound and the predecessor's.
func ExampleFlipBound() {
	B, Rw, Rb := 2.0, 0.05, 0.05
	exact, _ := ntk.FlipProbability(B, Rw+Rb)
	bound, _ := ntk.FlipBound(B, Rw, Rb, ntk.Constants{})               // c = FlipConstant
	small, _ := ntk.FlipBound(B, Rw, Rb, ntk.Constants{Flip: 0.8})      // c ≈ 0.8, valid for small R
	old, _ := ntk.FlipBoundSongYangZhang2021(B, Rw+Rb, ntk.Constants{}) // min{R, e^{−B²/2}}
	fmt.Printf("exact %.5f  Lemma 18 %.5f (c = 0.8: %.5f)  predecessor %.5f\n", exact, bound, small, old)
	// Output:
	// exact 0.01085  Lemma 18 0.01958 (c = 0.8: 0.01083)  predecessor 0.10000
}

// Theorem 1 at a glance: the step size grows like e^{B²/2} when
// λ(B) = λ0 e^{−B²/2}, so the rate does not depend on B.
func ExampleStepSizeTheorem1() {
	const n, lambda0 = 10, 0.5
	for _, B := range []float64{0, 1, 2} {
		lambda := lambda0 * math.Exp(-B*B/2)
		eta, _ := ntk.StepSizeTheorem1(n, lambda, B, ntk.Constants{})
		rate, _ := ntk.RateTheorem1(eta, lambda)
		width, _ := ntk.WidthTheorem1(n, lambda0, B, ntk.Constants{})
		fmt.Printf("B = %v: η = %.4f, rate = %.6f, width ≥ %.3g\n", B, eta, rate, width)
	}
	// Output:
	// B = 0: η = 0.0010, rate = 0.999875, width ≥ 1.6e+05
	// B = 1: η = 0.0016, rate = 0.999875, width ≥ 4.35e+05
	// B = 2: η = 0.0074, rate = 0.999875, width ≥ 8.74e+06
}

// The restricted eigenvalue of Theorem 13 on orthonormal inputs, where the
// region R is all of Rⁿ and everything has a closed form.
func ExampleRegion_Minimize() {
	const n, B = 4, 1.0
	p0 := ntk.Q(B)
	P := mat.NewSymDense(n, nil) // pair firing probabilities
	H := mat.NewSymDense(n, nil) // H∞(B) = (XXᵀ + 11ᵀ) ∘ P
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if i == j {
				P.SetSym(i, j, p0)
				H.SetSym(i, j, 2*p0)
			} else {
				P.SetSym(i, j, p0*p0)
				H.SetSym(i, j, p0*p0)
			}
		}
	}
	R, _ := ntk.NewRegion(P)
	res, _ := R.Minimize(H, ntk.MinimizeOptions{Seed: 1})
	eq3, _ := ntk.RestrictedEigenBound(B, math.Sqrt2)
	fmt.Printf("λ_R ∈ [%.6f, %.6f]; p0 − min p_ij = %.6f; eq. (3) = %.6f\n", res.Lower, res.Upper, R.Intermediate(), eq3)
	// Output:
	// λ_R ∈ [0.292139, 0.292139]; p0 − min p_ij = 0.133484; eq. (3) = 0.009088
}
