package data

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// checkSize returns an error unless n, d > 0 and n·d is not absurdly large.
func checkSize(fn string, n, d int) error {
	switch {
	case n <= 0:
		return fmt.Errorf("data: %s: n = %d; the number of samples must be positive", fn, n)
	case d <= 0:
		return fmt.Errorf("data: %s: d = %d; the dimension must be positive", fn, d)
	case n > maxEntries/d:
		return fmt.Errorf("data: %s: n·d = %d·%d exceeds the limit of %d entries (2 GiB of float64)", fn, n, d, maxEntries)
	}
	return nil
}

// sumSquares returns Σ v_i². The explicit float64 conversion forbids the
// compiler from fusing the multiply-add, so the result has the same bits on
// every architecture.
func sumSquares(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += float64(x * x)
	}
	return s
}

// gaussianUnit fills v with a vector uniform on the unit sphere: a standard
// Gaussian vector divided by its norm, redrawn in the (probability zero)
// event that it is zero.
func gaussianUnit(rng *rand.Rand, v []float64) {
	for {
		for j := range v {
			v[j] = rng.NormFloat64()
		}
		s := sumSquares(v)
		if s == 0 {
			continue
		}
		r := math.Sqrt(s)
		for j := range v {
			v[j] /= r
		}
		return
	}
}

// Sphere returns n points drawn independently and uniformly from the unit
// sphere S^{d-1} ⊂ R^d: each is a standard Gaussian vector divided by its
// Euclidean norm, which is rotation invariant and hence uniform. Every row
// has norm 1 to within a few ulps. Y is zero and Labels is nil; attach
// targets with WithTargets.
//
// The draw is sequential from a PCG generator seeded by seed: the same
// (n, d, seed) gives the same bits on every machine.
func Sphere(n, d int, seed uint64) (*Dataset, error) {
	if err := checkSize("Sphere", n, d); err != nil {
		return nil, err
	}
	rng := newRand(seed, streamSphere)
	X := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		gaussianUnit(rng, X.RawRowView(i))
	}
	return &Dataset{
		Name: fmt.Sprintf("uniform on S^%d (n=%d, seed=%d)", d-1, n, seed),
		X:    X,
		Y:    make([]float64, n),
	}, nil
}

// Circle returns n unit vectors on a circle at angular spacing theta:
// point k (k = 0, …, n−1) is (cos kθ, sin kθ), padded with d−2 zeros when
// d > 2. Y is zero and Labels is nil.
//
// The separation of Theorem 13, δ = min_{i≠j} min(‖x_i−x_j‖, ‖x_i+x_j‖),
// is controlled by θ: for unit vectors at angle φ apart, ‖x_i−x_j‖ =
// 2|sin(φ/2)| and ‖x_i+x_j‖ = 2|cos(φ/2)|, so
//
//	δ = 2 sin(r/2),  r = min_{m=1..n−1} dist(mθ, πℤ),
//
// which CircleSeparation evaluates. When nθ ≤ π (all points within a half
// circle, |θ| in (0, π/n]) this is δ = 2 sin(|θ|/2); θ = π/n gives the
// largest such δ = 2 sin(π/(2n)).
//
// It is an error if θ makes two points coincide or antipodal (δ = 0), that is
// if mθ is a multiple of π for some m in 1..n−1. Because kθ is rounded, an r
// below 1e-12·max(1, (n−1)|θ|) counts as zero. d must be at least 2 and θ
// finite.
func Circle(n int, theta float64, d int) (*Dataset, error) {
	if err := checkSize("Circle", n, d); err != nil {
		return nil, err
	}
	if d < 2 {
		return nil, fmt.Errorf("data: Circle: d = %d; a circle needs d ≥ 2", d)
	}
	if _, err := circleGap(n, theta); err != nil {
		return nil, err
	}
	X := mat.NewDense(n, d, nil)
	for k := 0; k < n; k++ {
		s, c := math.Sincos(float64(k) * theta)
		X.Set(k, 0, c)
		X.Set(k, 1, s)
	}
	return &Dataset{
		Name: fmt.Sprintf("circle (n=%d, θ=%g, d=%d)", n, theta, d),
		X:    X,
		Y:    make([]float64, n),
	}, nil
}

