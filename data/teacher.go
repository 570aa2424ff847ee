package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Figure2Dim is the input dimension of the toy regression of the paper's
// Figure 2 (paper.md §5): x ~ N(0, I_5).
const Figure2Dim = 5

// Teacher returns the unit vector w* ∈ R^d used by LinearTeacher and
// Figure2 for this seed: a standard Gaussian vector divided by its norm, so
// uniform on S^{d-1}. It is drawn from its own PCG stream, so it does not
// depend on n. The same (d, seed) gives the same bits.
func Teacher(d int, seed uint64) ([]float64, error) {
	if d <= 0 {
		return nil, fmt.Errorf("data: Teacher: d = %d; the dimension must be positive", d)
	}
	if d > maxEntries {
		return nil, fmt.Errorf("data: Teacher: d = %d exceeds the limit of %d entries", d, maxEntries)
	}
	w := make([]float64, d)
	gaussianUnit(newRand(seed, streamTeacher), w)
	return w, nil
}

// LinearTeacher returns n Gaussian inputs x_i ~ N(0, I_d) with targets
// y_i = ⟨w*, x_i⟩, where w* = Teacher(d, seed) is a fixed unit vector.
// The inputs are NOT unit norm (‖x‖² ~ χ²_d, mean d), unlike the
// theory's assumption ‖x‖ ≤ 1; use Normalized and LinearTargets for a unit-norm
// variant. Labels is nil. The same (n, d, seed) gives the same bits.
func LinearTeacher(n, d int, seed uint64) (*Dataset, error) {
	if err := checkSize("LinearTeacher", n, d); err != nil {
		return nil, err
	}
	w, err := Teacher(d, seed)
	if err != nil {
		return nil, err
	}
	rng := newRand(seed, streamGaussian)
	X := mat.NewDense(n, d, nil)
	raw := X.RawMatrix()
	for k := range raw.Data {
		raw.Data[k] = rng.NormFloat64()
	}
	y, err := LinearTargets(X, w)
	if err != nil {
		return nil, err
	}
	return &Dataset{
		Name: fmt.Sprintf("linear teacher, x ~ N(0, I_%d) (n=%d, seed=%d)", d, n, seed),
		X:    X,
		Y:    y,
	}, nil
}

// Figure2 returns the toy regression task of the paper's Figure 2
// (paper.md §5): n inputs x ~ N(0, I_5) and targets y = ⟨w*, x⟩ for the
// fixed unit vector w* = Teacher(5, seed). The paper does not state n. As in
// the paper, the inputs are NOT unit norm (E‖x‖² = 5), which violates the
// theory's assumption ‖x‖ ≤ 1 (paper.md §8.11). It is LinearTeacher(n, 5,
// seed) with a descriptive Name.
func Figure2(n int, seed uint64) (*Dataset, error) {
	ds, err := LinearTeacher(n, Figure2Dim, seed)
	if err != nil {
		return nil, fmt.Errorf("data: Figure2: %w", err)
	}
	ds.Name = fmt.Sprintf("Figure 2 task: y = <w*, x>, x ~ N(0, I_5) (n=%d, seed=%d)", n, seed)
	return ds, nil
}

// LinearTargets returns y = X w, the outputs of the linear teacher w on the
// rows of X. w must have one finite entry per column of X.
func LinearTargets(X *mat.Dense, w []float64) ([]float64, error) {
	if err := checkMatrix("X", X); err != nil {
		return nil, err
	}
	n, d := X.Dims()
	if len(w) != d {
		return nil, fmt.Errorf("data: len(w) = %d but X has %d columns; the teacher must have one weight per input coordinate", len(w), d)
	}
	for j, v := range w {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("data: teacher weight w[%d] = %v is not finite", j, v)
		}
	}
	y := make([]float64, n)
	mat.NewVecDense(n, y).MulVec(X, mat.NewVecDense(d, append([]float64(nil), w...)))
	for i, v := range y {
		if math.IsInf(v, 0) {
			return nil, fmt.Errorf("data: teacher output y[%d] = <w, x_%d> overflows", i, i)
		}
	}
	return y, nil
}
