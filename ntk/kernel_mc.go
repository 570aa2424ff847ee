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

// KernelMonteCarlo estimates the infinite-width kernel KernelInf(X, B) by
// averaging over M = samples independent draws w_s ~ N(0, I_d), and returns
// the standard error of every entry:
//
//	mean_ij   = (1/M) Σ_s (⟨x_i,x_j⟩ + 1) 1[⟨w_s,x_i⟩ ≥ B] 1[⟨w_s,x_j⟩ ≥ B]
//	stderr_ij = |⟨x_i,x_j⟩ + 1| · sqrt(p̂_ij (1 − p̂_ij) / (M − 1)),  p̂_ij = mean_ij/(⟨x_i,x_j⟩ + 1),
//
// the sample standard deviation of the M terms divided by √M. This is what
// neural-tangents calls a Monte Carlo kernel; the mean is the empirical
// kernel KernelEmpirical of a width-M network whose biases all equal B, and
// its error decays like 1/√M (paper, Lemma 16: ‖H(0) − H∞‖ = O(√(log n/m))).
// An entry whose two samples never fired together has p̂ = 0 and a standard
// error of 0: use enough samples that M·P(both fire) ≫ 1.
//
// The draws come from one PCG stream seeded by seed, in neuron order, so the
// result depends only on (X, B, samples, seed), bit for bit, whatever
// GOMAXPROCS; the co-firing counts are exact integers (see KernelEmpirical).
// Rows of X may have any norm. B must be finite and ≥ 0, samples ≥ 2.
//
// Cost: one n×d by d×M product and about M·(nQ(B))²/2 increments for unit
// rows. Memory: the two n×n results (16n² bytes, checked against
// MaxKernelBytes) and a working space of at most about 80 MB.
func KernelMonteCarlo(X *mat.Dense, B float64, samples int, seed uint64) (mean, stderr *mat.SymDense, err error) {
	if X == nil || X.IsEmpty() {
		return nil, nil, errors.New("ntk: KernelMonteCarlo: the input matrix X is nil or empty; pass one sample per row")
	}
	if err := checkFinite("X", X); err != nil {
		return nil, nil, err
	}
	if err := checkRowSquares("KernelMonteCarlo", "X", X); err != nil {
		return nil, nil, err
	}
	if err := checkKernelBias("KernelMonteCarlo", B); err != nil {
		return nil, nil, err
	}
	if samples < 2 {
		return nil, nil, fmt.Errorf("ntk: KernelMonteCarlo: samples = %d; at least 2 draws are needed for a standard error", samples)
	}
	n, d := X.Dims()
	k := firingBlock(n, samples)
	if err := checkMemory(fmt.Sprintf("KernelMonteCarlo: the two %d×%d matrices with their working space", n, n),
		2*matrixBytes(n, n)+matrixBytes(n, k)+matrixBytes(k, d+1)+coFiringBytes(n, k)); err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 0x6b65726e656c4d43)) // "kernelMC"
	threshold := make([]float64, k)
	for r := range threshold {
		threshold[r] = B
	}
	w := make([]float64, k*d)
	pre := make([]float64, n*k)
	mean = mat.NewSymDense(n, nil)
	stderr = mat.NewSymDense(n, nil)
	cf := newCoFiring(mean)
	xr := X.RawMatrix()
	for r0 := 0; r0 < samples; r0 += k {
		kb := min(k, samples-r0)
		for j := range w[:kb*d] {
			w[j] = rng.NormFloat64()
		}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1,
			blas64.General{Rows: n, Cols: d, Stride: xr.Stride, Data: xr.Data},
			blas64.General{Rows: kb, Cols: d, Stride: d, Data: w},
			0, blas64.General{Rows: n, Cols: kb, Stride: kb, Data: pre[:n*kb]})
		cf.add(pre[:n*kb], kb, threshold)
	}
	scaleCounts(mean, stderr, X, samples)
	return mean, stderr, nil
}

// checkKernelBias reports whether B is a valid bias of the paper: finite and ≥ 0.
func checkKernelBias(fn string, B float64) error {
	if math.IsNaN(B) || math.IsInf(B, 0) || B < 0 {
		return fmt.Errorf("ntk: %s: B = %v; the paper's bias must be a finite number ≥ 0 (a neuron fires on x when ⟨w,x⟩ ≥ B)", fn, B)
	}
	return nil
}
