package ntk

import (
	"errors"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// unitRows returns n random points on the unit sphere in R^d.
func unitRows(n, d int, seed uint64) *mat.Dense { return randomUnitRows(n, d, seed, 7) }

// trainProblem returns a training problem for tests: n samples from
// unitRows(n, d, seed), targets from randomTargets(n, seed+1), and the
// network of init drawn with Seed = seed+2.
func trainProblem(t testing.TB, n, d int, init Init, seed uint64) (*mat.Dense, []float64, *Network) {
	t.Helper()
	init.Seed = seed + 2
	net, err := New(init)
	if err != nil {
		t.Fatal(err)
	}
	return unitRows(n, d, seed), randomTargets(n, seed+1), net
}

func randomTargets(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 9))
	y := make([]float64, n)
	for i := range y {
		y[i] = rng.Float64()*2 - 1
	}
	return y
}

// lossOf evaluates ½ Σ (f(x_i) − y_i)² through Predict, independently of the
// trainers.
func lossOf(t *testing.T, net *Network, X *mat.Dense, y []float64) float64 {
	t.Helper()
	f, err := net.Predict(X)
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for i := range f {
		s += (f[i] - y[i]) * (f[i] - y[i])
	}
	return s / 2
}

// empiricalKernel computes H(W,b)_ij = (1/m) Σ_r (⟨x_i,x_j⟩+1) s_ir s_jr by
// brute force from the firing pattern (paper, eq. 1).
func empiricalKernel(t *testing.T, net *Network, X *mat.Dense) *mat.SymDense {
	t.Helper()
	act, err := net.Active(X)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := X.Dims()
	m := net.Width()
	fires := make([][]bool, n)
	for i := range fires {
		fires[i] = make([]bool, m)
		for _, r := range act[i] {
			fires[i][r] = true
		}
	}
	H := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			c := 0
			for r := 0; r < m; r++ {
				if fires[i][r] && fires[j][r] {
					c++
				}
			}
			g := mat.Dot(X.RowView(i), X.RowView(j)) + 1
			H.SetSym(i, j, g*float64(c)/float64(m))
		}
	}
	return H
}

func eigenRange(t *testing.T, H *mat.SymDense) (lo, hi float64) {
	t.Helper()
	var eig mat.EigenSym
	if !eig.Factorize(H, false) {
		t.Fatal("eigendecomposition failed")
	}
	v := eig.Values(nil)
	return v[0], v[len(v)-1]
}

// TestTrainGradientMatchesFiniteDifferences checks the paper's gradients
// (Section 2.1) through one training step: θ(1) = θ(0) − η∇L.
func TestTrainGradientMatchesFiniteDifferences(t *testing.T) {
	const n, d, m, eta = 12, 5, 40, 1e-3
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 0.3}, 1)
	before := net.Clone()
	if _, err := Train(net, X, y, TrainOptions{Eta: eta, Steps: 1, Method: Dense}); err != nil {
		t.Fatal(err)
	}
	// Keep away from kinks: the finite differences below move each
	// pre-activation by at most h·max‖x‖ = h.
	const h = 1e-6
	pre := mat.NewDense(n, m, nil)
	pre.Mul(X, before.W.T())
	for i := 0; i < n; i++ {
		for r := 0; r < m; r++ {
			if math.Abs(pre.At(i, r)-before.Bias[r]) < 100*h {
				t.Fatalf("test set-up: pre-activation (%d,%d) is within %g of its kink", i, r, 100*h)
			}
		}
	}
	check := func(name string, analytic float64, perturb func(p *Network, delta float64)) {
		plus, minus := before.Clone(), before.Clone()
		perturb(plus, h)
		perturb(minus, -h)
		numeric := (lossOf(t, plus, X, y) - lossOf(t, minus, X, y)) / (2 * h)
		if diff := math.Abs(numeric - analytic); diff > 1e-6*math.Max(1, math.Abs(numeric)) {
			t.Errorf("%s: gradient from the training step %.10g, central difference %.10g", name, analytic, numeric)
		}
	}
	for r := 0; r < m; r += 3 {
		for j := 0; j < d; j++ {
			g := (before.W.At(r, j) - net.W.At(r, j)) / eta
			check("∂L/∂W", g, func(p *Network, delta float64) { p.W.Set(r, j, p.W.At(r, j)+delta) })
		}
		g := (before.Bias[r] - net.Bias[r]) / eta
		check("∂L/∂b", g, func(p *Network, delta float64) { p.Bias[r] += delta })
	}
	for r := range net.A {
		if net.A[r] != before.A[r] {
			t.Fatalf("A[%d] changed from %v to %v; the second layer is fixed", r, before.A[r], net.A[r])
		}
	}
}

