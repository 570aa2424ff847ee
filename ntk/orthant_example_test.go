package ntk_test

import (
	"fmt"
	"log"
	"math"

	"github.com/sparsentk/sparsentk/ntk"
)

// The probability that two unit inputs at correlation ρ both fire a neuron of
// bias B: P(⟨w,x_i⟩ ≥ B, ⟨w,x_j⟩ ≥ B) = L(B, B; ρ). At B = 0 it is
// (π − arccos ρ)/(2π); in the far tail it keeps full relative accuracy.
func ExampleOrthant() {
	fmt.Printf("%.7f\n", ntk.Orthant(0, 0, 0.5))   // 1/3
	fmt.Printf("%.6e\n", ntk.Orthant(2, 2, -0.5))  // paper §6.1
	fmt.Printf("%.6e\n", ntk.Orthant(12, 9, -0.7)) // far tail (50-digit value 1.2030426475822674687e-164)
	fmt.Println(ntk.Orthant(1, 1, math.NaN()), ntk.Orthant(1, 1, 1.5))
	// Output:
	// 0.3333333
	// 3.243971e-06
	// 1.203043e-164
	// NaN NaN
}

// For unit-norm data every entry of the kernel at bias B has the threshold
// h = B: build the curve once and evaluate it per pair.
func ExampleOrthantCurve() {
	c, err := ntk.NewOrthantCurve(1)
	if err != nil {
		log.Fatal(err)
	}
	for _, rho := range []float64{-0.5, 0, 0.3, 0.9} {
		fmt.Printf("rho=%4.1f  %.7f\n", rho, c.At(rho))
	}
	// Output:
	// rho=-0.5  0.0037823
	// rho= 0.0  0.0251715
	// rho= 0.3  0.0454578
	// rho= 0.9  0.1154903
}
