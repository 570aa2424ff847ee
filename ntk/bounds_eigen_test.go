package ntk

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/sparsentk/sparsentk/data"
	"gonum.org/v1/gonum/mat"
)

// TestTailTable reproduces the tail-value table of paper.md §6.1: Q(B),
// e^{−B²/2}, the Mills bounds and the lower bound on p0 that eq. (3) uses.
// The printed values have six significant digits, hence the 1e-5 relative
// tolerance; NaN marks the entries the table leaves out.
func TestTailTable(t *testing.T) {
	nan := math.NaN()
	for _, row := range []struct{ B, q, e, millsLo, millsHi, p0lo float64 }{
		{0, 0.5, 1, nan, nan, 0.5},
		{0.5, 0.308538, 0.882497, nan, 0.704131, 0.300529},
		{1, 0.158655, 0.606531, 0, 0.241971, 0.101058},
		{1.5, 0.0668072, 0.324652, 0.0479695, 0.0863451, 0.0479695},
		{2, 0.0227501, 0.135335, 0.0202466, 0.0269955, 0.0202466},
		{2.5, 6.20967e-3, 0.0439369, 5.88951e-3, 7.01132e-3, 5.88951e-3},
		{3, 1.34990e-3, 0.0111090, 1.31314e-3, 1.47728e-3, 1.31314e-3},
		{4, 3.16712e-5, 3.35463e-4, 3.13665e-5, 3.34576e-5, 3.13665e-5},
	} {
		B := row.B
		check := func(name string, got, want float64) {
			t.Helper()
			if math.IsNaN(want) {
				return
			}
			if want == 0 && math.Abs(got) > 1e-15 || want != 0 && bndRelErr(got, want) > 1e-5 {
				t.Errorf("B = %v: %s = %.7g, table %.7g", B, name, got, want)
			}
		}
		check("Q(B)", Q(B), row.q)
		check("e^{-B²/2}", math.Exp(-B*B/2), row.e)
		if B > 0 {
			lo, hi := (1/B-1/(B*B*B))*NormalPDF(B), NormalPDF(B)/B
			check("Mills lower", lo, row.millsLo)
			check("Mills upper", hi, row.millsHi)
			if !(lo <= Q(B) && Q(B) <= hi) {
				t.Errorf("B = %v: Mills bounds %v ≤ Q = %v ≤ %v fail", B, lo, Q(B), hi)
			}
		}
		check("p0 lower bound", firingLowerBound(B), row.p0lo)
		if firingLowerBound(B) > Q(B) || Q(B) > math.Exp(-B*B/2)/2 {
			t.Errorf("B = %v: p0 lower bound %v ≤ Q(B) = %v ≤ e^{-B²/2}/2 fails", B, firingLowerBound(B), Q(B))
		}
	}
}

// TestRestrictedEigenBoundExamples reproduces the eq. (3) values of paper.md
// §6.1, whose δ are printed to three digits: the bound over the rounding
// interval of δ must contain the printed value (0.014225 at B = 0, δ = 0.089;
// 1.04e-3 at B = 3, δ = 1.195).
func TestRestrictedEigenBoundExamples(t *testing.T) {
	for _, c := range []struct{ B, dlo, dhi, want, tol float64 }{
		{0, 0.0885, 0.0895, 0.014225, 0.5e-6},
		{3, 1.1945, 1.1955, 1.04e-3, 0.005e-3},
	} {
		lo := bndMust(RestrictedEigenBound(c.B, c.dlo))(t)
		hi := bndMust(RestrictedEigenBound(c.B, c.dhi))(t)
		if !(lo-c.tol <= c.want && c.want <= hi+c.tol) {
			t.Errorf("B = %v: eq. (3) over δ ∈ [%v, %v] is [%.6g, %.6g], which misses the printed %v", c.B, c.dlo, c.dhi, lo, hi, c.want)
		}
	}
}

