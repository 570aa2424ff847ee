package ntk

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// MinimizeOptions configures Region.Minimize. The zero value selects the
// defaults.
type MinimizeOptions struct {
	// Restarts is the number of random starting points of the feasible-point
	// search; zero means 16.
	Restarts int
	// Iterations bounds the projected-gradient steps per start; zero means 500.
	Iterations int
	// Seed selects the random starts; the same seed gives the same bits.
	Seed uint64
}

// RestrictedMin is the result of Region.Minimize: an interval that contains
// the restricted minimum λ_R = min{aᵀHa : ‖a‖ = 1, a ∈ R}.
type RestrictedMin struct {
	// Upper is aᵀHa at the best feasible unit vector found (A): the value at
	// a point of R, hence an upper estimate of λ_R.
	Upper float64
	// A is that unit vector; it lies in R (Region.Contains(A) is true).
	A []float64
	// Lower is the Lagrangian dual bound max_{ν ≥ 0} λ_min(H − νM), a
	// certified lower bound on λ_R up to the rounding of the eigensolver
	// (about n·ε·‖H − νM‖).
	Lower float64
	// Nu is the multiplier ν at which Lower was attained.
	Nu float64
}

// Minimize estimates the restricted minimum of Definition 12 and Theorem 13,
//
//	λ_R = min{ aᵀ H a : ‖a‖₂ = 1, a ∈ R } = min{ aᵀHa : ‖a‖ = 1, aᵀMa ≥ 0 },
//
// for a symmetric n×n matrix H, normally H∞(B) of the same inputs and B as
// the region (KernelInf). The problem is non-convex (R is a double cone), so
// the result is an interval [Lower, Upper]:
//
//   - Upper is an estimate from feasible points: the dual's eigenvectors
//     (below), then projected gradient descent on the sphere from the best
//     of those and from opt.Restarts seeded random starts (Gaussian
//     directions, pulled into R along the segment to 1/√n). On the boundary
//     aᵀMa = 0 the gradient component leaving R is projected out, and a step
//     that still leaves R is moved back onto the boundary along the
//     constraint's normal. Upper is the value of a point of R, so λ_R ≤ Upper.
//     (Without the dual's start the search alone came within 1% of λ_R on
//     the B = 0 test problems, TestRestrictedSearchAlone.)
//   - Lower = max_{ν≥0} λ_min(H − νM) certifies λ_R ≥ Lower (weak duality:
//     aᵀHa ≥ aᵀ(H − νM)a for a ∈ R). λ_min(H − νM) is concave in ν; the
//     maximum is found by bisection on the sign of its supergradient
//     −vᵀMv (v the eigenvector of λ_min), with one full symmetric eigensolve
//     (gonum EigenSym, O(n³)) per step, about 60 steps.
//
// For n ≥ 3 the joint range {(aᵀHa, aᵀMa) : ‖a‖ = 1} is convex (Brickman,
// 1961), so strong duality holds and Upper − Lower shrinks to the bisection
// and rounding accuracy (about 1e-12·‖H‖ on the test problems); a wider gap
// means the search missed the minimizer and Upper is only an estimate. For
// n = 2, R = R² and the result is exact. At ν = 1 the dual certifies
// Theorem 13's intermediate bound: H − M ⪰ (H − P) + (p0 − p_min) I, so
// Lower ≥ Intermediate() up to rounding whenever H − P ⪰ 0, as for
// H∞ = (XXᵀ) ∘ P + P. If the least eigenvector of H already lies in R,
// λ_R = λ_min(H) and Lower = Upper.
//
// The result is deterministic: the same inputs and seed give the same bits.
// Cost: about 60 eigensolves plus Restarts·Iterations matrix–vector
// products; meant for n up to a few hundred.
func (r *Region) Minimize(H mat.Symmetric, opt MinimizeOptions) (RestrictedMin, error) {
	const fn = boundCheck("Region.Minimize")
	if err := r.ready(fn); err != nil {
		return RestrictedMin{}, err
	}
	if H == nil {
		return RestrictedMin{}, fmt.Errorf("ntk: %s: H is nil; pass H∞(B) of the region's inputs", fn)
	}
	if H.SymmetricDim() != r.n {
		return RestrictedMin{}, fmt.Errorf("ntk: %s: H is %d×%d but the region has dimension %d; use the kernel of the same inputs",
			fn, H.SymmetricDim(), H.SymmetricDim(), r.n)
	}
	if opt.Restarts < 0 || opt.Iterations < 0 {
		return RestrictedMin{}, fmt.Errorf("ntk: %s: MinimizeOptions{Restarts: %d, Iterations: %d}; counts must be ≥ 0 (0 selects the default)",
			fn, opt.Restarts, opt.Iterations)
	}
	restarts, iters := opt.Restarts, opt.Iterations
	if restarts == 0 {
		restarts = 16
	}
	if iters == 0 {
		iters = 500
	}
	n := r.n
	h := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := H.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return RestrictedMin{}, fmt.Errorf("ntk: %s: H[%d][%d] = %v; the matrix must be finite", fn, i, j, v)
			}
			h.SetSym(i, j, v)
		}
	}
	s := newRestrictedSearch(r, h)
	if err := s.dual(); err != nil {
		return RestrictedMin{}, fmt.Errorf("ntk: %s: %w", fn, err)
	}
	if s.best.Upper > s.best.Lower {
		s.search(restarts, iters, opt.Seed)
	}
	return s.best, nil
}

