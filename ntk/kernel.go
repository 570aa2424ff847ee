package ntk

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// KernelInf returns the bias-generalized neural tangent kernel of infinite
// width (paper, Section 2, "bias-generalized NTK"; closed forms in §6 of
// paper.md) on the rows x_i of X, which may have any nonzero norm:
//
//	H_ij = (⟨x_i,x_j⟩ + 1) · P(⟨w,x_i⟩ ≥ B, ⟨w,x_j⟩ ≥ B),  w ~ N(0, I_d)
//	     = (⟨x_i,x_j⟩ + 1) · Orthant(B/‖x_i‖, B/‖x_j‖, ρ_ij),  ρ_ij = ⟨x_i,x_j⟩/(‖x_i‖‖x_j‖),
//
// the expectation of the empirical kernel KernelEmpirical at initialization
// with bias B, its limit as the width m → ∞. On the diagonal
// H_ii = (‖x_i‖² + 1) Q(B/‖x_i‖). At B = 0 the threshold is 0 whatever the
// norm and H_ij = (⟨x_i,x_j⟩ + 1)(π − arccos ρ_ij)/(2π); for orthonormal rows
// H = (2p0 − p0²) I + p0² 11ᵀ with p0 = Q(B).
//
// Accuracy: each entry carries the relative error of the orthant probability
// (about 1e-13, see Orthant and OrthantCurve) plus the effect of rounding
// ⟨x_i,x_j⟩ and ρ_ij (ρ is clamped to [−1, 1] after rounding). The orthant
// probability has slope ∝ 1/√(1−ρ) as ρ → 1, so nearly parallel rows
// (1 − ρ < 10⁻⁴) with equal thresholds are evaluated from 1 − ρ =
// ‖x_i/‖x_i‖ − x_j/‖x_j‖‖²/2 by Owen's formula instead, which keeps a few
// ulps of relative accuracy (a duplicate row gets exactly the diagonal's
// probability); nearly parallel rows of slightly different norms go through
// Orthant at the rounded ρ and may lose up to about ε/√(1−ρ) relative.
//
// Speed: when all rows share one norm ν (to 64 ulps, 1.4e-14 relative, which
// covers rows normalized in floating point; the midpoint of their norms is
// used, a perturbation below the rounding normalization leaves) or B = 0,
// every pair has the threshold h = B/ν and KernelInf evaluates one
// OrthantCurve for h: about 10 M entries per second, n = 4000 (8 M entries)
// in under a second on two cores. Otherwise it calls Orthant per entry,
// about ten times slower. The Gram entries ⟨x_i,x_j⟩ are the dot products
// BLAS dsyrk would form, computed in the same pass that transforms them, so
// each entry is written once. Work is split over GOMAXPROCS goroutines
// (rows i and n−1−i together, which balances the triangle); every entry is
// computed the same way whatever the split, so the result is bitwise
// independent of GOMAXPROCS.
//
// X must be non-empty and finite with no zero row; B finite and ≥ 0.
// Memory: the n×n result only, 8n² bytes, checked against MaxKernelBytes.
func KernelInf(X *mat.Dense, B float64) (*mat.SymDense, error) {
	norms, err := kernelRowNorms("KernelInf", "X", X)
	if err != nil {
		return nil, err
	}
	if err := checkKernelBias("KernelInf", B); err != nil {
		return nil, err
	}
	n := len(norms)
	if err := checkMemory(fmt.Sprintf("KernelInf: the %d×%d kernel", n, n), matrixBytes(n, n)); err != nil {
		return nil, err
	}
	pair, err := newPairProbability(B, norms, norms)
	if err != nil {
		return nil, err
	}
	K := mat.NewSymDense(n, nil)
	raw := K.RawSymmetric()
	parallelTriangle(n, func(i int) {
		xi := X.RawRowView(i)
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		row[i] = (floats.Dot(xi, xi) + 1) * Q(B/norms[i])
		for j := i + 1; j < n; j++ {
			xj := X.RawRowView(j)
			g := floats.Dot(xi, xj)
			row[j] = (g + 1) * pair.at(i, j, xi, xj, g)
		}
	})
	return K, nil
}

