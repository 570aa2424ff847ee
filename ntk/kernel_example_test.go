package ntk_test

import (
	"fmt"
	"log"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/ntk"
)

// pointsOnCircle returns n unit vectors in R² at the given angles in degrees.
func pointsOnCircle(degrees ...float64) *mat.Dense {
	X := mat.NewDense(len(degrees), 2, nil)
	for i, deg := range degrees {
		a := deg * math.Pi / 180
		X.SetRow(i, []float64{math.Cos(a), math.Sin(a)})
	}
	return X
}

// The infinite-width kernel of three unit inputs (paper.md §6.1). A larger
// bias B makes neurons fire more rarely and the kernel closer to diagonal.
func ExampleKernelInf() {
	X := pointsOnCircle(0, 60, 150)
	for _, B := range []float64{0, 1} {
		H, err := ntk.KernelInf(X, B)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("B = %v:\n%.6f\n", B, mat.Formatted(H, mat.Squeeze()))
	}
	// Output:
	// B = 0:
	// ⎡1.000000  0.500000  0.011165⎤
	// ⎢0.500000  1.000000  0.250000⎥
	// ⎣0.011165  0.250000  1.000000⎦
	// B = 1:
	// ⎡0.317311  0.093771  0.000000⎤
	// ⎢0.093771  0.317311  0.025171⎥
	// ⎣0.000000  0.025171  0.317311⎦
}

// Kernel regression on test points through the cross kernel: the t → ∞
// limit of gradient descent in the kernel regime.
func ExampleKernelInfCross() {
	train := pointsOnCircle(0, 90, 180, 270)
	test := pointsOnCircle(45, 135)
	y := []float64{1, 0, -1, 0} // cos θ on the training points
	const B = 0.5
	H, err := ntk.KernelInf(train, B)
	if err != nil {
		log.Fatal(err)
	}
	K, err := ntk.KernelInfCross(test, train, B)
	if err != nil {
		log.Fatal(err)
	}
	pred, err := ntk.NewPredictor(H, y, nil)
	if err != nil {
		log.Fatal(err)
	}
	if pred, err = pred.WithTest(K, nil); err != nil {
		log.Fatal(err)
	}
	lim, err := pred.Limit()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("f(45°) = %.4f, f(135°) = %.4f (cos: ±0.7071)\n", lim.Test[0], lim.Test[1])
	// Output:
	// f(45°) = 0.5436, f(135°) = -0.5436 (cos: ±0.7071)
}

// The extreme eigenvalues of a kernel without the full spectrum, with the
// closed form for orthonormal inputs: λ_min = 2p0 − p0², p0 = Q(B).
func ExampleExtremes() {
	X := mat.NewDense(5, 5, nil)
	for i := 0; i < 5; i++ {
		X.Set(i, i, 1) // orthonormal inputs
	}
	H, err := ntk.KernelInf(X, 1)
	if err != nil {
		log.Fatal(err)
	}
	s, err := ntk.Extremes(H)
	if err != nil {
		log.Fatal(err)
	}
	p0 := ntk.Q(1)
	fmt.Printf("λ_min = %.6f (2p0 − p0² = %.6f)\n", s.Min, 2*p0-p0*p0)
	fmt.Printf("λ_max = %.6f, condition number %.4f, positive definite: %v\n", s.Max, s.Cond, s.PD)
	fmt.Printf("residuals below 1e-12: %v\n", s.MinResidual < 1e-12 && s.MaxResidual < 1e-12)
	// Output:
	// λ_min = 0.292139 (2p0 − p0² = 0.292139)
	// λ_max = 0.417996, condition number 1.4308, positive definite: true
	// residuals below 1e-12: true
}

// Gradient descent in the kernel regime: the training loss after t steps of
// size η = 1/λ_max, from the eigendecomposition of the kernel.
func ExamplePredictor() {
	X := pointsOnCircle(0, 40, 80, 120, 160, 200, 240, 280, 320)
	y := []float64{1, -1, 1, -1, 1, -1, 1, -1, 1}
	H, err := ntk.KernelInf(X, 1)
	if err != nil {
		log.Fatal(err)
	}
	pred, err := ntk.NewPredictor(H, y, nil)
	if err != nil {
		log.Fatal(err)
	}
	vals := pred.Values()
	eta := 1 / vals[len(vals)-1]
	for _, t := range []int{0, 10, 30, 100} {
		p, err := pred.AtStep(t, eta)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("t = %3d: loss %.2e\n", t, p.Loss)
	}
	// Output:
	// t =   0: loss 4.50e+00
	// t =  10: loss 4.68e-01
	// t =  30: loss 6.87e-03
	// t = 100: loss 2.91e-09
}

// The empirical kernel of a finite network approaches the infinite-width
// kernel as the width grows (paper, Lemma 16: the gap shrinks like 1/√m,
// here for one random draw per width).
func ExampleKernelEmpirical() {
	X := pointsOnCircle(0, 30, 60, 90, 120)
	const B = 1
	Hinf, err := ntk.KernelInf(X, B)
	if err != nil {
		log.Fatal(err)
	}
	for _, m := range []int{100, 10000, 1000000} {
		net, err := ntk.New(ntk.Init{Width: m, Dim: 2, B: B, Seed: 1})
		if err != nil {
			log.Fatal(err)
		}
		H, err := ntk.KernelEmpirical(net, X)
		if err != nil {
			log.Fatal(err)
		}
		var diff mat.Dense
		diff.Sub(H, Hinf)
		fmt.Printf("m = %7d: ‖H − H∞‖_F = %.4f\n", m, mat.Norm(&diff, 2))
	}
	// Output:
	// m =     100: ‖H − H∞‖_F = 0.1017
	// m =   10000: ‖H − H∞‖_F = 0.0294
	// m = 1000000: ‖H − H∞‖_F = 0.0034
}

// A Monte Carlo estimate of the kernel with its standard errors.
func ExampleKernelMonteCarlo() {
	X := pointsOnCircle(0, 60)
	mean, stderr, err := ntk.KernelMonteCarlo(X, 0.5, 1000000, 1)
	if err != nil {
		log.Fatal(err)
	}
	exact, err := ntk.KernelInf(X, 0.5)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("H[0][1] ≈ %.4f ± %.4f (exact %.4f)\n", mean.At(0, 1), stderr.At(0, 1), exact.At(0, 1))
	// Output:
	// H[0][1] ≈ 0.2449 ± 0.0006 (exact 0.2450)
}
