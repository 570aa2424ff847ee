package ntk

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"
)

// orthantByQuadrature returns P(Z1 ≥ h, Z2 ≥ k) for standard normals with
// correlation ρ, |ρ| < 1, from the one-dimensional integral
//
//	∫_h^∞ φ(z) Q((k − ρz)/√(1−ρ²)) dz
//
// (paper.md §6), by composite 20-point Gauss–Legendre on [h, h+16] in
// panels of width 1/4: accurate to about 1e-13 relative for the moderate
// thresholds and |ρ| ≤ 0.99 of these tests. It is independent of Orthant.
func orthantByQuadrature(h, k, rho float64) float64 {
	s := math.Sqrt(1 - rho*rho)
	f := func(z float64) float64 { return NormalPDF(z) * Q((k-rho*z)/s) }
	sum := 0.0
	for a := h; a < h+16; a += 0.25 {
		sum += quad.Fixed(f, a, a+0.25, 20, quad.Legendre{}, 0)
	}
	return sum
}

// orthonormalRows returns n orthonormal rows in R^d (n ≤ d), the first n
// rows of a random orthogonal matrix.
func orthonormalRows(n, d int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, 23))
	A := mat.NewDense(d, d, nil)
	for i := 0; i < d; i++ {
		for j := 0; j < d; j++ {
			A.Set(i, j, rng.NormFloat64())
		}
	}
	var qr mat.QR
	qr.Factorize(A)
	var Qm mat.Dense
	qr.QTo(&Qm)
	return mat.DenseCopyOf(Qm.Slice(0, n, 0, d))
}

func kernelRelErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	return math.Abs(got-want) / math.Abs(want)
}

// TestKernelInfB0ClosedForm checks H_ij = (⟨x_i,x_j⟩ + 1)(π − arccos ρ)/(2π)
// at B = 0 (paper.md §6), on unit rows and on rows of various norms, whose
// thresholds are all 0.
func TestKernelInfB0ClosedForm(t *testing.T) {
	for name, X := range map[string]*mat.Dense{
		"unit":   sphereRows(60, 5, 1),
		"scaled": scaledRows(60, 5, 2),
	} {
		H, err := KernelInf(X, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 60; i++ {
			for j := i; j < 60; j++ {
				if e := kernelRelErr(H.At(i, j), closedFormB0(X, i, j)); e > 1e-13 {
					t.Fatalf("%s: H[%d][%d] = %.17g, closed form %.17g (relative error %.2g)", name, i, j, H.At(i, j), closedFormB0(X, i, j), e)
				}
			}
		}
	}
}

// TestKernelInfOrthonormalClosedForm checks H = (2p0 − p0²) I + p0² 11ᵀ,
// p0 = Q(B), on orthonormal rows, and its extreme eigenvalues 2p0 − p0²
// and 2p0 − p0² + n p0² (paper.md §6; Theorem 13's motivating example).
func TestKernelInfOrthonormalClosedForm(t *testing.T) {
	const n, d = 25, 40
	X := orthonormalRows(n, d, 3)
	for _, B := range []float64{0, 0.5, 1, 2, 3, 5} {
		H, err := KernelInf(X, B)
		if err != nil {
			t.Fatal(err)
		}
		p0 := Q(B)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				want := p0 * p0
				if i == j {
					want = 2 * p0
				}
				if e := kernelRelErr(H.At(i, j), want); e > 1e-13 {
					t.Fatalf("B=%v: H[%d][%d] = %.17g, closed form %.17g (relative error %.2g)", B, i, j, H.At(i, j), want, e)
				}
			}
		}
		s, err := Extremes(H)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := 2*p0-p0*p0, 2*p0-p0*p0+n*p0*p0
		if kernelRelErr(s.Min, lo) > 1e-12 || kernelRelErr(s.Max, hi) > 1e-12 {
			t.Errorf("B=%v: λ_min, λ_max = %.15g, %.15g; closed form %.15g, %.15g", B, s.Min, s.Max, lo, hi)
		}
	}
}