// TestTrainConvergesAtTheoremOneRate checks Theorem 1's conclusion
// L(t) ≤ (1 − ηλ/4)^t L(0) on a wide network in the kernel regime, with λ the
// smallest eigenvalue of the empirical kernel at initialization and η = 1/λ_max.
func TestTrainConvergesAtTheoremOneRate(t *testing.T) {
	const n, d, m = 16, 8, 4000
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 11)
	lmin, lmax := eigenRange(t, empiricalKernel(t, net, X))
	if lmin <= 0 {
		t.Fatalf("test set-up: λ_min(H(0)) = %g is not positive", lmin)
	}
	eta := 1 / lmax
	hist, err := Train(net, X, y, TrainOptions{Eta: eta, Steps: 200, Method: Dense})
	if err != nil {
		t.Fatal(err)
	}
	if len(hist.Loss) != 201 {
		t.Fatalf("len(Loss) = %d, want 201 (states 0..200)", len(hist.Loss))
	}
	rate := 1 - eta*lmin/4
	for k, l := range hist.Loss {
		if bound := math.Pow(rate, float64(k)) * hist.Loss[0]; l > bound {
			t.Fatalf("step %d: loss %g exceeds Theorem 1's bound (1−ηλ/4)^t L(0) = %g", k, l, bound)
		}
		if k > 0 && l > hist.Loss[k-1] {
			t.Fatalf("step %d: loss rose from %g to %g", k, hist.Loss[k-1], l)
		}
	}
	if got := lossOf(t, net, X, y); math.Abs(got-hist.Loss[200]) > 1e-12*math.Max(got, 1e-300)+1e-300 {
		t.Errorf("final loss recomputed from the network %g, history says %g", got, hist.Loss[200])
	}
	if hist.Loss[200] > 1e-3*hist.Loss[0] {
		t.Errorf("after 200 steps the loss fell only from %g to %g", hist.Loss[0], hist.Loss[200])
	}
}

// TestTrainTelemetryMatchesBruteForce recomputes every statistic from the
// networks of a step-by-step run.
func TestTrainTelemetryMatchesBruteForce(t *testing.T) {
	const n, d, m, steps = 10, 4, 64, 12
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 0.5}, 21)
	// A large step on a narrow network moves the weights far, so neurons flip.
	opt := TrainOptions{Eta: 2, Steps: steps, Method: Dense, DivergenceWindow: -1}
	hist, err := Train(net.Clone(), X, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	w0, b0 := mat.DenseCopyOf(net.W), append([]float64(nil), net.Bias...)
	act0, _ := net.Active(X)
	ever := make([]map[int32]bool, n)
	for i := range ever {
		ever[i] = map[int32]bool{}
	}
	anyFlip := false
	for k := 0; k <= steps; k++ {
		if k > 0 {
			if _, err := Train(net, X, y, TrainOptions{Eta: opt.Eta, Steps: 1, Method: Dense}); err != nil {
				t.Fatal(err)
			}
		}
		st := hist.Stats[k]
		act, _ := net.Active(X)
		minA, maxA, sum := m, 0, 0
		var flips, flipped int64
		for i := range act {
			minA, maxA, sum = min(minA, len(act[i])), max(maxA, len(act[i])), sum+len(act[i])
			now := map[int32]bool{}
			for _, r := range act[i] {
				now[r] = true
			}
			was := map[int32]bool{}
			for _, r := range act0[i] {
				was[r] = true
			}
			for r := int32(0); r < m; r++ {
				if now[r] != was[r] {
					flips++
					ever[i][r] = true
				}
			}
			flipped += int64(len(ever[i]))
		}
		var moveW, moveB float64
		for r := 0; r < m; r++ {
			var diff mat.VecDense
			diff.SubVec(net.W.RowView(r), w0.RowView(r))
			moveW = math.Max(moveW, mat.Norm(&diff, 2))
			moveB = math.Max(moveB, math.Abs(net.Bias[r]-b0[r]))
		}
		if st.Step != k || st.ActiveMin != minA || st.ActiveMax != maxA || st.ActiveMean != float64(sum)/n ||
			st.Flips != flips || st.Flipped != flipped || st.Pairs != n*m {
			t.Fatalf("step %d: telemetry %+v; brute force: active min %d max %d mean %g, flips %d, flipped %d, pairs %d",
				k, st, minA, maxA, float64(sum)/n, flips, flipped, n*m)
		}
		if math.Abs(st.MoveW-moveW) > 1e-12 || math.Abs(st.MoveB-moveB) > 1e-12 {
			t.Fatalf("step %d: movement (%g, %g), brute force (%g, %g)", k, st.MoveW, st.MoveB, moveW, moveB)
		}
		if l := lossOf(t, net, X, y); math.Abs(l-st.Loss) > 1e-12*l {
			t.Fatalf("step %d: loss %g, recomputed %g", k, st.Loss, l)
		}
		anyFlip = anyFlip || flips > 0
	}
	if !anyFlip {
		t.Fatal("test set-up: no neuron flipped, so the flip counters were not exercised")
	}
}

