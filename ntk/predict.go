package ntk

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// Predictor gives the outputs of a network trained by gradient descent on
// the loss ½ Σ_i (f(x_i) − y_i)² in the kernel (infinite-width, linearized)
// regime, at any step or time, on the training inputs and on test inputs,
// as neural-tangents' predict.gradient_descent_mse does. With H the n×n
// training kernel (e.g. KernelInf), K the p×n test×train kernel (e.g.
// KernelInfCross) and r(0) = y − f(0) the initial training residual:
//
//	discrete, t steps of size η:  r(t) = (I − ηH)^t r(0)
//	                              f_test(t) = f_test(0) + K H⁻¹ (I − (I − ηH)^t) r(0)
//	continuous (gradient flow):   r(t) = exp(−Ht) r(0)
//	                              f_test(t) = f_test(0) + K H⁻¹ (I − exp(−Ht)) r(0)
//
// and f_train(t) = y − r(t) (paper, eq. 4: df/dt = H(y − f); Theorem 42 for
// the discrete linearization). NewPredictor diagonalizes H = V diag(λ) Vᵀ
// once; every evaluation then costs O(n² + pn), so many t are cheap, and
// stays stable for large t: the factor H⁻¹(I − (I − ηH)^t) acts on
// eigenvector k as (1 − (1 − ηλ_k)^t)/λ_k, evaluated with log1p and expm1
// (and as ηt when λ_k = 0), so it is accurate for small λ_k and needs no
// inverse of H at finite t: H positive semi-definite suffices there.
//
// Conditions: the discrete residual converges iff 0 < ηλ_k < 2 for every
// eigenvalue with a nonzero component, so choose η < 2/λ_max
// (Spectrum.Max); the limit t → ∞, kernel regression
// f_test(∞) = f_test(0) + K H⁻¹ r(0), needs H positive definite (see Limit).
//
// A Predictor is immutable and safe for concurrent use.
type Predictor struct {
	n      int
	values []float64  // eigenvalues λ_k of H, ascending
	vecs   *mat.Dense // n×n, column k is the unit eigenvector of λ_k
	y      []float64
	coef   []float64 // c = Vᵀ r(0)

	testF0 []float64  // f_test(0), nil without test inputs
	testV  *mat.Dense // K V, p×n
}

// Prediction is the state of the linearized network at one step or time.
type Prediction struct {
	// Residual is r(t) = y − f(t) on the training inputs.
	Residual []float64
	// Train is f(t) on the training inputs.
	Train []float64
	// Test is f(t) on the test inputs; nil unless the Predictor was built
	// by WithTest.
	Test []float64
	// Loss is ½‖r(t)‖², the training loss.
	Loss float64
}

// NewPredictor returns the predictor for the training kernel H (symmetric
// n×n, typically KernelInf(X, B) or KernelEmpirical), targets y and initial
// training outputs f0 (nil means f(0) = 0, as under the symmetric
// initialization of Definition 7).
//
// It computes the full eigendecomposition of H with gonum's EigenSym: O(n³)
// in pure Go, seconds at n = 1000 and minutes at n = 4000. Memory: 8n² bytes
// for the eigenvectors, checked against MaxKernelBytes.
func NewPredictor(H mat.Symmetric, y, f0 []float64) (*Predictor, error) {
	if H == nil || H.SymmetricDim() == 0 {
		return nil, errors.New("ntk: NewPredictor: the kernel H is nil or empty; pass the n×n training kernel")
	}
	n := H.SymmetricDim()
	if err := checkMemory(fmt.Sprintf("NewPredictor: the eigenvectors of the %d×%d kernel", n, n), 2*matrixBytes(n, n)); err != nil {
		return nil, err
	}
	if err := checkSampleVector("NewPredictor", "y", y, n); err != nil {
		return nil, err
	}
	if f0 == nil {
		f0 = make([]float64, n)
	}
	if err := checkSampleVector("NewPredictor", "f0", f0, n); err != nil {
		return nil, err
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := H.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("ntk: NewPredictor: H[%d][%d] = %v; the kernel must be finite", i, j, v)
			}
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(H, true) {
		return nil, errEigenSym
	}
	p := &Predictor{n: n, values: eig.Values(nil), vecs: &mat.Dense{}, y: append([]float64(nil), y...)}
	eig.VectorsTo(p.vecs)
	r0 := make([]float64, n)
	floats.SubTo(r0, y, f0)
	p.coef = make([]float64, n)
	mat.NewVecDense(n, p.coef).MulVec(p.vecs.T(), mat.NewVecDense(n, r0))
	return p, nil
}