// TestKernelInfPaperExamples reproduces paper.md §6.1: the tiny 3-point
// dataset (unit vectors at 0°, 60°, 150°) at B = 0, 0.5, 1, and the
// orthonormal n = 5 eigenvalues at B = 1, 2, to the printed digits.
func TestKernelInfPaperExamples(t *testing.T) {
	X := mat.NewDense(3, 2, nil)
	for i, deg := range []float64{0, 60, 150} {
		a := deg * math.Pi / 180
		X.Set(i, 0, math.Cos(a))
		X.Set(i, 1, math.Sin(a))
	}
	type entry struct {
		i, j   int
		want   float64
		digits int
	}
	for _, c := range []struct {
		B       float64
		entries []entry
		eig     [3]float64
	}{
		{0, []entry{{0, 0, 1, 1}, {0, 1, 0.5, 1}, {0, 2, 0.011165, 5}, {1, 2, 0.25, 2}}, [3]float64{0.445390, 0.991070, 1.563540}},
		{0.5, []entry{{0, 0, 0.617075, 6}, {0, 1, 0.244979, 6}, {0, 2, 0.000289, 3}, {1, 2, 0.095195, 5}}, [3]float64{0.354348, 0.616880, 0.879998}},
		{1, []entry{{0, 0, 0.317311, 6}, {0, 1, 0.093771, 5}, {1, 2, 0.025171, 5}}, [3]float64{0.220220, 0.317310, 0.414401}},
	} {
		H, err := KernelInf(X, c.B)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range c.entries {
			if !agreesToPrinted(H.At(e.i, e.j), e.want, e.digits) {
				t.Errorf("B=%v: H[%d][%d] = %.8g; paper.md §6.1 prints %v", c.B, e.i, e.j, H.At(e.i, e.j), e.want)
			}
		}
		s, err := Eigenvalues(H)
		if err != nil {
			t.Fatal(err)
		}
		for k, want := range c.eig {
			if !agreesToPrinted(s.Values[k], want, 6) {
				t.Errorf("B=%v: λ_%d = %.8g; paper.md §6.1 prints %v", c.B, k+1, s.Values[k], want)
			}
		}
	}
	// B = 1: the pair at 150° is "~0": (1 − cos 30°)·P(both ≥ 1; ρ = −0.866).
	H, err := KernelInf(X, 1)
	if err != nil {
		t.Fatal(err)
	}
	if v := H.At(0, 2); !(v > 0 && v < 1e-6) {
		t.Errorf("B=1: H[0][2] = %.3g; paper.md §6.1 prints ~0 (positive and tiny)", v)
	}

	E := orthonormalRows(5, 5, 4)
	for _, c := range []struct{ B, lo, hi float64 }{{1, 0.292139, 0.417996}, {2, 0.0449827, 0.0475705}} {
		H, err := KernelInf(E, c.B)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Extremes(H)
		if err != nil {
			t.Fatal(err)
		}
		if !agreesToPrinted(s.Min, c.lo, 6) || !agreesToPrinted(s.Max, c.hi, 6) {
			t.Errorf("orthonormal n=5 B=%v: λ = %.8g, %.8g; paper.md §6.1 prints %v, %v", c.B, s.Min, s.Max, c.lo, c.hi)
		}
	}
}

