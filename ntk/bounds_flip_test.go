package ntk

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// bndFlipRatio returns the exact [Φ(B+R) − Φ(B−R)] / (R e^{−B²/2}).
func bndFlipRatio(t *testing.T, B, R float64) float64 {
	t.Helper()
	return bndMust(FlipProbability(B, R))(t) / (R * math.Exp(-B*B/2))
}

// TestFlipConstant proves numerically that FlipConstant is the supremum of
// the exact flip probability over R e^{−B²/2} on Lemma 18's domain
// (R_w, R_b ≤ min{1/B, 1}, so R ≤ 2 min{1/B, 1}): no grid point exceeds it
// and the corner R = 2/B at large B comes within 0.1% of it. On the narrower
// domain R ≤ min{1/B, 1} the supremum is sqrt(2/π)·sinh 1 ≈ 0.9377, and as
// R → 0 the ratio tends to sqrt(2/π) ≈ 0.798 (paper.md §2).
func TestFlipConstant(t *testing.T) {
	if want := math.Sqrt(2/math.Pi) * math.Sinh(2) / 2; math.Abs(FlipConstant-want) > 1e-15 {
		t.Errorf("FlipConstant = %.17g, want sqrt(2/π)·sinh(2)/2 = %.17g", FlipConstant, want)
	}
	narrow := math.Sqrt(2/math.Pi) * math.Sinh(1)
	worst, worstNarrow := 0.0, 0.0
	for B := 0.0; B <= 35; B += 0.05 {
		lim := flipRadiusLimit(B)
		for _, fw := range []float64{0, 0.01, 0.25, 0.5, 0.75, 0.99, 1} {
			for _, fb := range []float64{0.01, 0.3, 0.7, 1} {
				Rw, Rb := fw*lim, fb*lim
				bound := bndMust(FlipBound(B, Rw, Rb, Constants{}))(t)
				p := bndMust(FlipProbability(B, Rw+Rb))(t)
				if p > bound*(1+1e-13) {
					t.Fatalf("B = %v, Rw = %v, Rb = %v: exact %v above Lemma 18's bound %v", B, Rw, Rb, p, bound)
				}
				r := bndFlipRatio(t, B, Rw+Rb)
				worst = max(worst, r)
				if Rw+Rb <= lim {
					worstNarrow = max(worstNarrow, r)
				}
			}
		}
	}
	if worst > FlipConstant || worst < FlipConstant*0.999 {
		t.Errorf("sup of the ratio on the grid = %v, want just below FlipConstant = %v", worst, FlipConstant)
	}
	if worstNarrow > narrow || worstNarrow < narrow*0.999 {
		t.Errorf("sup of the ratio for R ≤ min{1/B,1} = %v, want just below sqrt(2/π) sinh 1 = %v", worstNarrow, narrow)
	}
	for _, B := range []float64{0, 1, 2, 3, 5} {
		if r := bndFlipRatio(t, B, 1e-7); math.Abs(r-math.Sqrt(2/math.Pi)) > 1e-9 {
			t.Errorf("B = %v: ratio at R = 1e-7 is %v, want sqrt(2/π) = %v", B, r, math.Sqrt(2/math.Pi))
		}
	}
}

// TestFlipRatiosReference reproduces paper.md §6.1: the ratio of the exact
// flip probability to R e^{−B²/2} is "≈ 0.798–0.802" (three decimals, so
// within [0.7975, 0.8025]) at (B, R) = (1, 0.01), (2, 0.01), (2, 0.1),
// (3, 0.05).
func TestFlipRatiosReference(t *testing.T) {
	for _, c := range [][2]float64{{1, 0.01}, {2, 0.01}, {2, 0.1}, {3, 0.05}} {
		r := bndFlipRatio(t, c[0], c[1])
		if r < 0.7975 || r > 0.8025 {
			t.Errorf("(B, R) = %v: ratio %v outside [0.7975, 0.8025]", c, r)
		}
	}
}

// bndStripSeries returns Φ(B+R) − Φ(B−R) = 2φ(B) ∫_0^R cosh(Bt) e^{−t²/2} dt from
// the Taylor series of the integrand, Σ_s c_s R^{2s+1}/(2s+1) with
// c_s = Σ_{k+j=s} B^{2k}/(2k)! · (−1/2)^j/j!, summed to s = 10 (for BR ≤ 0.1
// and R ≤ 0.01 the truncation is far below 1e-16 relative).
func bndStripSeries(B, R float64) float64 {
	fact := func(n int) float64 {
		f := 1.0
		for i := 2; i <= n; i++ {
			f *= float64(i)
		}
		return f
	}
	var sum float64
	for s := 0; s <= 10; s++ {
		var c float64
		for k := 0; k <= s; k++ {
			j := s - k
			c += math.Pow(B, float64(2*k)) / fact(2*k) * math.Pow(-0.5, float64(j)) / fact(j)
		}
		sum += c * math.Pow(R, float64(2*s+1)) / float64(2*s+1)
	}
	return 2 * NormalPDF(B) * sum
}

