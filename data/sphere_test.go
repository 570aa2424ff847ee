package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSphere(t *testing.T) {
	ds, err := Sphere(500, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 500 || ds.Dim() != 7 || ds.Labels != nil {
		t.Fatalf("Sphere(500, 7): got %d×%d, labels %v", ds.Len(), ds.Dim(), ds.Labels)
	}
	mean := make([]float64, 7)
	for i := 0; i < 500; i++ {
		if e := math.Abs(rowNorm(ds.X, i) - 1); e > 1e-12 {
			t.Fatalf("row %d has norm 1%+g", i, e)
		}
		for j := range mean {
			mean[j] += ds.X.At(i, j) / 500
		}
		if ds.Y[i] != 0 {
			t.Fatalf("Y[%d] = %v, want 0", i, ds.Y[i])
		}
	}
	// Uniform on the sphere: each coordinate has mean 0 and variance 1/d,
	// so the sample mean has standard deviation 1/sqrt(500·7) ≈ 0.017.
	for j, m := range mean {
		if math.Abs(m) > 6/math.Sqrt(500*7) {
			t.Errorf("coordinate %d has mean %v, more than 6 standard deviations from 0", j, m)
		}
	}
}

func TestSphereDeterminism(t *testing.T) {
	a, _ := Sphere(50, 4, 42)
	b, _ := Sphere(50, 4, 42)
	c, _ := Sphere(50, 4, 43)
	if !sameBits(a.X, b.X) {
		t.Fatal("same seed gave different bits")
	}
	if mat.Equal(a.X, c.X) {
		t.Fatal("different seeds gave the same points")
	}
}

func TestGeneratorSizeErrors(t *testing.T) {
	_, err := Sphere(0, 3, 1)
	wantErr(t, err, "n = 0")
	_, err = Sphere(3, -1, 1)
	wantErr(t, err, "d = -1")
	_, err = Sphere(1<<20, 1<<20, 1)
	wantErr(t, err, "exceeds the limit")
	_, err = Orthonormal(4, 3, 1)
	wantErr(t, err, "n = 4 > d = 3")
	_, err = Orthonormal(0, 3, 1)
	wantErr(t, err, "n = 0")
	_, err = StandardBasis(4, 3)
	wantErr(t, err, "n = 4 > d = 3")
	_, err = StandardBasis(2, 0)
	wantErr(t, err, "d = 0")
	_, err = Circle(3, 0.1, 1)
	wantErr(t, err, "d ≥ 2")
	_, err = Circle(0, 0.1, 2)
	wantErr(t, err, "n = 0")
}

func TestCircle(t *testing.T) {
	theta := 0.3
	ds, err := Circle(6, theta, 4)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 6 || ds.Dim() != 4 {
		t.Fatalf("Circle(6, 0.3, 4) is %d×%d", ds.Len(), ds.Dim())
	}
	for k := 0; k < 6; k++ {
		a := float64(k) * theta
		want := []float64{math.Cos(a), math.Sin(a), 0, 0}
		for j, v := range want {
			if math.Abs(ds.X.At(k, j)-v) > 1e-15 {
				t.Fatalf("point %d coordinate %d = %v, want %v", k, j, ds.X.At(k, j), v)
			}
		}
		if e := math.Abs(rowNorm(ds.X, k) - 1); e > 1e-12 {
			t.Fatalf("point %d has norm 1%+g", k, e)
		}
	}
}

// TestCircleSeparation checks the closed form δ = 2 sin(θ/2) for nθ ≤ π, the
// general formula against the brute-force definition, and the package's
// Separation on the generated points.
func TestCircleSeparation(t *testing.T) {
	cases := []struct {
		n     int
		theta float64
		want  float64 // independent expectation
	}{
		{2, 0.5, 2 * math.Sin(0.25)},
		{5, math.Pi / 5, 2 * math.Sin(math.Pi/10)}, // nθ = π: the 2n-gon
		{10, 0.1, 2 * math.Sin(0.05)},
		{3, -0.4, 2 * math.Sin(0.2)},
		// n = 3, θ = 0.45π: points at 0, 81°, 162°; x_0 + x_2 is shortest:
		// 2 cos(162°/2) = 2 cos(0.45π), smaller than 2 sin(θ/2).
		{3, 0.45 * math.Pi, 2 * math.Cos(0.45*math.Pi)},
		// θ = 2 rad, n = 4: mθ = 2, 4, 6 rad;
		// distances to πℤ: 1.1416, 0.8584, 0.2832 → δ = 2 sin(0.1416).
		{4, 2.0, 2 * math.Sin((2*math.Pi-6)/2)},
	}
	for _, c := range cases {
		got, err := CircleSeparation(c.n, c.theta)
		if err != nil {
			t.Fatalf("CircleSeparation(%d, %v): %v", c.n, c.theta, err)
		}
		if relErr(got, c.want) > 1e-13 {
			t.Errorf("CircleSeparation(%d, %v) = %v, want %v", c.n, c.theta, got, c.want)
		}
		ds, err := Circle(c.n, c.theta, 3)
		if err != nil {
			t.Fatal(err)
		}
		brute := bruteSeparation(ds.X)
		if relErr(brute, c.want) > 1e-13 {
			t.Errorf("n=%d θ=%v: brute-force δ = %v, closed form %v", c.n, c.theta, brute, c.want)
		}
		sep, err := Separation(ds.X)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(sep, c.want) > 1e-13 {
			t.Errorf("n=%d θ=%v: Separation = %v, closed form %v", c.n, c.theta, sep, c.want)
		}
	}
}

func TestCircleDegenerate(t *testing.T) {
	cases := []struct {
		n     int
		theta float64
	}{
		{2, 0},               // coincide
		{2, math.Pi},         // antipodal
		{4, math.Pi / 3},     // points 0 and 3 antipodal
		{7, 2 * math.Pi / 6}, // points 0 and 6 coincide
		{3, -math.Pi / 2},    // points 0 and 2 antipodal
		{5, 3 * math.Pi / 4}, // 4θ = 3π
		{2, math.NaN()},      // not finite
		{2, math.Inf(1)},     // not finite
	}
	for _, c := range cases {
		_, err := Circle(c.n, c.theta, 2)
		if err == nil {
			t.Errorf("Circle(%d, %v): no error, want δ = 0 or non-finite θ reported", c.n, c.theta)
			continue
		}
		if !math.IsNaN(c.theta) && !math.IsInf(c.theta, 0) {
			wantErr(t, err, "coincide or antipodal")
		}
		_, err = CircleSeparation(c.n, c.theta)
		if err == nil {
			t.Errorf("CircleSeparation(%d, %v): no error", c.n, c.theta)
		}
	}
	_, err := CircleSeparation(1, 0.1)
	wantErr(t, err, "at least 2")
	if _, err := Circle(1, 0, 2); err != nil {
		t.Errorf("a single point is a valid circle: %v", err)
	}
}

func checkOrthonormal(t *testing.T, X *mat.Dense, tol float64) {
	t.Helper()
	n, _ := X.Dims()
	var G mat.Dense
	G.Mul(X, X.T())
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			want := 0.0
			if i == j {
				want = 1
			}
			if math.Abs(G.At(i, j)-want) > tol {
				t.Fatalf("<x_%d, x_%d> = %v, want %v", i, j, G.At(i, j), want)
			}
		}
	}
}

