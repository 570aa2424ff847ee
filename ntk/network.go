// Package ntk implements the one-hidden-layer ReLU network with large
// trainable biases of Yang, Jiang, Zhang, Liang and Wang, "Neural Networks with
// Sparse Activation Induced by Large Bias: Tighter Analysis with
// Bias-Generalized NTK" (JMLR 25(321), 2024), its gradient-descent trainers,
// its finite- and infinite-width neural tangent kernels, and the bounds the
// paper proves about them.
//
// The network is
//
//	f(x; W, b) = (1/√m) Σ_{r=1..m} a_r σ(⟨w_r, x⟩ − b_r),   σ(z) = max(z, 0),
//
// with the bias subtracted: neuron r fires on x when ⟨w_r, x⟩ ≥ b_r (the
// indicator is non-strict, so σ'(0) = 1). At initialization w_r ~ N(0, I_d),
// a_r is a uniform random sign and every b_r equals the same constant B ≥ 0,
// so that a neuron fires on a unit input with probability Q(B) ≈ e^{−B²/2}.
// W and b are trained by full-batch gradient descent on the summed squared
// loss L = ½ Σ_i (f(x_i) − y_i)²; the second layer a is fixed.
//
// All computation is in float64. Results depend only on the inputs and the
// seed, never on GOMAXPROCS.
package ntk

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// Network is a one-hidden-layer ReLU network with subtracted per-neuron biases
// (paper, Section 2.1):
//
//	f(x) = (1/√m) Σ_r A_r max(⟨w_r, x⟩ − Bias_r, 0).
//
// The fields are exported so that users can inspect and set the parameters;
// Validate checks that they fit together.
type Network struct {
	W    *mat.Dense // m×d, row r is w_r
	Bias []float64  // b_r; neuron r fires on x iff ⟨w_r, x⟩ ≥ b_r
	A    []float64  // fixed second layer, each +1 or −1
}

// Init describes how to initialize a Network (paper, Section 2.1 and
// Definition 7).
type Init struct {
	// Width is the number m of hidden neurons, the number of rows of W.
	Width int
	// Dim is the input dimension d.
	Dim int
	// B is the initial bias of every neuron, B ≥ 0. Neuron r fires on x iff
	// ⟨w_r, x⟩ ≥ b_r, so in the usual "Wx + bias" convention this is a bias of −B.
	B float64
	// Symmetric selects the symmetric initialization of Definition 7: the
	// second half of the neurons copies the weights of the first half and
	// negates their second-layer signs, so f(·; θ(0)) ≡ 0. Width must be even.
	// The paper leaves the output scale of the 2m-neuron network open
	// (paper.md §8.7); here the scale stays 1/√Width over all Width neurons.
	Symmetric bool
	// Seed selects the random draw. The same seed gives the same bits.
	Seed uint64
}

// maxParams bounds m·d so that a typo in a width cannot ask for terabytes.
const maxParams = 1 << 31

