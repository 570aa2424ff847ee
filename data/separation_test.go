package data

import (
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSeparationHandCases(t *testing.T) {
	phi := 0.7
	cases := []struct {
		name string
		X    []float64 // rows of length 2
		want float64
	}{
		{"angle φ", []float64{1, 0, math.Cos(phi), math.Sin(phi)}, 2 * math.Sin(phi/2)},
		{"angle π−φ", []float64{1, 0, -math.Cos(phi), math.Sin(phi)}, 2 * math.Sin(phi/2)},
		{"orthogonal", []float64{1, 0, 0, 1}, math.Sqrt2},
		{"antipodal", []float64{0.6, 0.8, -0.6, -0.8}, 0},
		{"equal", []float64{0.6, 0.8, 0.6, 0.8}, 0},
		{"3-4-5", []float64{3, 0, 0, 4}, 5},
		{"collinear", []float64{1, 0, 2, 0}, 1},
		{"collinear opposite", []float64{1, 0, -3, 0}, 2},
		// Three points: the minimum is over the pair (0, 2).
		{"three", []float64{1, 0, 0, 1, -0.8, 0.6}, math.Hypot(0.2, 0.6)},
	}
	for _, c := range cases {
		X := mat.NewDense(len(c.X)/2, 2, c.X)
		got, err := Separation(X)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if math.Abs(got-c.want) > 1e-15*(1+c.want) {
			t.Errorf("%s: δ = %v, want %v", c.name, got, c.want)
		}
	}
}

// TestSeparationTiny checks the exact recomputation: for two unit vectors an
// angle ε = 1e-9 apart, the Gram formula 2 − 2<x,y> alone gives δ with an
// absolute error of about 1e-8 (all digits wrong).
func TestSeparationTiny(t *testing.T) {
	for _, eps := range []float64{1e-9, 1e-12, 3e-15} {
		X := mat.NewDense(3, 3, []float64{
			1, 0, 0,
			math.Cos(eps), math.Sin(eps), 0,
			0, 0, 1,
		})
		want := bruteSeparation(X)
		got, err := Separation(X)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(got, want) > 1e-14 {
			t.Errorf("ε = %v: δ = %v, brute force %v", eps, got, want)
		}
		if relErr(got, eps) > 1e-6 {
			t.Errorf("ε = %v: δ = %v, want ≈ ε", eps, got)
		}
	}
}

func TestSeparationRandomAgainstBruteForce(t *testing.T) {
	n := 1500 // more than one Gram block
	if testing.Short() {
		n = 300
	}
	for _, d := range []int{2, 9} {
		ds, err := Sphere(n, d, uint64(d))
		if err != nil {
			t.Fatal(err)
		}
		// Non-unit norms too.
		for i := 0; i < n; i += 3 {
			r := ds.X.RawRowView(i)
			for j := range r {
				r[j] *= 1 + float64(i%7)
			}
		}
		want := bruteSeparation(ds.X)
		got, err := Separation(ds.X)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(got, want) > 1e-13 {
			t.Errorf("n=%d d=%d: δ = %v, brute force %v", n, d, got, want)
		}
	}
}

func TestSeparationScaling(t *testing.T) {
	base := []float64{1, 0, 0.8, 0.6, 0, -1}
	want := math.Hypot(0.2, 0.6)
	for _, s := range []float64{1e300, 1e-300} {
		X := mat.NewDense(3, 2, nil)
		for k, v := range base {
			X.RawMatrix().Data[k] = v * s
		}
		got, err := Separation(X)
		if err != nil {
			t.Fatal(err)
		}
		if relErr(got, want*s) > 1e-14 {
			t.Errorf("scale %v: δ = %v, want %v", s, got, want*s)
		}
	}
	// Subnormal entries: their squares underflow to 0 without the internal
	// rescaling. The reference is the brute force on the exactly upscaled
	// matrix; the result may differ by the final rounding to a subnormal,
	// at most one unit 2⁻¹⁰⁷⁴.
	X := mat.NewDense(3, 2, nil)
	up := mat.NewDense(3, 2, nil)
	for k, v := range base {
		X.RawMatrix().Data[k] = math.Ldexp(v, -1060)
		up.RawMatrix().Data[k] = math.Ldexp(X.RawMatrix().Data[k], 1060)
	}
	got, err := Separation(X)
	if err != nil {
		t.Fatal(err)
	}
	ref := math.Ldexp(bruteSeparation(up), -1060)
	if got == 0 || math.Abs(got-ref) > 0x1p-1074 {
		t.Errorf("subnormal input: δ = %v, want %v", got, ref)
	}
}

func TestSeparationErrors(t *testing.T) {
	_, err := Separation(mat.NewDense(1, 3, nil))
	wantErr(t, err, "at least 2 rows")
	_, err = Separation(nil)
	wantErr(t, err, "nil or empty")
	_, err = Separation(mat.NewDense(2, 1, []float64{1, math.Inf(1)}))
	wantErr(t, err, "X[1][0]", "not finite")
	_, err = MaxAbsCosine(mat.NewDense(2, 2, []float64{1, 0, 0, 0}))
	wantErr(t, err, "row 1", "zero")
	_, err = MaxAbsCosine(mat.NewDense(1, 2, []float64{1, 0}))
	wantErr(t, err, "at least 2 rows")
}

// TestMaxAbsCosine checks Δ against a direct computation and the identity
// Δ = 1 − δ²/2 for unit vectors (paper, Theorem 13).
func TestMaxAbsCosine(t *testing.T) {
	X := mat.NewDense(3, 2, []float64{2, 0, 0, 3, -1, 1})
	got, err := MaxAbsCosine(X)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 / math.Sqrt2; math.Abs(got-want) > 1e-15 {
		t.Fatalf("Δ = %v, want %v", got, want)
	}
	ds, _ := Sphere(200, 6, 11)
	delta, err := Separation(ds.X)
	if err != nil {
		t.Fatal(err)
	}
	big, err := MaxAbsCosine(ds.X)
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(big-(1-delta*delta/2)) > 1e-13 {
		t.Errorf("Δ = %v but 1 − δ²/2 = %v", big, 1-delta*delta/2)
	}
}

// TestSeparationGOMAXPROCS checks that the blocked BLAS products give the
// same bits whatever the number of threads.
func TestSeparationGOMAXPROCS(t *testing.T) {
	ds, err := Digits()
	if err != nil {
		t.Fatal(err)
	}
	if testing.Short() {
		ds, _ = ds.Head(600)
	}
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	s1, _ := Separation(ds.X)
	c1, _ := MaxAbsCosine(ds.X)
	runtime.GOMAXPROCS(2)
	s2, _ := Separation(ds.X)
	c2, _ := MaxAbsCosine(ds.X)
	if math.Float64bits(s1) != math.Float64bits(s2) || math.Float64bits(c1) != math.Float64bits(c2) {
		t.Fatalf("GOMAXPROCS 1 vs 2: δ %v vs %v, Δ %v vs %v", s1, s2, c1, c2)
	}
}

func BenchmarkSeparationDigits(b *testing.B) {
	ds, _ := Digits()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Separation(ds.X); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDirectSeparationDigits is the baseline: the definition evaluated
// pair by pair with plain sums of squares (no Gram matrix).
func BenchmarkDirectSeparationDigits(b *testing.B) {
	ds, _ := Digits()
	n := ds.Len()
	b.ResetTimer()
	for b.Loop() {
		best := math.Inf(1)
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				best = min(best, exactPair(ds.X.RawRowView(i), ds.X.RawRowView(j)))
			}
		}
		if best < 0 {
			b.Fatal(best)
		}
	}
}
