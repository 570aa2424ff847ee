package ntk

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// sparseRun is the outcome of training the same network with both methods.
type sparseRun struct {
	dense, sparse       *History
	denseNet, sparseNet *Network
	errDense, errSparse error
}

// trainBoth trains clones of net with Dense and Sparse and the same options.
func trainBoth(t *testing.T, net *Network, X *mat.Dense, y []float64, opt TrainOptions) sparseRun {
	t.Helper()
	var run sparseRun
	run.denseNet, run.sparseNet = net.Clone(), net.Clone()
	opt.Method = Dense
	run.dense, run.errDense = Train(run.denseNet, X, y, opt)
	opt.Method = Sparse
	run.sparse, run.errSparse = Train(run.sparseNet, X, y, opt)
	if (run.errDense == nil) != (run.errSparse == nil) || errors.Is(run.errDense, ErrDiverged) != errors.Is(run.errSparse, ErrDiverged) {
		t.Fatalf("dense returned %v, sparse %v", run.errDense, run.errSparse)
	}
	if run.sparse.Method != Sparse || run.dense.Method != Dense {
		t.Fatalf("History.Method = %v and %v, want dense and sparse", run.dense.Method, run.sparse.Method)
	}
	return run
}

// relDiff returns |a − b| / max(|a|, |b|, floor).
func relDiff(a, b, floor float64) float64 {
	return math.Abs(a-b) / math.Max(math.Max(math.Abs(a), math.Abs(b)), floor)
}

// trajectoryDifference returns the first difference between the two runs
// beyond tol: losses relative, integer telemetry exactly, movement relative
// (with a floor of 1e-3), final parameters relative to max(1, |value|).
func trajectoryDifference(run sparseRun, tol float64) error {
	d, s := run.dense, run.sparse
	if len(d.Stats) != len(s.Stats) {
		return fmt.Errorf("dense visited %d states, sparse %d", len(d.Stats), len(s.Stats))
	}
	for k := range d.Stats {
		a, b := d.Stats[k], s.Stats[k]
		if r := relDiff(a.Loss, b.Loss, 1e-300); r > tol {
			return fmt.Errorf("step %d: loss dense %.17g, sparse %.17g (relative difference %.3g)", k, a.Loss, b.Loss, r)
		}
		if a.ActiveMin != b.ActiveMin || a.ActiveMax != b.ActiveMax || a.ActiveMean != b.ActiveMean ||
			a.Flips != b.Flips || a.Flipped != b.Flipped || a.Step != b.Step {
			return fmt.Errorf("step %d: telemetry differs:\ndense  %+v\nsparse %+v", k, a, b)
		}
		if relDiff(a.MoveW, b.MoveW, 1e-3) > tol || relDiff(a.MoveB, b.MoveB, 1e-3) > tol {
			return fmt.Errorf("step %d: movement dense (%.17g, %.17g), sparse (%.17g, %.17g)", k, a.MoveW, a.MoveB, b.MoveW, b.MoveB)
		}
	}
	m, dim := run.denseNet.W.Dims()
	for r := 0; r < m; r++ {
		for j := 0; j < dim; j++ {
			a, b := run.denseNet.W.At(r, j), run.sparseNet.W.At(r, j)
			if math.Abs(a-b) > tol*math.Max(1, math.Abs(a)) {
				return fmt.Errorf("final W[%d][%d]: dense %.17g, sparse %.17g", r, j, a, b)
			}
		}
		a, b := run.denseNet.Bias[r], run.sparseNet.Bias[r]
		if math.Abs(a-b) > tol*math.Max(1, math.Abs(a)) {
			return fmt.Errorf("final Bias[%d]: dense %.17g, sparse %.17g", r, a, b)
		}
	}
	return nil
}

// samePattern reports the first sample whose final firing set differs
// between the two networks.
func samePattern(t *testing.T, run sparseRun, X *mat.Dense) {
	t.Helper()
	a, err := run.denseNet.Active(X)
	if err != nil {
		t.Fatal(err)
	}
	b, err := run.sparseNet.Active(X)
	if err != nil {
		t.Fatal(err)
	}
	for i := range a {
		if fmt.Sprint(a[i]) != fmt.Sprint(b[i]) {
			t.Fatalf("sample %d: final firing set dense %v, sparse %v", i, a[i], b[i])
		}
	}
}

// sparseTotals sums the sparse-only telemetry over a run.
func sparseTotals(h *History) (rebuilds int, candidates, pairs int64) {
	for _, s := range h.Stats {
		rebuilds += s.Rebuilds
		candidates += s.Candidates
		pairs += s.Pairs
	}
	return
}