// TestKernelInfMatchesQuadrature checks every entry against the
// one-dimensional integral, on unit rows (one OrthantCurve) and on rows of
// various norms (Orthant per entry), and the diagonal (‖x‖²+1)Q(B/‖x‖).
func TestKernelInfMatchesQuadrature(t *testing.T) {
	n := 40
	for name, X := range map[string]*mat.Dense{
		"unit":   sphereRows(n, 4, 5),
		"scaled": scaledRows(n, 4, 6),
	} {
		for _, B := range []float64{0.5, 1.5, 2.5} {
			if testing.Short() && B != 1.5 {
				continue
			}
			H, err := KernelInf(X, B)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				sq := mat.Dot(X.RowView(i), X.RowView(i))
				ni := math.Sqrt(sq)
				if e := kernelRelErr(H.At(i, i), (sq+1)*Q(B/ni)); e > 4e-16 {
					t.Fatalf("%s B=%v: diagonal %d off by %.2g relative", name, B, i, e)
				}
				for j := i + 1; j < n; j++ {
					nj := mat.Norm(X.RowView(j), 2)
					g := mat.Dot(X.RowView(i), X.RowView(j))
					rho := g / (ni * nj)
					if math.Abs(rho) > 0.99 {
						continue
					}
					want := (g + 1) * orthantByQuadrature(B/ni, B/nj, rho)
					if e := kernelRelErr(H.At(i, j), want); e > 1e-11 {
						t.Fatalf("%s B=%v: H[%d][%d] = %.17g, quadrature %.17g (relative error %.2g)", name, B, i, j, H.At(i, j), want, e)
					}
				}
			}
		}
	}
}

// TestKernelInfWithinMonteCarloError checks that the exact kernel lies
// within 4 standard errors of the Monte Carlo estimate in every entry with
// at least 100 expected co-firings (where the normal approximation holds),
// and that the standard errors are calibrated: the RMS of the z-scores is
// near 1.
func TestKernelInfWithinMonteCarloError(t *testing.T) {
	const n, samples = 30, 400000
	for name, X := range map[string]*mat.Dense{
		"unit":   sphereRows(n, 6, 7),
		"scaled": scaledRows(n, 6, 8),
	} {
		for _, B := range []float64{1, 2} {
			if testing.Short() && (name != "scaled" || B != 1) {
				continue // one case is enough for the race detector
			}
			H, err := KernelInf(X, B)
			if err != nil {
				t.Fatal(err)
			}
			mean, se, err := KernelMonteCarlo(X, B, samples, 9)
			if err != nil {
				t.Fatal(err)
			}
			checked, z2 := 0, 0.0
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					g := mat.Dot(X.RowView(i), X.RowView(j)) + 1
					if samples*H.At(i, j)/g < 100 {
						continue
					}
					checked++
					z := (mean.At(i, j) - H.At(i, j)) / se.At(i, j)
					z2 += z * z
					if math.Abs(z) > 4 {
						t.Errorf("%s B=%v: entry (%d,%d): exact %.6g, Monte Carlo %.6g ± %.2g (%.1f standard errors)", name, B, i, j, H.At(i, j), mean.At(i, j), se.At(i, j), z)
					}
				}
			}
			if checked < n*(n+1)/4 {
				t.Errorf("%s B=%v: only %d entries had enough co-firings to check", name, B, checked)
			}
			if rms := math.Sqrt(z2 / float64(checked)); rms < 0.7 || rms > 1.3 {
				t.Errorf("%s B=%v: RMS z-score %.3f over %d entries; calibrated standard errors give ≈ 1", name, B, rms, checked)
			}
		}
	}
}

// owenTByQuadrature returns T(h, a) = (1/2π) ∫_0^a e^{−h²(1+t²)/2}/(1+t²) dt
// by 20-point Gauss–Legendre: for a ≤ 0.01 the integrand is a polynomial of
// low degree to machine precision.
func owenTByQuadrature(h, a float64) float64 {
	f := func(t float64) float64 { return math.Exp(-h*h*(1+t*t)/2) / (1 + t*t) }
	return quad.Fixed(f, 0, a, 20, quad.Legendre{}, 0) / (2 * math.Pi)
}