// New returns a network initialized as described by init: every w_r drawn
// from N(0, I_d), every a_r a uniform sign, every b_r = init.B.
//
// The draw is sequential in the neuron index from a PCG generator seeded by
// init.Seed, so it is reproducible bit for bit on every machine.
func New(init Init) (*Network, error) {
	m, d := init.Width, init.Dim
	switch {
	case m <= 0:
		return nil, fmt.Errorf("ntk: Init.Width = %d; the number of hidden neurons must be positive", m)
	case d <= 0:
		return nil, fmt.Errorf("ntk: Init.Dim = %d; the input dimension must be positive", d)
	case init.Symmetric && m%2 != 0:
		return nil, fmt.Errorf("ntk: Init.Width = %d with Symmetric; symmetric initialization pairs neurons, so use an even width", m)
	case math.IsNaN(init.B) || math.IsInf(init.B, 0) || init.B < 0:
		return nil, fmt.Errorf("ntk: Init.B = %v; the paper's initial bias must be a finite number ≥ 0 (a neuron fires when ⟨w,x⟩ ≥ B)", init.B)
	case float64(m)*float64(d) > maxParams:
		return nil, fmt.Errorf("ntk: Init.Width·Init.Dim = %d·%d needs %.3g GB for W; reduce the width or the dimension", m, d, float64(m)*float64(d)*8/1e9)
	}
	rng := rand.New(rand.NewPCG(init.Seed, 0x5ba75e7e))
	w := make([]float64, m*d)
	a := make([]float64, m)
	half := m
	if init.Symmetric {
		half = m / 2
	}
	for r := 0; r < half; r++ {
		for j := 0; j < d; j++ {
			w[r*d+j] = rng.NormFloat64()
		}
		a[r] = 1
		if rng.Uint64()&1 == 1 {
			a[r] = -1
		}
	}
	if init.Symmetric {
		copy(w[half*d:], w[:half*d])
		for r := half; r < m; r++ {
			a[r] = -a[r-half]
		}
	}
	bias := make([]float64, m)
	for r := range bias {
		bias[r] = init.B
	}
	return &Network{W: mat.NewDense(m, d, w), Bias: bias, A: a}, nil
}

// Width returns the number m of hidden neurons.
func (net *Network) Width() int { m, _ := net.W.Dims(); return m }

// Dim returns the input dimension d.
func (net *Network) Dim() int { _, d := net.W.Dims(); return d }

// Clone returns a deep copy of net.
func (net *Network) Clone() *Network {
	return &Network{
		W:    mat.DenseCopyOf(net.W),
		Bias: append([]float64(nil), net.Bias...),
		A:    append([]float64(nil), net.A...),
	}
}

// Validate reports whether the fields of net fit together: W is non-empty
// and finite, Bias and A have one entry per row of W, Bias is finite and every
// A_r is +1 or −1.
func (net *Network) Validate() error {
	if net == nil {
		return errors.New("ntk: the network is nil; build one with ntk.New")
	}
	if net.W == nil || net.W.IsEmpty() {
		return errors.New("ntk: Network.W is nil or empty; build the network with ntk.New")
	}
	m, _ := net.W.Dims()
	if len(net.Bias) != m {
		return fmt.Errorf("ntk: len(Network.Bias) = %d but W has %d rows; give one bias per neuron", len(net.Bias), m)
	}
	if len(net.A) != m {
		return fmt.Errorf("ntk: len(Network.A) = %d but W has %d rows; give one output sign per neuron", len(net.A), m)
	}
	for r, a := range net.A {
		if a != 1 && a != -1 {
			return fmt.Errorf("ntk: Network.A[%d] = %v; the fixed second layer holds only +1 and −1", r, a)
		}
	}
	for r, b := range net.Bias {
		if math.IsNaN(b) || math.IsInf(b, 0) {
			return fmt.Errorf("ntk: Network.Bias[%d] = %v; biases must be finite", r, b)
		}
	}
	if err := checkFinite("Network.W", net.W); err != nil {
		return err
	}
	return nil
}

// Predict returns f(x_i) for every row x_i of X:
//
//	f(x) = (1/√m) Σ_r A_r max(⟨w_r, x⟩ − Bias_r, 0).
//
// X must have Dim() columns and finite entries.
func (net *Network) Predict(X *mat.Dense) ([]float64, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := checkInputs(X, net.Dim()); err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	m := net.Width()
	f := make([]float64, n)
	var pre []float64
	for r0 := 0; r0 < m; r0 += neuronBlock {
		r1 := min(r0+neuronBlock, m)
		pre = preactivations(pre, net.W, X, r0, r1)
		forward(f, pre, net.Bias, net.A, r0, r1)
	}
	scale := 1 / math.Sqrt(float64(m))
	for i := range f {
		f[i] *= scale
		if math.IsNaN(f[i]) || math.IsInf(f[i], 0) {
			return nil, fmt.Errorf("ntk: Predict: the output on row %d of X overflows float64 (%v); rescale the inputs or the weights", i, f[i])
		}
	}
	return f, nil
}