// stableEta returns c/λ_max of the empirical kernel H of net at
// initialization, with λ_max from 60 steps of power iteration on
// (Hv)_i = (1/m) Σ_{r fires on i} (⟨x_i, u_r⟩ + c_r), u_r = Σ_{j: r fires on j} v_j x_j,
// c_r = Σ_{j: r fires on j} v_j (paper, eq. 1).
func stableEta(t testing.TB, net *Network, X *mat.Dense, c float64) float64 {
	t.Helper()
	act, err := net.Active(X)
	if err != nil {
		t.Fatal(err)
	}
	n, d := X.Dims()
	m := net.Width()
	on := make([][]int, m) // samples each neuron fires on
	for i, rs := range act {
		for _, r := range rs {
			on[r] = append(on[r], i)
		}
	}
	v := make([]float64, n)
	for i := range v {
		v[i] = 1
	}
	lambda := 0.0
	u := make([]float64, d)
	for it := 0; it < 60; it++ {
		hv := make([]float64, n)
		for _, js := range on {
			clear(u)
			cr := 0.0
			for _, j := range js {
				for k, x := range X.RawRowView(j) {
					u[k] += v[j] * x
				}
				cr += v[j]
			}
			for _, i := range js {
				s := cr
				for k, x := range X.RawRowView(i) {
					s += u[k] * x
				}
				hv[i] += s / float64(m)
			}
		}
		norm := math.Sqrt(mat.Dot(mat.NewVecDense(n, hv), mat.NewVecDense(n, hv)))
		lambda = norm / math.Sqrt(mat.Dot(mat.NewVecDense(n, v), mat.NewVecDense(n, v)))
		for i := range v {
			v[i] = hv[i] / norm
		}
	}
	if !(lambda > 0) {
		t.Fatalf("test set-up: λ_max = %g", lambda)
	}
	return c / lambda
}

// withHooks sets the sparse trainer's test hooks for the duration of fn.
func withHooks(mode int, margin float64, skip bool, fn func()) {
	defer func(m int, g float64, s bool) { sparseForceMode, sparseForceMargin, sparseSkipCertificate = m, g, s }(
		sparseForceMode, sparseForceMargin, sparseSkipCertificate)
	sparseForceMode, sparseForceMargin, sparseSkipCertificate = mode, margin, skip
	fn()
}

// TestSparseMatchesDenseWide compares the two trainers on a wide network at
// η = 1/λ_max, the regime of the theory, for B = 0, 1, 2: losses within
// 1e-10 relative, identical firing telemetry, and the same final parameters,
// over 1000 steps (B = 1) and 400 steps (B = 0, 2).
func TestSparseMatchesDenseWide(t *testing.T) {
	const n, d = 384, 8 // at B = 0 half of the pairs fire: Sparse needs n ≳ 350 to fit in the dense trainer's memory
	m := 512
	if testing.Short() {
		m = 128
	}
	X := unitRows(n, d, 101)
	y := randomTargets(n, 102)
	for _, c := range []struct {
		B     float64
		steps int
	}{{0, 400}, {1, 1000}, {2, 400}} {
		steps := c.steps
		if testing.Short() {
			steps = 30
		}
		net, err := New(Init{Width: m, Dim: d, B: c.B, Seed: 103})
		if err != nil {
			t.Fatal(err)
		}
		run := trainBoth(t, net, X, y, TrainOptions{Eta: stableEta(t, net, X, 1), Steps: steps})
		if err := trajectoryDifference(run, 1e-10); err != nil {
			t.Fatalf("B = %g: %v", c.B, err)
		}
		samePattern(t, run, X)
		last := run.sparse.Stats[steps]
		if last.Flipped == 0 || last.Loss >= 0.95*run.sparse.Loss[0] {
			t.Errorf("B = %g, test set-up: the run should train and flip pairs (loss %g → %g, %d flipped)", c.B, run.sparse.Loss[0], last.Loss, last.Flipped)
		}
	}
}