// TestRestrictedEigenBoundClosedForms checks eq. (3) at the ends of its
// range: at δ = √2 it is the p0 bound minus e^{−B²}/4 (paper.md §8.6), at
// δ = 0 it is vacuous (0 at B = 0, negative beyond), and at B = 0 it is arctan(δ sqrt(1−δ²/4)/(1−δ²/2))/(2π)
// ≈ δ/(2π) for small δ. For orthonormal inputs (δ = √2, p_ij = p0²) it must sit
// below the exact p0 − p0².
func TestRestrictedEigenBoundClosedForms(t *testing.T) {
	for _, B := range []float64{0, 0.3, 0.5, 1, 1.5, 2, 3, 4, 6} {
		got := bndMust(RestrictedEigenBound(B, math.Sqrt2))(t)
		want := firingLowerBound(B) - math.Exp(-B*B)/4
		if math.Abs(got-want) > 1e-15 {
			t.Errorf("B = %v, δ = √2: eq. (3) = %v, want p0 bound − e^{−B²}/4 = %v", B, got, want)
		}
		p0 := Q(B)
		if got > p0-p0*p0 {
			t.Errorf("B = %v: eq. (3) = %v exceeds the orthonormal exact value p0 − p0² = %v", B, got, p0-p0*p0)
		}
		if v := bndMust(RestrictedEigenBound(B, 0))(t); v > 0 || B > 0 && v == 0 {
			t.Errorf("B = %v, δ = 0: eq. (3) = %v, want ≤ 0, and < 0 for B > 0 (vacuous)", B, v)
		}
	}
	for _, d := range []float64{1e-6, 1e-3, 0.1, 1} {
		got := bndMust(RestrictedEigenBound(0, d))(t)
		want := math.Atan(d*math.Sqrt(1-d*d/4)/(1-d*d/2)) / (2 * math.Pi)
		if bndRelErr(got, want) > 1e-9 {
			t.Errorf("B = 0, δ = %v: eq. (3) = %v, want %v", d, got, want)
		}
		if d <= 1e-3 && bndRelErr(got, d/(2*math.Pi)) > 1e-6 {
			t.Errorf("B = 0, δ = %v: eq. (3) = %v, want ≈ δ/(2π) = %v", d, got, d/(2*math.Pi))
		}
	}
}

// TestRestrictedEigenBoundErrors checks that δ outside [0, √2] and a bad B
// are rejected with a message naming the assumption.
func TestRestrictedEigenBoundErrors(t *testing.T) {
	for _, c := range []struct {
		B, delta float64
		want     string
	}{
		{1, -0.1, "[0, √2]"}, {1, 1.5, "[0, √2]"}, {1, math.NaN(), "[0, √2]"},
		{-1, 0.5, "B = -1"}, {math.Inf(1), 0.5, "B = +Inf"},
	} {
		_, err := RestrictedEigenBound(c.B, c.delta)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("RestrictedEigenBound(%v, %v): error %v, want one mentioning %q", c.B, c.delta, err, c.want)
		}
	}
	if _, err := EigenBoundSongYangZhang2021(5, 1, 2, Constants{}); err == nil {
		t.Error("EigenBoundSongYangZhang2021 accepted δ = 2 > √2")
	}
}

