package ntk

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestInitialOutputMomentValues checks E[f(x)²] against the values of
// paper.md §3.1 (0.5, 0.07534, 0.005769 at B = 0, 1, 2), against the closed
// form (1 + B²)Q(B) − Bφ(B) where it does not cancel much (B ≤ 2, factor
// B⁴/2 ≤ 8), and against the asymptotic series
// φ(B) Σ_k (−1/2)^k (2k+2)!/(k! B^{2k+3}) at B = 30, where the closed form
// would lose 5 digits.
func TestInitialOutputMomentValues(t *testing.T) {
	for _, c := range []struct{ B, want, tol float64 }{{0, 0.5, 0}, {1, 0.07534, 0.5e-5}, {2, 0.005769, 0.5e-6}} {
		if got := bndMust(InitialOutputMoment(c.B))(t); math.Abs(got-c.want) > c.tol {
			t.Errorf("B = %v: E[f²] = %v, paper.md %v", c.B, got, c.want)
		}
	}
	for _, B := range []float64{0, 0.25, 0.5, 1, 1.2, 1.5, 2} {
		want := (1+B*B)*Q(B) - B*NormalPDF(B)
		if got := bndMust(InitialOutputMoment(B))(t); bndRelErr(got, want) > 1e-14*max(1, B*B*B*B/2) {
			t.Errorf("B = %v: E[f²] = %.17g, closed form %.17g", B, got, want)
		}
	}
	for _, B := range []float64{30, 35} {
		var s, fact float64 = 0, 1 // fact = k!
		num := 2.0                 // (2k+2)!
		for k := 0; k <= 8; k++ {
			if k > 0 {
				fact *= float64(k)
				num *= float64(2*k+1) * float64(2*k+2)
			}
			s += math.Pow(-0.5, float64(k)) * num / (fact * math.Pow(B, float64(2*k+3)))
		}
		want := NormalPDF(B) * s
		if got := bndMust(InitialOutputMoment(B))(t); bndRelErr(got, want) > 1e-13 {
			t.Errorf("B = %v: E[f²] = %v, asymptotic series %v", B, got, want)
		}
	}
}

// TestInitialOutputMonteCarlo draws many real networks (ntk.New) and
// averages f(x)² on a unit input, and ‖f(0) − y‖² on orthonormal inputs;
// the averages must agree with InitialOutputMoment and InitialErrorExact
// within 5 standard errors, and every draw must sit below Lemma 25's bounds
// (C = 1, δ = 0.01).
func TestInitialOutputMonteCarlo(t *testing.T) {
	nets := 3000
	if testing.Short() {
		nets = 800
	}
	const m, n = 64, 3
	X := bndBasis(t, n, n)
	x := mat.NewDense(1, n, []float64{0.6, 0, 0.8})
	y := []float64{0.5, -1, 0.25}
	for _, B := range []float64{0, 1, 2} {
		var s1, s2, e1, e2 float64
		outBound := bndMust(InitialOutputBound(n, m, B, 0.01, Constants{}))(t)
		errBound := bndMust(InitialErrorBound(n, m, B, 0.01, Constants{}))(t)
		for s := range nets {
			net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: uint64(1000 + s)}))(t)
			f := bndMust(net.Predict(x))(t)[0]
			s1 += f * f
			s2 += f * f * f * f
			fx := bndMust(net.Predict(X))(t)
			var ff, e float64
			for i, v := range fx {
				ff += v * v
				e += (v - y[i]) * (v - y[i])
			}
			e1 += e
			e2 += e * e
			if ff > outBound || e > errBound {
				t.Fatalf("B = %v, seed %d: ‖f(0)‖² = %v, ‖f(0) − y‖² = %v above Lemma 25's %v, %v", B, s, ff, e, outBound, errBound)
			}
		}
		N := float64(nets)
		mean, se := s1/N, math.Sqrt((s2/N-(s1/N)*(s1/N))/N)
		want := bndMust(InitialOutputMoment(B))(t)
		if math.Abs(mean-want) > 5*se {
			t.Errorf("B = %v: mean f(x)² over %d networks = %v, exact %v (5 s.e. = %v)", B, nets, mean, want, 5*se)
		}
		mean, se = e1/N, math.Sqrt((e2/N-(e1/N)*(e1/N))/N)
		want = bndMust(InitialErrorExact(B, y))(t)
		if math.Abs(mean-want) > 5*se {
			t.Errorf("B = %v: mean ‖f(0) − y‖² = %v, exact %v (5 s.e. = %v)", B, mean, want, 5*se)
		}
	}
}

// TestInitialErrorComparison checks that the predecessor's initial-error
// bound grows with B while Lemma 25's decreases, as paper.md §3.1 states.
func TestInitialErrorComparison(t *testing.T) {
	const n, m, delta = 50, 100000, 0.01
	prevOld, prevNew := 0.0, math.Inf(1)
	for _, B := range []float64{0, 0.5, 1, 2, 3} {
		old := bndMust(InitialErrorSongYangZhang2021(n, m, B, delta, Constants{}))(t)
		cur := bndMust(InitialErrorBound(n, m, B, delta, Constants{}))(t)
		if old <= prevOld || cur >= prevNew {
			t.Errorf("B = %v: predecessor %v (previous %v) should grow, Lemma 25 %v (previous %v) should shrink", B, old, prevOld, cur, prevNew)
		}
		prevOld, prevNew = old, cur
	}
}

// TestInitialErrors checks argument validation.
func TestInitialErrors(t *testing.T) {
	for _, c := range []struct {
		delta float64
		want  string
	}{{0, "δ must lie in (0, 1)"}, {1, "δ must lie in (0, 1)"}, {math.NaN(), "δ"}} {
		if _, err := InitialOutputBound(5, 100, 1, c.delta, Constants{}); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("delta = %v: error %v", c.delta, err)
		}
	}
	if _, err := InitialErrorExact(1, nil); err == nil || !strings.Contains(err.Error(), "len(y) = 0") {
		t.Errorf("empty y: error %v", err)
	}
	if _, err := InitialErrorExact(1, []float64{1, math.Inf(1)}); err == nil || !strings.Contains(err.Error(), "y[1]") {
		t.Errorf("infinite label: error %v", err)
	}
	if _, err := InitialOutputMoment(-0.5); err == nil {
		t.Error("negative B accepted")
	}
}