// WithTest returns a predictor that also predicts on p test inputs, from
// the p×n test×train kernel K (e.g. KernelInfCross(Xtest, Xtrain, B)) and
// the initial test outputs f0 (nil means 0). The receiver is unchanged; the
// eigendecomposition is shared. Cost O(pn²); memory 8pn bytes.
func (p *Predictor) WithTest(K mat.Matrix, f0 []float64) (*Predictor, error) {
	if err := p.ready("WithTest"); err != nil {
		return nil, err
	}
	if K == nil {
		return nil, errors.New("ntk: WithTest: the test×train kernel K is nil; pass the p×n kernel between test and training inputs")
	}
	rows, cols := K.Dims()
	if cols != p.n {
		return nil, fmt.Errorf("ntk: WithTest: K is %d×%d but the training kernel is %d×%d; pass K(test, train) with one column per training input", rows, cols, p.n, p.n)
	}
	if err := checkMemory(fmt.Sprintf("WithTest: the %d×%d projected test kernel", rows, cols), matrixBytes(rows, cols)); err != nil {
		return nil, err
	}
	if err := checkFiniteKernel("WithTest", "K", K); err != nil {
		return nil, err
	}
	if f0 == nil {
		f0 = make([]float64, rows)
	}
	if err := checkSampleVector("WithTest", "f0", f0, rows); err != nil {
		return nil, err
	}
	q := *p
	q.testF0 = append([]float64(nil), f0...)
	q.testV = mat.NewDense(rows, p.n, nil)
	q.testV.Mul(K, p.vecs)
	return &q, nil
}

// Values returns the eigenvalues of the training kernel in ascending order
// (a copy): Values()[n−1] is λ_max, and steps η < 2/λ_max converge.
func (p *Predictor) Values() []float64 {
	if p == nil {
		return nil
	}
	return append([]float64(nil), p.values...)
}

// AtStep returns the state after t ≥ 0 steps of gradient descent with step
// size η > 0:
//
//	r(t) = (I − ηH)^t r(0),  f_test(t) = f_test(0) + K H⁻¹ (I − (I − ηH)^t) r(0).
//
// If η ≥ 2/λ_max the iteration diverges; AtStep returns an error when the
// result overflows.
func (p *Predictor) AtStep(t int, eta float64) (*Prediction, error) {
	if err := p.ready("AtStep"); err != nil {
		return nil, err
	}
	if t < 0 {
		return nil, fmt.Errorf("ntk: AtStep: t = %d; the number of steps must be ≥ 0", t)
	}
	if math.IsNaN(eta) || math.IsInf(eta, 0) || eta <= 0 {
		return nil, fmt.Errorf("ntk: AtStep: η = %v; the step size must be a finite number > 0 (below 2/λ_max = %.4g to converge)", eta, 2/p.values[p.n-1])
	}
	tf := float64(t)
	return p.evaluate(fmt.Sprintf("AtStep(%d, %v)", t, eta), eta, func(lambda float64) (decay, gain float64) {
		u := eta * lambda
		switch {
		case lambda == 0:
			return 1, eta * tf
		case u < 1:
			// (1 − u)^t = exp(t·log1p(−u)), without the rounding of 1 − u.
			l := tf * math.Log1p(-u)
			return math.Exp(l), -math.Expm1(l) / lambda
		default:
			// 1 − u is exact here (Sterbenz) up to u = 2 and the base is
			// far from 1 beyond; math.Pow keeps the sign of odd powers.
			d := math.Pow(1-u, tf)
			return d, (1 - d) / lambda
		}
	})
}

// AtTime returns the state of gradient flow df/dt = H(y − f) (paper, eq. 4)
// at time t ≥ 0:
//
//	r(t) = exp(−Ht) r(0),  f_test(t) = f_test(0) + K H⁻¹ (I − exp(−Ht)) r(0).
//
// t steps of size η approach time ηt as η → 0.
func (p *Predictor) AtTime(t float64) (*Prediction, error) {
	if err := p.ready("AtTime"); err != nil {
		return nil, err
	}
	if math.IsNaN(t) || math.IsInf(t, 0) || t < 0 {
		return nil, fmt.Errorf("ntk: AtTime: t = %v; the time must be a finite number ≥ 0", t)
	}
	return p.evaluate(fmt.Sprintf("AtTime(%v)", t), 0, func(lambda float64) (decay, gain float64) {
		if lambda == 0 {
			return 1, t
		}
		e := math.Expm1(-lambda * t)
		return e + 1, -e / lambda
	})
}

