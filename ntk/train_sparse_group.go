package ntk

import (
	"math"
	"unsafe"
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
	on          []uint64        // scratch: ⌈n/64⌉ words, the firing candidates of a neuron
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

// onWords returns the scratch bit set of ⌈n/64⌉ words (allocated at the
// first call).
func (gr *sparseGroup) onWords(n int) []uint64 {
	if w := (n + 63) >> 6; len(gr.on) != w {
		gr.on = make([]uint64, w)
		gr.arenaBytes += 8 * int64(w)
	}
	return gr.on
}

// chunk returns the number of neurons whose fixed-size state (initial
// weights, bit sets) the group allocates at once: one allocation per chunk
// keeps that state contiguous and, since it is never freed during training,
// retiring neurons leaves no garbage behind. At most 1/8 of the group's
// neurons, so that the unused end of the last chunk stays small.
func (gr *sparseGroup) chunk() int { return min(256, max(1, (gr.hi-gr.lo)/8)) }

// floats returns k float64s from the group's arena.
func (gr *sparseGroup) floats(k int) []float64 {
	return fromArena(&gr.floatArena, k, gr.chunk(), &gr.arenaBytes)
}

// words returns k uint64s from the group's arena.
func (gr *sparseGroup) words(k int) []uint64 {
	return fromArena(&gr.wordArena, k, gr.chunk(), &gr.arenaBytes)
}

// fromArena returns k elements of *arena, first replacing it by a new chunk
// of k·chunk elements (whose bytes it adds to *bytes) when fewer than k are
// left.
func fromArena[T float64 | uint64](arena *[]T, k, chunk int, bytes *int64) []T {
	if len(*arena) < k {
		*arena = make([]T, k*chunk)
		*bytes += 8 * int64(len(*arena))
	}
	s := (*arena)[:k:k]
	*arena = (*arena)[k:]
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
				fires := gr.onWords(t.n)
				dotRowsFire(gr.z, fires, t.wRow(int(nr.r)), t.x, t.d, gr.everyRow(t.n), t.net.Bias[int(nr.r)])
				t.rebuild(gr, nr, gr.z, fires)
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
		t.rebuild(gr, nr, gr.zb[k*n:(k+1)*n], nil)
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
	if im := nr.impl; im != nil && len(im.u) > 0 {
		prefetch(unsafe.Pointer(&im.zs[0]), 8*len(im.zs))
		prefetch(unsafe.Pointer(&im.u[0]), 8*len(im.u))
		prefetch(unsafe.Pointer(&im.alpha[0]), 8*len(im.alpha))
		prefetch(unsafe.Pointer(&im.p[0]), 8*len(im.p))
	}
	w := t.wRow(int(nr.r))
	prefetch4(unsafe.Pointer(unsafe.SliceData(nr.cand)), 4*len(nr.cand), unsafe.Pointer(unsafe.SliceData(nr.act)), 4*len(nr.act),
		unsafe.Pointer(unsafe.SliceData(nr.cbits)), 8*len(nr.cbits), unsafe.Pointer(unsafe.SliceData(w)), 8*len(w))
}

// sparseAhead is how many neurons ahead moveGroup prefetches a neuron.
const sparseAhead = 2
