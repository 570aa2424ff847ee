package ntk

import (
	"errors"
	"fmt"
	"math"
)

// OrthantCurve is a precomputed approximation of ρ ↦ L(h,h;ρ) = Orthant(h, h, ρ)
// for one threshold h: the kernel on unit-norm data at one bias B has h = B
// for every entry, and At is then several times faster than Orthant.
//
// Construction. Negative h uses L(h,h;ρ) = P(h ≤ Z ≤ −h) + L(−h,−h;ρ); h = 0
// the closed form 1/4 + arcsin(ρ)/(2π); |h| > 37.5, where every L(|h|,|h|;ρ)
// is below 1e-307 and so below the accuracy promise, calls Orthant. For
// h > 0, L depends on ρ only through w0 = h√((1−ρ)/(1+ρ)), and (see Orthant)
//
//	L = Q(h) e^{−w0²/2} G(w0)                            for w0 < 2.5,
//	L = e^{−E0}/(2π) · 2h S(v) / (w0(h² + w0²)),  v = 2.5/w0,  E0 = h²/(1+ρ),  for w0 ≥ 2.5,
//
// where G (G(0) = 1) and S (S → 1 as w0 → ∞) are smooth and of order one.
// Both are interpolated by piecewise Chebyshev polynomials (16 points per
// piece), the pieces found by bisection until the interpolant matches
// Orthant's own evaluation to 1e-14 relative halfway between the points.
// The exponentials are applied exactly at evaluation (E0 in double-double),
// so the sqrt(1−ρ) behaviour at ρ → 1 and the decay at ρ → −1 cost nothing.
// A piece that fails to converge after 12 bisections (14 + log2(1/h) for the
// pieces at w0 < 2.5/64, where G varies on the scale max(h, w0)) is evaluated
// directly with Orthant; At is then as accurate and as slow as Orthant there.
// This happens only for 0 < |h| < 1e-13 and w0 < 1e-16 (TestOrthantCurvePieces
// checks that no piece falls back down to h = 1e-12).
//
// Accuracy: that of Orthant (relative error below 1e-13 wherever L ≥ 1e-300)
// plus at most about 2e-14: measured 1e-14 against Orthant on 10⁵ random ρ
// per h, and 5.4e-15 against the 296 equal-threshold rows of the golden table.
// Values below about 1e-300 may underflow to 0.
//
// Cost (CPU time on one core): building takes 50–100 µs for |h| ≥ 0.5 (a few
// hundred evaluations of the integrals; 5 to 10 pieces), up to about 1 ms
// for |h| around 1e-12 (85 pieces); At takes
// about 35 ns, against about 0.2 µs for Orthant(h, h, ρ). An OrthantCurve is
// immutable after construction and safe for concurrent use.
type OrthantCurve struct {
	h    float64
	a    float64   // |h|
	base float64   // P(h ≤ Z ≤ −h) for h < 0, else 0
	q    float64   // Q(|h|)
	a2   twoFloat  // h² in double-double
	kind curveKind // how At evaluates
	near chebPieces
	far  chebPieces
}

type curveKind int

const (
	curvePieces curveKind = iota // interpolated
	curveZero                    // h = 0: closed form
	curveDirect                  // |h| > 37.5: every L(|h|,|h|;ρ) ≤ Q(37.5) < 1e-307, evaluated by Orthant
)

const (
	curvePoints   = 16    // Chebyshev points of the first kind per piece
	curveTol      = 1e-14 // relative interpolation error accepted on a piece
	curveMaxDepth = 12    // bisections after which a piece falls back to Orthant
	// curveVMin: for v < curveVMin, w0 > 38.7 and e^{−E0} ≤ e^{−w0²/2} underflows to 0.
	curveVMin = orthLaguerreStart / 38.7
	// curveMaxThreshold: beyond it Q(|h|) < 1e-307 is too close to underflow for G.
	curveMaxThreshold = 37.5
)

// NewOrthantCurve returns the curve ρ ↦ Orthant(h, h, ρ) for the threshold h.
// It fails only when h is NaN or infinite.
func NewOrthantCurve(h float64) (*OrthantCurve, error) {
	switch {
	case math.IsNaN(h):
		return nil, errors.New("ntk: NewOrthantCurve: the threshold h is NaN; pass a finite threshold such as B/‖x‖")
	case math.IsInf(h, 0):
		return nil, fmt.Errorf("ntk: NewOrthantCurve: the threshold h is %v; pass a finite threshold "+
			"(L(h,h;ρ) is 0 for h = +Inf and 1 for h = −Inf, call Orthant for those)", h)
	}
	c := &OrthantCurve{h: h, a: math.Abs(h)}
	if h < 0 {
		c.base = normalInterval(h, -h)
	}
	switch {
	case h == 0:
		c.kind = curveZero
		return c, nil
	case c.a > curveMaxThreshold:
		c.kind = curveDirect
		return c, nil
	}
	a := c.a
	c.q = upperTail(a)
	c.a2 = twoProd(a, a)
	// Near w0 = 0, G varies on the scale max(h, w0) (the poles ±ih of the Owen
	// integrand): pieces there may be bisected until they are about h wide.
	extra := min(42, max(0, 2+int(math.Ceil(math.Log2(1/a)))))
	c.near = fitChebPieces(func(w0 float64) float64 {
		e := halfSquare(a).add(halfSquare(w0))
		return 2 * owenUpper(a, w0, e) * math.Exp(0.5*w0*w0) / c.q
	}, 0, orthLaguerreStart, extra)
	c.far = fitChebPieces(func(v float64) float64 {
		return curveFarSum(a, orthLaguerreStart/v)
	}, curveVMin, 1, 0)
	return c, nil
}

