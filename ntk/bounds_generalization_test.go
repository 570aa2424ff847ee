package ntk

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestKernelNormClosedForm checks yᵀH⁻¹y on orthonormal inputs, where
// H∞ = αI + β11ᵀ (α = 2p0 − p0², β = p0²) has the Sherman–Morrison inverse,
// so yᵀH⁻¹y = (‖y‖² − β(Σy)²/(α + nβ))/α; and Theorem 9's leading terms for
// y = 1, where yᵀH⁻¹y = n/(α + nβ).
func TestKernelNormClosedForm(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
	for _, B := range []float64{0, 0.5, 1, 2, 3} {
		const n = 7
		H, alpha, _ := bndOrthoKernel(n, B)
		beta := Q(B) * Q(B)
		y := make([]float64, n)
		var yy, sy float64
		for i := range y {
			y[i] = rng.NormFloat64()
			yy += y[i] * y[i]
			sy += y[i]
		}
		want := (yy - beta*sy*sy/(alpha+n*beta)) / alpha
		if got := bndMust(KernelNorm(H, y))(t); bndRelErr(got*got, want) > 1e-13 {
			t.Errorf("B = %v: yᵀH⁻¹y = %v, closed form %v", B, got*got, want)
		}
		ones := []float64{1, 1, 1, 1, 1, 1, 1}
		q := n / (alpha + n*beta)
		rad := bndMust(RademacherBound(H, ones, B, Constants{}))(t)
		risk := bndMust(RiskBound(H, ones, B, 0.05, Constants{}))(t)
		e := math.Exp(-B * B / 2)
		if bndRelErr(rad.Leading, math.Sqrt(q*8*e/n)) > 1e-13 || bndRelErr(risk.Leading, math.Sqrt(q*32*e/n)) > 1e-13 {
			t.Errorf("B = %v: leading terms %v, %v; want %v, %v", B, rad.Leading, risk.Leading, math.Sqrt(q*8*e/n), math.Sqrt(q*32*e/n))
		}
		wantRest := 2*math.Exp(-B*B/4)/math.Sqrt(n) + 3*math.Sqrt(math.Log(2/0.05)/(2*n)) + 1/math.Sqrt(n)
		if bndRelErr(risk.Rest, wantRest) > 1e-14 || bndRelErr(risk.Sum(), risk.Leading+wantRest) > 1e-14 {
			t.Errorf("B = %v: risk remainder %v, want %v", B, risk.Rest, wantRest)
		}
	}
}

// TestKernelNormErrors checks that a singular kernel, a kernel of another
// bias and mismatched sizes are rejected with explanations.
func TestKernelNormErrors(t *testing.T) {
	X := bndSphere(t, 5, 3, 1)
	X.SetRow(4, X.RawRowView(0)) // duplicate input: δ = 0, singular kernel
	H := bndKernelFromPairs(X, bndPairsZeroBias(X))
	y := []float64{1, -1, 1, -1, 1}
	if _, err := KernelNorm(H, y); err == nil || !strings.Contains(err.Error(), "singular") && !strings.Contains(err.Error(), "positive definite") {
		t.Errorf("duplicate input: error %v", err)
	}
	Hn := mat.NewSymDense(2, []float64{1, 2, 2, 1}) // indefinite
	if _, err := KernelNorm(Hn, []float64{1, 0}); err == nil || !strings.Contains(err.Error(), "not positive definite") {
		t.Errorf("indefinite H: error %v", err)
	}
	H1, _, _ := bndOrthoKernel(3, 1)
	if _, err := RademacherBound(H1, []float64{1, 1, 1}, 2, Constants{}); err == nil || !strings.Contains(err.Error(), "2Q(B)") {
		t.Errorf("kernel of B = 1 used at B = 2: error %v", err)
	}
	if _, err := KernelNorm(H1, []float64{1, 1}); err == nil || !strings.Contains(err.Error(), "len(y) = 2") {
		t.Errorf("short y: error %v", err)
	}
	if _, err := TotalMovementBound(H1, []float64{1, 1, 1}, 100, 0.2, 2.5, 0.1, 0.01, Constants{}); err == nil || !strings.Contains(err.Error(), "sqrt(0.5·log m)") {
		t.Errorf("B above sqrt(0.5 log m): error %v", err)
	}
}

// bndTrainSymmetric trains a symmetric-initialization network (f(0) = 0) on
// orthonormal inputs to convergence and returns the initial and final
// networks.
func bndTrainSymmetric(t *testing.T, X *mat.Dense, y []float64, m int, B, eta float64, steps int) (net0, net *Network) {
	t.Helper()
	_, d := X.Dims()
	net = bndMust(New(Init{Width: m, Dim: d, B: B, Symmetric: true, Seed: 51}))(t)
	net0 = net.Clone()
	bndMust(Train(net, X, y, TrainOptions{Eta: eta, Steps: steps, Tol: 1e-16, Method: Dense}))(t)
	return net0, net
}

// bndMovement returns ‖[W,b] − [W0,b0]‖_F and the radii max_r ‖w_r − w0_r‖,
// max_r |b_r − b0_r|.
func bndMovement(net0, net *Network) (total, Rw, Rb float64) {
	m, d := net.W.Dims()
	var ss float64
	for r := 0; r < m; r++ {
		var wr float64
		for j := 0; j < d; j++ {
			v := net.W.At(r, j) - net0.W.At(r, j)
			wr += v * v
		}
		db := net.Bias[r] - net0.Bias[r]
		ss += wr + db*db
		Rw = max(Rw, math.Sqrt(wr))
		Rb = max(Rb, math.Abs(db))
	}
	return math.Sqrt(ss), Rw, Rb
}

