package ntk

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/floats"
)

// sparseNeuron is the state of one live neuron.
type sparseNeuron struct {
	r     int32
	a     float64
	cand  []int32         // candidate samples, increasing
	act   []int32         // positions in cand of the candidates that fire now, increasing
	z32   []float32       // pre-activations at t = 0 of the non-firing candidates, until trimmed
	cbits []uint64        // fired0 and ever() at the candidates' positions (candidateBits); stale unless 2⌈|cand|/64⌉ long
	trim  bool            // the initial candidate set awaits its first trim
	impl  *sparseImplicit // nil in explicit mode
	spare *sparseImplicit // arrays of a former implicit phase, for reuse

	w0     []float64 // w_r(0)
	b0     float64
	fired0 []uint64 // samples that fired at t = 0; beyond its length, up to its
	// capacity, the samples whose firing has differed from t = 0 (ever())

	drift  float64 // bound on ρ‖w − w(t0)‖ + |b − b(t0)| since the reference state
	margin float64 // distance of the closest non-candidate at the reference state
	delta  float64 // the drift bound of the last step
	drift0 float64 // implicit: the drift bound accumulated before the synchronization point
	age    int32   // steps since the reference state
	slack  float64 // rounding allowance per step
	since  int32   // steps since the implicit weights were materialized
	again  bool    // rebuild at the next evaluation

	active       int32
	flips        int32   // pairs whose firing differs from t = 0
	flipsOut     int32   // of which outside the candidate set
	flipped      int32   // pairs that have differed from t = 0 at some step
	moveW, moveB float64 // ‖w − w(0)‖ (exact unless moveStale) and |b − b(0)|
	moveUB       float64 // upper bound on ‖w − w(0)‖
	moveStale    bool    // moveW predates the last step; moveUB bounds it
	arrays       int64   // arrayBytes at the end of the last pass
}

// sparseImplicit holds the implicit representation w = w_sync + Σ α_k x_{cand[k]}.
type sparseImplicit struct {
	zs    []float64 // z at the synchronization point
	u     []float64 // accumulated change of z since then
	alpha []float64
	p     []float64 // ⟨w_sync − w0, x_cand[k]⟩, for the movement
	dsq   float64   // ‖w_sync − w0‖²
}

// ever returns the set of samples whose firing has differed from t = 0.
func (nr *sparseNeuron) ever() []uint64 { return nr.fired0[len(nr.fired0):cap(nr.fired0)] }

func bitAt(b []uint64, i int32) bool { return b[i>>6]&(1<<(uint(i)&63)) != 0 }

func bitSet(b []uint64, i int32) { b[i>>6] |= 1 << (uint(i) & 63) }

// anyBit reports whether some bit of b is set.
func anyBit(b []uint64) bool {
	for _, w := range b {
		if w != 0 {
			return true
		}
	}
	return false
}

// popCount returns the number of set bits of b.
func popCount(b []uint64) int {
	c := 0
	for _, w := range b {
		c += bits.OnesCount64(w)
	}
	return c
}

