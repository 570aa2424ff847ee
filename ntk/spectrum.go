package ntk

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/lapack/lapack64"
	"gonum.org/v1/gonum/mat"
)

// Spectrum describes the eigenvalues of a symmetric matrix K, typically a
// kernel: the extremes that govern gradient descent (rate ηλ_min, stability
// η < 2/λ_max; paper, Theorem 1) and, from Eigenvalues, all of them.
type Spectrum struct {
	// Min and Max are the smallest and largest eigenvalues λ_min and λ_max,
	// each the Rayleigh quotient vᵀKv of its unit eigenvector.
	Min, Max float64
	// MinVector and MaxVector are the unit eigenvectors v of Min and Max.
	MinVector, MaxVector []float64
	// MinResidual and MaxResidual are the residual norms r = ‖Kv − λv‖₂ of
	// the pairs (Min, MinVector) and (Max, MaxVector). K has an eigenvalue
	// within r of each value, and within about r²/gap, gap the distance to
	// the rest of the spectrum: r bounds the error of the value (usually far
	// from tightly) and r/gap that of the vector. MinResidual is +Inf in the
	// rare case that no eigenvector for Min could be computed.
	MinResidual, MaxResidual float64
	// Cond is the 2-norm condition number Max/Min, or +Inf unless Min > 0.
	Cond float64
	// PD reports that K is numerically positive definite: its Cholesky
	// factorization succeeded.
	PD bool
	// PSD reports that K is positive semi-definite up to rounding:
	// Min ≥ −Tol.
	PSD bool
	// Tol = n·ε·max(|Min|, |Max|) is the size of the eigenvalue changes that
	// rounding the entries of K can cause (ε = 2^−52); eigenvalues within
	// ±Tol of 0 are indistinguishable from 0.
	Tol float64
	// Values holds all n eigenvalues in ascending order when computed (by
	// Eigenvalues, or by Extremes when K is not positive definite), else nil.
	// Values[0] and Values[n−1] agree with Min and Max within their
	// residuals.
	Values []float64
}

// Extremes returns λ_min and λ_max of the symmetric matrix K with their
// eigenvectors, residual norms, condition number and a definiteness report,
// without computing the whole spectrum:
//
//   - λ_max by the Lanczos method with full reorthogonalization on K
//     (O(n²) per step, a few steps for a kernel, whose top eigenvalue is
//     well separated);
//   - λ_min, when the Cholesky factorization K = UᵀU succeeds (K
//     numerically positive definite, reported as PD), by the same Lanczos
//     method on K⁻¹ applied through U: n³/3 flops for the factorization
//     and O(n²) per step, one to two hundred steps for a kernel;
//   - otherwise (PD false) all eigenvalues by gonum's EigenSym, stored in
//     Values, and the eigenvector of λ_min by Lanczos on (K − sI)⁻¹ for a
//     shift s just below it.
//
// Accuracy: each extreme is the Rayleigh quotient λ = vᵀKv of its computed
// unit eigenvector v; K has an eigenvalue within the reported residual
// r = ‖Kv − λv‖ of λ, and within about r²/gap, gap the distance to the rest
// of the spectrum. The λ_max iteration stops when its estimated residual
// falls to 10⁻¹² λ_max. The λ_min iteration on K⁻¹ stops when either its
// residual falls to 10⁻¹² of 1/λ_min or its value error estimate r²/gap
// falls to 10⁻¹⁵ of it: the bottom of a kernel's spectrum is clustered, and
// there the vector converges far more slowly than the value, so MinResidual
// may be 10⁻⁸ λ_max while Min is accurate to about 10⁻¹² λ_max (tested
// against EigenSym). At most min(n, 400) steps run; residuals are recomputed
// from K.
//
// Cost, measured on two cores shared with other work, for the exact kernel
// at B = 1 of unit rows in R^64: 0.2 s at n = 1000, 3 s at n = 2000, 7–16 s
// at n = 4000 (the factorization and about two hundred memory-bound
// triangular solves), against 0.9 s, 16 s and 86 s for Eigenvalues.
//
// K must be finite, n ≥ 1. Memory: 8n² bytes for the factorization (16n²
// when EigenSym runs), checked against MaxKernelBytes. The result is
// bitwise independent of GOMAXPROCS.
func Extremes(K mat.Symmetric) (*Spectrum, error) {
	A, err := symmetricInput("Extremes", K, 1)
	if err != nil {
		return nil, err
	}
	return extremes(A)
}