// KernelInfCross returns the p×n infinite-width kernel between the rows t_i
// of Xtest (p×d) and the rows x_j of Xtrain (n×d):
//
//	K_ij = (⟨t_i,x_j⟩ + 1) · Orthant(B/‖t_i‖, B/‖x_j‖, ⟨t_i,x_j⟩/(‖t_i‖‖x_j‖)),
//
// the kernel that carries training to test predictions (see Predictor).
// Entries are computed as in KernelInf, with the same accuracy, speed
// (one OrthantCurve when all rows of both sets share a norm) and
// determinism. Memory: the p×n result, 8pn bytes, checked against
// MaxKernelBytes.
func KernelInfCross(Xtest, Xtrain *mat.Dense, B float64) (*mat.Dense, error) {
	tnorms, err := kernelRowNorms("KernelInfCross", "Xtest", Xtest)
	if err != nil {
		return nil, err
	}
	norms, err := kernelRowNorms("KernelInfCross", "Xtrain", Xtrain)
	if err != nil {
		return nil, err
	}
	if _, dt := Xtest.Dims(); dt != Xtrain.RawMatrix().Cols {
		return nil, fmt.Errorf("ntk: KernelInfCross: Xtest has %d columns but Xtrain has %d; both sets need the same input dimension", dt, Xtrain.RawMatrix().Cols)
	}
	if err := checkKernelBias("KernelInfCross", B); err != nil {
		return nil, err
	}
	p, n := len(tnorms), len(norms)
	if err := checkMemory(fmt.Sprintf("KernelInfCross: the %d×%d kernel", p, n), matrixBytes(p, n)); err != nil {
		return nil, err
	}
	pair, err := newPairProbability(B, tnorms, norms)
	if err != nil {
		return nil, err
	}
	K := mat.NewDense(p, n, nil)
	parallelFor(p, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			ti := Xtest.RawRowView(i)
			row := K.RawRowView(i)
			for j := range row {
				xj := Xtrain.RawRowView(j)
				g := floats.Dot(ti, xj)
				row[j] = (g + 1) * pair.at(i, j, ti, xj, g)
			}
		}
	})
	return K, nil
}

// kernelRowNorms returns ‖x_i‖ for every row of X, checking that X is
// non-empty and finite without zero rows.
func kernelRowNorms(fn, name string, X *mat.Dense) ([]float64, error) {
	if X == nil || X.IsEmpty() {
		return nil, fmt.Errorf("ntk: %s: the input matrix %s is nil or empty; pass one sample per row", fn, name)
	}
	if err := checkFinite(name, X); err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	norms := make([]float64, n)
	for i := range norms {
		x := X.RawRowView(i)
		norms[i] = math.Sqrt(floats.Dot(x, x))
		switch {
		case norms[i] == 0:
			return nil, fmt.Errorf("ntk: %s: row %d of %s is zero; the kernel needs the direction x/‖x‖ of every input, so remove that row", fn, i, name)
		case math.IsInf(norms[i], 0):
			return nil, fmt.Errorf("ntk: %s: row %d of %s has a norm that overflows float64; rescale the inputs", fn, i, name)
		}
	}
	return norms, nil
}

// checkRowSquares reports a row of X whose squared norm overflows float64:
// the kernel entries (⟨x_i,x_j⟩ + 1)·p would be infinite or NaN.
func checkRowSquares(fn, name string, X *mat.Dense) error {
	n, _ := X.Dims()
	for i := 0; i < n; i++ {
		x := X.RawRowView(i)
		if math.IsInf(floats.Dot(x, x), 0) {
			return fmt.Errorf("ntk: %s: row %d of %s has a squared norm that overflows float64; rescale the inputs", fn, i, name)
		}
	}
	return nil
}

// sharedNormTol is the relative spread (64 ulps) within which row norms
// count as one norm, so that one OrthantCurve serves every pair.
const sharedNormTol = 64 * machineEps