// step moves neuron nr by one gradient step:
//
//	w_r ← w_r − η Σ_{j∈A_r} g_j x_j,  b_r ← b_r + η Σ_{j∈A_r} g_j,  g_j = (f_j − y_j) a_r/√m.
func (t *sparseTrainer) step(gr *sparseGroup, nr *sparseNeuron, eta float64) {
	act := nr.act
	// The firing samples and their coefficients g_j a_r/√m.
	if cap(gr.dal) < len(act) {
		gr.dal = make([]float64, len(act)+len(act)/4+4)
	}
	if cap(gr.idx) < len(act) {
		gr.idx = make([]int32, len(act)+len(act)/4+4)
	}
	idx, coef := gr.idx[:len(act)], gr.dal[:len(act)]
	s := 0.0
	for q, k := range act {
		c := nr.cand[k]
		v := t.resid[c] * t.scale * nr.a
		idx[q], coef[q] = c, v
		s += v
	}
	bias := t.net.Bias
	db := eta * s
	bias[int(nr.r)] += db
	var stepW float64
	if im := nr.impl; im != nil {
		dal := coef
		sumDal := 0.0
		for q, k := range act {
			dal[q] = -eta * coef[q]
			im.alpha[k] += dal[q]
			sumDal += dal[q]
		}
		// Δz_k = Σ_j Δα_j G̃(c_k, j): one dot product per candidate, of Δα
		// with row c_k of G̃ read at the firing samples' columns.
		dz := gr.z[:len(nr.cand)]
		gramRows(dz, t.gram, t.n, nr.cand, idx, dal)
		for k, v := range dz {
			im.u[k] += v
		}
		norm2 := 0.0 // ‖Δw‖² + Δb² = Σ_j Δα_j Δz_j
		for q, k := range act {
			norm2 += dal[q] * dz[k]
		}
		stepW = math.Sqrt(max(norm2-sumDal*sumDal, 0))
		nr.since++
		nr.age++
		// Switch to explicit when the implicit step has become dearer.
		a, size := float64(len(act)), float64(len(nr.cand))
		if t.cost.gram*a*size > 2*t.cost.dot*(a+size) && sparseForceMode != 2 {
			nr.again = true
		}
		// With Δw = Σ_k α_k x_k and Δb = −Σ_k α_k since the synchronization,
		// Σ_k α_k u_k = ‖Δw‖² + Δb², and
		// ‖w − w0‖² = ‖w_sync − w0‖² + 2Σα_k p_k + ‖Δw‖².
		sa, ap, au, aau, l1 := 0.0, 0.0, 0.0, 0.0, 0.0
		for k, al := range im.alpha {
			if al != 0 {
				sa += al
				ap += al * im.p[k]
				au += al * im.u[k]
				aau += math.Abs(al * im.u[k])
				l1 += math.Abs(al) * t.maxCorr[nr.cand[k]]
			}
		}
		dw2 := max(au-sa*sa, 0)
		nr.moveW = math.Sqrt(max(im.dsq+2*ap+dw2, 0))
		nr.moveUB, nr.moveStale = nr.moveW, false
		// A non-candidate i moved by |Δz_i| = |⟨Δw, x_i⟩ + Δb|, at most
		// ρ‖Δw‖ + |Δb| (Cauchy–Schwarz) and at most Σ_k |α_k| M_{c_k} + |Δb|
		// with M_j = max_{i≠j} |⟨x_i, x_j⟩| (the second is tighter for nearly
		// orthogonal data). The guard covers the rounding of the sums.
		cs := t.rho*math.Sqrt(dw2+1e-9*(aau+sa*sa)) + math.Abs(sa)
		nr.drift = nr.drift0 + min(cs, l1*(1+1e-9)+math.Abs(sa))*(1+1e-9) + float64(nr.since)*nr.slack
	} else {
		stepW = eta * math.Sqrt(stepRows(gr.g, t.wRow(int(nr.r)), t.x, t.d, idx, coef, -eta))
		nr.moveUB += stepW*(1+0x1p-40) + nr.slack
		nr.moveStale = true
		nr.drift += (t.rho*stepW+math.Abs(db))*(1+0x1p-40) + nr.slack
		nr.age++
	}
	nr.moveB = math.Abs(bias[int(nr.r)] - nr.b0)
	nr.delta = t.rho*stepW + math.Abs(db)
	if nr.trim {
		t.trim(gr, nr)
	}
}

// retire removes a neuron that fires on no sample: it will never move again.
func (t *sparseTrainer) retire(gr *sparseGroup, nr *sparseNeuron) {
	t.materialize(gr, nr)
	if nr.moveStale {
		t.exactMove(nr)
	}
	gr.countDead(nr)
	// w0 stays (in the group's arena) for the origin of a checkpoint.
	nr.cand, nr.act, nr.z32, nr.impl, nr.spare, nr.cbits = nil, nil, nil, nil, nil, nil
}

