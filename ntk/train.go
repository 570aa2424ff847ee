package ntk

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"time"

	"gonum.org/v1/gonum/mat"
)

// Method selects how Train computes a gradient-descent step. Every method
// computes the same trajectory; they differ only in cost.
type Method int

const (
	// Auto picks the method expected to be fastest for the problem size and
	// bias, by the cost model documented at AutoMethod: Sparse where few
	// pairs fire (typically B ≥ 1 on unit-norm data), Dense otherwise.
	Auto Method = iota
	// Dense evaluates every (neuron, sample) pair with BLAS matrix products:
	// about 4·m·n·d floating-point operations per step. It is the reference.
	Dense
	// Sparse pays only for the (neuron, sample) pairs that fire or may fire:
	// after one evaluation of every pair at t = 0, a step costs one dot
	// product of length d per candidate pair and one scaled row addition per
	// firing pair (or, through the Gram matrix XXᵀ when neurons fire on few
	// samples, |A_r|·|C_r| operations per neuron, independent of d), and
	// neurons that fire on no sample cost nothing. On amd64 the rows are
	// processed in AVX2 or AVX-512 kernels (rows.go). It follows the same
	// trajectory as Dense, up to rounding (losses agree to about 1e-14
	// relative), with the same
	// statistics, plus Candidates and Rebuilds (Pairs then counts the
	// pre-activations evaluated: every pair at t = 0, then the candidates and
	// n per rebuilt neuron). Its memory is estimated by
	// SparseMemory and never above DenseMemory; Train refuses it otherwise.
	// While training, net.W may lag for neurons moved through the Gram
	// matrix; it holds the trained weights when Train returns.
	Sparse
)

// String returns the method's name.
func (m Method) String() string {
	switch m {
	case Auto:
		return "auto"
	case Dense:
		return "dense"
	case Sparse:
		return "sparse"
	}
	return fmt.Sprintf("Method(%d)", int(m))
}

// TrainOptions configures Train.
type TrainOptions struct {
	// Eta is the step size η > 0, shared by W and b (paper, Section 2.1).
	Eta float64
	// Steps is the number of full-batch gradient steps, ≥ 0.
	Steps int
	// Method selects the implementation; the zero value is Auto.
	Method Method
	// Tol stops training early, after the first step whose loss is ≤ Tol.
	// Zero disables early stopping.
	Tol float64
	// DivergenceWindow is the number of consecutive steps with a growing loss
	// after which training stops with a divergence error. Zero means 50; a
	// negative value disables the check (a NaN or infinite loss still stops).
	DivergenceWindow int
	// MemoryLimit is the largest working memory in bytes the trainer may
	// allocate; zero means 16 GiB. See DenseMemory.
	MemoryLimit int64
	// Observe, if not nil, is called with the statistics of the initial state
	// and then after every step. A non-nil error stops training; Train then
	// returns the history so far and that error.
	Observe func(Stats) error
	// CheckpointPath, if not empty, names the file that receives the state of
	// the run after every CheckpointEvery steps (written atomically, each
	// checkpoint replacing the previous one); Resume continues the run from
	// it. See Resume for what a checkpoint holds and what resuming promises.
	// Writing one needs, for the time of the write, about
	// 8·m·(d+1) + 16·m·⌈n/64⌉ bytes beyond the trainer's memory (the initial
	// parameters and firing record) and, for Sparse, the trainer is rebuilt
	// from the file's contents (one evaluation of all m·n pairs).
	CheckpointPath string
	// CheckpointEvery is the number of steps between checkpoints, > 0 when
	// CheckpointPath is set.
	CheckpointEvery int
}

// Stats describes the state of training after Step gradient steps.
//
// "Initial" below means the network as it was when Train was called (t = 0):
// for a freshly initialized network that is the paper's θ(0). A run resumed
// by a second call to Train measures flips and movement from its own start;
// to measure them from an earlier state, keep a Clone of it and compare, or
// train with checkpoints: Resume measures from the start of the original run.
type Stats struct {
	Step int     // number of steps taken
	Loss float64 // ½ Σ_i (f(x_i) − y_i)²

	// ActiveMin, ActiveMean and ActiveMax summarize |S_on(i,t)|, the number of
	// neurons that fire on sample i (paper, Lemmas 33 and 34).
	ActiveMin, ActiveMax int
	ActiveMean           float64

	// Flips counts the (neuron, sample) pairs whose firing state now differs
	// from the initial one.
	Flips int64
	// Flipped counts the pairs whose firing state has differed from the
	// initial one at some step so far: Σ_i |S̄_i| for the flip sets of the
	// paper's Definition 17.
	Flipped int64

	// MoveW = max_r ‖w_r(t) − w_r(0)‖₂ and MoveB = max_r |b_r(t) − b_r(0)|
	// from the initial parameters: the movement radii R_w and R_b of the
	// paper (Lemma 23).
	MoveW, MoveB float64

	// Pairs counts the (neuron, sample) pairs whose pre-activation was
	// evaluated to reach this state from the previous one.
	Pairs int64
	// Candidates is the number of pairs the sparse trainer keeps as possibly
	// firing (zero for Dense).
	Candidates int64
	// Rebuilds is the number of neurons whose candidate set the sparse trainer
	// rebuilt in this step (zero for Dense).
	Rebuilds int

	// Elapsed is the wall time since Train was called.
	Elapsed time.Duration
}