// pairProbability evaluates P(⟨w,a_i⟩ ≥ B, ⟨w,b_j⟩ ≥ B) from the dot product
// g = ⟨a_i,b_j⟩ for the rows a_i, b_j of two sets with the given norms.
type pairProbability struct {
	na, nb []float64 // row norms
	ha, hb []float64 // thresholds B/‖·‖, when curve is nil
	curve  *OrthantCurve
	h      float64 // the common threshold of curve
}

func newPairProbability(B float64, na, nb []float64) (*pairProbability, error) {
	pp := &pairProbability{na: na, nb: nb}
	lo, hi := floats.Min(na), floats.Max(na)
	lo, hi = math.Min(lo, floats.Min(nb)), math.Max(hi, floats.Max(nb))
	if B == 0 || hi-lo <= sharedNormTol*hi {
		if B != 0 {
			pp.h = B / (lo + (hi-lo)/2)
		}
		c, err := NewOrthantCurve(pp.h)
		if err != nil {
			return nil, errors.Join(fmt.Errorf("ntk: building the orthant curve for the threshold h = %v", pp.h), err)
		}
		pp.curve = c
		return pp, nil
	}
	pp.ha, pp.hb = make([]float64, len(na)), make([]float64, len(nb))
	for i, v := range na {
		pp.ha[i] = B / v
	}
	for j, v := range nb {
		pp.hb[j] = B / v
	}
	return pp, nil
}

// nearParallel is the bound on 1 − ρ below which equal-threshold pairs are
// evaluated by orthantNearParallel.
const nearParallel = 1e-4

// at returns the probability for the rows a_i = x and b_j = y with dot
// product g.
func (pp *pairProbability) at(i, j int, x, y []float64, g float64) float64 {
	ni, nj := pp.na[i], pp.nb[j]
	rho := math.Max(-1, math.Min(1, g/(ni*nj)))
	h, k := pp.h, pp.h
	if pp.curve == nil {
		h, k = pp.ha[i], pp.hb[j]
	}
	if rho > 1-nearParallel && h == k {
		// 1 − ρ = ‖x/‖x‖ − y/‖y‖‖²/2, without the rounding of ρ.
		d := 0.0
		for l, xl := range x {
			u := xl/ni - y[l]/nj
			d += u * u
		}
		return orthantNearParallel(h, d/2)
	}
	if pp.curve != nil {
		return pp.curve.At(rho)
	}
	return Orthant(h, k, rho)
}

// orthantNearParallel returns L(h, h; 1 − δ) = P(Z1 ≥ h, Z2 ≥ h) for
// correlation 1 − δ, h ≥ 0, 0 ≤ δ ≤ nearParallel, from Owen's formula
// (paper.md §6)
//
//	L = Q(h) − 2T(h, a),  a = √(δ/(2 − δ)) = √((1−ρ)/(1+ρ)),
//	T(h, a) = (1/2π) ∫_0^a e^{−h²(1+t²)/2}/(1+t²) dt
//	        = (1/2π) Σ_k (−1)^k P_k(h²/2) a^{2k+1}/(2k+1),
//
// with P_k(x) = e^{−x} Σ_{j≤k} x^j/j! the Poisson distribution function. The
// series alternates with ratio below a²·max(1, h²/2) ≤ 0.04 wherever L does
// not underflow. dL/dρ grows like 1/√δ, so evaluating at a rounded ρ would
// lose digits for nearly parallel inputs (2e-9 relative for duplicates);
// from an accurately computed δ the result keeps a relative error of a few
// ulps, and equals Q(h) for duplicate inputs.
func orthantNearParallel(h, delta float64) float64 {
	q := Q(h)
	if q == 0 || delta <= 0 {
		return q
	}
	a := math.Sqrt(delta / (2 - delta))
	x := h * h / 2
	p := math.Exp(-x) // e^{−x} x^k/k!
	cdf := p          // P_k(x)
	a2 := a * a
	pow := a // a^{2k+1}
	sum := 0.0
	for k := 0; k < 100; k++ {
		term := cdf * pow / float64(2*k+1)
		if k%2 == 1 {
			term = -term
		}
		sum += term
		if math.Abs(term) <= 1e-17*math.Abs(sum) {
			break
		}
		p *= x / float64(k+1)
		cdf += p
		pow *= a2
	}
	return q - sum/math.Pi
}
