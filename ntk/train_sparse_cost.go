package ntk

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// SparseMemory returns an estimate of the working memory, in bytes, of the
// Sparse method for n samples of unit norm, width m, input dimension d and
// every bias equal to B (for samples of norm up to ρ, pass B/ρ):
//
//	L·(S + 8d + n/4)   per live neuron: its state (S ≈ 300 bytes), its initial
//	                   weights, and two n-bit sets (fired at t = 0, ever flipped)
//	max(8·m·n·q0,      the candidate sets: initially a sample index and a float32
//	    11.25·P + 32L) pre-activation or a firing position per candidate pair,
//	                   q0 = min(2Q(B), max(Q(B), ½)) being their share of the
//	                   pairs; later 4.5 bytes per candidate and 4.5 per firing
//	                   pair, with a band of candidates of a quarter of the P =
//	                   m·n·Q(B) firing pairs
//	G·(20n + 8d) + 8n  G ≤ 32 per-group accumulators and scratch space
//
// where L = m·(1 − (1 − Q(B))^n) is the expected number of neurons that fire
// on some sample at initialization (only those ever move). After the first
// step a neuron holds about 4 bytes per candidate and 4.5 per firing pair,
// plus 32 per candidate for neurons moved through the Gram matrix; the Gram
// matrix itself (8n² + 8n bytes) is allocated only when it fits within a
// quarter of the room between this estimate and DenseMemory(n, m, d).
//
// The dense trainer needs DenseMemory(n, m, d) ≈ 8·m·n + 8·m·(d+1) + m·n/4.
// Train refuses Sparse when this estimate exceeds 90% of DenseMemory (the
// rest is room for the margins) or the TrainOptions.MemoryLimit, so in
// practice Sparse is refused only where about half of the pairs fire (B near
// 0) on small problems (n below about 250). During training
// the margins of the candidate sets are capped so that no neuron holds more
// than the dense trainer spends per neuron (8n + 8 bytes beyond the shared
// state), and the memory in use is checked after every step: a run whose
// firing pairs grow so much that it would need more than DenseMemory or the
// limit stops with an error. The estimate assumes independent samples;
// positively correlated data such as images fire fewer distinct neurons, for
// which it is an overestimate.
func SparseMemory(n, m, d int, B float64) int64 {
	p := Q(B)
	gen := Q(B - sparseGenerous(B, 1))
	live := float64(m) * liveFraction(p, n)
	return sparseMemory(n, m, d, sparseEstimate{live: live, pairs: float64(m) * float64(n) * p, generous: float64(m) * float64(n) * gen})
}

func sparseMemory(n, m, d int, e sparseEstimate) int64 {
	groups := min(sparseGroupsMax, max(1, m/sparseGroupMin))
	words := (n + 63) / 64
	perNeuron := float64(sparseNeuronBytes + 16 + 8*int64(d) + 16*int64(words))
	fixed := float64(groups)*(20*float64(n)+8*float64(d)) + 8*float64(n)
	sets := max(8*e.generous, 11.25*e.pairs+32*e.live)
	return int64(math.Ceil(e.live*perNeuron + sets + fixed))
}

// sparseDenseShare is the most memory the Sparse method may plan for: 90% of
// DenseMemory, which leaves room for the margins of the candidate sets.
func sparseDenseShare(n, m, d int) int64 { return DenseMemory(n, m, d) / 10 * 9 }

// liveFraction returns 1 − (1 − p)^n, the probability that a neuron firing
// with probability p on each of n independent samples fires on at least one.
func liveFraction(p float64, n int) float64 {
	return -math.Expm1(float64(n) * math.Log1p(-p))
}

// sparseGenerous returns the margin μ0 of the initial candidate sets of a
// neuron with bias b on samples of norm at most rho: the margin that doubles
// the expected firing set, Q((b − μ0)/ρ) = 2·Q(b/ρ), capped so that the set
// stays at most half of the samples (μ0 = 0 when b ≤ 0). The first update
// trims the set to a cost-balanced margin within μ0; neurons whose first step
// drifts further are rebuilt.
func sparseGenerous(b, rho float64) float64 {
	if !(b > 0) || !(rho > 0) {
		return 0
	}
	p := Q(b / rho)
	target := min(2*p, max(p, 0.5))
	// Q is decreasing: find x with Q(x) = target in [−40, b/ρ] by bisection.
	lo, hi := -40.0, b/rho
	for it := 0; it < 60 && hi-lo > 1e-9; it++ {
		mid := (lo + hi) / 2
		if Q(mid) > target {
			lo = mid
		} else {
			hi = mid
		}
	}
	return rho * (b/rho - hi)
}

