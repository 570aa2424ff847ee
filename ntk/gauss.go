package ntk

import "math"

// Q returns the standard normal upper tail probability P(Z ≥ x) for Z ~ N(0,1),
//
//	Q(x) = erfc(x/√2)/2.
//
// It is the firing probability p0 = Q(B) of a neuron with bias B on a unit
// input (paper, Section 6). Computed through math.Erfc, it keeps full relative
// accuracy in the upper tail down to the underflow of float64 (x ≈ 38.5),
// unlike 1 − Φ(x), which loses all digits past x ≈ 8.
// Q(+Inf) = 0, Q(−Inf) = 1, Q(NaN) = NaN.
func Q(x float64) float64 {
	return 0.5 * math.Erfc(x/math.Sqrt2)
}

// NormalPDF returns the standard normal density φ(x) = exp(−x²/2)/√(2π).
func NormalPDF(x float64) float64 {
	return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi)
}

// NormalCDF returns Φ(x) = P(Z ≤ x) = erfc(−x/√2)/2, accurate in the lower tail.
func NormalCDF(x float64) float64 {
	return 0.5 * math.Erfc(-x/math.Sqrt2)
}
