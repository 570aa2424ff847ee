package ntk

import (
	"math"
	"math/bits"
	"unsafe"

	"gonum.org/v1/gonum/floats"
)

// sparseGroup is a range of consecutive neurons, processed by one goroutine
// at a time, with its own accumulators and scratch space.
type sparseGroup struct {
	lo, hi int
	live   []*sparseNeuron // neurons that fire on some sample, in increasing r
	all    []*sparseNeuron // every neuron that fired at t = 0 (for lambdaMax0)
	f      []float64       // Σ_r a_r z_ri over the group's firing pairs
	count  []int32         // number of the group's neurons firing on i

	z           []float64 // scratch: n pre-activations
	g           []float64 // scratch: d
	dal         []float64
	idx         []int32
	rows        []int32         // 0, …, n−1: the rows of a rebuild
	pending     []*sparseNeuron // rebuilds due (moveGroup)
	zb, wb      []float64       // scratch of rebuildBatch: sparseBatch×n and sparseBatch×d
	genB, genMu float64         // cache of sparseGenerous

	budget int64 // bytes the group may hold (its share of DenseMemory or the limit)
	arrays int64 // bytes of the live neurons' candidate arrays

	floatArena []float64 // the unused part of the current chunks
	wordArena  []uint64
	arenaBytes int64
	hist       [sparseBins + 1]int32

	deadFlips, deadFlipped int64
	deadMoveW, deadMoveB   float64

	flips, flipped, cands, pairs int64
	rebuilds                     int
	moveW, moveB                 float64
	bytes                        int64
}

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

// initial evaluates every neuron of the group at θ(0): the firing pattern at
// initialization, the contributions to f(0), and generous candidate sets
// that the first update trims to a cost-balanced margin. When the trainer
// continues a run from an origin (a checkpoint), the current state is the
// reference state and the firing record comes from the origin.
func (t *sparseTrainer) initial(gr *sparseGroup) {
	n := t.n
	bias := t.net.Bias
	o := t.from
	z := gr.z[:n]
	rows := gr.everyRow(n)
	for r := gr.lo; r < gr.hi; r++ {
		w, b := t.wRow(r), bias[r]
		dotRows(z, w, t.x, t.d, rows, b)
		fires := false
		for _, zi := range z {
			fires = fires || zi >= 0
		}
		gr.pairs += int64(n)
		if !fires {
			if o != nil && (anyBit(o.neuronBits(o.fired0, r)) || anyBit(o.neuronBits(o.flipped, r))) {
				t.initialDead(gr, r)
			}
			continue
		}
		nr := t.newNeuron(gr, r)
		ever := nr.ever()
		if b != gr.genB || gr.genMu == 0 {
			gr.genB, gr.genMu = b, sparseGenerous(b, t.rho)+math.SmallestNonzeroFloat64
		}
		gen := gr.genMu
		var size, firing int
		for _, zi := range z {
			if zi >= -gen {
				size++
				if zi >= 0 {
					firing++
				}
			}
		}
		nr.cand = make([]int32, 0, size)
		nr.act = make([]int32, 0, firing)
		nr.z32 = make([]float32, 0, size-firing)
		for i := 0; i < n; i++ {
			zi := z[i]
			on := zi >= 0
			if on && o == nil {
				bitSet(nr.fired0, int32(i))
			}
			if on != bitAt(nr.fired0, int32(i)) {
				nr.flips++
				bitSet(ever, int32(i))
			}
			if zi < -gen {
				if bitAt(nr.fired0, int32(i)) {
					nr.flipsOut++
				}
				continue
			}
			if on {
				gr.f[i] += nr.a * zi
				gr.count[i]++
				nr.active++
				nr.act = append(nr.act, int32(len(nr.cand)))
			} else {
				nr.z32 = append(nr.z32, float32(zi))
			}
			nr.cand = append(nr.cand, int32(i))
		}
		nr.flipped = int32(popCount(ever))
		nr.margin = gen
		gr.live = append(gr.live, nr)
		gr.all = append(gr.all, nr)
		gr.cands += int64(len(nr.cand))
		nr.arrays = arrayBytes(nr)
		gr.arrays += nr.arrays
		gr.flips += int64(nr.flips)
		gr.flipped += int64(nr.flipped)
		gr.moveW = max(gr.moveW, nr.moveW)
		gr.moveB = max(gr.moveB, nr.moveB)
	}
	gr.bytes = gr.held()
}

