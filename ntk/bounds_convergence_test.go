package ntk

import (
	"math"
	"strings"
	"testing"
)

// TestWidthTheorem32Solve checks that WidthTheorem32 returns the smallest
// integer width satisfying Theorem 32's condition, evaluated here
// independently, together with B ≤ sqrt(0.5 log m); and that it is never
// below the log-free WidthTheorem1 at λ0 = λe^{B²/2}.
func TestWidthTheorem32Solve(t *testing.T) {
	for _, c := range []struct {
		n              int
		lambda, B, dlt float64
	}{
		{10, 0.3, 0, 0.01}, {10, 0.1, 1, 0.05}, {50, 0.05, 2, 0.01}, {3, 0.9, 0.5, 0.1}, {2, 1, 3, 0.5},
	} {
		m := bndMust(WidthTheorem32(c.n, c.lambda, c.B, c.dlt, Constants{}))(t)
		ok := func(m float64) bool {
			L := math.Log(2 * m * float64(c.n) / c.dlt)
			need := math.Pow(float64(c.n)/c.lambda, 4) * (1 + (math.Exp(-c.B*c.B/2)+1/m)*L*L*L) * math.Exp(-c.B*c.B)
			return m >= need*(1-1e-12) && c.B*c.B <= 0.5*math.Log(m)*(1+1e-12)
		}
		// Below 2^53 the result is an integer, so m − 1 must fail; the
		// relative step 1e-10 covers widths where 1 is below the rounding.
		prev := min(m-1, m*(1-1e-10))
		if !ok(m) || (m > 1 && ok(prev)) {
			t.Errorf("%+v: WidthTheorem32 = %v, but the condition holds at m: %v, just below: %v", c, m, ok(m), ok(prev))
		}
		w1 := bndMust(WidthTheorem1(c.n, c.lambda*math.Exp(c.B*c.B/2), c.B, Constants{}))(t)
		if m < w1*(1-1e-12) {
			t.Errorf("%+v: WidthTheorem32 = %v below WidthTheorem1 = %v", c, m, w1)
		}
		m2 := bndMust(WidthTheorem40(c.n, c.lambda, c.B, c.dlt, Constants{}))(t)
		if m2 < m {
			t.Errorf("%+v: generalization width %v below the convergence width %v", c, m2, m)
		}
	}
}

// TestRemark2 reproduces the arithmetic of Remark 2: with B = sqrt(0.25 log m),
// Theorem 1's requirement λ0^{−4} n^4 e^{B²} equals m exactly at
// m = (n/λ0)^{16/3}, the predecessor's λ0^{−4} n^4 B² e^{2B²} equals m·B² at
// m = (n/λ0)^8, and the ratio of the two widths is (n/λ0)^{8/3}.
func TestRemark2(t *testing.T) {
	for _, c := range []struct {
		n       int
		lambda0 float64
	}{{10, 0.5}, {100, 0.1}, {20, 0.02}} {
		r := float64(c.n) / c.lambda0
		mNew := math.Pow(r, 16.0/3)
		got := bndMust(WidthTheorem1(c.n, c.lambda0, math.Sqrt(0.25*math.Log(mNew)), Constants{}))(t)
		if bndRelErr(got, mNew) > 1e-12 {
			t.Errorf("%+v: Theorem 1 at B = sqrt(0.25 log m), m = (n/λ0)^{16/3} = %v: requirement %v", c, mNew, got)
		}
		mOld := math.Pow(r, 8)
		B := math.Sqrt(0.25 * math.Log(mOld))
		got = bndMust(WidthSongYangZhang2021(c.n, c.lambda0, B, Constants{}))(t)
		if bndRelErr(got, mOld*B*B) > 1e-12 {
			t.Errorf("%+v: predecessor at m = (n/λ0)^8: requirement %v, want m·B² = %v", c, got, mOld*B*B)
		}
		if bndRelErr(mOld/mNew, math.Pow(r, 8.0/3)) > 1e-12 {
			t.Errorf("%+v: width ratio %v, want (n/λ0)^{8/3} = %v", c, mOld/mNew, math.Pow(r, 8.0/3))
		}
	}
}

// TestRateIndependentOfB checks the paper's central claim on the step size:
// under λ(B) = λ0 e^{−B²/2}, the product η·λ with η = StepSizeTheorem1 and
// hence the rate of Theorem 1 do not depend on B.
func TestRateIndependentOfB(t *testing.T) {
	const n, lambda0 = 20, 0.4
	want := math.NaN()
	for _, B := range []float64{0, 0.5, 1, 2, 3} {
		lambda := lambda0 * math.Exp(-B*B/2)
		eta := bndMust(StepSizeTheorem1(n, lambda, B, Constants{}))(t)
		rate := bndMust(RateTheorem1(eta, lambda))(t)
		if math.IsNaN(want) {
			want = rate
		}
		if math.Abs(rate-want) > 1e-15 {
			t.Errorf("B = %v: rate %v, at B = 0 %v", B, rate, want)
		}
	}
	if math.Abs(want-(1-lambda0*lambda0/(20*n*n))) > 1e-16 {
		t.Errorf("rate %v, want 1 − λ0²/(20n²)", want)
	}
}

