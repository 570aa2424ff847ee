package ntk

import (
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// The sparse trainer (Method Sparse) computes the same gradient-descent
// trajectory as the dense one while paying only for the (neuron, sample)
// pairs that fire or may fire soon. It rests on three facts.
//
//  1. A neuron that fires on no sample has zero gradient: it never moves and
//     never fires again. Only the neurons that fire at initialization are
//     ever "live", and the live set only shrinks. Each step visits the live
//     neurons only.
//
//  2. Certified candidate sets (design.md, "Trainers"). When neuron r is
//     (re)built at a reference state θ(t0), all n pre-activations
//     z_ri = ⟨w_r, x_i⟩ − b_r are computed and only the candidates
//     C_r = {i : z_ri(t0) ≥ −μ_r} are kept, with margin μ_r the distance of
//     the closest excluded sample. For ‖x_i‖ ≤ ρ (the largest row norm),
//
//     |z_ri(t) − z_ri(t0)| ≤ ρ‖w_r(t) − w_r(t0)‖ + |b_r(t) − b_r(t0)| =: D_r(t),
//
//     so while an upper bound on the drift D_r stays below μ_r no excluded
//     sample can fire, and the firing set of r is found among its
//     candidates. When the bound reaches μ_r the neuron is rebuilt (n dot
//     products). The margin is chosen at every rebuild by a cost balance: a
//     wider margin means more candidates per step, a narrower one more
//     frequent rebuilds (train_sparse_margin.go).
//
//  3. Two exact ways to move a neuron, chosen per neuron at each rebuild by
//     the same cost model. Explicit: w_r lives in net.W; a step adds
//     −η Σ_{j∈A_r} g_j x_j (|A_r| axpys of length d), candidates are
//     re-evaluated by dot products (|C_r|·d), and the drift bound is the sum
//     over steps of ρ‖Δw_r‖ + |Δb_r|. Implicit, through the Gram matrix
//     G̃ = XXᵀ + 1: w_r = w_r(t0) + Σ_k α_k x_{c_k}, b_r = b_r(t0) − Σ_k α_k,
//     and a step changes z_ri by Σ_{j∈A_r} Δα_j G̃_ij, so it costs
//     |A_r|·|C_r|, independent of d; the drift is then known exactly,
//     ‖Δw‖² + Δb² = Σ_k α_k (z_k − z_k(t0)), and bounded by the smaller of
//     ρ‖Δw‖ + |Δb| and Σ_k |α_k| M_{c_k} + |Δb|, M_j = max_{i≠j} |⟨x_i, x_j⟩|
//     (tighter for nearly orthogonal data). Implicit weights are written
//     back to net.W at every rebuild, at least every sparseRefresh steps
//     (which bounds the rounding drift of the accumulated pre-activations),
//     when the neuron stops firing, and when Train returns.
//
// Exactness: explicit pre-activations are recomputed from W at every step as
// the dense trainer computes them, up to the summation order and the fused
// multiply-adds of the kernels (relative differences of order 1e-16 per
// step). Implicit ones accumulate at most
// sparseRefresh steps of rounding, of order 1e-14. A firing decision can
// therefore differ from the dense one only on a pre-activation within about
// 1e-13 of zero (an "exact tie"). The bounds of the certificate carry
// allowances for rounding (relative 2^-40 and absolute
// max(2^-44, (d+2)·2^-52)·(ρ‖w‖ + |b| + 1) per step, roundingSlack), so
// rounding can never hide a firing sample.
//
// Telemetry: the flip counters are kept per neuron with two n-bit sets (fired
// at t = 0, ever flipped); samples outside the candidate set do not fire, so
// their flips are settled at each rebuild. MoveW is exact: ‖w − w0‖ from W for
// explicit neurons, and from ‖w_sync − w0‖² + 2Σ_k α_k⟨w_sync − w0, x_{c_k}⟩ +
// ‖Δw‖² for implicit ones.
//
// Determinism: neurons are split into fixed groups of consecutive indices
// (independent of GOMAXPROCS); each group adds its contributions to f in
// increasing neuron order into its own buffer, and the buffers are added in
// group order. Everything else is per neuron. The result is bitwise
// independent of GOMAXPROCS. (The vector kernels of different CPUs, AVX-512,
// AVX2 or portable Go, round differently: bits agree on one machine.)
//
// Continued runs (train_sparse_start.go): a trainer may start from the
// origin stored in a checkpoint, the initial parameters and firing record of
// the run; its first evaluation then takes the current state as the
// reference state of every neuron and settles the flips against the origin.
//
// Speed (train_sparse_group.go, train_sparse_neuron.go, rows.go): a neuron's dot products (with
// their firing bits, so that only the firing candidates are visited), its
// gradient row with the weight update, and its Gram reads are each done in
// one call of a vector kernel (AVX2 or AVX-512 with fused multiply-adds
// where available, portable Go otherwise);
// the flips are counted 64 candidates at a time with bit sets kept in
// candidate order; the state, candidate arrays and weights of the next
// neurons are prefetched; and at large d rebuilds are done four at a time,
// sharing the reads of the data (rebuilds then settle a few places late in
// the group's order, which stays fixed).

const (
	sparseGroupsMax = 32  // at most this many neuron groups
	sparseGroupMin  = 64  // neurons per group, at least (except for tiny m)
	sparseRefresh   = 128 // implicit neurons re-synchronize at least this often
	sparseBins      = 64  // margin candidates μ = δ·2^(k/4), k = 1..sparseBins−1
)

// Test hooks: sparseForceMode = 1 makes every neuron explicit, 2 implicit
// wherever a Gram matrix is available; sparseForceMargin ≥ 0 replaces the
// cost-balanced margin by that value (0: candidates are exactly the firing
// samples, so every move triggers a rebuild).
// sparseSkipCertificate = true ignores the drift certificate (a deliberately
// broken trainer, to show that the tests detect it).
var (
	sparseForceMode       = 0
	sparseForceMargin     = -1.0
	sparseSkipCertificate = false
)

type sparseTrainer struct {
	net      *Network
	x        []float64 // n×d, row-major with stride d
	y        []float64
	n, m, d  int
	words    int       // ⌈n/64⌉, the length of a per-neuron sample bitset
	scale    float64   // 1/√m
	rho      float64   // max_i ‖x_i‖
	gram     []float64 // n×n: ⟨x_i, x_j⟩ + 1, or nil when every neuron is explicit
	maxCorr  []float64 // M_j = max_{i≠j} |⟨x_i, x_j⟩|
	cost     sparseCost
	resid    []float64
	groups   []*sparseGroup
	started  bool
	finished bool

	from *origin // the origin of a continued run until the first forward, or nil

	limit int64 // MemoryLimit
	fixed int64 // bytes independent of the candidate sets
	bytes int64 // bytes in use after the last forward
	err   error
}

// newSparseTrainer prepares the sparse trainer of net on X, y (validated by
// Train); a non-nil o continues a run from that origin (a checkpoint). It
// refuses, with an error that names the fix, a problem whose
// memory estimate exceeds limit or 90% of DenseMemory. The Gram matrix is
// built only when it fits well within the dense trainer's memory.
func newSparseTrainer(net *Network, X *mat.Dense, y []float64, limit int64, o *origin) (*sparseTrainer, error) {
	n, d := X.Dims()
	m := net.Width()
	raw := X.RawMatrix()
	x := raw.Data
	if raw.Stride != d {
		x = make([]float64, n*d)
		for i := 0; i < n; i++ {
			copy(x[i*d:(i+1)*d], raw.Data[i*raw.Stride:])
		}
	}
	rho := 0.0
	for i := 0; i < n; i++ {
		rho = max(rho, floats.Norm(x[i*d:(i+1)*d], 2))
	}
	t := &sparseTrainer{
		net: net, x: x, y: y, n: n, m: m, d: d,
		words: (n + 63) / 64,
		scale: 1 / math.Sqrt(float64(m)),
		rho:   rho,
		cost:  newSparseCost(d),
		resid: make([]float64, n),
		from:  o,
		limit: limit,
	}
	e := estimateSparse(net.Bias, n, rho)
	est := sparseMemory(n, m, d, e)
	if est > limit {
		return nil, fmt.Errorf("ntk: the sparse trainer needs about %.3g GB for n = %d samples, width m = %d and d = %d at this bias, above TrainOptions.MemoryLimit = %.3g GB; raise the limit or reduce the width",
			float64(est)/1e9, n, m, d, float64(limit)/1e9)
	}
	if share := sparseDenseShare(n, m, d); est > share {
		return nil, fmt.Errorf("ntk: the sparse trainer would need about %.3g GB for n = %d, m = %d, d = %d at this bias, too close to the dense trainer's %.3g GB (too many pairs fire); use Method: ntk.Dense or ntk.Auto",
			float64(est)/1e9, n, m, d, float64(DenseMemory(n, m, d))/1e9)
	}
	groups := min(sparseGroupsMax, max(1, m/sparseGroupMin))
	// The Gram matrix pays for itself when implicit moves can be cheaper than
	// dot products and it fits well within the dense trainer's memory.
	// It is also charged to the neurons' memory caps (chooseMargin), at 8n²/m
	// bytes each, so it must stay small per neuron: m ≥ 8n.
	gramBytes := 8 * int64(n) * int64(n)
	if sparseForceMode == 2 || sparseForceMode != 1 && gramBytes <= (DenseMemory(n, m, d)-est)/4 && gramBytes+est <= limit && m >= 8*n {
		t.gram = gramPlusOne(x, n, d)
	}
	if t.gram != nil {
		t.maxCorr = maxCorrelations(t.gram, n, d, rho)
	}
	t.fixed = 8*int64(len(t.gram)+len(t.maxCorr)) + int64(groups)*(8*int64(2*n+d)+4*int64(n)) + 8*int64(n)
	if raw.Stride != d {
		t.fixed += 8 * int64(n*d)
	}
	// Each group may hold 90% of what the dense trainer would spend on its
	// neurons, less its share of the buffers held in common (see
	// chooseMargin); the rest covers what the accounting cannot see.
	perNeuron := float64(min(sparseDenseShare(n, m, d), limit)-t.fixed) / float64(m)
	for g := 0; g < groups; g++ {
		t.groups = append(t.groups, &sparseGroup{
			lo: g * m / groups, hi: (g + 1) * m / groups,
			f: make([]float64, n), count: make([]int32, n),
			z: make([]float64, n), g: make([]float64, d),
		})
		gr := t.groups[g]
		gr.budget = int64(perNeuron * float64(gr.hi-gr.lo))
	}
	return t, nil
}

// gramPlusOne returns the n×n matrix ⟨x_i, x_j⟩ + 1.
func gramPlusOne(x []float64, n, d int) []float64 {
	g := make([]float64, n*n)
	xg := blas64.General{Rows: n, Cols: d, Stride: d, Data: x}
	blas64.Gemm(blas.NoTrans, blas.Trans, 1, xg, xg, 0, blas64.General{Rows: n, Cols: n, Stride: n, Data: g})
	for i := range g {
		g[i]++
	}
	return g
}

// maxCorrelations returns M_j = max_{i≠j} |⟨x_i, x_j⟩|, from the Gram matrix
// g = XXᵀ + 1, enlarged to cover the rounding of g (at most about
// d·2^-52·ρ² + 2^-52 per entry).
func maxCorrelations(g []float64, n, d int, rho float64) []float64 {
	tol := (float64(d)+4)*0x1p-52*rho*rho + 0x1p-50
	m := make([]float64, n)
	for j := 0; j < n; j++ {
		row := g[j*n : j*n+n]
		best := 0.0
		for i, v := range row {
			if i != j {
				best = max(best, math.Abs(v-1))
			}
		}
		m[j] = best + tol
	}
	return m
}

// eachGroup calls fn on every group, from up to GOMAXPROCS goroutines.
func (t *sparseTrainer) eachGroup(fn func(gr *sparseGroup)) {
	workers := min(runtime.GOMAXPROCS(0), len(t.groups))
	if workers <= 1 {
		for _, gr := range t.groups {
			fn(gr)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1)) - 1
				if k >= len(t.groups) {
					return
				}
				fn(t.groups[k])
			}
		}()
	}
	wg.Wait()
}

