package ntk

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// kernelB0 returns the infinite-width kernel at B = 0 built entry by entry
// from the closed form (ρ+1)... of closedFormB0, independently of KernelInf.
func kernelB0(X *mat.Dense) *mat.SymDense {
	n, _ := X.Dims()
	H := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			H.SetSym(i, j, closedFormB0(X, i, j))
		}
	}
	return H
}

// orthonormalKernel returns (2p0 − p0²) I + p0² 11ᵀ, p0 = Q(B): the kernel
// of n orthonormal inputs (paper.md §6).
func orthonormalKernel(n int, B float64) *mat.SymDense {
	p0 := Q(B)
	H := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := p0 * p0
			if i == j {
				v = 2 * p0
			}
			H.SetSym(i, j, v)
		}
	}
	return H
}

// randomSPD returns G Gᵀ + shift·I with G n×r standard normal: positive
// definite for shift > 0, of rank r for shift = 0 and r < n.
func randomSPD(n, r int, shift float64, seed uint64) *mat.SymDense {
	rng := rand.New(rand.NewPCG(seed, 3))
	G := mat.NewDense(n, r, nil)
	for i := 0; i < n; i++ {
		for j := 0; j < r; j++ {
			G.Set(i, j, rng.NormFloat64())
		}
	}
	A := mat.NewSymDense(n, nil)
	A.SymOuterK(1, G)
	for i := 0; i < n; i++ {
		A.SetSym(i, i, A.At(i, i)+shift)
	}
	return A
}

func referenceValues(t *testing.T, A mat.Symmetric) []float64 {
	t.Helper()
	var eig mat.EigenSym
	if !eig.Factorize(A, false) {
		t.Fatal("EigenSym failed")
	}
	return eig.Values(nil)
}

// checkPair checks that v is a unit vector and that the reported residual
// is ‖Av − λv‖.
func checkPair(t *testing.T, name string, A mat.Symmetric, lambda float64, v []float64, residual float64) {
	t.Helper()
	n := A.SymmetricDim()
	if len(v) != n || math.Abs(floats.Norm(v, 2)-1) > 1e-14 {
		t.Fatalf("%s: the eigenvector is not a unit vector of length %d", name, n)
	}
	av := mat.NewVecDense(n, nil)
	av.MulVec(A, mat.NewVecDense(n, v))
	av.AddScaledVec(av, -lambda, mat.NewVecDense(n, v))
	if r := mat.Norm(av, 2); math.Abs(r-residual) > 1e-15*math.Abs(lambda)+1e-3*r {
		t.Fatalf("%s: reported residual %.3g, recomputed %.3g", name, residual, r)
	}
}

func TestExtremesMatchEigenSym(t *testing.T) {
	cases := []struct {
		name string
		A    *mat.SymDense
	}{
		{"1×1", mat.NewSymDense(1, []float64{3})},
		{"2×2", mat.NewSymDense(2, []float64{2, 1, 1, 2})},
		{"SPD n=5", randomSPD(5, 5, 0.1, 1)},
		{"SPD n=60 well conditioned", randomSPD(60, 80, 1, 2)},
		{"SPD n=250 ill conditioned", randomSPD(250, 250, 1e-6, 3)},
		{"B=0 kernel n=200", kernelB0(sphereRows(200, 10, 4))},
		{"B=0 kernel n=150, clustered", kernelB0(sphereRows(150, 3, 5))},
	}
	for _, c := range cases {
		s, err := Extremes(c.A)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		want := referenceValues(t, c.A)
		n := len(want)
		lo, hi := want[0], want[n-1]
		if math.Abs(s.Max-hi) > 1e-12*hi {
			t.Errorf("%s: Max = %.16g, EigenSym %.16g", c.name, s.Max, hi)
		}
		// EigenSym is accurate to about n·ε·λ_max in absolute terms.
		if math.Abs(s.Min-lo) > 1e-12*hi {
			t.Errorf("%s: Min = %.16g, EigenSym %.16g", c.name, s.Min, lo)
		}
		if !s.PD || !s.PSD || s.Values != nil {
			t.Errorf("%s: PD = %v, PSD = %v, Values set = %v; want true, true, false", c.name, s.PD, s.PSD, s.Values != nil)
		}
		// The documented accuracy: the λ_max pair converges to a residual
		// of 1e-12 λ_max; the λ_min value to r²/gap ≲ 1e-12 λ_max.
		if s.MaxResidual > 1e-11*hi {
			t.Errorf("%s: MaxResidual = %.3g; want ≤ 1e-11 λ_max", c.name, s.MaxResidual)
		}
		if n > 1 {
			if gap := want[1] - lo; s.MinResidual*s.MinResidual/gap > 1e-11*hi {
				t.Errorf("%s: MinResidual = %.3g with gap %.3g gives r²/gap = %.3g; want ≤ 1e-11 λ_max", c.name, s.MinResidual, gap, s.MinResidual*s.MinResidual/gap)
			}
		}
		if math.Abs(s.Cond-hi/lo) > 1e-6*hi/lo {
			t.Errorf("%s: Cond = %.8g, want %.8g", c.name, s.Cond, hi/lo)
		}
		checkPair(t, c.name+" max", c.A, s.Max, s.MaxVector, s.MaxResidual)
		checkPair(t, c.name+" min", c.A, s.Min, s.MinVector, s.MinResidual)
	}
}