// TestSparseMatchesDenseNarrow compares the trainers far outside the theory:
// 50 neurons and a large step, where the weights move by more than the
// initial bias, firing patterns change at every step and the candidate sets
// must be rebuilt again and again to stay exact.
func TestSparseMatchesDenseNarrow(t *testing.T) {
	const n, d, m = 200, 5, 50
	steps := 1000
	if testing.Short() {
		steps = 150
	}
	X := unitRows(n, d, 111)
	y := randomTargets(n, 112)
	for _, B := range []float64{0.5, 1} {
		net, err := New(Init{Width: m, Dim: d, B: B, Seed: 113})
		if err != nil {
			t.Fatal(err)
		}
		run := trainBoth(t, net, X, y, TrainOptions{Eta: stableEta(t, net, X, 1.8), Steps: steps, DivergenceWindow: -1})
		if err := trajectoryDifference(run, 1e-10); err != nil {
			t.Fatalf("B = %g: %v", B, err)
		}
		samePattern(t, run, X)
		rebuilds, _, _ := sparseTotals(run.sparse)
		last := run.sparse.Stats[len(run.sparse.Stats)-1]
		if rebuilds == 0 || last.MoveW < B || last.Flipped < n {
			t.Errorf("B = %g, test set-up: want weights moving further than B with rebuilds; got %d rebuilds, MoveW %g, %d flipped",
				B, rebuilds, last.MoveW, last.Flipped)
		}
	}
}

// TestSparseBothUpdatePaths forces every neuron through dot products
// (explicit) or through the Gram matrix (implicit), with cost-balanced and
// with zero margins (zero: the candidate set is exactly the firing set, so
// every step that moves a neuron rebuilds it), and compares with Dense.
func TestSparseBothUpdatePaths(t *testing.T) {
	const n, d, m = 80, 6, 600
	steps := 300
	if testing.Short() {
		steps = 15
	}
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 121)
	eta := stableEta(t, net, X, 1.5)
	for _, c := range []struct {
		mode   int
		margin float64
	}{{1, -1}, {2, -1}, {1, 0}, {2, 0}} {
		withHooks(c.mode, c.margin, false, func() {
			run := trainBoth(t, net, X, y, TrainOptions{Eta: eta, Steps: steps})
			if err := trajectoryDifference(run, 1e-10); err != nil {
				t.Fatalf("mode %d, margin %g: %v", c.mode, c.margin, err)
			}
			if c.margin == 0 {
				for k, s := range run.sparse.Stats[1:] {
					if s.Rebuilds == 0 {
						t.Fatalf("margin 0: no rebuild at step %d", k+1)
					}
				}
			}
		})
	}
	// The implicit path was really taken: inspect the trainer.
	withHooks(2, -1, false, func() {
		tr, _ := driveSparse(t, net.Clone(), X, y, eta, 5)
		implicit := 0
		for _, gr := range tr.groups {
			for _, nr := range gr.live {
				if nr.impl != nil {
					implicit++
				}
			}
		}
		tr.finish()
		if tr.gram == nil || implicit == 0 {
			t.Errorf("forced implicit mode: Gram matrix %v, %d implicit neurons", tr.gram != nil, implicit)
		}
	})
}

// driveSparse runs the sparse trainer directly, as Train does, and returns
// it, unfinished, for inspection with the statistics of every state.
func driveSparse(t *testing.T, net *Network, X *mat.Dense, y []float64, eta float64, steps int) (*sparseTrainer, []Stats) {
	t.Helper()
	tr, err := newSparseTrainer(net, X, y, 16<<30, nil)
	if err != nil {
		t.Fatal(err)
	}
	var hist []Stats
	for k := 0; ; k++ {
		st := Stats{Step: k}
		tr.forward(&st)
		hist = append(hist, st)
		if k == steps {
			break
		}
		tr.update(eta)
	}
	return tr, hist
}

// TestSparseDetectsBrokenCertificate shows that the comparison with Dense
// can fail: a trainer that ignores the drift certificate (never rebuilds, so
// samples outside the candidate sets can start firing unnoticed) is caught.
func TestSparseDetectsBrokenCertificate(t *testing.T) {
	const n, d, m = 100, 5, 50
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 111)
	eta := stableEta(t, net, X, 1.8)
	withHooks(0, 0, true, func() {
		run := trainBoth(t, net, X, y, TrainOptions{Eta: eta, Steps: 50, DivergenceWindow: -1})
		if err := trajectoryDifference(run, 1e-10); err == nil {
			t.Fatal("a sparse trainer without its drift certificate matched the dense one; the comparison has no power")
		}
	})
}