// TestTotalMovementMeasured trains wide symmetric-initialization networks
// to convergence and compares the measured total movement
// ‖[W,b](t) − [W,b](0)‖_F with Lemma 11: it is below the bound, and close to
// its leading term sqrt(yᵀH⁻¹y), which is exact for the linearized model with
// the initial kernel H(0) (gradient descent from f(0) = 0 converges to the
// minimum-norm interpolant Z H(0)⁻¹ y). The remaining difference comes from
// the kernel's drift during training; it must be within 2% for H(0) and
// within the Lemma 16 deviation ‖H(0) − H∞‖/λ for H∞.
func TestTotalMovementMeasured(t *testing.T) {
	const n = 4
	m := 40000
	if testing.Short() {
		m = 10000
	}
	X := bndBasis(t, n, n)
	y := []float64{1, -1, 0.5, -0.25}
	for _, B := range []float64{0, 1} {
		Hinf, lambda, lmax := bndOrthoKernel(n, B)
		net0, net := bndTrainSymmetric(t, X, y, m, B, 1/lmax, 200)
		if f := bndMust(net.Predict(X))(t); math.Abs(f[0]-y[0]) > 1e-6 {
			t.Fatalf("B = %v: training did not converge (f = %v, y = %v)", B, f, y)
		}
		total, Rw, Rb := bndMovement(net0, net)
		H0 := bndMust(KernelEmpirical(net0, X))(t)
		lin := bndMust(KernelNorm(H0, y))(t)
		t.Logf("B = %v: movement %v, sqrt(yᵀH(0)⁻¹y) = %v, sqrt(yᵀH∞⁻¹y) = %v", B, total, lin, bndMust(KernelNorm(Hinf, y))(t))
		if bndRelErr(total, lin) > 0.02 {
			t.Errorf("B = %v: movement %v, linearized prediction sqrt(yᵀH(0)⁻¹y) = %v", B, total, lin)
		}
		bound := bndMust(TotalMovementBound(Hinf, y, m, lambda, B, Rw+Rb, 0.01, Constants{}))(t)
		dev := bndFrobDiff(H0, Hinf) / bndEigenvalues(t, H0)[0]
		if bndRelErr(total, bound.Leading) > 0.02+dev {
			t.Errorf("B = %v: movement %v, sqrt(yᵀH∞⁻¹y) = %v, beyond the kernel deviation %v", B, total, bound.Leading, dev)
		}
		if total > bound.Sum() {
			t.Errorf("B = %v: movement %v above Lemma 11's bound %v", B, total, bound.Sum())
		}
	}
}

// TestLocalRademacherMeasured computes, for real networks at
// initialization, the exact Rademacher complexity of the linearized class
// {θ ↦ ⟨Z(0)ᵀΔθ⟩ : ‖Δθ‖ ≤ R}, which is R·E_ε sqrt(εᵀH(0)ε)/n (the
// expectation over all 2ⁿ sign vectors), and checks it against Lemma 41's
// bound, whose first term is the bound on exactly this quantity.
func TestLocalRademacherMeasured(t *testing.T) {
	const n, m = 8, 5000
	X := bndSphere(t, n, 5, 61)
	for _, B := range []float64{0, 1, 2} {
		net := bndMust(New(Init{Width: m, Dim: 5, B: B, Seed: 62}))(t)
		H0 := bndMust(KernelEmpirical(net, X))(t)
		const R = 1.0
		var sum float64
		eps := mat.NewVecDense(n, nil)
		for mask := 0; mask < 1<<n; mask++ {
			for i := 0; i < n; i++ {
				eps.SetVec(i, float64(1-2*((mask>>i)&1)))
			}
			sum += math.Sqrt(mat.Inner(eps, H0, eps))
		}
		measured := R * sum / float64(int(1)<<n) / n
		bound := bndMust(LocalRademacherBound(n, m, B, 0.01, 0.01, R, Constants{}))(t)
		if measured > bound {
			t.Errorf("B = %v: linearized Rademacher complexity %v above Lemma 41's %v", B, measured, bound)
		}
	}
}

// TestGeneralizationWidths checks the relation between the widths of
// Theorem 9 and Corollary 10 (B = 0) and the printed Table 1 entries:
// λ(B)^{−6} n^6 e^{−B²} = λ0^{−6} n^6 e^{2B²} under λ(B) = λ0 e^{−B²/2}, and
// the generalization width exceeds the convergence width by (n/λ(B))².
func TestGeneralizationWidths(t *testing.T) {
	const n, lambda0 = 30, 0.2
	for _, B := range []float64{0, 1, 2} {
		lambda := lambda0 * math.Exp(-B*B/2)
		gen := bndMust(WidthTheorem9(n, lambda, B, Constants{}))(t)
		if want := math.Pow(n/lambda0, 6) * math.Exp(2*B*B); bndRelErr(gen, want) > 1e-12 {
			t.Errorf("B = %v: WidthTheorem9 = %v, want λ0^{−6} n^6 e^{2B²} = %v", B, gen, want)
		}
		conv := bndMust(WidthTheorem1(n, lambda0, B, Constants{}))(t)
		if bndRelErr(gen/conv, math.Pow(n/lambda, 2)) > 1e-12 {
			t.Errorf("B = %v: width ratio %v", B, gen/conv)
		}
	}
	old := bndMust(GeneralizationWidthSongYang2019(n, lambda0, 0, Constants{}))(t)
	if cur := bndMust(WidthTheorem9(n, lambda0, 0, Constants{}))(t); cur >= old {
		t.Errorf("Corollary 10's width %v not below Song and Yang's n^16 = %v", cur, old)
	}
}