// TestFlipProbabilityAccuracy compares FlipProbability with independent
// references: the Taylor series in R (bndStripSeries) for narrow strips, and
// the difference of erf or of upper tails where it does not cancel.
func TestFlipProbabilityAccuracy(t *testing.T) {
	for _, B := range []float64{0, 0.5, 1, 2, 3, 5, 8, 20, 30} {
		for _, R := range []float64{1e-12, 1e-8, 1e-5, 1e-3, 0.003} {
			if B*R > 0.1 {
				continue
			}
			want := bndStripSeries(B, R)
			if got := bndMust(FlipProbability(B, R))(t); bndRelErr(got, want) > 1e-14 {
				t.Errorf("B = %v, R = %v: %v, series %v (rel. err %.2g)", B, R, got, want, bndRelErr(got, want))
			}
		}
	}
	for _, B := range []float64{0, 0.3, 1, 2, 3} {
		for _, R := range []float64{0.5, 0.8, 1.5, 3} {
			want := (math.Erf((B+R)/math.Sqrt2) - math.Erf((B-R)/math.Sqrt2)) / 2
			if got := bndMust(FlipProbability(B, R))(t); bndRelErr(got, want) > 1e-13 {
				t.Errorf("B = %v, R = %v: %v, erf difference %v", B, R, got, want)
			}
		}
	}
	// Tail region, on both sides of the switch between quadrature and the
	// difference of tails: Q(B−R) − Q(B+R) cancels there by at most a
	// factor 10.
	for _, c := range [][2]float64{{10, 0.01}, {10, 0.03}, {10, 0.05}, {6, 0.05}, {6, 0.1}, {3, 0.15}} {
		B, R := c[0], c[1]
		want := Q(B-R) - Q(B+R)
		if got := bndMust(FlipProbability(B, R))(t); bndRelErr(got, want) > 1e-13 {
			t.Errorf("B = %v, R = %v: %v, Q difference %v", B, R, got, want)
		}
	}
}

// TestFlipProbabilityMonteCarlo draws the weights of a real network
// (ntk.New) and counts the neurons with |⟨w_r, x⟩ − B| < R on a unit input,
// through Network.Active at biases B − R and B + R; the fraction must agree
// with the exact probability within 5 standard errors.
func TestFlipProbabilityMonteCarlo(t *testing.T) {
	m := 200000
	if testing.Short() {
		m = 40000
	}
	x := mat.NewDense(1, 3, []float64{0.6, 0, 0.8})
	for _, c := range [][2]float64{{0, 0.1}, {1, 0.3}, {2, 0.5}, {1.5, 0.05}} {
		B, R := c[0], c[1]
		net := bndMust(New(Init{Width: m, Dim: 3, B: B, Seed: 11}))(t)
		count := func(b float64) int {
			for r := range net.Bias {
				net.Bias[r] = b
			}
			return len(bndMust(net.Active(x))(t)[0])
		}
		// |z − B| < R ⇔ z ≥ B − R and not z ≥ B + R, up to the null event z = B − R.
		hits := count(B-R) - count(B+R)
		p := bndMust(FlipProbability(B, R))(t)
		se := math.Sqrt(p * (1 - p) / float64(m))
		if frac := float64(hits) / float64(m); math.Abs(frac-p) > 5*se {
			t.Errorf("(B, R) = %v: Monte Carlo %v, exact %v (5 s.e. = %v)", c, frac, p, 5*se)
		}
		bound := bndMust(FlipBound(B, R/2, R/2, Constants{}))(t)
		if float64(hits)/float64(m) > bound {
			t.Errorf("(B, R) = %v: measured flip fraction %v above Lemma 18's bound %v", c, float64(hits)/float64(m), bound)
		}
	}
}

// TestFlipBoundPredecessor compares the exact probability with the
// predecessor's min{R, e^{−B²/2}} at small R: it is loose by more than the
// factor e^{B²/2} that Lemma 18's product form gains.
func TestFlipBoundPredecessor(t *testing.T) {
	for _, B := range []float64{1, 2, 3} {
		R := 0.01
		old := bndMust(FlipBoundSongYangZhang2021(B, R, Constants{}))(t)
		p := bndMust(FlipProbability(B, R))(t)
		if old/p < math.Exp(B*B/2) {
			t.Errorf("B = %v: predecessor bound %v is within e^{B²/2} of the exact %v", B, old, p)
		}
		if got := bndMust(FlipBoundSongYangZhang2021(B, 10, Constants{C: 2}))(t); got != 2*math.Exp(-B*B/2) {
			t.Errorf("B = %v, R = 10, C = 2: %v, want 2e^{−B²/2}", B, got)
		}
	}
}