func TestTrainDeterministicAcrossGOMAXPROCS(t *testing.T) {
	const n, d, m = 40, 16, 3000
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 31)
	requireSameTrainingAcrossGOMAXPROCS(t, net, X, y, TrainOptions{Eta: 0.5, Steps: 20, Method: Dense}, 2, 8)
}

// requireSameTrainingAcrossGOMAXPROCS trains clones of net under GOMAXPROCS
// 1 and each of procs and fails the test unless the trained parameters and
// every statistic but Elapsed agree bit for bit. It returns the history of
// the run with GOMAXPROCS 1.
func requireSameTrainingAcrossGOMAXPROCS(t *testing.T, net *Network, X *mat.Dense, y []float64, opt TrainOptions, procs ...int) *History {
	t.Helper()
	run := func(p int) (*Network, *History) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(p))
		trained := net.Clone()
		h, err := Train(trained, X, y, opt)
		if err != nil {
			t.Fatal(err)
		}
		return trained, h
	}
	net1, h1 := run(1)
	for _, p := range procs {
		net2, h2 := run(p)
		if !sameNetwork(net1, net2) {
			t.Errorf("GOMAXPROCS=%d: the trained parameters differ from those with GOMAXPROCS=1", p)
		}
		if !sameTrajectory(h1, h2) {
			t.Errorf("GOMAXPROCS=%d: the history differs from the one with GOMAXPROCS=1: %s", p, firstDifference(h2, h1))
		}
	}
	return h1
}

func TestTrainDivergenceNamesStableStep(t *testing.T) {
	const n, d, m = 20, 6, 2000
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 0}, 41)
	_, lmax := eigenRange(t, empiricalKernel(t, net, X))

	// Far above 2/λ_max the first step overshoots so far that every neuron
	// stops firing: the loss freezes, which Train reports as a collapse.
	hist, err := Train(net.Clone(), X, y, TrainOptions{Eta: 10 / lmax, Steps: 10000, Method: Dense})
	var div *DivergenceError
	if !errors.As(err, &div) || !errors.Is(err, ErrDiverged) || !div.Dead {
		t.Fatalf("Train with η = 10/λ_max returned %v, want a *DivergenceError with Dead set", err)
	}
	if len(hist.Loss) != div.Step+1 || hist.Stats[div.Step].ActiveMax != 0 {
		t.Errorf("history has %d losses and %d active neurons at the reported step %d",
			len(hist.Loss), hist.Stats[len(hist.Stats)-1].ActiveMax, div.Step)
	}
	if rel := math.Abs(div.LambdaMax-lmax) / lmax; rel > 1e-3 {
		t.Errorf("λ_max estimate %g, eigensolver %g (relative error %g)", div.LambdaMax, lmax, rel)
	}
	msg := err.Error()
	for _, want := range []string{"collapsed", "η =", "2/λ_max"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q does not mention %q", msg, want)
		}
	}

	// Just above 2/λ_max the loss first grows along the top eigenvector; a
	// short window catches the growth at the first run of 3 rising steps.
	hist, err = Train(net.Clone(), X, y, TrainOptions{Eta: 3 / lmax, Steps: 1000, Method: Dense, DivergenceWindow: 3})
	if !errors.As(err, &div) || div.Dead {
		t.Fatalf("η = 3/λ_max with a window of 3: %v, want a growth divergence", err)
	}
	k := div.Step
	if k < 3 || !(hist.Loss[k] > hist.Loss[k-1] && hist.Loss[k-1] > hist.Loss[k-2] && hist.Loss[k-2] > hist.Loss[k-3]) {
		t.Errorf("divergence reported at step %d, but losses %v do not rise 3 times in a row there", k, hist.Loss)
	}
	for j := 3; j < k; j++ {
		if hist.Loss[j] > hist.Loss[j-1] && hist.Loss[j-1] > hist.Loss[j-2] && hist.Loss[j-2] > hist.Loss[j-3] {
			t.Errorf("losses rose 3 times in a row by step %d, but divergence was reported only at %d", j, k)
		}
	}
}