// TestOrthonormalRestricted checks the closed forms of paper.md §6 and the
// orthonormal reference values of §6.1: all pair probabilities are equal, so
// R is all of Rⁿ, the restricted minimum is λ_min(H∞) = 2p0 − p0²
// (0.292139 at B = 1 and 0.0449827 at B = 2 for n = 5, with λ_max 0.417996
// and 0.0475705), and Theorem 13's intermediate bound is p0 − p0².
func TestOrthonormalRestricted(t *testing.T) {
	for _, c := range []struct{ B, lmin, lmax float64 }{{1, 0.292139, 0.417996}, {2, 0.0449827, 0.0475705}} {
		const n = 5
		H, lmin, lmax := bndOrthoKernel(n, c.B)
		ev := bndEigenvalues(t, H)
		if bndRelErr(ev[0], c.lmin) > 2e-6 || bndRelErr(ev[n-1], c.lmax) > 2e-6 || bndRelErr(ev[0], lmin) > 1e-13 || bndRelErr(ev[n-1], lmax) > 1e-13 {
			t.Errorf("B = %v: eigenvalues %v, want λ_min = %v (closed form %v), λ_max = %v (closed form %v)", c.B, ev, c.lmin, lmin, c.lmax, lmax)
		}
		R := bndMust(NewRegion(bndOrthoPairs(n, c.B)))(t)
		p0 := Q(c.B)
		if bndRelErr(R.Intermediate(), p0-p0*p0) > 1e-14 {
			t.Errorf("B = %v: Intermediate = %v, want p0 − p0² = %v", c.B, R.Intermediate(), p0-p0*p0)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 100 {
			a := make([]float64, n)
			for i := range a {
				a[i] = rng.NormFloat64()
			}
			if in := bndMust(R.Contains(a))(t); !in {
				t.Fatalf("B = %v: %v is not in R, but R = Rⁿ for orthonormal inputs", c.B, a)
			}
		}
		res := bndMust(R.Minimize(H, MinimizeOptions{Seed: 3}))(t)
		if bndRelErr(res.Lower, lmin) > 1e-13 || bndRelErr(res.Upper, lmin) > 1e-13 {
			t.Errorf("B = %v: restricted minimum in [%v, %v], want exactly λ_min = %v", c.B, res.Lower, res.Upper, lmin)
		}
		if eq3 := bndMust(RestrictedEigenBound(c.B, math.Sqrt2))(t); eq3 > res.Lower {
			t.Errorf("B = %v: eq. (3) = %v above the restricted minimum %v", c.B, eq3, res.Lower)
		}
	}
}

// TestRestrictedZeroBias runs Theorem 13's chain on random separated unit
// data at B = 0, where the pair probabilities have the closed form
// 1/4 + arcsin(ρ)/(2π): eq. (3) ≤ p0 − max p_ij ≤ p0 − min p_ij ≤ λ_R, with
// λ_R bracketed by Region.Minimize, and λ_R ≥ λ_min(H∞). Eq. (3) is tight at
// B = 0 (equal to p0 − max p_ij) when the pair with the largest |ρ| has
// ρ > 0, as in paper.md §6.1's n = 6 example. The dual gap of Minimize must
// close (Brickman's theorem, n ≥ 3).
func TestRestrictedZeroBias(t *testing.T) {
	for _, c := range []struct {
		n, d int
		seed uint64
	}{{6, 3, 1}, {8, 50, 2}, {12, 5, 3}, {20, 10, 4}} {
		X := bndSphere(t, c.n, c.d, c.seed)
		P := bndPairsZeroBias(X)
		H := bndKernelFromPairs(X, P)
		delta := bndMust(data.Separation(X))(t)
		eq3 := bndMust(RestrictedEigenBound(0, delta))(t)
		R := bndMust(NewRegion(P))(t)
		var pmax, rhoAtMax, absMax float64
		for i := 0; i < c.n; i++ {
			for j := i + 1; j < c.n; j++ {
				pmax = max(pmax, P.At(i, j))
				if rho := mat.Dot(X.RowView(i), X.RowView(j)); math.Abs(rho) > absMax {
					absMax, rhoAtMax = math.Abs(rho), rho
				}
			}
		}
		lower := 0.5 - pmax
		if eq3 > lower+1e-14 {
			t.Errorf("%+v: eq. (3) = %v above p0 − max p_ij = %v", c, eq3, lower)
		}
		if rhoAtMax > 0 && math.Abs(eq3-lower) > 1e-12 {
			t.Errorf("%+v: eq. (3) = %v, want tight = p0 − max p_ij = %v (largest |ρ| = %v is positive)", c, eq3, lower, rhoAtMax)
		}
		if R.Intermediate() < lower-1e-15 {
			t.Errorf("%+v: p0 − min p_ij = %v below p0 − max p_ij = %v", c, R.Intermediate(), lower)
		}
		res := bndMust(R.Minimize(H, MinimizeOptions{Seed: c.seed}))(t)
		lmin := bndEigenvalues(t, H)[0]
		scale := bndEigenvalues(t, H)[c.n-1]
		switch {
		case res.Lower > res.Upper+1e-12*scale:
			t.Errorf("%+v: Lower %v > Upper %v", c, res.Lower, res.Upper)
		case res.Upper-res.Lower > 1e-9*scale:
			t.Errorf("%+v: duality gap %v too wide (Lower %v, Upper %v)", c, res.Upper-res.Lower, res.Lower, res.Upper)
		case res.Lower < R.Intermediate()-1e-12*scale:
			t.Errorf("%+v: restricted minimum ≥ %v below Theorem 13's p0 − min p_ij = %v", c, res.Lower, R.Intermediate())
		case res.Upper < lmin-1e-12*scale:
			t.Errorf("%+v: restricted minimum %v below λ_min(H∞) = %v", c, res.Upper, lmin)
		}
		bndCheckMinimizer(t, R, H, res)
		bndCheckWeakDuality(t, R, H, res, c.seed)
	}
}

// bndCheckMinimizer checks that res.A is a unit vector of R with value
// res.Upper.
func bndCheckMinimizer(t *testing.T, R *Region, H mat.Symmetric, res RestrictedMin) {
	t.Helper()
	a := mat.NewVecDense(len(res.A), res.A)
	if math.Abs(mat.Norm(a, 2)-1) > 1e-14 {
		t.Errorf("‖A‖ = %v, want 1", mat.Norm(a, 2))
	}
	if in := bndMust(R.Contains(res.A))(t); !in {
		t.Errorf("A is not in R (margin %v)", bndMust(R.Margin(res.A))(t))
	}
	if v := mat.Inner(a, H, a); math.Abs(v-res.Upper) > 1e-14*math.Abs(v) {
		t.Errorf("AᵀHA = %v but Upper = %v", v, res.Upper)
	}
}

// bndCheckWeakDuality samples feasible unit vectors (random, and random ones
// pulled into R by Region.Shift's direction) and checks that none has a
// value below the certified Lower.
func bndCheckWeakDuality(t *testing.T, R *Region, H mat.Symmetric, res RestrictedMin, seed uint64) {
	t.Helper()
	n := R.Dim()
	rng := rand.New(rand.NewPCG(seed, 99))
	a := make([]float64, n)
	av := mat.NewVecDense(n, a)
	feasible := 0
	for range 20000 {
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		av.ScaleVec(1/mat.Norm(av, 2), av)
		if in := bndMust(R.Contains(a))(t); !in {
			continue
		}
		feasible++
		if v := mat.Inner(av, H, av); v < res.Lower-1e-13 {
			t.Fatalf("feasible point with value %v below the dual bound %v", v, res.Lower)
		}
	}
	if feasible == 0 {
		t.Error("no random feasible point: the weak-duality check tested nothing")
	}
}

// TestMinimizeGeneric runs Minimize on random symmetric H and random pair
// matrices (not from data): Lower ≤ Upper, the gap closes for n ≥ 3, the
// minimizer is feasible, no sampled feasible point beats Lower, and the
// result is bitwise reproducible for a seed.
func TestMinimizeGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for trial := range 6 {
		n := 3 + trial*3
		P := mat.NewSymDense(n, nil)
		H := mat.NewSymDense(n, nil)
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				P.SetSym(i, j, rng.Float64())
				H.SetSym(i, j, rng.NormFloat64())
			}
		}
		R := bndMust(NewRegion(P))(t)
		res := bndMust(R.Minimize(H, MinimizeOptions{Seed: uint64(trial)}))(t)
		ev := bndEigenvalues(t, H)
		scale := math.Max(math.Abs(ev[0]), math.Abs(ev[n-1]))
		if res.Lower > res.Upper+1e-12*scale || res.Upper-res.Lower > 1e-9*scale {
			t.Errorf("n = %d: interval [%v, %v] inverted or gap too wide", n, res.Lower, res.Upper)
		}
		if res.Upper < ev[0]-1e-12*scale {
			t.Errorf("n = %d: Upper %v below λ_min(H) = %v", n, res.Upper, ev[0])
		}
		bndCheckMinimizer(t, R, H, res)
		bndCheckWeakDuality(t, R, H, res, uint64(trial))
		again := bndMust(R.Minimize(H, MinimizeOptions{Seed: uint64(trial)}))(t)
		if again.Lower != res.Lower || again.Upper != res.Upper || again.Nu != res.Nu {
			t.Errorf("n = %d: same seed gave [%v, %v] then [%v, %v]", n, res.Lower, res.Upper, again.Lower, again.Upper)
		}
	}
}