func (t *sparseTrainer) row(i int32) []float64 { return t.x[int(i)*t.d : int(i+1)*t.d] }

func (t *sparseTrainer) wRow(r int) []float64 {
	raw := t.net.W.RawMatrix()
	return raw.Data[r*raw.Stride : r*raw.Stride+t.d]
}

// forward evaluates the current state. After the first call the work is
// done by update, which evaluates every neuron right after moving it, while
// its data are in cache; forward then only adds up the groups' results.
func (t *sparseTrainer) forward(st *Stats) {
	if !t.started {
		t.started = true
		t.eachGroup(func(gr *sparseGroup) {
			gr.startPass()
			t.initial(gr)
		})
		t.from = nil
	}
	n := t.n
	loss := 0.0
	st.ActiveMin, st.ActiveMax = math.MaxInt, 0
	var total int64
	for i := 0; i < n; i++ {
		s := 0.0
		c := 0
		for _, gr := range t.groups {
			s += gr.f[i]
			c += int(gr.count[i])
		}
		e := s*t.scale - t.y[i]
		t.resid[i] = e
		loss += e * e
		st.ActiveMin = min(st.ActiveMin, c)
		st.ActiveMax = max(st.ActiveMax, c)
		total += int64(c)
	}
	st.Loss = loss / 2
	st.ActiveMean = float64(total) / float64(n)
	bytes := t.fixed
	for _, gr := range t.groups {
		st.Flips += gr.flips
		st.Flipped += gr.flipped
		st.MoveW = max(st.MoveW, gr.moveW)
		st.MoveB = max(st.MoveB, gr.moveB)
		st.Pairs += gr.pairs
		st.Candidates += gr.cands
		st.Rebuilds += gr.rebuilds
		bytes += gr.bytes
	}
	t.bytes = bytes
	if bytes > t.limit && t.err == nil {
		t.err = fmt.Errorf("ntk: the sparse trainer's candidate sets grew to %.3g GB at step %d, above TrainOptions.MemoryLimit = %.3g GB (training made many more pairs fire); raise the limit or use Method: ntk.Dense",
			float64(bytes)/1e9, st.Step, float64(t.limit)/1e9)
	}
	if dm := DenseMemory(t.n, t.m, t.d); bytes > dm && t.err == nil && sparseForceMode != 2 { // the hook ignores budgets
		t.err = fmt.Errorf("ntk: the sparse trainer's candidate sets grew to %.3g GB at step %d, more than the dense trainer needs (%.3g GB): training made so many pairs fire that sparsity no longer pays; use Method: ntk.Dense",
			float64(bytes)/1e9, st.Step, float64(dm)/1e9)
	}
}