// Eigenvalues returns the full spectrum of the symmetric matrix K in
// Spectrum.Values (ascending), computed by gonum's EigenSym (LAPACK dsyev:
// backward stable, every eigenvalue accurate to about n·ε·max|λ| in absolute
// terms), together with everything Extremes reports. It costs O(n³) in pure
// Go: about 1 s at n = 1000, 15 s at n = 2000 and 1.5 minutes at n = 4000
// on two shared cores; use Extremes when the extremes suffice.
//
// K must be finite, n ≥ 1. Memory: about 16n² bytes beyond K, checked against
// MaxKernelBytes.
func Eigenvalues(K mat.Symmetric) (*Spectrum, error) {
	A, err := symmetricInput("Eigenvalues", K, 2)
	if err != nil {
		return nil, err
	}
	s, err := extremes(A)
	if err != nil {
		return nil, err
	}
	if s.Values == nil {
		if s.Values, err = allEigenvalues(A); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// symmetricInput validates K and returns it as a *mat.SymDense (K itself if
// it is one), after checking that extra n×n work matrices besides fit in
// MaxKernelBytes.
func symmetricInput(fn string, K mat.Symmetric, extra int) (*mat.SymDense, error) {
	if K == nil {
		return nil, fmt.Errorf("ntk: %s: the matrix is nil; pass a symmetric kernel such as the result of KernelInf", fn)
	}
	n := K.SymmetricDim()
	if n == 0 {
		return nil, fmt.Errorf("ntk: %s: the matrix is empty; pass an n×n kernel with n ≥ 1", fn)
	}
	A, ok := K.(*mat.SymDense)
	copies := extra
	if !ok {
		copies++
	}
	if err := checkMemory(fmt.Sprintf("%s: %d work matrices of %d×%d", fn, copies, n, n), int64(copies)*matrixBytes(n, n)); err != nil {
		return nil, err
	}
	if !ok {
		A = mat.NewSymDense(n, nil)
		A.CopySym(K)
	}
	raw := A.RawSymmetric()
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if v := raw.Data[i*raw.Stride+j]; math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("ntk: %s: K[%d][%d] = %v; the matrix must be finite", fn, i, j, v)
			}
		}
	}
	return A, nil
}

// Lanczos parameters: the relative residual at which a Ritz pair is
// accepted, the relative error estimate r²/δ at which a Ritz value is
// accepted, and the largest number of steps.
const (
	lanczosTol      = 1e-12
	lanczosValueTol = 1e-15
	lanczosMaxSteps = 400
)

func extremes(A *mat.SymDense) (*Spectrum, error) {
	n := A.SymmetricDim()
	raw := A.RawSymmetric()
	mul := func(dst, x []float64) {
		blas64.Symv(1, raw, blas64.Vector{N: n, Inc: 1, Data: x}, 0, blas64.Vector{N: n, Inc: 1, Data: dst})
	}
	s := &Spectrum{}
	_, v, err := lanczosTop(n, mul, lanczosStart(n, 1), 0)
	if err != nil {
		return nil, err
	}
	s.Max, s.MaxResidual = rayleigh(mul, v)
	s.MaxVector = v

	if v, s.PD, err = inverseTop(raw, 0); err != nil {
		return nil, err
	}
	if s.PD {
		s.Min, s.MinResidual = rayleigh(mul, v)
		s.MinVector = v
	} else {
		// Not numerically positive definite: all eigenvalues, then the
		// eigenvector of λ_min by inverse Lanczos with the first shift below
		// the computed λ_min whose factorization succeeds.
		if err := checkMemory(fmt.Sprintf("the eigensolver for a %d×%d matrix that is not positive definite", n, n), 2*matrixBytes(n, n)); err != nil {
			return nil, err
		}
		if s.Values, err = allEigenvalues(A); err != nil {
			return nil, err
		}
		values := s.Values
		s.Min, s.MinResidual = values[0], math.Inf(1)
		scale := math.Max(math.Abs(values[0]), math.Abs(values[n-1]))
		gap := scale
		if n > 1 {
			gap = values[1] - values[0]
		}
		tau := math.Max(float64(n)*machineEps*scale, 1e-3*gap)
		if tau == 0 { // K = 0: every vector is an eigenvector
			tau = 1
		}
		for try := 0; try < 8; try++ {
			v, ok, err := inverseTop(raw, values[0]-tau)
			if err != nil {
				return nil, err
			}
			if ok {
				s.Min, s.MinResidual = rayleigh(mul, v)
				s.MinVector = v
				break
			}
			tau *= 10
		}
	}
	s.Tol = float64(n) * machineEps * math.Max(math.Abs(s.Min), math.Abs(s.Max))
	s.PSD = s.Min >= -s.Tol
	s.Cond = math.Inf(1)
	if s.Min > 0 {
		s.Cond = s.Max / s.Min
	}
	return s, nil
}