// History is the record of a training run.
type History struct {
	// Method is the implementation that ran (never Auto).
	Method Method
	// Loss[t] = ½ Σ_i (f(x_i) − y_i)² after t steps, t = 0..len(Loss)−1.
	Loss []float64
	// Stats[t] is the full telemetry after t steps.
	Stats []Stats
}

// DivergenceError reports that gradient descent diverged.
type DivergenceError struct {
	Step      int     // the step at which divergence was detected
	Loss      float64 // the loss there
	Eta       float64 // the step size that was used
	LambdaMax float64 // estimate of λ_max of the empirical kernel at initialization
	Dead      bool    // every neuron had stopped firing on every sample
}

// Error says what happened and suggests a stable step size.
func (e *DivergenceError) Error() string {
	what := "diverged"
	if e.Dead {
		what = "collapsed (no neuron fires on any sample any more)"
	}
	head := fmt.Sprintf("ntk: gradient descent %s at step %d (loss %.4g) with step size η = %.4g; "+
		"the empirical NTK at initialization has λ_max ≈ %.4g", what, e.Step, e.Loss, e.Eta, e.LambdaMax)
	if stable := 2 / e.LambdaMax; e.Eta >= stable || math.IsNaN(stable) {
		return head + fmt.Sprintf(", so steps with η < 2/λ_max ≈ %.4g are stable in the kernel regime (try TrainOptions.Eta = %.4g)",
			stable, 1/e.LambdaMax)
	}
	// Below the kernel-regime limit the network itself left that regime:
	// the width is too small for this bias, or the step too close to 2/λ_max.
	return head + fmt.Sprintf("; η is already below 2/λ_max ≈ %.4g, so the network left the kernel regime: "+
		"use a smaller step (e.g. TrainOptions.Eta = %.4g) or a larger width", 2/e.LambdaMax, e.Eta/4)
}

// ErrDiverged is matched by every *DivergenceError through errors.Is.
var ErrDiverged = errors.New("ntk: gradient descent diverged")

// Is reports whether target is ErrDiverged.
func (e *DivergenceError) Is(target error) bool { return target == ErrDiverged }

// trainer is one implementation of gradient descent on a network. Its state
// is θ(t); forward evaluates it, update moves it to θ(t+1).
type trainer interface {
	// forward computes the loss and statistics of the current state.
	forward(st *Stats)
	// update takes one gradient step of size eta from the current state,
	// using the residuals of the last forward.
	update(eta float64)
	// finish writes the parameters back to the network.
	finish()
}

// Train runs opt.Steps steps of full-batch gradient descent on the loss
// L(W, b) = ½ Σ_i (f(x_i; W, b) − y_i)², updating net.W and net.Bias in
// place (net.A is fixed):
//
//	w_r ← w_r − η (1/√m) Σ_i (f(x_i) − y_i) a_r x_i 1[⟨w_r,x_i⟩ ≥ b_r]
//	b_r ← b_r + η (1/√m) Σ_i (f(x_i) − y_i) a_r 1[⟨w_r,x_i⟩ ≥ b_r]
//
// (paper, Section 2.1). Rows of X are samples; y holds the targets.
//
// The returned History holds the loss and statistics of every state visited,
// from initialization (t = 0) to the last step. Training stops early when the
// loss falls to opt.Tol, when opt.Observe returns an error, or when it
// diverges (a *DivergenceError, matching ErrDiverged, that suggests a stable
// step size; a step that silences every neuron counts as divergence too). On
// an error the network holds the last state reached.
func Train(net *Network, X *mat.Dense, y []float64, opt TrainOptions) (*History, error) {
	start := time.Now()
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := checkInputs(X, net.Dim()); err != nil {
		return nil, err
	}
	n, d := X.Dims()
	if err := checkTargets(y, n); err != nil {
		return nil, err
	}
	if err := opt.check(); err != nil {
		return nil, err
	}
	if err := opt.checkCheckpointDir(); err != nil {
		return nil, err
	}
	method := opt.Method
	if method == Auto {
		method = chooseMethod(n, net.Width(), d, estimateSparse(net.Bias, n, maxRowNorm(X)), opt.Steps, opt.memoryLimit())
	}
	r := &run{net: net, X: X, y: y, opt: opt, method: method, start: start, hist: &History{Method: method}}
	if err := r.newTrainer(nil); err != nil {
		return nil, err
	}
	err := r.loop(0)
	return r.hist, err
}