// Active returns the firing pattern of net on X: Active()[i] lists, in
// increasing order, the neurons r with ⟨w_r, x_i⟩ ≥ b_r (the set S_on(i) of
// the paper's Lemma 33).
func (net *Network) Active(X *mat.Dense) ([][]int32, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := checkInputs(X, net.Dim()); err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	m := net.Width()
	act := make([][]int32, n)
	var pre []float64
	for r0 := 0; r0 < m; r0 += neuronBlock {
		r1 := min(r0+neuronBlock, m)
		pre = preactivations(pre, net.W, X, r0, r1)
		k := r1 - r0
		for i := 0; i < n; i++ {
			for j, z := range pre[i*k : (i+1)*k] {
				if z >= net.Bias[r0+j] {
					act[i] = append(act[i], int32(r0+j))
				}
			}
		}
	}
	return act, nil
}

// preactivations returns the n×(r1−r0) row-major matrix of ⟨w_r, x_i⟩ for
// the neurons r0 ≤ r < r1, computed as X·W[r0:r1]ᵀ with one BLAS call. dst is
// reused when it is large enough.
func preactivations(dst []float64, W, X *mat.Dense, r0, r1 int) []float64 {
	n, d := X.Dims()
	k := r1 - r0
	if cap(dst) < n*k {
		dst = make([]float64, n*k)
	}
	dst = dst[:n*k]
	wr := W.RawMatrix()
	xr := X.RawMatrix()
	blas64.Gemm(blas.NoTrans, blas.Trans, 1,
		blas64.General{Rows: n, Cols: d, Stride: xr.Stride, Data: xr.Data},
		blas64.General{Rows: k, Cols: d, Stride: wr.Stride, Data: wr.Data[r0*wr.Stride:]},
		0, blas64.General{Rows: n, Cols: k, Stride: k, Data: dst})
	return dst
}

// neuronBlock is the number of neurons whose pre-activations are held at
// once by Predict and Active: memory stays at n·neuronBlock floats whatever m.
const neuronBlock = 4096

// forward adds Σ_{r0≤r<r1} a_r max(pre_ir − b_r, 0) to f_i, where pre holds
// the row-major n×(r1−r0) block of pre-activations for those neurons. The sum
// runs in increasing r for every i.
func forward(f, pre, bias, a []float64, r0, r1 int) {
	k := r1 - r0
	for i := range f {
		row := pre[i*k : (i+1)*k]
		s := 0.0
		for j, z := range row {
			r := r0 + j
			if u := z - bias[r]; u >= 0 {
				s += a[r] * u
			}
		}
		f[i] += s
	}
}

// checkInputs reports whether X is a non-empty finite matrix with d columns.
func checkInputs(X *mat.Dense, d int) error {
	if X == nil || X.IsEmpty() {
		return errors.New("ntk: the input matrix X is nil or empty; pass one sample per row")
	}
	_, c := X.Dims()
	if c != d {
		return fmt.Errorf("ntk: X has %d columns but the network takes inputs of dimension %d; pass samples of that dimension", c, d)
	}
	return checkFinite("X", X)
}

// checkFinite reports the first NaN or infinite entry of M.
func checkFinite(name string, M *mat.Dense) error {
	r, c := M.Dims()
	raw := M.RawMatrix()
	for i := 0; i < r; i++ {
		for j, v := range raw.Data[i*raw.Stride : i*raw.Stride+c] {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("ntk: %s[%d][%d] = %v; all entries must be finite", name, i, j, v)
			}
		}
	}
	return nil
}

// checkTargets reports whether y has n finite entries.
func checkTargets(y []float64, n int) error {
	if len(y) != n {
		return fmt.Errorf("ntk: len(y) = %d but X has %d rows; give one target per sample", len(y), n)
	}
	for i, v := range y {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("ntk: y[%d] = %v; targets must be finite", i, v)
		}
	}
	return nil
}