// sparseEstimate summarizes, for a network and data, the quantities of the
// memory estimate and of the cost model: the expected numbers of live
// neurons, of firing pairs and of initial candidate pairs, computed from each
// neuron's bias and the largest row norm rho.
type sparseEstimate struct {
	live, pairs, generous float64
}

func estimateSparse(bias []float64, n int, rho float64) sparseEstimate {
	var e sparseEstimate
	if rho == 0 {
		return e
	}
	lastB, p, live, gen := math.NaN(), 0.0, 0.0, 0.0
	for _, b := range bias {
		if b != lastB { // biases come in runs of equal values (all equal at initialization)
			lastB = b
			p = Q(b / rho)
			live = liveFraction(p, n)
			gen = Q((b-sparseGenerous(b, rho))/rho) * float64(n)
		}
		e.live += live
		e.pairs += p * float64(n)
		e.generous += gen
	}
	return e
}

// chooseMethod implements the cost model documented at AutoMethod.
func chooseMethod(n, m, d int, est sparseEstimate, steps int, limit int64) Method {
	nm := float64(m) * float64(n)
	p := est.pairs / nm
	dense := float64(steps+1) * nm * (0.22*float64(d) + 3 + 94*p*(1-p))
	setup := 2 + 0.21*float64(d)
	sparse := nm*setup + float64(steps)*est.pairs*0.3*float64(d)
	mem := sparseMemory(n, m, d, est)
	if mem > limit || mem > sparseDenseShare(n, m, d) || sparse > 0.7*dense {
		return Dense
	}
	return Sparse
}

// AutoMethod returns the method that Train with Method: Auto runs for net, X
// and opt (opt.Method is ignored). The cost model predicts the CPU time of
// both trainers from the expected number of firing pairs
// P = Σ_r n·Q(b_r/ρ), ρ the largest row norm of X, and p = P/(mn), in
// nanoseconds:
//
//	dense:  (steps + 1) · m·n·(0.22·d + 3 + 94·p(1 − p))
//	sparse: m·n·(2 + 0.21·d) + steps · P·0.3·d
//
// The dense term p(1 − p) is the cost of the mispredicted branches of its
// masked passes over the n×m matrix; the sparse setup evaluates every pair
// once (a dot product of length d each), and each step costs about 0.3·d per
// firing pair (a dot product and a gradient row in the vector kernels of
// rows.go, the bookkeeping, the candidates and the rebuilds). The constants
// were fitted to CPU times measured on the digits (d = 64: 13–16 ns per
// firing pair at B = 1, 2) and a d = 784 sphere (about 245 ns at B = 2) on a
// 2-core AMD EPYC (Zen 5) with AVX-512; without AVX-512 or AVX2 the sparse
// steps are up to 2–3 times slower. Auto picks Sparse when its memory
// estimate (SparseMemory) fits within opt.MemoryLimit and DenseMemory and it
// is predicted at least 30% faster; the guard keeps a misprediction from
// making Auto slower than Dense. The model counts the firing pairs at
// initialization: when training makes many more pairs fire (on image data at
// large B they grew 3–5× over 200 steps), the sparse trainer slows down
// accordingly (in the measurements of cmd/bench it stayed faster).
func AutoMethod(net *Network, X *mat.Dense, opt TrainOptions) (Method, error) {
	if err := net.Validate(); err != nil {
		return Auto, err
	}
	if err := checkInputs(X, net.Dim()); err != nil {
		return Auto, err
	}
	limit := opt.MemoryLimit
	if limit <= 0 {
		limit = 16 << 30
	}
	n, d := X.Dims()
	return chooseMethod(n, net.Width(), d, estimateSparse(net.Bias, n, maxRowNorm(X)), max(opt.Steps, 0), limit), nil
}
