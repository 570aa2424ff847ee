package data

import (
	"errors"
	"fmt"

	"gonum.org/v1/gonum/mat"
)

// TeacherSigns returns the ±1 labels y_i = sign(⟨w, x_i⟩) of the linear
// teacher w on the rows of X, with sign(0) = +1. w must be non-zero with one
// finite entry per column of X.
func TeacherSigns(X *mat.Dense, w []float64) ([]float64, error) {
	y, err := LinearTargets(X, w)
	if err != nil {
		return nil, err
	}
	if sumSquares(w) == 0 {
		return nil, errors.New("data: TeacherSigns: the teacher w is zero, so every label would be +1; use a non-zero w")
	}
	for i, v := range y {
		if v >= 0 {
			y[i] = 1
		} else {
			y[i] = -1
		}
	}
	return y, nil
}

// RandomSigns returns n independent uniform ±1 labels. The same (n, seed)
// gives the same labels.
func RandomSigns(n int, seed uint64) ([]float64, error) {
	if n <= 0 {
		return nil, fmt.Errorf("data: RandomSigns: n = %d; the number of labels must be positive", n)
	}
	if n > maxEntries {
		return nil, fmt.Errorf("data: RandomSigns: n = %d exceeds the limit of %d entries", n, maxEntries)
	}
	rng := newRand(seed, streamSigns)
	y := make([]float64, n)
	for i := range y {
		if rng.Uint64()&1 == 0 {
			y[i] = 1
		} else {
			y[i] = -1
		}
	}
	return y, nil
}

// FlipSigns returns a copy of the ±1 labels y in which each label is flipped
// independently with probability p ∈ [0, 1] (label noise): label i flips
// when the i-th uniform draw u_i ∈ [0, 1) is below p, so p = 0 flips none and
// p = 1 flips all. Every entry of y must be exactly +1 or −1. The same
// (y, p, seed) gives the same result.
func FlipSigns(y []float64, p float64, seed uint64) ([]float64, error) {
	if !(p >= 0 && p <= 1) {
		return nil, fmt.Errorf("data: FlipSigns: p = %v; the flip probability must be in [0, 1]", p)
	}
	if len(y) == 0 {
		return nil, errors.New("data: FlipSigns: no labels given")
	}
	out := make([]float64, len(y))
	for i, v := range y {
		if v != 1 && v != -1 {
			return nil, fmt.Errorf("data: FlipSigns: y[%d] = %v; labels must be +1 or -1", i, v)
		}
		out[i] = v
	}
	rng := newRand(seed, streamFlip)
	for i := range out {
		if rng.Float64() < p {
			out[i] = -out[i]
		}
	}
	return out, nil
}