// TestExtremesOrthonormalClosedForm checks λ_min = 2p0 − p0² and
// λ_max = 2p0 − p0² + n p0² (paper.md §6), with the n = 5 reference values
// of §6.1.
func TestExtremesOrthonormalClosedForm(t *testing.T) {
	for _, c := range []struct {
		n              int
		B              float64
		wantMin, wantM float64 // paper.md §6.1, 6 digits; 0 when not tabulated
	}{
		{5, 1, 0.292139, 0.417996},
		{5, 2, 0.0449827, 0.0475705},
		{300, 0.5, 0, 0},
		{300, 3, 0, 0},
	} {
		p0 := Q(c.B)
		lo, hi := 2*p0-p0*p0, 2*p0-p0*p0+float64(c.n)*p0*p0
		s, err := Extremes(orthonormalKernel(c.n, c.B))
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(s.Min-lo) > 1e-13*lo || math.Abs(s.Max-hi) > 1e-13*hi {
			t.Errorf("n=%d B=%v: extremes %.15g, %.15g; closed form %.15g, %.15g", c.n, c.B, s.Min, s.Max, lo, hi)
		}
		if c.wantMin != 0 && (!agreesToPrinted(s.Min, c.wantMin, 6) || !agreesToPrinted(s.Max, c.wantM, 6)) {
			t.Errorf("n=%d B=%v: extremes %.7g, %.7g; paper.md §6.1 gives %v, %v", c.n, c.B, s.Min, s.Max, c.wantMin, c.wantM)
		}
	}
}

// TestExtremesNotPositiveDefinite checks the fallback to the full
// eigensolver on a singular PSD matrix and on an indefinite one.
// agreesToPrinted reports whether x rounds to the value printed with the
// given number of significant digits: |x − printed| ≤ half a unit in its
// last digit.
func agreesToPrinted(x, printed float64, digits int) bool {
	ulp := math.Pow(10, math.Floor(math.Log10(math.Abs(printed)))-float64(digits-1))
	return math.Abs(x-printed) <= ulp/2*(1+1e-9)
}

func TestExtremesNotPositiveDefinite(t *testing.T) {
	// Rank 5 in dimension 40: λ_min = 0 up to rounding.
	A := randomSPD(40, 5, 0, 7)
	s, err := Extremes(A)
	if err != nil {
		t.Fatal(err)
	}
	want := referenceValues(t, A)
	if !s.PSD || math.Abs(s.Min) > s.Tol || math.Abs(s.Max-want[39]) > 1e-12*want[39] {
		t.Errorf("rank-deficient: Min = %.3g (Tol %.3g), Max = %.8g (want %.8g), PSD = %v", s.Min, s.Tol, s.Max, want[39], s.PSD)
	}
	if !math.IsInf(s.Cond, 1) && s.Cond < 1e12 {
		t.Errorf("rank-deficient: Cond = %.3g; want huge or +Inf", s.Cond)
	}

	// Indefinite: shift a PSD matrix down by 2.
	B := randomSPD(30, 30, -2, 8)
	want = referenceValues(t, B)
	if want[0] >= 0 {
		t.Fatal("test matrix is not indefinite")
	}
	s, err = Extremes(B)
	if err != nil {
		t.Fatal(err)
	}
	if s.PD || s.PSD || !math.IsInf(s.Cond, 1) || len(s.Values) != 30 {
		t.Errorf("indefinite: PD = %v, PSD = %v, Cond = %v, %d values; want false, false, +Inf, 30", s.PD, s.PSD, s.Cond, len(s.Values))
	}
	if math.Abs(s.Min-want[0]) > 1e-12*want[29] || s.MinResidual > 1e-10*want[29] {
		t.Errorf("indefinite: Min = %.16g (residual %.3g), EigenSym %.16g", s.Min, s.MinResidual, want[0])
	}
	checkPair(t, "indefinite min", B, s.Min, s.MinVector, s.MinResidual)

	for _, v := range []float64{-2, 0} {
		s, err := Extremes(mat.NewSymDense(1, []float64{v}))
		if err != nil {
			t.Fatal(err)
		}
		if s.Min != v || s.Max != v || s.PD || s.PSD != (v == 0) || s.MinResidual != 0 {
			t.Errorf("1×1 [%v]: %+v", v, *s)
		}
	}
}

