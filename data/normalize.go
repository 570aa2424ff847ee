package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// NormalizeRows scales every row of X, in place, to unit Euclidean norm. The
// norm is computed with gonum's overflow-safe floats.Norm, so the result has
// norm 1 to within a few ulps. X must be non-empty with finite entries; a
// zero row gives an error naming it and leaves X unchanged (all rows are
// checked before any is scaled).
func NormalizeRows(X *mat.Dense) error {
	if err := checkMatrix("X", X); err != nil {
		return err
	}
	n, _ := X.Dims()
	norms := make([]float64, n)
	for i := range norms {
		norms[i] = floats.Norm(X.RawRowView(i), 2)
		if norms[i] == 0 {
			return fmt.Errorf("data: NormalizeRows: row %d of X is zero and cannot be scaled to unit norm; remove it first", i)
		}
		if math.IsInf(norms[i], 0) {
			return fmt.Errorf("data: NormalizeRows: row %d of X has an infinite norm", i)
		}
	}
	for i, r := range norms {
		row := X.RawRowView(i)
		for j := range row {
			row[j] /= r // division, not multiplication by 1/r, which overflows for subnormal r
		}
	}
	return nil
}