// exactMove computes ‖w_r − w_r(0)‖ of an explicit neuron.
func (t *sparseTrainer) exactMove(nr *sparseNeuron) {
	nr.moveW = floats.Distance(t.wRow(int(nr.r)), nr.w0, 2)
	nr.moveUB, nr.moveStale = nr.moveW, false
}

// materialize writes the implicit weights of nr into net.W and makes nr
// explicit.
func (t *sparseTrainer) materialize(gr *sparseGroup, nr *sparseNeuron) {
	im := nr.impl
	if im == nil {
		return
	}
	w := t.wRow(int(nr.r))
	idx, coef := gr.idx[:0], gr.dal[:0]
	for k, al := range im.alpha {
		if al != 0 {
			idx = append(idx, nr.cand[k])
			coef = append(coef, al)
		}
	}
	gr.idx, gr.dal = idx[:0], coef[:0]
	sumRows(gr.g, t.x, t.d, idx, coef)
	floats.Add(w, gr.g)
	nr.impl, nr.spare = nil, im // keep the arrays for the next synchronization
	nr.since = 0
}

// evaluate decides the firing of every candidate of nr at the current state.
func (t *sparseTrainer) evaluate(gr *sparseGroup, nr *sparseNeuron) {
	b := t.net.Bias[int(nr.r)]
	w := t.wRow(int(nr.r))
	cand := nr.cand
	z := gr.z[:len(cand)]
	words := (len(cand) + 63) >> 6
	on := gr.onWords(t.n)[:words] // the firing candidates' positions
	if im := nr.impl; im != nil {
		clear(on)
		for k := range z {
			z[k] = im.zs[k] + im.u[k]
			on[k>>6] |= uint64(b2i(z[k] >= 0)) << (k & 63)
		}
	} else {
		dotRowsFire(z, on, w, t.x, t.d, cand, b)
	}
	firing := 0
	for _, o := range on {
		firing += bits.OnesCount64(o)
	}
	act := fitInt32(nr.act, firing+1, firing/8+4)[:firing]
	if len(nr.cbits) != 2*words {
		t.candidateBits(nr)
	}
	f0, ev := nr.cbits[:words], nr.cbits[words:]
	ever := nr.ever()
	flips := nr.flipsOut
	a := nr.a
	f, count := gr.f, gr.count
	na := 0
	for w, o := range on {
		lo := w << 6
		// Only the firing candidates add to f: adding +0 for the others, as
		// the dense trainer does, leaves f unchanged (f is never −0).
		for m := o; m != 0; m &= m - 1 {
			k := lo + bits.TrailingZeros64(m)
			c := cand[k]
			f[c] += a * z[k]
			count[c]++
			act[na] = int32(k)
			na++
		}
		diff := o ^ f0[w]
		flips += int32(bits.OnesCount64(diff))
		if fresh := diff &^ ev[w]; fresh != 0 {
			ev[w] |= fresh
			nr.flipped += int32(bits.OnesCount64(fresh))
			for ; fresh != 0; fresh &= fresh - 1 {
				bitSet(ever, cand[lo+bits.TrailingZeros64(fresh)])
			}
		}
	}
	nr.act = act
	nr.active = int32(firing)
	nr.flips = flips
	gr.pairs += int64(len(cand))
}

// masked returns v if q = 1 and +0 if q = 0 (also for v = ±Inf or NaN, which
// a product v·q would turn into NaN), without a branch: adding it to f adds
// exactly the firing pairs' contributions, as the dense trainer does.
func masked(v float64, q int) float64 {
	return math.Float64frombits(math.Float64bits(v) & -uint64(q))
}