// CircleSeparation returns the separation δ of Circle(n, theta, d), computed
// from the closed form δ = 2 sin(r/2), r = min_{m=1..n−1} dist(mθ, πℤ) (see
// Circle). It returns the same errors as Circle for θ that make δ = 0, and an
// error for n < 2, where δ is undefined. Its accuracy is that of reducing mθ
// modulo π, about (n−1)|θ|·1e-16 absolute.
func CircleSeparation(n int, theta float64) (float64, error) {
	if n < 2 {
		return 0, fmt.Errorf("data: CircleSeparation: n = %d; the separation needs at least 2 points", n)
	}
	if n > maxEntries {
		// The separation takes n − 1 steps; Circle itself allows at most
		// maxEntries/2 points.
		return 0, fmt.Errorf("data: CircleSeparation: n = %d exceeds the limit of %d points; use fewer points", n, maxEntries)
	}
	r, err := circleGap(n, theta)
	if err != nil {
		return 0, err
	}
	return 2 * math.Sin(r/2), nil
}

// circleGap returns r = min_{m=1..n−1} dist(mθ, πℤ), or an error when it is
// zero to rounding or θ is not finite. For n = 1 it returns π/2.
func circleGap(n int, theta float64) (float64, error) {
	if math.IsNaN(theta) || math.IsInf(theta, 0) {
		return 0, fmt.Errorf("data: Circle: θ = %v; the angular spacing must be finite", theta)
	}
	r := math.Pi / 2
	for m := 1; m < n; m++ {
		a := math.Mod(math.Abs(float64(m)*theta), math.Pi)
		r = min(r, a, math.Pi-a)
	}
	tol := 1e-12 * max(1, float64(n-1)*math.Abs(theta))
	if n > 1 && r <= tol {
		return 0, fmt.Errorf("data: Circle: θ = %v with n = %d makes two points coincide or antipodal (mθ is a multiple of π for some m ≤ n−1), so the separation δ is 0; choose θ with nθ ≤ π, e.g. θ = π/n", theta, n)
	}
	return r, nil
}

// Orthonormal returns n ≤ d orthonormal vectors in R^d drawn at random: the
// rows are the first n columns of the Q factor of the QR decomposition of a
// d×n standard Gaussian matrix, with signs fixed so that diag(R) > 0, which
// makes the frame uniform (Haar). Orthonormality holds to about d·1e-16
// (Householder QR). Y is zero and Labels is nil. Orthonormal data have the
// largest separation δ = √2 and a closed-form kernel (paper, Theorem 13 and
// the orthonormal remark after it).
//
// The same (n, d, seed) gives the same bits.
func Orthonormal(n, d int, seed uint64) (*Dataset, error) {
	if err := checkSize("Orthonormal", n, d); err != nil {
		return nil, err
	}
	if n > d {
		return nil, fmt.Errorf("data: Orthonormal: n = %d > d = %d; at most d vectors of R^d are orthonormal, so use n ≤ d", n, d)
	}
	rng := newRand(seed, streamOrthonormal)
	G := mat.NewDense(d, n, nil)
	raw := G.RawMatrix()
	for k := range raw.Data {
		raw.Data[k] = rng.NormFloat64()
	}
	var qr mat.QR
	qr.Factorize(G)
	var Q, R mat.Dense
	qr.QTo(&Q)
	qr.RTo(&R)
	X := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		s := 1.0
		if R.At(i, i) < 0 {
			s = -1
		}
		for j := 0; j < d; j++ {
			X.Set(i, j, s*Q.At(j, i))
		}
	}
	return &Dataset{
		Name: fmt.Sprintf("random orthonormal (n=%d, d=%d, seed=%d)", n, d, seed),
		X:    X,
		Y:    make([]float64, n),
	}, nil
}

// StandardBasis returns the first n standard basis vectors e_1, …, e_n of
// R^d (n ≤ d) as rows: exactly orthonormal. Y is zero and Labels is nil.
func StandardBasis(n, d int) (*Dataset, error) {
	if err := checkSize("StandardBasis", n, d); err != nil {
		return nil, err
	}
	if n > d {
		return nil, fmt.Errorf("data: StandardBasis: n = %d > d = %d; R^d has only d basis vectors, so use n ≤ d", n, d)
	}
	X := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		X.Set(i, i, 1)
	}
	return &Dataset{
		Name: fmt.Sprintf("standard basis (n=%d, d=%d)", n, d),
		X:    X,
		Y:    make([]float64, n),
	}, nil
}