func TestEigenvaluesFullSpectrum(t *testing.T) {
	A := kernelB0(sphereRows(120, 6, 9))
	s, err := Eigenvalues(A)
	if err != nil {
		t.Fatal(err)
	}
	want := referenceValues(t, A)
	if !floats.Equal(s.Values, want) {
		t.Fatal("Values differ from EigenSym")
	}
	if math.Abs(s.Values[0]-s.Min) > s.MinResidual+1e-13*s.Max || math.Abs(s.Values[119]-s.Max) > s.MaxResidual+1e-13*s.Max {
		t.Errorf("ends of Values (%.16g, %.16g) and extremes (%.16g, %.16g) disagree beyond the residuals", s.Values[0], s.Values[119], s.Min, s.Max)
	}
	// Eigenvalues of the orthonormal kernel: 2p0 − p0² (n−1 times) and
	// 2p0 − p0² + n p0².
	p0 := Q(1)
	s, err = Eigenvalues(orthonormalKernel(5, 1))
	if err != nil {
		t.Fatal(err)
	}
	for i, v := range s.Values {
		want := 2*p0 - p0*p0
		if i == 4 {
			want += 5 * p0 * p0
		}
		if math.Abs(v-want) > 1e-14 {
			t.Errorf("orthonormal n=5 B=1: λ_%d = %.16g, want %.16g", i, v, want)
		}
	}
}

func TestExtremesDeterministicAcrossGOMAXPROCS(t *testing.T) {
	// n = 600 > 256 + 2·128 splits both parts of choleskySolve.
	A := kernelB0(sphereRows(600, 8, 12))
	run := func(procs int) *Spectrum {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		s, err := Extremes(A)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	a, b := run(1), run(2)
	if math.Float64bits(a.Min) != math.Float64bits(b.Min) || math.Float64bits(a.Max) != math.Float64bits(b.Max) ||
		!floats.Same(a.MinVector, b.MinVector) || !floats.Same(a.MaxVector, b.MaxVector) {
		t.Fatal("Extremes differs between GOMAXPROCS 1 and 2")
	}
}

func TestSpectrumRefusesBadInput(t *testing.T) {
	nan := mat.NewSymDense(3, nil)
	nan.SetSym(0, 2, math.NaN())
	for name, c := range map[string]struct {
		K    mat.Symmetric
		want string
	}{
		"nil": {nil, "nil"},
		"NaN": {nan, "K[0][2] = NaN"},
	} {
		if _, err := Extremes(c.K); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Extremes(%s): error %v; want one mentioning %q", name, err, c.want)
		}
		if _, err := Eigenvalues(c.K); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Eigenvalues(%s): error %v; want one mentioning %q", name, err, c.want)
		}
	}
}

// TestCholeskySolveMatchesGonum checks the blocked, parallel triangular
// solves against gonum's Cholesky solver, on sizes that end inside a block.
func TestCholeskySolveMatchesGonum(t *testing.T) {
	for _, n := range []int{1, 5, 256, 700} {
		A := randomSPD(n, n, 1, uint64(n))
		var ch mat.Cholesky
		if !ch.Factorize(A) {
			t.Fatal("not positive definite")
		}
		b := uniformValues(n, 3)
		var want mat.VecDense
		if err := ch.SolveVecTo(&want, mat.NewVecDense(n, b)); err != nil {
			t.Fatal(err)
		}
		var U mat.TriDense
		ch.UTo(&U)
		raw := U.RawTriangular()
		got := append([]float64(nil), b...)
		choleskySolve(raw.Data, n, raw.Stride, got)
		for i := range got {
			if math.Abs(got[i]-want.AtVec(i)) > 1e-12*(1+math.Abs(want.AtVec(i))) {
				t.Fatalf("n=%d: x[%d] = %.17g, gonum %.17g", n, i, got[i], want.AtVec(i))
			}
		}
	}
}