// run is one training run: a trainer on a network and data, its options and
// its history.
type run struct {
	net    *Network
	X      *mat.Dense
	y      []float64
	opt    TrainOptions
	method Method // Dense or Sparse
	tr     trainer
	hist   *History
	start  time.Time // Elapsed is measured from start
	data   []byte    // fingerprint of X and y, for checkpoints; computed when needed
}

// memoryLimit returns MemoryLimit with its default.
func (opt *TrainOptions) memoryLimit() int64 {
	if opt.MemoryLimit == 0 {
		return 16 << 30
	}
	return opt.MemoryLimit
}

// newTrainer makes the trainer of r.method, continuing from o if not nil.
func (r *run) newTrainer(o *origin) error {
	n, d := r.X.Dims()
	m := r.net.Width()
	limit := r.opt.memoryLimit()
	switch r.method {
	case Dense:
		if need := DenseMemory(n, m, d); need > limit {
			return fmt.Errorf("ntk: the dense trainer needs %.3g GB for n = %d samples, width m = %d and d = %d, above TrainOptions.MemoryLimit = %.3g GB; raise the limit, reduce the width, or use the Sparse method",
				float64(need)/1e9, n, m, d, float64(limit)/1e9)
		}
		r.tr = newDenseTrainer(r.net, r.X, r.y, o)
	case Sparse:
		st, err := newSparseTrainer(r.net, r.X, r.y, limit, o)
		if err != nil {
			return err
		}
		r.tr = st
	}
	return nil
}

// loop runs gradient descent from step t0, whose state the network holds.
// When the history already records the state at t0 (a resumed run), the
// first forward only prepares the trainer.
func (r *run) loop(t0 int) error {
	opt := &r.opt
	window := opt.DivergenceWindow
	if window == 0 {
		window = 50
	}
	hist := r.hist
	rising := 0 // consecutive steps with a growing loss
	for t := len(hist.Loss) - 1; t > 0 && hist.Loss[t] > hist.Loss[t-1]; t-- {
		rising++
	}
	for t := t0; ; t++ {
		st := Stats{Step: t}
		r.tr.forward(&st)
		if err := r.failure(); err != nil {
			r.tr.finish()
			return err
		}
		if len(hist.Stats) == t { // a resumed run has recorded its first state
			st.Elapsed = time.Since(r.start)
			hist.Loss = append(hist.Loss, st.Loss)
			hist.Stats = append(hist.Stats, st)
			if t > 0 && st.Loss > hist.Loss[t-1] {
				rising++
			} else {
				rising = 0
			}
			// A step so large that every neuron stops firing leaves the loss
			// frozen at ½‖y‖²: the gradient vanishes and training cannot recover.
			dead := t > 0 && st.ActiveMax == 0 && hist.Stats[0].ActiveMax > 0
			if math.IsNaN(st.Loss) || math.IsInf(st.Loss, 0) || (window > 0 && rising >= window) || dead {
				r.tr.finish()
				return &DivergenceError{Step: t, Loss: st.Loss, Eta: opt.Eta, LambdaMax: tr0LambdaMax(r.tr), Dead: dead}
			}
			if opt.Observe != nil {
				if err := opt.Observe(st); err != nil {
					r.tr.finish()
					return err
				}
			}
			if opt.CheckpointPath != "" && t > 0 && t%opt.CheckpointEvery == 0 {
				if err := r.checkpoint(t); err != nil {
					r.tr.finish()
					return err
				}
			}
		}
		if t >= opt.Steps || (opt.Tol > 0 && hist.Loss[t] <= opt.Tol) {
			break
		}
		r.tr.update(opt.Eta)
	}
	r.tr.finish()
	return nil
}

// failure reports an error that stopped the trainer, if it can fail.
func (r *run) failure() error {
	if f, ok := r.tr.(interface{ failure() error }); ok {
		return f.failure()
	}
	return nil
}