// TestOrthantNearParallel checks L(h,h;1−δ) = Q(h) − 2T(h, a) for nearly
// parallel inputs against quadrature, and against Orthant where the rounding
// of ρ does not matter (δ = 1e-4).
func TestOrthantNearParallel(t *testing.T) {
	for _, h := range []float64{0, 0.5, 1, 2, 4, 8} {
		for _, delta := range []float64{0, 1e-16, 1e-12, 1e-8, 1e-6, 1e-4} {
			a := math.Sqrt(delta / (2 - delta))
			want := Q(h) - 2*owenTByQuadrature(h, a)
			if got := orthantNearParallel(h, delta); kernelRelErr(got, want) > 1e-14 {
				t.Errorf("h=%v δ=%v: %.17g, quadrature %.17g (relative error %.2g)", h, delta, got, want, kernelRelErr(got, want))
			}
		}
		rho := 1 - 1e-4
		delta := 1 - rho // exact (Sterbenz)
		if got, want := orthantNearParallel(h, delta), Orthant(h, h, rho); kernelRelErr(got, want) > 2e-13 {
			t.Errorf("h=%v δ=1e-4: %.17g, Orthant %.17g (relative error %.2g)", h, got, want, kernelRelErr(got, want))
		}
	}
	// In the kernel: a duplicate row gets the diagonal value, and a nearly
	// parallel one the near-parallel formula.
	X := sphereRows(3, 4, 14)
	copy(X.RawRowView(1), X.RawRowView(0))
	u := X.RawRowView(2)
	for l := range u {
		u[l] = X.At(0, l) + 1e-7*float64(l+1)
	}
	nrm := math.Sqrt(mat.Dot(X.RowView(2), X.RowView(2)))
	for l := range u {
		u[l] /= nrm
	}
	for _, B := range []float64{0, 1.5} {
		H, err := KernelInf(X, B)
		if err != nil {
			t.Fatal(err)
		}
		if e := kernelRelErr(H.At(0, 1), H.At(0, 0)); e > 1e-15 {
			t.Errorf("B=%v: duplicate rows: H[0][1] = %.17g, H[0][0] = %.17g", B, H.At(0, 1), H.At(0, 0))
		}
		d := 0.0
		for l := range u {
			v := X.At(0, l) - u[l]
			d += v * v
		}
		g := mat.Dot(X.RowView(0), X.RowView(2))
		want := (g + 1) * (Q(B) - 2*owenTByQuadrature(B, math.Sqrt(d/2/(2-d/2))))
		if e := kernelRelErr(H.At(0, 2), want); e > 1e-13 {
			t.Errorf("B=%v: nearly parallel rows (1−ρ = %.2g): H[0][2] = %.17g, Owen quadrature %.17g (relative error %.2g)", B, d/2, H.At(0, 2), want, e)
		}
	}
}

// TestKernelInfCrossMatchesKernelInf checks the test×train kernel against
// the corresponding block of KernelInf on the stacked inputs.
func TestKernelInfCrossMatchesKernelInf(t *testing.T) {
	for name, X := range map[string]*mat.Dense{
		"unit":   sphereRows(50, 5, 10),
		"scaled": scaledRows(50, 5, 11),
	} {
		for _, B := range []float64{0, 1.5} {
			H, err := KernelInf(X, B)
			if err != nil {
				t.Fatal(err)
			}
			test, train := X.Slice(0, 20, 0, 5).(*mat.Dense), X.Slice(20, 50, 0, 5).(*mat.Dense)
			K, err := KernelInfCross(test, train, B)
			if err != nil {
				t.Fatal(err)
			}
			if r, c := K.Dims(); r != 20 || c != 30 {
				t.Fatalf("%s: cross kernel is %d×%d, want 20×30", name, r, c)
			}
			for i := 0; i < 20; i++ {
				for j := 0; j < 30; j++ {
					if e := kernelRelErr(K.At(i, j), H.At(i, 20+j)); e > 1e-13 {
						t.Fatalf("%s B=%v: K[%d][%d] = %.17g, KernelInf %.17g", name, B, i, j, K.At(i, j), H.At(i, 20+j))
					}
				}
			}
			// A test point equal to a training point gets the diagonal value.
			S, err := KernelInfCross(X, X, B)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 50; i++ {
				if e := kernelRelErr(S.At(i, i), H.At(i, i)); e > 1e-13 {
					t.Fatalf("%s B=%v: KernelInfCross(X, X)[%d][%d] = %.17g, diagonal %.17g", name, B, i, i, S.At(i, i), H.At(i, i))
				}
			}
		}
	}
}