func (t *sparseTrainer) update(eta float64) {
	t.eachGroup(func(gr *sparseGroup) { t.moveGroup(gr, eta) })
}

func (t *sparseTrainer) finish() {
	if t.finished {
		return
	}
	t.finished = true
	t.eachGroup(func(gr *sparseGroup) {
		for _, nr := range gr.live {
			t.materialize(gr, nr)
		}
	})
}

// origin returns the trainer's origin, after finish.
func (t *sparseTrainer) origin() *origin {
	n, m, d := t.n, t.m, t.d
	o := &origin{m: m, n: n, d: d, w0: make([]float64, m*d), b0: append([]float64(nil), t.net.Bias...)}
	w := o.words()
	o.fired0, o.flipped = make([]uint64, m*w), make([]uint64, m*w)
	// A neuron that never fired has never moved: w0 = w.
	for r := 0; r < m; r++ {
		copy(o.w0[r*d:(r+1)*d], t.wRow(r))
	}
	for _, gr := range t.groups {
		for _, nr := range gr.all {
			r := int(nr.r)
			copy(o.w0[r*d:(r+1)*d], nr.w0)
			o.b0[r] = nr.b0
			copy(o.neuronBits(o.fired0, r), nr.fired0)
			copy(o.neuronBits(o.flipped, r), nr.ever())
		}
	}
	return o
}

