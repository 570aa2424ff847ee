package ntk

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// crossB0 returns the test×train kernel at B = 0 from the closed form.
func crossB0(Xtest, Xtrain *mat.Dense) *mat.Dense {
	p, _ := Xtest.Dims()
	n, _ := Xtrain.Dims()
	all := mat.NewDense(p+n, Xtest.RawMatrix().Cols, nil)
	all.Stack(Xtest, Xtrain)
	K := mat.NewDense(p, n, nil)
	for i := 0; i < p; i++ {
		for j := 0; j < n; j++ {
			K.Set(i, j, closedFormB0(all, i, p+j))
		}
	}
	return K
}

// predictionProblem returns a B = 0 training kernel on n sphere points, the
// cross kernel to p test points, targets and initial outputs.
func predictionProblem(n, p, d int) (H *mat.SymDense, K *mat.Dense, y, f0, ft0 []float64) {
	X := sphereRows(n, d, 41)
	Xt := sphereRows(p, d, 42)
	return kernelB0(X), crossB0(Xt, X), uniformValues(n, 43), uniformValues(n, 44), uniformValues(p, 45)
}

// iterate runs t steps of the linearized gradient descent directly:
// r ← r − ηH r on the training set and f_test ← f_test + ηK r on the test
// set (f_test(s+1) − f_test(s) = ηK(y − f(s))).
func iterate(H *mat.SymDense, K *mat.Dense, r0, ft0 []float64, t int, eta float64) (r, ft []float64) {
	n := len(r0)
	p, _ := K.Dims()
	rv := mat.NewVecDense(n, append([]float64(nil), r0...))
	fv := mat.NewVecDense(p, append([]float64(nil), ft0...))
	hr := mat.NewVecDense(n, nil)
	kr := mat.NewVecDense(p, nil)
	for s := 0; s < t; s++ {
		kr.MulVec(K, rv)
		fv.AddScaledVec(fv, eta, kr)
		hr.MulVec(H, rv)
		rv.AddScaledVec(rv, -eta, hr)
	}
	return rv.RawVector().Data, fv.RawVector().Data
}

func maxAbsDiff(a, b []float64) float64 {
	m := 0.0
	for i := range a {
		m = math.Max(m, math.Abs(a[i]-b[i]))
	}
	return m
}

// TestPredictorAtStepMatchesIteration checks (I − ηH)^t r(0) and the test
// formula K H⁻¹(I − (I − ηH)^t) r(0) against t explicit steps.
func TestPredictorAtStepMatchesIteration(t *testing.T) {
	H, K, y, f0, ft0 := predictionProblem(40, 7, 6)
	base, err := NewPredictor(H, y, f0)
	if err != nil {
		t.Fatal(err)
	}
	pred, err := base.WithTest(K, ft0)
	if err != nil {
		t.Fatal(err)
	}
	vals := pred.Values()
	r0 := make([]float64, 40)
	floats.SubTo(r0, y, f0)
	for _, eta := range []float64{1 / vals[39], 1.9 / vals[39]} {
		for _, steps := range []int{0, 1, 7, 200} {
			got, err := pred.AtStep(steps, eta)
			if err != nil {
				t.Fatal(err)
			}
			r, ft := iterate(H, K, r0, ft0, steps, eta)
			if d := maxAbsDiff(got.Residual, r); d > 1e-12 {
				t.Errorf("η=%.3g t=%d: residual differs from iteration by %.3g", eta, steps, d)
			}
			if d := maxAbsDiff(got.Test, ft); d > 1e-11 {
				t.Errorf("η=%.3g t=%d: test prediction differs from iteration by %.3g", eta, steps, d)
			}
			train := make([]float64, 40)
			floats.SubTo(train, y, r)
			if d := maxAbsDiff(got.Train, train); d > 1e-12 {
				t.Errorf("η=%.3g t=%d: training outputs differ from iteration by %.3g", eta, steps, d)
			}
			if math.Abs(got.Loss-floats.Dot(r, r)/2) > 1e-12*(1+got.Loss) {
				t.Errorf("η=%.3g t=%d: Loss = %.15g, want %.15g", eta, steps, got.Loss, floats.Dot(r, r)/2)
			}
		}
	}
	// The base predictor has no test outputs.
	if got, err := base.AtStep(3, 0.1); err != nil || got.Test != nil {
		t.Errorf("predictor without test inputs: Test = %v, err = %v; want nil, nil", got.Test, err)
	}
}