// Limit returns the state reached as t → ∞ (by gradient flow, or by gradient
// descent with η < 2/λ_max): r = 0 on the training inputs and kernel
// regression on the test inputs,
//
//	f_test(∞) = f_test(0) + K H⁻¹ (y − f(0)).
//
// It needs H positive definite: Limit returns an error when λ_min ≤
// n·ε·λ_max, where H⁻¹ is not determined by float64 data.
func (p *Predictor) Limit() (*Prediction, error) {
	if err := p.ready("Limit"); err != nil {
		return nil, err
	}
	lo, hi := p.values[0], p.values[p.n-1]
	if !(lo > float64(p.n)*machineEps*math.Abs(hi)) {
		return nil, fmt.Errorf("ntk: Limit: the training kernel has λ_min = %.3g ≤ n·ε·λ_max = %.3g; the t → ∞ limit needs a positive definite kernel (use AtTime with a finite t)", lo, float64(p.n)*machineEps*math.Abs(hi))
	}
	return p.evaluate("Limit", 0, func(lambda float64) (decay, gain float64) {
		return 0, 1 / lambda
	})
}

// evaluate returns the state whose training residual is V diag(decay_k) c
// and whose test outputs are f_test(0) + (KV) diag(gain_k) c, with
// (decay_k, gain_k) = factors(λ_k).
func (p *Predictor) evaluate(what string, eta float64, factors func(lambda float64) (decay, gain float64)) (*Prediction, error) {
	n := p.n
	dc := make([]float64, n)
	gc := make([]float64, n)
	for k, lambda := range p.values {
		d, g := factors(lambda)
		dc[k] = d * p.coef[k]
		gc[k] = g * p.coef[k]
	}
	pr := &Prediction{Residual: make([]float64, n), Train: make([]float64, n)}
	mat.NewVecDense(n, pr.Residual).MulVec(p.vecs, mat.NewVecDense(n, dc))
	floats.SubTo(pr.Train, p.y, pr.Residual)
	pr.Loss = floats.Dot(pr.Residual, pr.Residual) / 2
	if p.testV != nil {
		rows, _ := p.testV.Dims()
		pr.Test = make([]float64, rows)
		mat.NewVecDense(rows, pr.Test).MulVec(p.testV, mat.NewVecDense(n, gc))
		floats.Add(pr.Test, p.testF0)
	}
	if math.IsNaN(pr.Loss) || math.IsInf(pr.Loss, 0) || (pr.Test != nil && !finiteValues(pr.Test)) {
		if eta > 0 {
			return nil, fmt.Errorf("ntk: %s: the prediction overflows: gradient descent diverges because η = %v ≥ 2/λ_max = %.4g", what, eta, 2/p.values[n-1])
		}
		return nil, fmt.Errorf("ntk: %s: the prediction overflows (λ_min = %.3g)", what, p.values[0])
	}
	return pr, nil
}

// ready reports a nil or zero Predictor, which only NewPredictor can build.
func (p *Predictor) ready(fn string) error {
	if p == nil || p.n == 0 {
		return fmt.Errorf("ntk: %s: the Predictor is nil or empty; build it with NewPredictor", fn)
	}
	return nil
}

// checkSampleVector reports whether v has n finite entries.
func checkSampleVector(fn, name string, v []float64, n int) error {
	if len(v) != n {
		return fmt.Errorf("ntk: %s: len(%s) = %d but the kernel has %d rows; give one value per sample", fn, name, len(v), n)
	}
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return fmt.Errorf("ntk: %s: %s[%d] = %v; values must be finite", fn, name, i, x)
		}
	}
	return nil
}

// checkFiniteKernel reports the first NaN or infinite entry of M.
func checkFiniteKernel(fn, name string, M mat.Matrix) error {
	r, c := M.Dims()
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			if v := M.At(i, j); math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("ntk: %s: %s[%d][%d] = %v; the kernel must be finite", fn, name, i, j, v)
			}
		}
	}
	return nil
}

func finiteValues(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}