// failure reports an error that stopped the trainer (memory).
func (t *sparseTrainer) failure() error { return t.err }

// lambdaMax0 estimates λ_max of the empirical kernel at initialization by
// 30 steps of power iteration, as the dense trainer does, through the firing
// pattern at t = 0: (Hv)_i = (1/m) Σ_r s_ir (⟨x_i, u_r⟩ + c_r) with
// u_r = Σ_j v_j s_jr x_j and c_r = Σ_j v_j s_jr.
func (t *sparseTrainer) lambdaMax0() float64 {
	n, d := t.n, t.d
	return powerLambdaMax(n, func(hv, v []float64) {
		t.eachGroup(func(gr *sparseGroup) {
			clear(gr.f)
			u := gr.g
			for _, nr := range gr.all {
				clear(u)
				c := 0.0
				for w, word := range nr.fired0 {
					for word != 0 {
						i := w<<6 + bits.TrailingZeros64(word)
						word &= word - 1
						floats.AddScaled(u, v[i], t.x[i*d:(i+1)*d])
						c += v[i]
					}
				}
				for w, word := range nr.fired0 {
					for word != 0 {
						i := w<<6 + bits.TrailingZeros64(word)
						word &= word - 1
						gr.f[i] += floats.Dot(u, t.x[i*d:(i+1)*d]) + c
					}
				}
			}
		})
		for i := range hv {
			s := 0.0
			for _, gr := range t.groups {
				s += gr.f[i]
			}
			hv[i] = s / float64(t.m)
		}
	})
}

// maxRowNorm returns max_i ‖x_i‖ over the rows of X.
func maxRowNorm(X *mat.Dense) float64 {
	n, _ := X.Dims()
	rho := 0.0
	for i := 0; i < n; i++ {
		rho = max(rho, floats.Norm(X.RawRowView(i), 2))
	}
	return rho
}