func TestOrthonormal(t *testing.T) {
	for _, c := range [][2]int{{1, 1}, {3, 3}, {5, 20}, {40, 50}} {
		ds, err := Orthonormal(c[0], c[1], 7)
		if err != nil {
			t.Fatal(err)
		}
		if ds.Len() != c[0] || ds.Dim() != c[1] {
			t.Fatalf("Orthonormal(%d, %d) is %d×%d", c[0], c[1], ds.Len(), ds.Dim())
		}
		checkOrthonormal(t, ds.X, 1e-12)
		if c[0] >= 2 {
			sep, err := Separation(ds.X)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(sep-math.Sqrt2) > 1e-12 {
				t.Errorf("orthonormal δ = %v, want √2", sep)
			}
		}
	}
	a, _ := Orthonormal(5, 9, 3)
	b, _ := Orthonormal(5, 9, 3)
	c, _ := Orthonormal(5, 9, 4)
	if !sameBits(a.X, b.X) {
		t.Fatal("same seed gave different bits")
	}
	if mat.EqualApprox(a.X, c.X, 1e-3) {
		t.Fatal("different seeds gave the same frame")
	}
}

// TestOrthonormalIsHaar checks that the frame is not biased: the first
// coordinate of the first vector of a Haar frame in R^d has mean 0 and
// variance 1/d. A QR without the sign fix would give a biased sign.
func TestOrthonormalIsHaar(t *testing.T) {
	const d, trials = 4, 2000
	var sum, pos float64
	for s := uint64(0); s < trials; s++ {
		ds, err := Orthonormal(2, d, s)
		if err != nil {
			t.Fatal(err)
		}
		v := ds.X.At(0, 0)
		sum += v * v
		if v > 0 {
			pos++
		}
	}
	// For a coordinate x of a uniform unit vector in R^d, E x⁴ = 3/(d(d+2)),
	// so Var(x²) = 3/24 − 1/16 = 1/16 at d = 4: sd(x²) = 0.25 and the mean
	// of 2000 draws has sd 0.0056. The bound is 6σ.
	if m := sum / trials; math.Abs(m-1.0/d) > 6*0.25/math.Sqrt(trials) {
		t.Errorf("mean of x_1² = %v, want 1/d = %v", m, 1.0/d)
	}
	// P(x > 0) = 1/2; sd of the fraction = 0.5/sqrt(2000) ≈ 0.011.
	if f := pos / trials; math.Abs(f-0.5) > 6*0.5/math.Sqrt(trials) {
		t.Errorf("fraction of positive first coordinates = %v, want 1/2", f)
	}
}

func TestStandardBasis(t *testing.T) {
	ds, err := StandardBasis(3, 5)
	if err != nil {
		t.Fatal(err)
	}
	checkOrthonormal(t, ds.X, 0)
	for i := 0; i < 3; i++ {
		if ds.X.At(i, i) != 1 {
			t.Fatalf("row %d is not e_%d", i, i+1)
		}
	}
}