// newNeuron returns the state of neuron r at the start of training: its
// initial parameters and firing record come from the trainer's origin if it
// has one, and are the current ones otherwise.
func (t *sparseTrainer) newNeuron(gr *sparseGroup, r int) *sparseNeuron {
	w, b := t.wRow(r), t.net.Bias[r]
	nr := &sparseNeuron{r: int32(r), a: t.net.A[r], b0: b, trim: true}
	nr.w0 = gr.floats(t.d)
	bs := gr.words(2 * t.words)
	nr.fired0 = bs[:t.words]
	if o := t.from; o != nil {
		copy(nr.w0, o.w0[r*t.d:(r+1)*t.d])
		nr.b0 = o.b0[r]
		copy(nr.fired0, o.neuronBits(o.fired0, r))
		copy(nr.ever(), o.neuronBits(o.flipped, r))
		nr.moveW = floats.Distance(w, nr.w0, 2)
		nr.moveUB = nr.moveW
		nr.moveB = math.Abs(b - nr.b0)
	} else {
		copy(nr.w0, w)
	}
	return nr
}

// initialDead records neuron r, which fired at the origin of a continued run
// but fires on no sample now: it will not move again, and only counts in the
// telemetry and the next checkpoint.
func (t *sparseTrainer) initialDead(gr *sparseGroup, r int) {
	nr := t.newNeuron(gr, r)
	ever := nr.ever()
	for k, word := range nr.fired0 {
		ever[k] |= word // every sample it fired on at t = 0 is a flip now
	}
	nr.flips = int32(popCount(nr.fired0))
	nr.flipped = int32(popCount(ever))
	nr.cand, nr.act, nr.z32, nr.trim = nil, nil, nil, false
	gr.all = append(gr.all, nr)
	gr.countDead(nr)
}

// countDead adds the final statistics of a neuron that stopped firing to the
// group's record of dead neurons and to its current results.
func (gr *sparseGroup) countDead(nr *sparseNeuron) {
	gr.deadFlips += int64(nr.flips)
	gr.deadFlipped += int64(nr.flipped)
	gr.deadMoveW = max(gr.deadMoveW, nr.moveW)
	gr.deadMoveB = max(gr.deadMoveB, nr.moveB)
	gr.flips += int64(nr.flips)
	gr.flipped += int64(nr.flipped)
	gr.moveW = max(gr.moveW, nr.moveW)
	gr.moveB = max(gr.moveB, nr.moveB)
}

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

// everyRow returns the indices 0, …, n−1 (allocated at the first call).
func (gr *sparseGroup) everyRow(n int) []int32 {
	if len(gr.rows) != n {
		gr.rows = make([]int32, n)
		for i := range gr.rows {
			gr.rows[i] = int32(i)
		}
		gr.arenaBytes += 4 * int64(n)
	}
	return gr.rows
}

// chunk returns the number of neurons whose fixed-size state (initial
// weights, bit sets) the group allocates at once: one allocation per chunk
// keeps that state contiguous and, since it is never freed during training,
// retiring neurons leaves no garbage behind. At most 1/8 of the group's
// neurons, so that the unused end of the last chunk stays small.
func (gr *sparseGroup) chunk() int { return min(256, max(1, (gr.hi-gr.lo)/8)) }

