package data

import "math/rand/v2"

// Streams of the PCG generator, one per use, so that the same seed given to
// two different functions does not yield correlated draws.
const (
	streamSphere uint64 = 0x7370_6865_7265_0001 + iota
	streamOrthonormal
	streamTeacher
	streamGaussian
	streamFlip
	streamSigns
	streamSplit
	streamSample
)

// newRand returns the PCG generator of the given seed and stream. The same
// (seed, stream) always gives the same sequence on every machine.
func newRand(seed, stream uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, stream))
}