const machineEps = 0x1p-52

// inverseTop factorizes K − shift·I = UᵀU and returns the unit Lanczos
// eigenvector of the largest eigenvalue of (K − shift·I)⁻¹, that is of the
// eigenvalue of K nearest above shift; ok is false when the factorization
// fails (K − shift·I is not numerically positive definite).
func inverseTop(raw blas64.Symmetric, shift float64) (v []float64, ok bool, err error) {
	n := raw.N
	U := blas64.Symmetric{N: n, Stride: n, Uplo: blas.Upper, Data: make([]float64, n*n)}
	for i := 0; i < n; i++ {
		copy(U.Data[i*n+i:(i+1)*n], raw.Data[i*raw.Stride+i:i*raw.Stride+n])
		U.Data[i*n+i] -= shift
	}
	t, ok := lapack64.Potrf(U)
	if !ok {
		return nil, false, nil
	}
	solve := func(dst, x []float64) {
		copy(dst, x)
		choleskySolve(t.Data, n, t.Stride, dst)
	}
	if _, v, err = lanczosTop(n, solve, lanczosStart(n, 2), lanczosValueTol); err != nil {
		return nil, false, err
	}
	return v, true, nil
}

// choleskySolve overwrites x with (UᵀU)⁻¹x for the upper triangular n×n
// factor U stored row-major with the given stride: forward substitution
// with Uᵀ, then back substitution with U, in blocks of solveBlock rows.
// Within a block the substitution is sequential; the coupling to the rest
// (row-wise axpys into the unsolved part, row-wise dot products with the
// solved part) runs over contiguous rows of U with gonum's assembly kernels,
// split across GOMAXPROCS goroutines. Every x_j sees the same operations in
// the same order whatever the split, so the result does not depend on
// GOMAXPROCS. (gonum's dtrsv does the back substitution in plain Go, and its
// dtrsm with one right-hand side is slower still.)
func choleskySolve(u []float64, n, stride int, x []float64) {
	row := func(i, lo, hi int) []float64 { return u[i*stride+lo : i*stride+hi] }
	for r0 := 0; r0 < n; r0 += solveBlock {
		r1 := min(r0+solveBlock, n)
		for i := r0; i < r1; i++ {
			x[i] /= u[i*stride+i]
			floats.AddScaled(x[i+1:r1], -x[i], row(i, i+1, r1))
		}
		parallelFor(n-r1, 128, func(lo, hi int) {
			lo, hi = lo+r1, hi+r1
			for i := r0; i < r1; i++ {
				floats.AddScaled(x[lo:hi], -x[i], row(i, lo, hi))
			}
		})
	}
	for r1 := n; r1 > 0; r1 -= solveBlock {
		r0 := max(r1-solveBlock, 0)
		var partial [solveBlock]float64
		parallelFor(r1-r0, 16, func(lo, hi int) {
			for i := r0 + lo; i < r0+hi; i++ {
				partial[i-r0] = floats.Dot(row(i, r1, n), x[r1:n])
			}
		})
		for i := r1 - 1; i >= r0; i-- {
			x[i] = (x[i] - partial[i-r0] - floats.Dot(row(i, i+1, r1), x[i+1:r1])) / u[i*stride+i]
		}
	}
}

// solveBlock is the number of rows choleskySolve substitutes sequentially.
const solveBlock = 256

// rayleigh returns λ = vᵀKv and ‖Kv − λv‖₂ for the unit vector v, with
// mul(dst, x) computing dst = Kx.
func rayleigh(mul func(dst, x []float64), v []float64) (lambda, residual float64) {
	kv := make([]float64, len(v))
	mul(kv, v)
	lambda = floats.Dot(v, kv)
	floats.AddScaled(kv, -lambda, v)
	return lambda, floats.Norm(kv, 2)
}

// allEigenvalues returns the eigenvalues of A in ascending order.
func allEigenvalues(A *mat.SymDense) ([]float64, error) {
	var eig mat.EigenSym
	if !eig.Factorize(A, false) {
		return nil, errEigenSym
	}
	return eig.Values(nil), nil
}