// TestRegionShift checks Remark 14's label shift: y + C·1 ∈ R for the
// returned C, C is no larger than the orthant shift max(0, −min y), and a
// slightly smaller shift leaves R; nonnegative labels need no shift.
func TestRegionShift(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	X := bndSphere(t, 10, 4, 9)
	R := bndMust(NewRegion(bndPairsZeroBias(X)))(t)
	shifted := 0
	for range 200 {
		y := make([]float64, 10)
		lo := 0.0
		for i := range y {
			y[i] = rng.NormFloat64()
			lo = min(lo, y[i])
		}
		C := bndMust(R.Shift(y))(t)
		if C < 0 || C > -lo*(1+1e-12) {
			t.Fatalf("shift %v outside [0, −min y = %v]", C, -lo)
		}
		z := make([]float64, len(y))
		for i := range y {
			z[i] = y[i] + C
		}
		if in := bndMust(R.Contains(z))(t); !in {
			t.Fatalf("y + %v·1 is not in R", C)
		}
		if C > 0 {
			shifted++
			for i := range y {
				z[i] = y[i] + C*(1-1e-9)
			}
			if in := bndMust(R.Contains(z))(t); in {
				t.Fatalf("y + %v·1 is in R already: the shift %v is not the smallest", C*(1-1e-9), C)
			}
		}
		for i := range y {
			y[i] = math.Abs(y[i])
		}
		if C := bndMust(R.Shift(y))(t); C != 0 {
			t.Fatalf("nonnegative labels got shift %v, want 0 (R contains the orthant)", C)
		}
	}
	if shifted == 0 {
		t.Error("no label vector needed a shift: the test checked nothing")
	}
}

