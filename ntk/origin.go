package ntk

import "math/bits"

// origin is the part of a training run's state that Stats measures from: the
// parameters at the call to Train and the firing record since then. With the
// current parameters it is everything a trainer needs to continue a run, which
// is what a checkpoint stores.
type origin struct {
	m, n, d int
	w0      []float64 // m×d: w_r(0), row-major
	b0      []float64 // m: b_r(0)
	// fired0 and flipped hold one row of ⌈n/64⌉ words per neuron: bit i of
	// row r is set when neuron r fired on sample i at t = 0, respectively
	// when its firing on i has differed from t = 0 at some step so far.
	fired0, flipped []uint64
}

// words returns ⌈n/64⌉, the length of a neuron's row of bits.
func (o *origin) words() int { return (o.n + 63) / 64 }

// neuronBits returns row r of a neuron-major bit matrix of o.
func (o *origin) neuronBits(b []uint64, r int) []uint64 {
	w := o.words()
	return b[r*w : (r+1)*w]
}

// transposeBits returns the transpose of the rows×cols bit matrix src, stored
// as rows rows of ⌈cols/64⌉ words: cols rows of ⌈rows/64⌉ words. It visits
// the set bits only.
func transposeBits(src []uint64, rows, cols int) []uint64 {
	sw, dw := (cols+63)/64, (rows+63)/64
	dst := make([]uint64, cols*dw)
	for i := 0; i < rows; i++ {
		for k, word := range src[i*sw : (i+1)*sw] {
			for word != 0 {
				j := k<<6 + bits.TrailingZeros64(word)
				word &= word - 1
				dst[j*dw+i>>6] |= 1 << (uint(i) & 63)
			}
		}
	}
	return dst
}

// originTrainer is implemented by trainers that can report their origin,
// after finish.
type originTrainer interface{ origin() *origin }