// restrictedSearch holds the state of Region.Minimize.
type restrictedSearch struct {
	r     *Region
	h     *mat.SymDense
	best  RestrictedMin
	hv    *mat.VecDense // scratch for H·a
	mnorm float64       // Gershgorin bound on ‖M‖₂, the scale of aᵀMa
}

// newRestrictedSearch returns a search for min aᵀha over R.
func newRestrictedSearch(r *Region, h *mat.SymDense) *restrictedSearch {
	s := &restrictedSearch{r: r, h: h, best: RestrictedMin{Upper: math.Inf(1), Lower: math.Inf(-1)}}
	for i := 0; i < r.n; i++ {
		var t float64
		for j := 0; j < r.n; j++ {
			t += r.m.At(i, j)
		}
		s.mnorm = max(s.mnorm, t)
	}
	return s
}

// value returns aᵀHa for a unit a.
func (s *restrictedSearch) value(a []float64) float64 {
	if s.hv == nil {
		s.hv = mat.NewVecDense(s.r.n, nil)
	}
	av := mat.NewVecDense(s.r.n, a)
	s.hv.MulVec(s.h, av)
	return mat.Dot(av, s.hv)
}

// offer records a as a candidate minimizer if it lies in R.
func (s *restrictedSearch) offer(a []float64) {
	if s.r.quad(a) < 0 {
		return
	}
	if v := s.value(a); v < s.best.Upper {
		s.best.Upper = v
		s.best.A = append(s.best.A[:0], a...)
	}
}

// least returns λ_min(H − νM) and its unit eigenvector.
func (s *restrictedSearch) least(nu float64) (float64, []float64, error) {
	n := s.r.n
	A := mat.NewSymDense(n, nil)
	A.AddSym(s.h, A)
	if nu != 0 {
		for i := 0; i < n; i++ {
			for j := i + 1; j < n; j++ {
				A.SetSym(i, j, A.At(i, j)-nu*s.r.m.At(i, j))
			}
		}
	}
	var es mat.EigenSym
	if !es.Factorize(A, true) {
		return 0, nil, fmt.Errorf("the symmetric eigensolver did not converge at ν = %v", nu)
	}
	var V mat.Dense
	es.VectorsTo(&V)
	v := mat.Col(nil, 0, &V)
	return es.Values(nil)[0], v, nil
}