// TestRegionErrors checks the input validation of the region.
func TestRegionErrors(t *testing.T) {
	if _, err := NewRegion(mat.NewSymDense(1, []float64{0.5})); err == nil || !strings.Contains(err.Error(), "n ≥ 2") {
		t.Errorf("1×1 P: error %v", err)
	}
	if _, err := NewRegion(mat.NewSymDense(2, []float64{0.5, 1.5, 1.5, 0.5})); err == nil || !strings.Contains(err.Error(), "[0, 1]") {
		t.Errorf("P entry 1.5: error %v", err)
	}
	R := bndMust(NewRegion(bndOrthoPairs(3, 1)))(t)
	if _, err := R.Contains([]float64{1, 2}); err == nil || !strings.Contains(err.Error(), "dimension 3") {
		t.Errorf("short vector: error %v", err)
	}
	if _, err := R.Margin([]float64{1, math.NaN(), 0}); err == nil || !strings.Contains(err.Error(), "a[1]") {
		t.Errorf("NaN entry: error %v", err)
	}
	if _, err := R.Minimize(mat.NewSymDense(2, nil), MinimizeOptions{}); err == nil || !strings.Contains(err.Error(), "dimension 3") {
		t.Errorf("2×2 H for a 3-region: error %v", err)
	}
}

// TestRestrictedSearchAlone runs the feasible-point search of Minimize
// (seeded random starts and projected gradient along the boundary of R)
// without the dual's starting point: its best value can never fall below
// the dual's certified Lower, and on these problems it must come within 2%
// of it, which shows the search is a usable estimate on its own.
func TestRestrictedSearchAlone(t *testing.T) {
	for _, c := range []struct {
		n, d int
		seed uint64
	}{{6, 3, 1}, {8, 50, 2}, {12, 5, 3}, {20, 10, 4}, {30, 3, 5}} {
		X := bndSphere(t, c.n, c.d, c.seed)
		P := bndPairsZeroBias(X)
		H := bndKernelFromPairs(X, P)
		R := bndMust(NewRegion(P))(t)
		res := bndMust(R.Minimize(H, MinimizeOptions{Seed: c.seed}))(t)
		s := newRestrictedSearch(R, H)
		s.search(16, 500, c.seed)
		if s.best.A == nil {
			t.Fatalf("%+v: the search found no feasible point", c)
		}
		if s.best.Upper < res.Lower-1e-12 || s.best.Upper > res.Lower*1.02 {
			t.Errorf("%+v: search alone %v, dual bound %v", c, s.best.Upper, res.Lower)
		}
		bndCheckMinimizer(t, R, H, s.best)
	}
}