// TestTheorem1Measured trains a real network on orthonormal data, where
// H∞(B) and λ = 2p0 − p0² are known in closed form, with Theorem 1's step
// size, and checks against the measurements: the loss stays below
// (1 − ηλ/4)^t L(0) at every step; given that, every neuron's movement stays
// below Lemma 23's D (MovementRadius); and the measured one-step contraction
// of ‖y − f‖² stays below Theorem 32's factor at the measured radii.
func TestTheorem1Measured(t *testing.T) {
	const n, m = 4, 2000
	steps := 1000
	if testing.Short() {
		steps = 300
	}
	X := bndBasis(t, n, n)
	y := []float64{1, -0.5, 0.75, -1}
	for _, B := range []float64{0, 1} {
		_, lambda, _ := bndOrthoKernel(n, B)
		eta := bndMust(StepSizeTheorem1(n, lambda, B, Constants{}))(t)
		net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: 31}))(t)
		hist := bndMust(Train(net, X, y, TrainOptions{Eta: eta, Steps: steps, Method: Dense}))(t)
		loss0 := hist.Loss[0]
		D := bndMust(MovementRadius(n, m, lambda, math.Sqrt(2*loss0)))(t)
		for k, st := range hist.Stats {
			bound := bndMust(LossBoundTheorem1(loss0, eta, lambda, k))(t)
			if st.Loss > bound {
				t.Fatalf("B = %v, step %d: loss %v above Theorem 1's %v", B, k, st.Loss, bound)
			}
			if st.MoveW > D || st.MoveB > D {
				t.Errorf("B = %v, step %d: movement (%v, %v) above Lemma 23's D = %v", B, k, st.MoveW, st.MoveB, D)
			}
			if k == 0 {
				continue
			}
			factor := bndMust(ContractionTheorem32(n, eta, lambda, B, st.MoveW, st.MoveB, Constants{}))(t)
			if ratio := st.Loss / hist.Loss[k-1]; ratio > factor {
				t.Errorf("B = %v, step %d: contraction %v above Theorem 32's factor %v", B, k, ratio, factor)
			}
		}
		if last := hist.Loss[steps]; last > 0.9*loss0 {
			t.Errorf("B = %v: loss only fell from %v to %v, the test exercised little", B, loss0, last)
		}
	}
}

// TestBiasLimitTheorem1 checks that the largest bias of Appendix E solves
// WidthTheorem1(n, λ0, B) = m when the width condition binds, is capped by
// sqrt(0.5 log m) otherwise, and fails when even B = 0 is not covered.
func TestBiasLimitTheorem1(t *testing.T) {
	const n, lambda0 = 10, 0.5
	m := 1 << 30
	B := bndMust(BiasLimitTheorem1(n, m, lambda0, Constants{}))(t)
	w := bndMust(WidthTheorem1(n, lambda0, B, Constants{}))(t)
	if bndRelErr(w, float64(m)) > 1e-12 {
		t.Errorf("B_max = %v: WidthTheorem1 = %v, want m = %d", B, w, m)
	}
	if cap := bndMust(MaxBias(m))(t); B > cap {
		t.Errorf("B_max = %v above sqrt(0.5 log m) = %v", B, cap)
	}
	B = bndMust(BiasLimitTheorem1(1, m, 1, Constants{}))(t)
	if cap := bndMust(MaxBias(m))(t); B != cap {
		t.Errorf("n = 1, λ0 = 1: B_max = %v, want the cap sqrt(0.5 log m) = %v", B, cap)
	}
	if _, err := BiasLimitTheorem1(n, 1000, lambda0, Constants{}); err == nil || !strings.Contains(err.Error(), "widen") {
		t.Errorf("width 1000: error %v", err)
	}
}

// TestConvergenceErrors checks argument validation and overflow reporting.
func TestConvergenceErrors(t *testing.T) {
	if _, err := RateTheorem1(10, 1); err == nil || !strings.Contains(err.Error(), "> 4") {
		t.Errorf("ηλ = 10: error %v", err)
	}
	if _, err := WidthTheorem1(10, 0, 1, Constants{}); err == nil || !strings.Contains(err.Error(), "lambda0 = 0") {
		t.Errorf("λ0 = 0: error %v", err)
	}
	if _, err := WidthTheorem1(10, 1e-90, 1, Constants{}); err == nil || !strings.Contains(err.Error(), "float64 range") {
		t.Errorf("λ0 = 1e-90: error %v", err)
	}
	if _, err := WidthTheorem32(10, 0.1, 1, 1.5, Constants{}); err == nil || !strings.Contains(err.Error(), "δ") {
		t.Errorf("δ = 1.5: error %v", err)
	}
	if _, err := StepSizeTheorem1(10, 0.1, 1, Constants{C: math.Inf(1)}); err == nil || !strings.Contains(err.Error(), "Constants.C") {
		t.Errorf("C = +Inf: error %v", err)
	}
	if _, err := LossBoundTheorem1(1, 0.1, 0.1, -1); err == nil {
		t.Error("t = −1 accepted")
	}
	if _, err := GeneralizationWidthSongYang2019(10, 0.1, -2, Constants{}); err == nil || !strings.Contains(err.Error(), "degree") {
		t.Errorf("degree −2: error %v", err)
	}
	if _, err := MaxBias(0); err == nil {
		t.Error("MaxBias(0) accepted")
	}
}
