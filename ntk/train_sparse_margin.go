package ntk

import "math"

// sparseCost holds the per-operation costs, in nanoseconds, of the cost model
// that chooses margins and modes, measured on a 2-core AMD EPYC (Zen 5) with
// the row kernels of rows.go: a dot product of length 64 (dotRows) takes
// about 3.6 ns, one of length 784 about 49 ns; only the ratios matter.
type sparseCost struct {
	dot  float64 // one dot product or gradient row of length d
	gram float64 // one multiply-add of an implicit update (a random read of G̃)
	pair float64 // bookkeeping per evaluated candidate
}

func newSparseCost(d int) sparseCost {
	return sparseCost{dot: 0.5 + 0.055*float64(d), gram: 1.5, pair: 2}
}

// chooseMargin returns the mode (implicit or explicit) and the margin μ that
// minimize the expected cost per step of nr: evaluating the |C(μ)|
// candidates every step (a dot product each when explicit, |A| reads of G̃
// when implicit) plus a rebuild (n dot products) every μ/δ steps, with δ the
// average drift per step since the last rebuild, subject to the memory caps.
// The margins tried are δ times the bin edges of marginBin (quarter
// octaves), read from a histogram of the negative pre-activations. z holds
// pre-activations: all n of them (limit = +Inf), or only those ≥ −limit
// (samples beyond limit are unknown and cannot become candidates).
func (t *sparseTrainer) chooseMargin(gr *sparseGroup, nr *sparseNeuron, z []float64, active int, limit float64) (implicit bool, mu float64) {
	if sparseForceMargin >= 0 {
		return t.gram != nil && sparseForceMode == 2, min(sparseForceMargin, limit)
	}
	delta := nr.delta // drift per step: the average since the reference state
	if nr.age > 0 {
		delta = nr.drift / float64(nr.age)
	}
	if !(delta > 0) {
		delta = 1e-3 * t.rho
	}
	h := &gr.hist
	clear(h[:])
	far := int32(0) // negative pre-activations beyond the last bin but within limit
	inv := 1 / delta
	for _, zi := range z {
		if zi >= 0 || zi < -limit {
			continue
		}
		k := marginBin(-zi * inv)
		if k >= sparseBins {
			far++
			continue
		}
		h[k]++
	}
	c := t.cost
	n := float64(t.n)
	a := float64(active)
	rebuildE := n * (c.dot + c.pair)
	perE := c.dot + c.pair
	fixedE := (a + 2) * c.dot // the gradient axpys and the norms
	rebuildI := rebuildE + a*c.dot
	perI := c.gram*a + 2*c.pair
	// Memory: the group may hold what the dense trainer would spend on its
	// neurons; a candidate takes 4.5 bytes with headroom (36 more when
	// implicit) and a firing one 4.5 more (its position). One neuron may take
	// its own share (8n bytes) and a quarter of what the group has left
	// beyond, so that the rest of the group still finds room.
	room := min(gr.room(nr), gr.room(nr)/4+8*n+64) - (4.5*a + 32)
	capE, capI := room/5.1, room/45.5 // with 1/8 for the allocator's size classes
	if sparseForceMode == 2 {
		capI = n
	}
	best := math.Inf(1)
	cum := float64(h[0])
	for k := 1; k < sparseBins; k++ {
		cum += float64(h[k])
		steps := marginEdge(k)
		muk := delta * steps
		if muk > limit {
			break
		}
		size := a + cum
		if cost := fixedE + perE*size + rebuildE/steps; cost < best && size <= capE && sparseForceMode != 2 {
			best, implicit, mu = cost, false, muk
		}
		if t.gram != nil && size <= capI && sparseForceMode != 1 {
			if cost := perI*size + (rebuildI+size*c.dot)/min(steps, sparseRefresh); cost < best {
				best, implicit, mu = cost, true, muk
			}
		}
	}
	// Keep every known sample: no rebuild until the drift reaches the limit.
	size := a + cum + float64(far)
	if cost := fixedE + perE*size; cost < best && size <= capE && sparseForceMode != 2 {
		best, implicit, mu = cost, false, limit
	}
	if t.gram != nil && size <= capI && sparseForceMode != 1 {
		if cost := perI*size + (rebuildI+size*c.dot)/sparseRefresh; cost < best {
			best, implicit, mu = cost, true, limit
		}
	}
	if math.IsInf(best, 1) { // no affordable margin: keep the firing samples only
		return false, 0
	}
	return implicit, mu
}

// marginBin returns the bin of v = −z/δ > 0 in the histogram of chooseMargin:
// 0 for v < 1, and 1 + 4e + q for v ∈ [2^e(1 + q/4), 2^e(1 + (q+1)/4)),
// read from the exponent and the two leading mantissa bits of v.
func marginBin(v float64) int {
	if v < 1 {
		return 0
	}
	return int(math.Float64bits(v)>>50) - 4*1023 + 1
}

// marginEdge returns the upper edge of bin k of marginBin: every v in bins
// 0..k is below it.
func marginEdge(k int) float64 {
	if k == 0 {
		return 1
	}
	e, q := (k-1)>>2, (k-1)&3
	return math.Ldexp(1+float64(q+1)/4, e)
}