// TestPredictorLimitIsKernelRegression checks t → ∞ against
// f_test(0) + K H⁻¹ (y − f(0)) solved by Cholesky, and that long training
// reaches it.
func TestPredictorLimitIsKernelRegression(t *testing.T) {
	H, K, y, f0, ft0 := predictionProblem(30, 5, 8)
	pred, err := NewPredictor(H, y, f0)
	if err != nil {
		t.Fatal(err)
	}
	if pred, err = pred.WithTest(K, ft0); err != nil {
		t.Fatal(err)
	}
	var ch mat.Cholesky
	if !ch.Factorize(H) {
		t.Fatal("test kernel is not positive definite")
	}
	r0 := mat.NewVecDense(30, nil)
	r0.SubVec(mat.NewVecDense(30, y), mat.NewVecDense(30, f0))
	var alpha mat.VecDense
	if err := ch.SolveVecTo(&alpha, r0); err != nil {
		t.Fatal(err)
	}
	want := mat.NewVecDense(5, nil)
	want.MulVec(K, &alpha)
	want.AddVec(want, mat.NewVecDense(5, ft0))

	lim, err := pred.Limit()
	if err != nil {
		t.Fatal(err)
	}
	cond := ch.Cond()
	tol := 1e-13 * cond * mat.Norm(want, math.Inf(1))
	if d := maxAbsDiff(lim.Test, want.RawVector().Data); d > tol {
		t.Errorf("Limit: test prediction differs from kernel regression by %.3g (tolerance %.3g)", d, tol)
	}
	if d := maxAbsDiff(lim.Train, y); d > 1e-14 || lim.Loss != 0 {
		t.Errorf("Limit: training outputs differ from y by %.3g, loss %v; want interpolation", d, lim.Loss)
	}
	vals := pred.Values()
	steps := int(60 * vals[29] / vals[0]) // (1 − λ_min/λ_max)^steps < e^−60
	long, err := pred.AtStep(steps, 1/vals[29])
	if err != nil {
		t.Fatal(err)
	}
	flow, err := pred.AtTime(60 / vals[0])
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]*Prediction{"AtStep": long, "AtTime": flow} {
		if d := maxAbsDiff(got.Test, lim.Test); d > tol {
			t.Errorf("%s at convergence: test prediction differs from Limit by %.3g", name, d)
		}
		if math.Sqrt(2*got.Loss) > 1e-20+1e-12*floats.Norm(y, 2) {
			t.Errorf("%s at convergence: residual norm %.3g", name, math.Sqrt(2*got.Loss))
		}
	}
}

// TestPredictorFlowIsSmallStepLimit checks that t/η steps of size η approach
// gradient flow at time t with an error that halves with η (first order).
func TestPredictorFlowIsSmallStepLimit(t *testing.T) {
	H, K, y, f0, ft0 := predictionProblem(25, 4, 5)
	pred, err := NewPredictor(H, y, f0)
	if err != nil {
		t.Fatal(err)
	}
	if pred, err = pred.WithTest(K, ft0); err != nil {
		t.Fatal(err)
	}
	T := 3 / pred.Values()[24] // three time constants of the top mode
	flow, err := pred.AtTime(T)
	if err != nil {
		t.Fatal(err)
	}
	var prev float64
	for k, steps := range []int{100, 200, 400, 800} {
		got, err := pred.AtStep(steps, T/float64(steps))
		if err != nil {
			t.Fatal(err)
		}
		e := maxAbsDiff(got.Residual, flow.Residual) + maxAbsDiff(got.Test, flow.Test)
		if k > 0 {
			if r := e / prev; math.Abs(r-0.5) > 0.05 {
				t.Errorf("error ratio when halving η = %.3f (%.3g → %.3g); first order gives 0.5", r, prev, e)
			}
		}
		prev = e
	}
	if prev > 1e-2 {
		t.Errorf("discrete and continuous dynamics still differ by %.3g at 800 steps", prev)
	}
	// At t = 0 the state is the initial one.
	zero, err := pred.AtTime(0)
	if err != nil {
		t.Fatal(err)
	}
	if !floats.Equal(zero.Test, ft0) || maxAbsDiff(zero.Train, f0) > 1e-14 {
		t.Error("AtTime(0) does not return the initial outputs")
	}
}