// dual maximizes λ_min(H − νM) over ν ≥ 0 and offers the eigenvectors met
// on the way (and the boundary point between the last two) as feasible
// candidates.
func (s *restrictedSearch) dual() error {
	eval := func(nu float64) ([]float64, float64, error) {
		d, v, err := s.least(nu)
		if err != nil {
			return nil, 0, err
		}
		if d > s.best.Lower {
			s.best.Lower, s.best.Nu = d, nu
		}
		g := s.r.quad(v)
		s.offer(v)
		return v, g, nil
	}
	vLo, gLo, err := eval(0)
	if err != nil {
		return err
	}
	if gLo >= 0 {
		return nil // the least eigenvector of H is in R: λ_R = λ_min(H)
	}
	// Bracket: as ν → ∞ the eigenvector tends to the top eigenvector of M,
	// where vᵀMv = λ_max(M) > 0 (M ≥ 0 entrywise, zero trace, M ≠ 0 since
	// gLo < 0).
	var scale, mmax float64
	for i := 0; i < s.r.n; i++ {
		for j := i; j < s.r.n; j++ {
			scale = max(scale, math.Abs(s.h.At(i, j)))
			mmax = max(mmax, s.r.m.At(i, j))
		}
	}
	lo, hi := 0.0, max(scale, math.SmallestNonzeroFloat64)/mmax
	var vHi []float64
	for range 200 {
		v, g, err := eval(hi)
		if err != nil {
			return err
		}
		if g >= 0 {
			vHi = v
			break
		}
		lo, vLo, hi = hi, v, 2*hi
	}
	if vHi == nil {
		return nil // no feasible eigenvector found; the search supplies Upper
	}
	for range 100 {
		if hi-lo <= 1e-15*hi {
			break
		}
		mid := lo + (hi-lo)/2
		v, g, err := eval(mid)
		if err != nil {
			return err
		}
		if g >= 0 {
			hi, vHi = mid, v
		} else {
			lo, vLo = mid, v
		}
	}
	s.offer(s.boundary(vLo, vHi))
	return nil
}

// boundary returns the unit point on the segment from the infeasible b to the
// feasible a (aᵀMa ≥ 0 > bᵀMb) where the margin crosses zero, or a when
// rounding leaves that point just outside R.
func (s *restrictedSearch) boundary(b, a []float64) []float64 {
	n := s.r.n
	d := make([]float64, n)
	for i := range d {
		d[i] = a[i] - b[i]
	}
	// q(t) = g(b + t d) = g(b) + 2t bᵀMd + t² g(d); q(0) < 0 ≤ q(1) has
	// exactly one root in (0, 1].
	gb, gd := s.r.quad(b), s.r.quad(d)
	bd := s.r.bilinear(b, d)
	q := func(t float64) float64 { return gb + t*(2*bd+t*gd) }
	lo, hi := 0.0, 1.0
	for range 60 {
		mid := (lo + hi) / 2
		if q(mid) >= 0 {
			hi = mid
		} else {
			lo = mid
		}
	}
	p := make([]float64, n)
	for i := range p {
		p[i] = b[i] + hi*d[i]
	}
	if !regionNormalize(p) || s.r.quad(p) < 0 {
		return append([]float64(nil), a...)
	}
	return p
}

// search runs projected gradient descent from the best point so far and
// from seeded random starts.
func (s *restrictedSearch) search(restarts, iters int, seed uint64) {
	n := s.r.n
	rng := rand.New(rand.NewPCG(seed, 0x7e57d12c7ed))
	// Feasible anchor: 1/√n, in the nonnegative orthant, hence in R.
	anchor := make([]float64, n)
	for i := range anchor {
		anchor[i] = 1 / math.Sqrt(float64(n))
	}
	// Step scale from Gershgorin: ‖H‖₂ ≤ max_i Σ_j |H_ij|.
	var norm float64
	for i := 0; i < n; i++ {
		var t float64
		for j := 0; j < n; j++ {
			t += math.Abs(s.h.At(i, j))
		}
		norm = max(norm, t)
	}
	if norm == 0 {
		return
	}
	if s.best.A != nil {
		s.descend(append([]float64(nil), s.best.A...), iters, 1/norm)
	}
	a := make([]float64, n)
	for range restarts {
		for i := range a {
			a[i] = rng.NormFloat64()
		}
		if !regionNormalize(a) {
			continue
		}
		if s.r.quad(a) < 0 {
			a = s.boundary(a, anchor)
		}
		s.descend(append([]float64(nil), a...), iters, 1/norm)
	}
}