// curveFarSum returns S = w0(a²+w0²) Σ W_i/(w_i(a²+w0²+2u_i)), w_i = √(w0²+2u_i): the
// Gauss–Laguerre sum of orthLaguerre for k = h, scaled to tend to 1 as w0 → ∞.
func curveFarSum(a, w0 float64) float64 {
	r := laguerreRule(w0)
	x2 := w0 * w0
	n2 := a*a + x2
	sum := 0.0
	for i, u := range r.x {
		w := math.Sqrt(x2 + 2*u)
		sum += r.w[i] / (w * (n2 + 2*u))
	}
	return sum * w0 * n2
}

// At returns Orthant(h, h, rho) for the curve's threshold h, with the same
// special values: NaN for NaN or |rho| > 1, Q(h) at rho = 1, P(h ≤ Z ≤ −h)
// (0 for h ≥ 0) at rho = −1.
func (c *OrthantCurve) At(rho float64) float64 {
	if !(rho >= -1 && rho <= 1) {
		return math.NaN()
	}
	switch c.kind {
	case curveZero:
		return math.Atan2(math.Sqrt((1-rho)*(1+rho)), -rho) * inv2Pi
	case curveDirect:
		return Orthant(c.h, c.h, rho)
	}
	if rho == 1 {
		return c.base + c.q
	}
	w0 := c.a * math.Sqrt((1-rho)/(1+rho))
	if w0 < orthLaguerreStart {
		g, ok := c.near.at(w0)
		if !ok {
			return Orthant(c.h, c.h, rho)
		}
		return c.base + c.q*math.Exp(-0.5*w0*w0)*g
	}
	v := orthLaguerreStart / w0
	if v < curveVMin {
		return c.base
	}
	s, ok := c.far.at(v)
	if !ok {
		return Orthant(c.h, c.h, rho)
	}
	e := c.a2.div(twoSum(1, rho)) // E0 = h²/(1+ρ)
	return c.base + expNeg(e)*inv2Pi*2*c.a*s/(w0*(c.a*c.a+w0*w0))
}

// chebPieces is a piecewise Chebyshev interpolant on [edges[0], edges[n]]; a
// piece with nil coefficients is not interpolated.
type chebPieces struct {
	edges []float64
	coef  [][]float64
}

// at returns the interpolant at x and whether the piece holding x has one.
func (p *chebPieces) at(x float64) (float64, bool) {
	e := p.edges
	lo, hi := 0, len(e)-2
	for lo < hi {
		m := (lo + hi + 1) / 2
		if x >= e[m] {
			lo = m
		} else {
			hi = m - 1
		}
	}
	cf := p.coef[lo]
	if cf == nil {
		return 0, false
	}
	return clenshaw(cf, (2*x-e[lo]-e[lo+1])/(e[lo+1]-e[lo])), true
}

// clenshaw returns Σ c_i T_i(t).
func clenshaw(c []float64, t float64) float64 {
	var b1, b2 float64
	t2 := 2 * t
	for i := len(c) - 1; i >= 1; i-- {
		b1, b2 = math.FMA(t2, b1, c[i]-b2), b1
	}
	return math.FMA(t, b1, c[0]-b2)
}

// fitChebPieces interpolates f on [lo, hi], bisecting until each piece passes
// chebFit's check, at most curveMaxDepth times (curveMaxDepth + extra for the
// pieces that start in the first 1/64 of [lo, hi]).
func fitChebPieces(f func(float64) float64, lo, hi float64, extra int) chebPieces {
	p := chebPieces{edges: []float64{lo}}
	near := lo + 0x1p-6*(hi-lo)
	var fit func(lo, hi float64, depth int)
	fit = func(lo, hi float64, depth int) {
		cf, ok := chebFit(f, lo, hi)
		maxDepth := curveMaxDepth
		if lo < near {
			maxDepth += extra
		}
		if ok || depth >= maxDepth {
			if !ok {
				cf = nil
			}
			p.edges = append(p.edges, hi)
			p.coef = append(p.coef, cf)
			return
		}
		mid := 0.5 * (lo + hi)
		fit(lo, mid, depth+1)
		fit(mid, hi, depth+1)
	}
	fit(lo, hi, 0)
	return p
}

// chebFit interpolates f at curvePoints Chebyshev points of the first kind on
// [lo, hi] and reports whether the interpolant matches f to curveTol (relative)
// at the curvePoints−1 points halfway, in angle, between them.
func chebFit(f func(float64) float64, lo, hi float64) ([]float64, bool) {
	const n = curvePoints
	mid, half := 0.5*(lo+hi), 0.5*(hi-lo)
	var vals [n]float64
	for j := range n {
		vals[j] = f(mid + half*math.Cos(math.Pi*(float64(j)+0.5)/n))
	}
	cf := make([]float64, n)
	for i := range n {
		s := 0.0
		for j := range n {
			s += vals[j] * math.Cos(math.Pi*float64(i)*(float64(j)+0.5)/n)
		}
		cf[i] = 2 * s / n
	}
	cf[0] *= 0.5
	for j := 1; j < n; j++ {
		t := math.Cos(math.Pi * float64(j) / n)
		want := f(mid + half*t)
		if got := clenshaw(cf, t); !(math.Abs(got-want) <= curveTol*math.Abs(want)) {
			return cf, false
		}
	}
	return cf, true
}
