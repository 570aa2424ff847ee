package ntk

import (
	"math"

	"gonum.org/v1/gonum/floats"
)

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