// floats returns k float64s from the group's arena.
func (gr *sparseGroup) floats(k int) []float64 {
	if len(gr.floatArena) < k {
		gr.floatArena = make([]float64, k*gr.chunk())
		gr.arenaBytes += 8 * int64(len(gr.floatArena))
	}
	s := gr.floatArena[:k:k]
	gr.floatArena = gr.floatArena[k:]
	return s
}

// words returns k uint64s from the group's arena.
func (gr *sparseGroup) words(k int) []uint64 {
	if len(gr.wordArena) < k {
		gr.wordArena = make([]uint64, k*gr.chunk())
		gr.arenaBytes += 8 * int64(len(gr.wordArena))
	}
	s := gr.wordArena[:k:k]
	gr.wordArena = gr.wordArena[k:]
	return s
}

// arrayBytes returns the bytes of the candidate arrays of nr, with 1/8 more
// for the rounding of small allocations to the allocator's size classes.
func arrayBytes(nr *sparseNeuron) int64 {
	b := 4*int64(cap(nr.cand)+cap(nr.act)+cap(nr.z32)) + 8*int64(cap(nr.cbits))
	for _, im := range []*sparseImplicit{nr.impl, nr.spare} {
		if im != nil {
			b += 32*int64(cap(im.u)) + 64
		}
	}
	return b + b/8 + 48
}

// held returns the bytes the group holds: arenas, neuron lists, neuron
// states and candidate arrays.
func (gr *sparseGroup) held() int64 {
	return gr.arenaBytes + 8*int64(cap(gr.live)+cap(gr.all)) + sparseNeuronBytes*int64(len(gr.live)) + gr.arrays
}

// room returns the bytes available for the candidate arrays of nr: the
// group's budget less what it holds besides them.
func (gr *sparseGroup) room(nr *sparseNeuron) float64 {
	return float64(gr.budget - gr.held() + nr.arrays)
}

// sparseNeuronBytes is the size of a sparseNeuron with its slice headers.
const sparseNeuronBytes = int64(unsafe.Sizeof(sparseNeuron{})) + 16

// startPass resets the group's results before a pass over its neurons.
func (gr *sparseGroup) startPass() {
	gr.flips, gr.flipped, gr.cands, gr.pairs, gr.rebuilds = gr.deadFlips, gr.deadFlipped, 0, 0, 0
	gr.moveW, gr.moveB = gr.deadMoveW, gr.deadMoveB
	gr.bytes = 0
	clear(gr.f)
	clear(gr.count)
}

// moveGroup takes one step of size eta for every live neuron of the group
// and evaluates it at its new state.
func (t *sparseTrainer) moveGroup(gr *sparseGroup, eta float64) {
	gr.startPass()
	// keep shares live's array: it never holds more neurons than have been
	// visited, so it only overwrites entries already read.
	keep := gr.live[:0]
	live := gr.live
	pending := gr.pending[:0]
	deferred := false
	for q, nr := range live {
		if q+2*sparseAhead < len(live) {
			prefetch(unsafe.Pointer(live[q+2*sparseAhead]), int(sparseNeuronBytes))
		}
		if q+sparseAhead < len(live) {
			t.touch(live[q+sparseAhead])
		}
		t.step(gr, nr, eta)
		if nr.again || (nr.drift >= nr.margin && !sparseSkipCertificate) || (nr.impl != nil && nr.since >= sparseRefresh) {
			t.materialize(gr, nr)
			if t.d < sparseBatchMinDim {
				dotRows(gr.z, t.wRow(int(nr.r)), t.x, t.d, gr.everyRow(t.n), t.net.Bias[int(nr.r)])
				t.rebuild(gr, nr, gr.z)
				gr.rebuilds++
				keep = t.settle(gr, nr, keep)
				continue
			}
			// Rebuilds wait until four are due, so that they share the
			// reads of the data (rebuildBatch).
			pending = append(pending, nr)
			if len(pending) == sparseBatch {
				keep = t.rebuildBatch(gr, pending, keep)
				pending = pending[:0]
				deferred = true
			}
			continue
		}
		t.evaluate(gr, nr)
		keep = t.settle(gr, nr, keep)
	}
	deferred = deferred || len(pending) > 0
	keep = t.rebuildBatch(gr, pending, keep)
	clear(pending)
	gr.pending = pending[:0]
	if deferred {
		sortByNeuron(keep)
	}
	clear(gr.live[len(keep):])
	gr.live = keep
	gr.bytes = gr.held()
}