// TestFlipSetBound measures the flip sets of a real network: for each input
// the number of neurons with |⟨w_r(0), x_i⟩ − B| < R (which contains S̄_i for
// any movement within R) stays below Corollary 19's 2mcRe^{−B²/2}, whose
// failure probability is negligible here.
func TestFlipSetBound(t *testing.T) {
	const n, m = 6, 20000
	X := bndBasis(t, n, n)
	for _, B := range []float64{0.5, 1, 2} {
		Rw, Rb := 0.05, 0.02
		R := Rw + Rb
		b := bndMust(FlipSetBound(n, m, B, Rw, Rb, Constants{}))(t)
		if b.Failure > 1e-6 {
			t.Fatalf("B = %v: failure probability %v, choose larger m", B, b.Failure)
		}
		net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: 12}))(t)
		for r := range net.Bias {
			net.Bias[r] = B - R
		}
		lo := bndMust(net.Active(X))(t)
		for r := range net.Bias {
			net.Bias[r] = B + R
		}
		hi := bndMust(net.Active(X))(t)
		for i := range lo {
			if c := float64(len(lo[i]) - len(hi[i])); c > b.Value {
				t.Errorf("B = %v, input %d: %v neurons within R of the boundary, above Corollary 19's %v", B, i, c, b.Value)
			}
		}
	}
}

// TestFlipSetFailureErratum shows why FlipSetBound uses the exponent 3/8
// instead of the paper's 2/3: for a binomial count with mean μ = mp, the exact
// P[X ≥ 2μ] exceeds exp(−2μ/3) but stays below Bernstein's exp(−3μ/8).
func TestFlipSetFailureErratum(t *testing.T) {
	for _, c := range []struct {
		m int
		p float64
	}{{10000, 0.01}, {1000, 0.05}, {100000, 0.0005}} {
		mu := float64(c.m) * c.p
		exact := activeBinomialTail(c.m, c.p, int(math.Ceil(2*mu)))
		if exact <= math.Exp(-2*mu/3) {
			t.Errorf("m = %d, p = %v: P[X ≥ 2μ] = %v ≤ exp(−2μ/3) = %v; the erratum would not be needed", c.m, c.p, exact, math.Exp(-2*mu/3))
		}
		if exact > math.Exp(-3*mu/8) {
			t.Errorf("m = %d, p = %v: P[X ≥ 2μ] = %v > exp(−3μ/8) = %v", c.m, c.p, exact, math.Exp(-3*mu/8))
		}
	}
}

// TestFlipErrors checks that the assumptions of Lemma 18 are enforced with
// messages naming them.
func TestFlipErrors(t *testing.T) {
	for _, c := range []struct {
		B, Rw, Rb float64
		k         Constants
		want      string
	}{
		{2, 0.6, 0.1, Constants{}, "Rw = 0.6 > min{1/B, 1} = 0.5"},
		{0.5, 0.1, 1.2, Constants{}, "Rb = 1.2 > min{1/B, 1} = 1"},
		{1, -0.1, 0, Constants{}, "Rw = -0.1"},
		{-1, 0.1, 0.1, Constants{}, "B = -1"},
		{math.NaN(), 0.1, 0.1, Constants{}, "B = NaN"},
		{1, 0.1, 0.1, Constants{Flip: -1}, "Constants.Flip = -1"},
	} {
		_, err := FlipBound(c.B, c.Rw, c.Rb, c.k)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("FlipBound(%v, %v, %v, %+v): error %v, want one containing %q", c.B, c.Rw, c.Rb, c.k, err, c.want)
		}
	}
	if _, err := FlipSetBound(0, 10, 1, 0.1, 0.1, Constants{}); err == nil || !strings.Contains(err.Error(), "FlipSetBound: n = 0") {
		t.Errorf("FlipSetBound with n = 0: error %v", err)
	}
	if _, err := FlipSetBound(1, 10, 3, 0.5, 0.1, Constants{}); err == nil || !strings.Contains(err.Error(), "FlipSetBound") {
		t.Errorf("FlipSetBound outside Lemma 18's domain: error %v, want one naming FlipSetBound", err)
	}
	if _, err := FlipProbability(1, math.Inf(1)); err == nil {
		t.Error("FlipProbability accepted R = +Inf")
	}
	if got := bndMust(FlipBound(1, 0.1, 0.2, Constants{Flip: 0.8}))(t); math.Abs(got-0.8*0.3*math.Exp(-0.5)) > 1e-16 {
		t.Errorf("FlipBound with c = 0.8: %v", got)
	}
}