// TestPredictorSingularKernel checks that a rank-deficient kernel, whose
// zero modes never decay, still gives the iterated dynamics (the factor
// (1 − (1 − ηλ)^t)/λ → ηt as λ → 0) and that Limit refuses it.
func TestPredictorSingularKernel(t *testing.T) {
	X := sphereRows(12, 3, 50)
	n := 12
	H := mat.NewSymDense(n, nil)
	H.SymOuterK(1, X) // rank 3
	Xt := sphereRows(4, 3, 51)
	K := mat.NewDense(4, n, nil)
	K.Mul(Xt, X.T())
	y, f0, ft0 := uniformValues(n, 52), uniformValues(n, 53), uniformValues(4, 54)
	pred, err := NewPredictor(H, y, f0)
	if err != nil {
		t.Fatal(err)
	}
	if pred, err = pred.WithTest(K, ft0); err != nil {
		t.Fatal(err)
	}
	eta := 1 / pred.Values()[n-1]
	r0 := make([]float64, n)
	floats.SubTo(r0, y, f0)
	got, err := pred.AtStep(300, eta)
	if err != nil {
		t.Fatal(err)
	}
	r, ft := iterate(H, K, r0, ft0, 300, eta)
	if d := maxAbsDiff(got.Residual, r); d > 1e-12 {
		t.Errorf("singular kernel: residual differs from iteration by %.3g", d)
	}
	if d := maxAbsDiff(got.Test, ft); d > 1e-11 {
		t.Errorf("singular kernel: test prediction differs from iteration by %.3g", d)
	}
	if _, err := pred.Limit(); err == nil || !strings.Contains(err.Error(), "positive definite") {
		t.Errorf("Limit on a singular kernel: error %v; want a refusal naming positive definiteness", err)
	}
}

func TestPredictorRefusesBadInput(t *testing.T) {
	H, K, y, _, _ := predictionProblem(6, 2, 3)
	pred, err := NewPredictor(H, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	nanY := append([]float64(nil), y...)
	nanY[3] = math.NaN()
	for name, c := range map[string]struct {
		run  func() error
		want string
	}{
		"nil kernel":     {func() error { _, err := NewPredictor(nil, y, nil); return err }, "nil"},
		"short y":        {func() error { _, err := NewPredictor(H, y[:5], nil); return err }, "len(y) = 5"},
		"NaN y":          {func() error { _, err := NewPredictor(H, nanY, nil); return err }, "y[3] = NaN"},
		"short f0":       {func() error { _, err := NewPredictor(H, y, y[:2]); return err }, "len(f0) = 2"},
		"nil test":       {func() error { _, err := pred.WithTest(nil, nil); return err }, "nil"},
		"test columns":   {func() error { _, err := pred.WithTest(mat.NewDense(2, 5, nil), nil); return err }, "2×5"},
		"test f0":        {func() error { _, err := pred.WithTest(K, []float64{1}); return err }, "len(f0) = 1"},
		"negative steps": {func() error { _, err := pred.AtStep(-1, 0.1); return err }, "t = -1"},
		"zero eta":       {func() error { _, err := pred.AtStep(1, 0); return err }, "η = 0"},
		"negative time":  {func() error { _, err := pred.AtTime(-1); return err }, "t = -1"},
		"diverging":      {func() error { _, err := pred.AtStep(1<<20, 3/pred.Values()[5]); return err }, "2/λ_max"},
	} {
		if err := c.run(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one mentioning %q", name, err, c.want)
		}
	}
}

// uniformValues returns n values drawn uniformly from [−1, 1].
func uniformValues(n int, seed uint64) []float64 {
	rng := rand.New(rand.NewPCG(seed, 19))
	v := make([]float64, n)
	for i := range v {
		v[i] = 2*rng.Float64() - 1
	}
	return v
}