// sparseBatch is the number of rebuilds that share the reads of the data.
const sparseBatch = 4

// sparseBatchMinDim is the smallest dimension d at which rebuilds are
// batched: with AVX-512 (dotRows4), from d = 128, where a row of the data
// no longer fits in a few cache lines and the data rarely in the cache; never
// otherwise. Tests lower it to exercise the batched path.
var sparseBatchMinDim = func() int {
	if useRow512 {
		return 128
	}
	return math.MaxInt
}()

// rebuildBatch rebuilds the (materialized) neurons of batch from their
// pre-activations on all samples, computed together, and settles them.
func (t *sparseTrainer) rebuildBatch(gr *sparseGroup, batch []*sparseNeuron, keep []*sparseNeuron) []*sparseNeuron {
	if len(batch) == 0 {
		return keep
	}
	n, d := t.n, t.d
	if len(gr.zb) != sparseBatch*n {
		gr.zb = make([]float64, sparseBatch*n)
		gr.wb = make([]float64, sparseBatch*d)
		gr.arenaBytes += 8 * int64(len(gr.zb)+len(gr.wb))
	}
	var b [sparseBatch]float64
	for k, nr := range batch {
		copy(gr.wb[k*d:(k+1)*d], t.wRow(int(nr.r)))
		b[k] = t.net.Bias[int(nr.r)]
	}
	dotRowsBatch(gr.zb, gr.wb, t.x, n, d, b[:len(batch)], gr.everyRow(n))
	for k, nr := range batch {
		t.rebuild(gr, nr, gr.zb[k*n:(k+1)*n])
		gr.rebuilds++
		keep = t.settle(gr, nr, keep)
	}
	return keep
}

// settle retires nr if it fires on no sample, and otherwise appends it to
// keep and adds its statistics to the group's.
func (t *sparseTrainer) settle(gr *sparseGroup, nr *sparseNeuron, keep []*sparseNeuron) []*sparseNeuron {
	if nr.active == 0 {
		t.retire(gr, nr)
		gr.arrays -= nr.arrays
		nr.arrays = 0
		return keep
	}
	ab := arrayBytes(nr)
	gr.arrays += ab - nr.arrays
	nr.arrays = ab
	// An explicit neuron's movement is recomputed only when its upper
	// bound could exceed the group's maximum so far; otherwise its exact
	// value cannot be the maximum.
	if nr.moveStale && nr.moveUB > gr.moveW {
		t.exactMove(nr)
	}
	keep = append(keep, nr)
	gr.flips += int64(nr.flips)
	gr.flipped += int64(nr.flipped)
	if !nr.moveStale {
		gr.moveW = max(gr.moveW, nr.moveW)
	}
	gr.moveB = max(gr.moveB, nr.moveB)
	gr.cands += int64(len(nr.cand))
	return keep
}

// sortByNeuron sorts live neurons by index (insertion sort: the rebuilt
// neurons are only a few places late).
func sortByNeuron(live []*sparseNeuron) {
	for i := 1; i < len(live); i++ {
		nr := live[i]
		j := i
		for ; j > 0 && live[j-1].r > nr.r; j-- {
			live[j] = live[j-1]
		}
		live[j] = nr
	}
}