// descend runs projected gradient descent on aᵀHa over the unit sphere
// within R, from the feasible unit vector a, and offers the result. On the
// boundary aᵀMa = 0 (to a relative tolerance) the component of the gradient
// that would leave R is projected out, so the step follows the boundary; a
// step that still leaves R (curvature) is moved back onto the boundary along
// the constraint's normal, or else along the segment to a.
func (s *restrictedSearch) descend(a []float64, iters int, step float64) {
	n := s.r.n
	val := s.value(a)
	b := make([]float64, n)
	g := make([]float64, n)
	u := make([]float64, n)
	minStep := step * 1e-12
	for it := 0; it < iters && step > minStep; it++ {
		// Riemannian gradient (halved): Ha − (aᵀHa) a; s.hv holds Ha.
		for i := range g {
			g[i] = s.hv.AtVec(i) - val*a[i]
		}
		if ga := s.r.quad(a); ga <= 1e-9*s.mnorm {
			// Normal of the constraint on the sphere: Ma − (aᵀMa) a.
			s.r.mulM(u, a)
			for i := range u {
				u[i] -= ga * a[i]
			}
			if gu, uu := dot(g, u), dot(u, u); gu > 0 && uu > 0 {
				for i := range g {
					g[i] -= gu / uu * u[i]
				}
			}
		}
		for i := range b {
			b[i] = a[i] - step*g[i]
		}
		if !regionNormalize(b) {
			break
		}
		c := b
		if s.r.quad(b) < 0 {
			if c = s.restore(b); c == nil {
				c = s.boundary(b, a)
			}
		}
		if v := s.value(c); v < val {
			copy(a, c)
			val = v
			step *= 1.5
		} else {
			s.value(a) // restore s.hv = H·a
			step /= 2
		}
	}
	s.offer(a)
}

// restore moves the unit vector b, just outside R, onto the boundary along
// the constraint's normal u = Mb − (bᵀMb) b: it returns the unit vector
// along b + t u for the smallest t > 0 with a nonnegative margin, or nil.
func (s *restrictedSearch) restore(b []float64) []float64 {
	n := s.r.n
	u := make([]float64, n)
	mu := make([]float64, n)
	s.r.mulM(u, b)
	gb := dot(b, u)
	for i := range u {
		u[i] -= gb * b[i]
	}
	// q(t) = g(b + t u) = gb + 2t bᵀMu + t² g(u), q(0) < 0.
	s.r.mulM(mu, u)
	bu, gu := dot(b, mu), dot(u, mu)
	var t float64
	switch disc := bu*bu - gb*gu; {
	case gu == 0 && bu > 0:
		t = -gb / (2 * bu)
	case gu != 0 && disc >= 0:
		r1 := (-bu - math.Sqrt(disc)) / gu
		r2 := (-bu + math.Sqrt(disc)) / gu
		switch {
		case min(r1, r2) > 0:
			t = min(r1, r2)
		case max(r1, r2) > 0:
			t = max(r1, r2)
		default:
			return nil
		}
	default:
		return nil
	}
	c := make([]float64, n)
	for range 8 {
		for i := range c {
			c[i] = b[i] + t*u[i]
		}
		if regionNormalize(c) && s.r.quad(c) >= 0 {
			return c
		}
		t *= 1 + 1e-12
	}
	return nil
}

// mulM sets dst = M a.
func (r *Region) mulM(dst, a []float64) {
	raw := r.m.RawSymmetric()
	clear(dst[:r.n])
	for i := 0; i < r.n; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+r.n]
		var t float64
		for j := i + 1; j < r.n; j++ {
			t += row[j] * a[j]
			dst[j] += row[j] * a[i]
		}
		dst[i] += t
	}
}

// dot returns Σ a_i b_i.
func dot(a, b []float64) float64 {
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// bilinear returns aᵀMb.
func (r *Region) bilinear(a, b []float64) float64 {
	mb := make([]float64, r.n)
	r.mulM(mb, b)
	return dot(a, mb)
}

// regionNormalize scales v to unit length; it reports false for a zero or
// non-finite v.
func regionNormalize(v []float64) bool {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	nrm := math.Sqrt(ss)
	if nrm == 0 || math.IsInf(nrm, 0) || math.IsNaN(nrm) {
		return false
	}
	for i := range v {
		v[i] /= nrm
	}
	return true
}