func TestTrainStopsAtToleranceAndOnObserverError(t *testing.T) {
	const n, d, m = 8, 4, 2000
	X := unitRows(n, d, 51)
	y := randomTargets(n, 52)
	net, _ := New(Init{Width: m, Dim: d, B: 0.5, Seed: 53})
	hist, err := Train(net.Clone(), X, y, TrainOptions{Eta: 0.5, Steps: 10000, Tol: 1e-4})
	if err != nil {
		t.Fatal(err)
	}
	last := len(hist.Loss) - 1
	if hist.Loss[last] > 1e-4 || hist.Loss[last-1] <= 1e-4 || last == 10000 {
		t.Errorf("Tol = 1e-4: stopped after %d steps with losses %g, %g", last, hist.Loss[last-1], hist.Loss[last])
	}
	if hist.Method != Dense {
		t.Errorf("Auto ran %v, want dense (sparse would need more memory than dense at n = 8)", hist.Method)
	}
	stop := errors.New("enough")
	calls := 0
	hist, err = Train(net, X, y, TrainOptions{Eta: 0.5, Steps: 100, Observe: func(s Stats) error {
		if s.Step != calls {
			t.Errorf("observer call %d saw step %d", calls, s.Step)
		}
		calls++
		if s.Step == 5 {
			return stop
		}
		return nil
	}})
	if !errors.Is(err, stop) || len(hist.Loss) != 6 || calls != 6 {
		t.Errorf("observer stop: err %v, %d losses, %d calls; want the observer's error, 6, 6", err, len(hist.Loss), calls)
	}
}

func TestSymmetricInitIsZeroFunction(t *testing.T) {
	const n, d, m = 30, 7, 1000
	X := unitRows(n, d, 61)
	net, err := New(Init{Width: m, Dim: d, B: 0.5, Symmetric: true, Seed: 62})
	if err != nil {
		t.Fatal(err)
	}
	for r := 0; r < m/2; r++ {
		if net.A[r] != -net.A[r+m/2] || !mat.Equal(net.W.RowView(r), net.W.RowView(r+m/2)) || net.Bias[r] != net.Bias[r+m/2] {
			t.Fatalf("neuron %d is not the mirror of neuron %d", r+m/2, r)
		}
	}
	f, err := net.Predict(X)
	if err != nil {
		t.Fatal(err)
	}
	// f is a sum of exactly cancelling pairs; only rounding of the running sum
	// remains, at most a few ulps of Σ_r |a_r σ(·)|/√m.
	pre := mat.NewDense(n, m, nil)
	pre.Mul(X, net.W.T())
	for i, v := range f {
		mag := 0.0
		for r := 0; r < m; r++ {
			mag += math.Max(pre.At(i, r)-net.Bias[r], 0)
		}
		if math.Abs(v) > 1e-14*mag/math.Sqrt(m) {
			t.Errorf("f(x_%d) = %g with symmetric initialization; want 0 up to rounding (%g)", i, v, 1e-14*mag/math.Sqrt(m))
		}
	}
}