// TestSparseTelemetry checks the sparse-only statistics: every firing pair
// is a candidate, the initial state evaluates every pair, later states only
// candidates and rebuilt neurons.
func TestSparseTelemetry(t *testing.T) {
	const n, d, m = 60, 5, 400
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1.5}, 131)
	hist, err := Train(net, X, y, TrainOptions{Eta: stableEta(t, net, X, 1), Steps: 30, Method: Sparse})
	if err != nil {
		t.Fatal(err)
	}
	if s := hist.Stats[0]; s.Pairs != n*m || s.Rebuilds != 0 {
		t.Errorf("initial state: %d pairs evaluated and %d rebuilds, want %d and 0", s.Pairs, s.Rebuilds, n*m)
	}
	for _, s := range hist.Stats[1:] {
		active := int64(math.Round(s.ActiveMean * n))
		if s.Candidates < active || s.Pairs < s.Candidates || s.Pairs > s.Candidates+int64(s.Rebuilds)*(n+n) {
			t.Fatalf("step %d: %d firing pairs, %d candidates, %d pairs evaluated, %d rebuilds: inconsistent",
				s.Step, active, s.Candidates, s.Pairs, s.Rebuilds)
		}
		if s.Pairs >= n*m/2 {
			t.Errorf("step %d evaluated %d of %d pairs; the sparse trainer should evaluate few", s.Step, s.Pairs, n*m)
		}
	}
}

// TestSparseDeterministicAcrossGOMAXPROCS requires the same bits whatever the
// number of threads.
func TestSparseDeterministicAcrossGOMAXPROCS(t *testing.T) {
	const n, d, m = 70, 9, 3000
	steps := 40
	if testing.Short() {
		steps = 10
	}
	X, y, base := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1.5}, 141)
	eta := stableEta(t, base, X, 1.5)
	requireSameTrainingAcrossGOMAXPROCS(t, base, X, y, TrainOptions{Eta: eta, Steps: steps, Method: Sparse}, 2, 8)
}

// TestSparseSymmetricInit trains a symmetric initialization (f ≡ 0 at t = 0,
// Definition 7) with both methods.
func TestSparseSymmetricInit(t *testing.T) {
	const n, d, m = 100, 6, 800
	steps := 200
	if testing.Short() {
		steps = 30
	}
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1, Symmetric: true}, 151)
	run := trainBoth(t, net, X, y, TrainOptions{Eta: stableEta(t, net, X, 1), Steps: steps})
	if err := trajectoryDifference(run, 1e-10); err != nil {
		t.Fatal(err)
	}
	// At t = 0 the loss is ½‖y‖² up to the rounding of the cancelling pairs.
	half := 0.0
	for _, v := range y {
		half += v * v / 2
	}
	if relDiff(run.sparse.Loss[0], half, 1) > 1e-12 {
		t.Errorf("symmetric initialization: initial loss %.17g, ½‖y‖² = %.17g", run.sparse.Loss[0], half)
	}
}

// TestSparseStopsLikeDense checks the early exits: the observer's error and
// divergence leave the network in the last state reached, with the implicit
// weights materialized, and report the same λ_max estimate as Dense.
func TestSparseStopsLikeDense(t *testing.T) {
	const n, d, m = 100, 6, 1500
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 161)
	eta := stableEta(t, net, X, 1)
	stop := errors.New("enough")
	observe := func(s Stats) error {
		if s.Step == 7 {
			return stop
		}
		return nil
	}
	withHooks(2, -1, false, func() { // implicit neurons must be written back
		run := trainBoth(t, net, X, y, TrainOptions{Eta: eta, Steps: 100, Observe: observe})
		if !errors.Is(run.errSparse, stop) || len(run.sparse.Loss) != 8 {
			t.Fatalf("observer stop: %v after %d states", run.errSparse, len(run.sparse.Loss))
		}
		if err := trajectoryDifference(run, 1e-10); err != nil {
			t.Fatal(err)
		}
	})
	// Far above 2/λ_max both methods collapse at the same step.
	run := trainBoth(t, net, X, y, TrainOptions{Eta: 20 * eta, Steps: 1000})
	var de, se *DivergenceError
	if !errors.As(run.errDense, &de) || !errors.As(run.errSparse, &se) {
		t.Fatalf("η = 20/λ_max: dense %v, sparse %v; want divergence errors", run.errDense, run.errSparse)
	}
	if de.Step != se.Step || de.Dead != se.Dead || relDiff(de.LambdaMax, se.LambdaMax, 0) > 1e-9 {
		t.Errorf("divergence: dense %+v, sparse %+v", *de, *se)
	}
	if err := trajectoryDifference(run, 1e-10); err != nil {
		t.Fatal(err)
	}
}