// b2i returns 1 for true and 0 for false (compiled without a branch).
func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// roundingSlack returns the certificate's allowance per step for the
// rounding of the pre-activations of a neuron with weights w and bias b:
// a computed ⟨w, x_i⟩ − b is within (d+1)·2^-53·(ρ‖w‖ + |b|) of the exact
// value (each of the d+1 terms rounded at most once more than its partial
// sum), and two evaluations are compared, so the allowance is
// max(2^-44, (d+2)·2^-52)·(ρ‖w‖ + |b| + 1).
func (t *sparseTrainer) roundingSlack(w []float64, b float64) float64 {
	return max(0x1p-44, float64(t.d+2)*0x1p-52) * (t.rho*floats.Norm(w, 2) + math.Abs(b) + 1)
}

// candidateBits fills nr.cbits with two bit sets over the positions of the
// candidates: fired at t = 0, and ever flipped (copies of fired0 and ever).
func (t *sparseTrainer) candidateBits(nr *sparseNeuron) {
	words := (len(nr.cand) + 63) >> 6
	if cap(nr.cbits) < 2*words || cap(nr.cbits) > 4*words+4 {
		nr.cbits = make([]uint64, 2*words, 2*words+2)
	}
	nr.cbits = nr.cbits[:2*words]
	clear(nr.cbits)
	f0, ev := nr.cbits[:words], nr.cbits[words:]
	fired0, ever := nr.fired0, nr.ever()
	for k, c := range nr.cand {
		if bitAt(fired0, c) {
			f0[k>>6] |= 1 << (k & 63)
		}
		if bitAt(ever, c) {
			ev[k>>6] |= 1 << (k & 63)
		}
	}
}

// rebuild decides the firing of the materialized neuron nr on every sample
// from z, its n pre-activations at the current state, and chooses a new
// mode, margin and candidate set.
//
// fires, if not nil, holds the firing set of z (as dotRowsFire computes it).
func (t *sparseTrainer) rebuild(gr *sparseGroup, nr *sparseNeuron, z []float64, fires []uint64) {
	n := t.n
	w, b := t.wRow(int(nr.r)), t.net.Bias[int(nr.r)]
	fired0, ever := nr.fired0, nr.ever()
	var active, flips int32
	a := nr.a
	for wd := range fired0 {
		lo, hi := wd<<6, min(wd<<6+64, n)
		var on uint64
		if fires != nil {
			// Only the firing samples add to f (+0 for the others would
			// leave it unchanged).
			on = fires[wd]
			for m := on; m != 0; m &= m - 1 {
				i := lo + bits.TrailingZeros64(m)
				gr.f[i] += a * z[i]
				gr.count[i]++
			}
		} else {
			for i := lo; i < hi; i++ {
				zi := z[i]
				q := b2i(zi >= 0)
				gr.f[i] += masked(a*zi, q)
				gr.count[i] += int32(q)
				on |= uint64(q) << (i & 63)
			}
		}
		active += int32(bits.OnesCount64(on))
		diff := on ^ fired0[wd]
		flips += int32(bits.OnesCount64(diff))
		fresh := diff &^ ever[wd]
		ever[wd] |= fresh
		nr.flipped += int32(bits.OnesCount64(fresh))
	}
	gr.pairs += int64(n)
	nr.active, nr.flips = active, flips
	nr.again = false
	if active == 0 {
		return
	}
	implicit, mu := t.chooseMargin(gr, nr, z, int(active), math.Inf(1))
	size := 0
	for _, zi := range z {
		if zi >= -mu {
			size++
		}
	}
	nr.cand, nr.act = fitInt32(nr.cand, size, size/8+4), fitInt32(nr.act, int(active), int(active)/8+4)
	nr.cbits = nr.cbits[:0]
	nearest := math.Inf(-1) // the largest excluded pre-activation
	nr.flipsOut = 0
	for i := 0; i < n; i++ {
		zi := z[i]
		if zi < -mu {
			nearest = max(nearest, zi)
			if bitAt(nr.fired0, int32(i)) {
				nr.flipsOut++
			}
			continue
		}
		if zi >= 0 {
			nr.act = append(nr.act, int32(len(nr.cand)))
		}
		nr.cand = append(nr.cand, int32(i))
	}
	nr.slack = t.roundingSlack(w, b)
	nr.margin = -nearest - nr.slack
	nr.drift, nr.age = 0, 0
	if implicit {
		t.synchronize(gr, nr, z)
	}
}