func TestNewIsReproducible(t *testing.T) {
	a, _ := New(Init{Width: 50, Dim: 3, B: 2, Seed: 5})
	b, _ := New(Init{Width: 50, Dim: 3, B: 2, Seed: 5})
	c, _ := New(Init{Width: 50, Dim: 3, B: 2, Seed: 6})
	if !mat.Equal(a.W, b.W) {
		t.Error("same seed, different W")
	}
	if mat.Equal(a.W, c.W) {
		t.Error("different seeds, same W")
	}
	plus := 0
	for r := range a.A {
		if a.A[r] == 1 {
			plus++
		}
		if a.A[r] != b.A[r] || a.Bias[r] != 2 {
			t.Fatalf("neuron %d: a %v/%v, bias %v", r, a.A[r], b.A[r], a.Bias[r])
		}
	}
	if plus == 0 || plus == 50 {
		t.Errorf("all %d output signs equal", 50)
	}
}

// TestBadInputsReturnErrors checks that every invalid argument gets an error
// that names it, and that nothing panics.
func TestBadInputsReturnErrors(t *testing.T) {
	good, _ := New(Init{Width: 4, Dim: 2, B: 1, Seed: 1})
	X := unitRows(3, 2, 1)
	y := []float64{1, 2, 3}
	nanX := mat.DenseCopyOf(X)
	nanX.Set(1, 1, math.NaN())
	badA := good.Clone()
	badA.A[2] = 0.5
	shortBias := good.Clone()
	shortBias.Bias = shortBias.Bias[:3]
	cases := []struct {
		name, want string
		call       func() error
	}{
		{"zero width", "Init.Width", func() error { _, err := New(Init{Width: 0, Dim: 2}); return err }},
		{"zero dim", "Init.Dim", func() error { _, err := New(Init{Width: 3, Dim: 0}); return err }},
		{"negative B", "Init.B", func() error { _, err := New(Init{Width: 3, Dim: 2, B: -1}); return err }},
		{"NaN B", "Init.B", func() error { _, err := New(Init{Width: 3, Dim: 2, B: math.NaN()}); return err }},
		{"odd symmetric", "even", func() error { _, err := New(Init{Width: 3, Dim: 2, Symmetric: true}); return err }},
		{"huge", "GB", func() error { _, err := New(Init{Width: 1 << 30, Dim: 1 << 10}); return err }},
		{"nil network", "nil", func() error { var n *Network; _, err := n.Predict(X); return err }},
		{"empty network", "Network.W", func() error { _, err := (&Network{}).Predict(X); return err }},
		{"bad sign", "Network.A[2]", func() error { _, err := badA.Predict(X); return err }},
		{"short bias", "Bias", func() error { _, err := shortBias.Predict(X); return err }},
		{"nil X", "X", func() error { _, err := good.Predict(nil); return err }},
		{"wrong d", "columns", func() error { _, err := good.Predict(unitRows(3, 5, 1)); return err }},
		{"NaN X", "X[1][1]", func() error { _, err := good.Predict(nanX); return err }},
		{"short y", "len(y)", func() error { _, err := Train(good.Clone(), X, y[:2], TrainOptions{Eta: 1}); return err }},
		{"NaN y", "y[0]", func() error {
			_, err := Train(good.Clone(), X, []float64{math.NaN(), 0, 0}, TrainOptions{Eta: 1})
			return err
		}},
		{"zero eta", "Eta", func() error { _, err := Train(good.Clone(), X, y, TrainOptions{}); return err }},
		{"inf eta", "Eta", func() error { _, err := Train(good.Clone(), X, y, TrainOptions{Eta: math.Inf(1)}); return err }},
		{"negative steps", "Steps", func() error { _, err := Train(good.Clone(), X, y, TrainOptions{Eta: 1, Steps: -1}); return err }},
		{"negative tol", "Tol", func() error { _, err := Train(good.Clone(), X, y, TrainOptions{Eta: 1, Tol: -1}); return err }},
		{"bad method", "Method", func() error { _, err := Train(good.Clone(), X, y, TrainOptions{Eta: 1, Method: 9}); return err }},
		{"memory", "MemoryLimit", func() error {
			_, err := Train(good.Clone(), X, y, TrainOptions{Eta: 1, MemoryLimit: 10})
			return err
		}},
		{"active nil X", "X", func() error { _, err := good.Active(nil); return err }},
	}
	for _, c := range cases {
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					t.Errorf("%s: panic %v", c.name, p)
				}
			}()
			err = c.call()
		}()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
}