func TestKernelInfDeterministicAcrossGOMAXPROCS(t *testing.T) {
	for name, X := range map[string]*mat.Dense{
		"unit":   sphereRows(301, 6, 12),
		"scaled": scaledRows(301, 6, 13),
	} {
		run := func(procs int) (*mat.SymDense, *mat.Dense) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			H, err := KernelInf(X, 1.2)
			if err != nil {
				t.Fatal(err)
			}
			K, err := KernelInfCross(X.Slice(0, 40, 0, 6).(*mat.Dense), X, 1.2)
			if err != nil {
				t.Fatal(err)
			}
			return H, K
		}
		h1, k1 := run(1)
		h2, k2 := run(2)
		if !symBitsEqual(h1, h2) || !denseBitsEqual(k1, k2) {
			t.Fatalf("%s: results differ between GOMAXPROCS 1 and 2", name)
		}
	}
}

func denseBitsEqual(a, b *mat.Dense) bool {
	ra, ca := a.Dims()
	rb, cb := b.Dims()
	if ra != rb || ca != cb {
		return false
	}
	for i := 0; i < ra; i++ {
		for j := 0; j < ca; j++ {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				return false
			}
		}
	}
	return true
}

func TestKernelInfRefusesBadInput(t *testing.T) {
	X := sphereRows(5, 3, 1)
	zero := mat.DenseCopyOf(X)
	zero.SetRow(3, []float64{0, 0, 0})
	nan := mat.DenseCopyOf(X)
	nan.Set(1, 2, math.NaN())
	for name, c := range map[string]struct {
		run  func() error
		want string
	}{
		"nil":                {func() error { _, err := KernelInf(nil, 1); return err }, "nil or empty"},
		"zero row":           {func() error { _, err := KernelInf(zero, 1); return err }, "row 3 of X is zero"},
		"zero row at B=0":    {func() error { _, err := KernelInf(zero, 0); return err }, "row 3 of X is zero"},
		"NaN":                {func() error { _, err := KernelInf(nan, 1); return err }, "X[1][2] = NaN"},
		"negative B":         {func() error { _, err := KernelInf(X, -0.5); return err }, "B = -0.5"},
		"NaN B":              {func() error { _, err := KernelInf(X, math.NaN()); return err }, "B = NaN"},
		"cross zero test":    {func() error { _, err := KernelInfCross(zero, X, 1); return err }, "row 3 of Xtest is zero"},
		"cross zero train":   {func() error { _, err := KernelInfCross(X, zero, 1); return err }, "row 3 of Xtrain is zero"},
		"cross dimensions":   {func() error { _, err := KernelInfCross(sphereRows(2, 4, 1), X, 1); return err }, "4 columns"},
		"cross nil":          {func() error { _, err := KernelInfCross(nil, X, 1); return err }, "Xtest is nil"},
		"cross infinite B":   {func() error { _, err := KernelInfCross(X, X, math.Inf(1)); return err }, "B = +Inf"},
		"memory (KernelInf)": {func() error { defer setMaxKernelBytes(100)(); _, err := KernelInf(X, 1); return err }, "200 bytes"},
		"memory (cross)":     {func() error { defer setMaxKernelBytes(100)(); _, err := KernelInfCross(X, X, 1); return err }, "200 bytes"},
	} {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one mentioning %q", name, err, c.want)
		}
	}
}

// setMaxKernelBytes sets MaxKernelBytes and returns a function restoring it.
func setMaxKernelBytes(v int64) func() {
	old := MaxKernelBytes
	MaxKernelBytes = v
	return func() { MaxKernelBytes = old }
}