// synchronize makes nr implicit with the current materialized weights as the
// base point; z, if not nil, holds the current pre-activations of all samples.
func (t *sparseTrainer) synchronize(gr *sparseGroup, nr *sparseNeuron, z []float64) {
	k := len(nr.cand)
	im := nr.spare
	if im == nil {
		im = &sparseImplicit{}
	}
	nr.spare = nil
	im.zs = resize(im.zs, k)
	im.u = resize(im.u, k)
	im.alpha = resize(im.alpha, k)
	im.p = resize(im.p, k)
	clear(im.u)
	clear(im.alpha)
	w, b := t.wRow(int(nr.r)), t.net.Bias[int(nr.r)]
	diff := gr.g
	for j := range diff {
		diff[j] = w[j] - nr.w0[j]
	}
	im.dsq = floats.Dot(diff, diff)
	if z != nil {
		for q, c := range nr.cand {
			im.zs[q] = z[c]
		}
	} else {
		dotRows(im.zs, w, t.x, t.d, nr.cand, b)
	}
	dotRows(im.p, diff, t.x, t.d, nr.cand, 0)
	gr.pairs += int64(k)
	nr.impl = im
	nr.since = 0
	nr.drift0 = nr.drift
}

// trim cuts the generous candidate set of the initial state down to the
// cost-balanced margin, now that the drift of the first step is known.
func (t *sparseTrainer) trim(gr *sparseGroup, nr *sparseNeuron) {
	limit := nr.margin
	z := gr.z[:len(nr.z32)]
	for k, v := range nr.z32 {
		z[k] = float64(v)
	}
	implicit, mu := t.chooseMargin(gr, nr, z, int(nr.active), limit)
	nearest := -limit
	keep, q, neg := 0, 0, 0
	for k, c := range nr.cand {
		if q < len(nr.act) && int(nr.act[q]) == k {
			nr.act[q] = int32(keep) // firing samples are always kept
			q++
		} else {
			zk := z[neg]
			neg++
			if zk < -mu {
				nearest = max(nearest, zk)
				if bitAt(nr.fired0, c) { // only in a continued run
					nr.flipsOut++
				}
				continue
			}
		}
		nr.cand[keep] = c
		keep++
	}
	nr.cand = nr.cand[:keep]
	nr.cbits = nr.cbits[:0]
	if cap(nr.cand) > 2*keep+16 { // release the generous set's memory
		nr.cand = append(make([]int32, 0, keep), nr.cand...)
	}
	w, b := t.wRow(int(nr.r)), t.net.Bias[int(nr.r)]
	// float32 pre-activations are within 2^-24 relative of the exact ones.
	nr.slack = t.roundingSlack(w, b)
	nr.margin = -nearest*(1-0x1p-22) - nr.slack
	nr.drift += nr.slack
	nr.z32, nr.trim = nil, false
	if implicit {
		t.synchronize(gr, nr, nil)
	}
}

// fitInt32 returns an empty slice with capacity at least k, reusing s unless
// it is too small or more than twice too large; a new slice gets room for
// headroom more elements, so that sets that grow slowly are not reallocated
// at every rebuild.
func fitInt32(s []int32, k, headroom int) []int32 {
	if cap(s) < k || cap(s) > 2*k+16 {
		return make([]int32, 0, k+headroom)
	}
	return s[:0]
}

func resize(s []float64, k int) []float64 {
	if cap(s) < k || cap(s) > 2*k+16 {
		return make([]float64, k, k+k/4+4)
	}
	return s[:k]
}