// lanczosStart returns a fixed pseudo-random unit vector of length n: a
// start without special structure (the all-ones vector, for example, is
// orthogonal to the λ_min eigenspace of the orthonormal-data kernel).
func lanczosStart(n int, stream uint64) []float64 {
	rng := rand.New(rand.NewPCG(0x4c616e637a6f73, stream)) // "Lanczos"
	v := make([]float64, n)
	for i := range v {
		v[i] = rng.NormFloat64()
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	return v
}

// lanczosTop returns the largest eigenvalue θ of the symmetric operator
// apply (apply(dst, x) sets dst = Ax, A n×n) and a unit vector for it, by the
// Lanczos method with full reorthogonalization (classical Gram–Schmidt,
// twice) from the unit vector start.
//
// With r = β_k|s_k| the residual norm of the top Ritz pair and δ the gap
// between the two largest Ritz values, θ is within about r²/δ of an
// eigenvalue (Parlett, The Symmetric Eigenvalue Problem, §11.7). Lanczos
// stops when r ≤ lanczosTol·|θ| (pair converged), or when r²/δ ≤
// valueTol·|θ| (value converged; on a clustered top the vector converges
// much more slowly than the value; valueTol = 0 disables this test), when
// the Krylov space becomes invariant, or after min(n, lanczosMaxSteps)
// steps.
func lanczosTop(n int, apply func(dst, x []float64), start []float64, valueTol float64) (theta float64, vec []float64, err error) {
	maxSteps := min(n, lanczosMaxSteps)
	basis := make([]float64, 0, n*min(maxSteps, 64))
	basis = append(basis, start...)
	var alpha, beta []float64
	w := make([]float64, n)
	var ritz []float64
	nextTest := 0
	for j := 0; ; j++ {
		qj := basis[j*n : (j+1)*n]
		apply(w, qj)
		alpha = append(alpha, floats.Dot(qj, w))
		for pass := 0; pass < 2; pass++ {
			for i := 0; i <= j; i++ {
				qi := basis[i*n : (i+1)*n]
				floats.AddScaled(w, -floats.Dot(qi, w), qi)
			}
		}
		b := floats.Norm(w, 2)
		last := j+1 == maxSteps
		// Ritz values cost O(j³): test every step at first, then at steps
		// spaced by a tenth of the step count (so testing costs a bounded
		// fraction of the work), and always on a (near) breakdown, where
		// b·|s_j| ≤ b is below the tolerance.
		if last || j >= nextTest || b <= lanczosTol*math.Abs(alpha[j]) {
			nextTest = j + max(1, j/10)
			var s []float64
			var gap float64
			if theta, gap, s, err = topRitz(alpha, beta); err != nil {
				return 0, nil, err
			}
			ritz = s
			r := b * math.Abs(s[j])
			if last || r <= lanczosTol*math.Abs(theta) || (j > 0 && r*r <= valueTol*math.Abs(theta)*gap) {
				break
			}
		}
		beta = append(beta, b)
		floats.Scale(1/b, w)
		basis = append(basis, w...)
	}
	vec = make([]float64, n)
	for i, c := range ritz {
		floats.AddScaled(vec, c, basis[i*n:(i+1)*n])
	}
	floats.Scale(1/floats.Norm(vec, 2), vec)
	return theta, vec, nil
}

// topRitz returns the largest eigenvalue of the symmetric tridiagonal matrix
// with diagonal alpha and off-diagonal beta, its distance to the second
// largest (+Inf for a 1×1 matrix), and its unit eigenvector.
func topRitz(alpha, beta []float64) (top, gap float64, vec []float64, err error) {
	k := len(alpha)
	T := mat.NewSymDense(k, nil)
	for i, a := range alpha {
		T.SetSym(i, i, a)
		if i+1 < k {
			T.SetSym(i, i+1, beta[i])
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(T, true) {
		return 0, 0, nil, errEigenSym
	}
	var V mat.Dense
	eig.VectorsTo(&V)
	values := eig.Values(nil)
	gap = math.Inf(1)
	if k > 1 {
		gap = values[k-1] - values[k-2]
	}
	return values[k-1], gap, mat.Col(nil, k-1, &V), nil
}

var errEigenSym = errors.New("ntk: the symmetric eigensolver (EigenSym) did not converge; the matrix may hold extreme values")