// checkpoint writes the state after t steps to opt.CheckpointPath. A trainer
// whose state is more than the network and its origin (Sparse: candidate
// sets, implicit weights) is then restarted from what the file holds, exactly
// as Resume restarts it, so that a resumed run repeats this one bit for bit.
func (r *run) checkpoint(t int) error {
	r.tr.finish()
	o := r.tr.(originTrainer).origin()
	if r.data == nil {
		r.data = dataFingerprint(r.X, r.y)
	}
	cp := &Checkpoint{Step: t, Eta: r.opt.Eta, Method: r.method, Network: r.net, History: r.hist, origin: o, data: r.data}
	if err := cp.save(r.opt.CheckpointPath); err != nil {
		return err
	}
	if r.method == Dense {
		return nil // its state is the network and the origin: nothing to restart
	}
	if err := r.newTrainer(o); err != nil {
		return err
	}
	var discard Stats // the state at t is recorded already
	r.tr.forward(&discard)
	return r.failure()
}

// check reports the first invalid option.
func (opt *TrainOptions) check() error {
	switch {
	case math.IsNaN(opt.Eta) || math.IsInf(opt.Eta, 0) || opt.Eta <= 0:
		return fmt.Errorf("ntk: TrainOptions.Eta = %v; the step size must be a finite number > 0", opt.Eta)
	case opt.Steps < 0:
		return fmt.Errorf("ntk: TrainOptions.Steps = %d; the number of steps must be ≥ 0", opt.Steps)
	case math.IsNaN(opt.Tol) || opt.Tol < 0:
		return fmt.Errorf("ntk: TrainOptions.Tol = %v; the loss tolerance must be ≥ 0 (0 disables early stopping)", opt.Tol)
	case opt.MemoryLimit < 0:
		return fmt.Errorf("ntk: TrainOptions.MemoryLimit = %d; give a byte count ≥ 0 (0 means 16 GiB)", opt.MemoryLimit)
	case opt.Method < Auto || opt.Method > Sparse:
		return fmt.Errorf("ntk: TrainOptions.Method = %v; use ntk.Auto, ntk.Dense or ntk.Sparse", opt.Method)
	case opt.CheckpointPath != "" && opt.CheckpointEvery <= 0:
		return fmt.Errorf("ntk: TrainOptions.CheckpointEvery = %d with CheckpointPath = %q; give the number of steps between checkpoints (> 0)", opt.CheckpointEvery, opt.CheckpointPath)
	case opt.CheckpointPath == "" && opt.CheckpointEvery != 0:
		return fmt.Errorf("ntk: TrainOptions.CheckpointEvery = %d but CheckpointPath is empty; name the checkpoint file, or set CheckpointEvery to 0", opt.CheckpointEvery)
	}
	return nil
}

// checkCheckpointDir reports a checkpoint path whose directory does not
// exist, before any training is spent.
func (opt *TrainOptions) checkCheckpointDir() error {
	if opt.CheckpointPath == "" {
		return nil
	}
	dir := filepath.Dir(opt.CheckpointPath)
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return fmt.Errorf("ntk: TrainOptions.CheckpointPath = %q: the directory %q does not exist or is not a directory; create it or choose another path", opt.CheckpointPath, dir)
	}
	return nil
}

// initialLambdaMax is implemented by trainers that can estimate the largest
// eigenvalue of the empirical kernel at initialization.
type initialLambdaMax interface{ lambdaMax0() float64 }

// powerLambdaMax estimates the largest eigenvalue of a symmetric positive
// semi-definite n×n matrix H by 30 steps of power iteration from the unit
// vector with equal entries; apply(hv, v) must set hv = H·v. It returns the
// Rayleigh quotient ⟨v, Hv⟩ of the last step, or 0 when H·v = 0.
func powerLambdaMax(n int, apply func(hv, v []float64)) float64 {
	v := make([]float64, n)
	hv := make([]float64, n)
	for i := range v {
		v[i] = 1 / math.Sqrt(float64(n))
	}
	lambda := 0.0
	for it := 0; it < 30; it++ {
		apply(hv, v)
		norm := 0.0
		for _, h := range hv {
			norm += h * h
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			return 0
		}
		lambda = 0
		for i := range v {
			lambda += v[i] * hv[i]
			v[i] = hv[i] / norm
		}
	}
	return lambda
}

func tr0LambdaMax(tr trainer) float64 {
	if l, ok := tr.(initialLambdaMax); ok {
		return l.lambdaMax0()
	}
	return math.NaN()
}