// touch asks the processor to load the candidate arrays and the weights of
// nr into the cache, so that they arrive while the previous neurons are
// moved (moveGroup prefetches the state of nr itself further ahead).
func (t *sparseTrainer) touch(nr *sparseNeuron) {
	if len(nr.cand) > 0 {
		prefetch(unsafe.Pointer(&nr.cand[0]), 4*len(nr.cand))
	}
	if len(nr.act) > 0 {
		prefetch(unsafe.Pointer(&nr.act[0]), 4*len(nr.act))
	}
	if len(nr.cbits) > 0 {
		prefetch(unsafe.Pointer(&nr.cbits[0]), 8*len(nr.cbits))
	}
	if im := nr.impl; im != nil && len(im.u) > 0 {
		prefetch(unsafe.Pointer(&im.zs[0]), 8*len(im.zs))
		prefetch(unsafe.Pointer(&im.u[0]), 8*len(im.u))
		prefetch(unsafe.Pointer(&im.alpha[0]), 8*len(im.alpha))
		prefetch(unsafe.Pointer(&im.p[0]), 8*len(im.p))
	}
	w := t.wRow(int(nr.r))
	prefetch(unsafe.Pointer(&w[0]), 8*len(w))
}

// sparseAhead is how many neurons ahead moveGroup prefetches a neuron.
const sparseAhead = 2

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
		g := gr.g
		sumRows(g, t.x, t.d, idx, coef)
		w := t.wRow(int(nr.r))
		floats.AddScaled(w, -eta, g)
		stepW = eta * math.Sqrt(floats.Dot(g, g))
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
	z := gr.z[:len(nr.cand)]
	ever := nr.ever()
	if im := nr.impl; im != nil {
		for k := range z {
			z[k] = im.zs[k] + im.u[k]
		}
	} else {
		dotRows(z, w, t.x, t.d, nr.cand, b)
	}
	firing := 0
	for _, zk := range z {
		firing += b2i(zk >= 0)
	}
	// One spare slot: every candidate writes its position, and only the
	// firing ones advance.
	act := fitInt32(nr.act, firing+1, firing/8+4)
	act = act[:cap(act)]
	na := 0
	cand := nr.cand
	words := (len(cand) + 63) >> 6
	if len(nr.cbits) != 2*words {
		t.candidateBits(nr)
	}
	f0, ev := nr.cbits[:words], nr.cbits[words:]
	flips := nr.flipsOut
	a := nr.a
	f, count := gr.f, gr.count
	for w := range f0 {
		lo, hi := w<<6, min(w<<6+64, len(cand))
		var on uint64
		for k := lo; k < hi; k++ {
			zk := z[k]
			c := cand[k]
			q := b2i(zk >= 0)
			f[c] += masked(a*zk, q)
			count[c] += int32(q)
			act[na] = int32(k)
			na += q
			on |= uint64(q) << (k & 63)
		}
		diff := on ^ f0[w]
		flips += int32(bits.OnesCount64(diff))
		if fresh := diff &^ ev[w]; fresh != 0 {
			ev[w] |= fresh
			nr.flipped += int32(bits.OnesCount64(fresh))
			for ; fresh != 0; fresh &= fresh - 1 {
				bitSet(ever, cand[lo+bits.TrailingZeros64(fresh)])
			}
		}
	}
	nr.act = act[:na]
	nr.active = int32(na)
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
func (t *sparseTrainer) rebuild(gr *sparseGroup, nr *sparseNeuron, z []float64) {
	n := t.n
	w, b := t.wRow(int(nr.r)), t.net.Bias[int(nr.r)]
	fired0, ever := nr.fired0, nr.ever()
	var active, flips int32
	a := nr.a
	for wd := range fired0 {
		lo, hi := wd<<6, min(wd<<6+64, n)
		var on uint64
		for i := lo; i < hi; i++ {
			zi := z[i]
			q := b2i(zi >= 0)
			gr.f[i] += masked(a*zi, q)
			gr.count[i] += int32(q)
			on |= uint64(q) << (i & 63)
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
