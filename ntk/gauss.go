package ntk

import "math"

// Q returns the standard normal upper tail probability P(Z ≥ x) for Z ~ N(0,1),
//
//	Q(x) = erfc(x/√2)/2.
//
// It is the firing probability p0 = Q(B) of a neuron with bias B on a unit
// input (paper, Section 6). It is computed through math.Erfc with the rounding
// of x/√2 corrected, and keeps a relative accuracy of about 1e-15 in the
// upper tail down to the underflow of float64 (x ≈ 38.5), unlike 1 − Φ(x),
// which loses all digits past x ≈ 8, and unlike a plain erfc(x/√2)/2, which
// loses up to 2e-13 relative near x = 37.
// Q(+Inf) = 0, Q(−Inf) = 1, Q(NaN) = NaN.
func Q(x float64) float64 {
	return upperTail(x)
}

// NormalPDF returns the standard normal density φ(x) = exp(−x²/2)/√(2π).
func NormalPDF(x float64) float64 {
	return math.Exp(-0.5*x*x) / math.Sqrt(2*math.Pi)
}

// NormalCDF returns Φ(x) = P(Z ≤ x) = Q(−x), accurate in the lower tail.
func NormalCDF(x float64) float64 {
	return Q(-x)
}