// TestSparseMemory checks the memory formula and the limits.
func TestSparseMemory(t *testing.T) {
	// The standard benchmark problem: far below the dense trainer at B ≥ 1.
	const n, d, m = 1797, 64, 65536
	prev := int64(math.MaxInt64)
	for _, B := range []float64{0, 0.5, 1, 2, 3, 4} {
		got := SparseMemory(n, m, d, B)
		if got <= 0 || got > prev {
			t.Errorf("SparseMemory(B = %g) = %d after %d; it must be positive and decrease with B", B, got, prev)
		}
		prev = got
		if dm := DenseMemory(n, m, d); B >= 1 && got > dm/2 {
			t.Errorf("SparseMemory(B = %g) = %d, more than half of DenseMemory = %d", B, got, dm)
		}
	}
	// Leading term at large B: the live neurons, m·(1 − (1 − Q(B))^n) of them.
	B := 4.0
	live := float64(m) * -math.Expm1(n*math.Log1p(-Q(B)))
	perNeuron := float64(sparseNeuronBytes + 8*d + 16*((n+63)/64))
	if got := float64(SparseMemory(n, m, d, B)); got < live*perNeuron || got > 1.5*live*perNeuron+40*n*sparseGroupsMax {
		t.Errorf("SparseMemory(B = 4) = %g, live neurons alone take %g", got, live*perNeuron)
	}

	X := unitRows(30, 4, 171)
	y := randomTargets(30, 172)
	net, _ := New(Init{Width: 500, Dim: 4, B: 2, Seed: 173})
	_, err := Train(net.Clone(), X, y, TrainOptions{Eta: 0.1, Steps: 3, Method: Sparse, MemoryLimit: 1000})
	if err == nil || !strings.Contains(err.Error(), "MemoryLimit") {
		t.Errorf("tiny MemoryLimit: %v, want an error naming TrainOptions.MemoryLimit", err)
	}
	// At B = 0 on 30 samples the per-neuron state outweighs the pairs saved.
	net0, _ := New(Init{Width: 500, Dim: 4, B: 0, Seed: 173})
	_, err = Train(net0, X, y, TrainOptions{Eta: 0.1, Steps: 3, Method: Sparse})
	if err == nil || !strings.Contains(err.Error(), "Dense") {
		t.Errorf("sparse needing more than dense: %v, want an error suggesting ntk.Dense", err)
	}
}

// TestAutoMethod checks the choice of Auto on the standard problem sizes and
// that Train runs the method AutoMethod announces.
func TestAutoMethod(t *testing.T) {
	const n, d = 1797, 64
	X := unitRows(n, d, 181)
	for _, c := range []struct {
		B    float64
		m    int
		want Method
	}{{0, 65536, Sparse}, {1, 65536, Sparse}, {2, 65536, Sparse}, {3, 65536, Sparse}} {
		net, err := New(Init{Width: c.m, Dim: d, B: c.B, Seed: 182})
		if err != nil {
			t.Fatal(err)
		}
		got, err := AutoMethod(net, X, TrainOptions{Eta: 1, Steps: 200})
		if err != nil || got != c.want {
			t.Errorf("AutoMethod(B = %g, m = %d) = %v, %v; want %v", c.B, c.m, got, err, c.want)
		}
	}
	small := unitRows(40, 5, 183)
	y := randomTargets(40, 184)
	for _, B := range []float64{0, 3} {
		net, _ := New(Init{Width: 4000, Dim: 5, B: B, Seed: 185})
		want, err := AutoMethod(net, small, TrainOptions{Eta: 0.01, Steps: 5})
		if err != nil {
			t.Fatal(err)
		}
		if B == 0 && want != Dense { // half the pairs fire: sparse needs more memory than dense
			t.Errorf("AutoMethod(B = 0, n = 40, m = 4000) = %v, want %v", want, Dense)
		}
		h, err := Train(net, small, y, TrainOptions{Eta: 0.01, Steps: 5})
		if err != nil || h.Method != want {
			t.Errorf("B = %g: Train with Auto ran %v (%v), AutoMethod said %v", B, h.Method, err, want)
		}
	}
}

func ExampleTrain_sparse() {
	X := mat.NewDense(4, 2, []float64{1, 0, 0, 1, -1, 0, 0.6, 0.8})
	y := []float64{1, -1, 1, -1}
	net, _ := New(Init{Width: 20000, Dim: 2, B: 2, Seed: 1})
	hist, err := Train(net, X, y, TrainOptions{Eta: 2, Steps: 100, Method: Sparse})
	if err != nil {
		fmt.Println(err)
		return
	}
	first, last := hist.Stats[0], hist.Stats[100]
	fmt.Printf("loss %.3f → %.2g\n", first.Loss, last.Loss)
	fmt.Printf("firing pairs per sample: %.0f of %d neurons\n", last.ActiveMean, net.Width())
	fmt.Printf("pairs evaluated in the last step: under 5%% of %d: %v\n", 4*net.Width(), last.Pairs < 4*int64(net.Width())/20)
	// Output:
	// loss 1.925 → 0.0001
	// firing pairs per sample: 377 of 20000 neurons
	// pairs evaluated in the last step: under 5% of 80000: true
}
