package data

import (
	"errors"
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Dataset is a set of n samples in R^d with their targets.
//
// The fields are exported so that callers can build a Dataset by hand;
// Validate checks that they fit together. Methods that derive a new Dataset
// (Normalized, Scaled, Split, Head, ...) never modify the receiver and never
// share memory with it.
type Dataset struct {
	// Name says what the data are and, for real data, whom to credit.
	Name string
	// X is n×d, one sample per row.
	X *mat.Dense
	// Y holds the n regression targets or ±1 labels.
	Y []float64
	// Labels holds the n class labels, or is nil when the data have none.
	Labels []int
}

// maxEntries bounds the number of float64 entries (2 GiB) that a generator
// or loader allocates, so that a typo in a size cannot ask for terabytes.
const maxEntries = 1 << 28

// Len returns the number n of samples, the number of rows of X.
// It returns 0 when X is nil or empty.
func (ds *Dataset) Len() int {
	if ds == nil || ds.X == nil || ds.X.IsEmpty() {
		return 0
	}
	n, _ := ds.X.Dims()
	return n
}

// Dim returns the input dimension d, the number of columns of X.
// It returns 0 when X is nil or empty.
func (ds *Dataset) Dim() int {
	if ds == nil || ds.X == nil || ds.X.IsEmpty() {
		return 0
	}
	_, d := ds.X.Dims()
	return d
}

// Validate reports whether the Dataset is usable: X is a non-empty n×d
// matrix with finite entries, Y has n finite entries, and Labels is nil or
// has n entries. The error names the first problem found.
func (ds *Dataset) Validate() error {
	if ds == nil {
		return errors.New("data: the Dataset is nil")
	}
	if ds.X == nil || ds.X.IsEmpty() {
		return fmt.Errorf("data: Dataset %q has no samples: X is nil or empty; it must be n×d with n, d > 0", ds.Name)
	}
	n, _ := ds.X.Dims()
	if err := checkFinite(ds.Name, ds.X); err != nil {
		return err
	}
	if len(ds.Y) != n {
		return fmt.Errorf("data: Dataset %q has %d samples but %d targets; len(Y) must equal the number of rows of X", ds.Name, n, len(ds.Y))
	}
	for i, y := range ds.Y {
		if math.IsNaN(y) || math.IsInf(y, 0) {
			return fmt.Errorf("data: Dataset %q: target Y[%d] = %v is not finite", ds.Name, i, y)
		}
	}
	if ds.Labels != nil && len(ds.Labels) != n {
		return fmt.Errorf("data: Dataset %q has %d samples but %d labels; Labels must be nil or have one entry per row of X", ds.Name, n, len(ds.Labels))
	}
	return nil
}

// checkFinite returns an error naming the first NaN or infinite entry of X.
func checkFinite(name string, X *mat.Dense) error {
	raw := X.RawMatrix()
	for i := 0; i < raw.Rows; i++ {
		row := raw.Data[i*raw.Stride : i*raw.Stride+raw.Cols]
		for j, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("data: %q: X[%d][%d] = %v is not finite", name, i, j, v)
			}
		}
	}
	return nil
}

// checkMatrix returns an error when X is nil, empty or not finite. The
// argument name is used in the message.
func checkMatrix(arg string, X *mat.Dense) error {
	if X == nil || X.IsEmpty() {
		return fmt.Errorf("data: %s is nil or empty; it must be an n×d matrix with n, d > 0", arg)
	}
	return checkFinite(arg, X)
}

// Clone returns a deep copy of the Dataset (nil for a nil Dataset).
func (ds *Dataset) Clone() *Dataset {
	if ds == nil {
		return nil
	}
	c := &Dataset{Name: ds.Name}
	if ds.X != nil {
		c.X = mat.DenseCopyOf(ds.X)
	}
	if ds.Y != nil {
		c.Y = append([]float64(nil), ds.Y...)
	}
	if ds.Labels != nil {
		c.Labels = append([]int(nil), ds.Labels...)
	}
	return c
}

// WithTargets returns a copy of the Dataset whose targets are y. It is the
// way to attach labels from TeacherSigns, RandomSigns or FlipSigns to a
// generated Dataset.
func (ds *Dataset) WithTargets(y []float64) (*Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if len(y) != ds.Len() {
		return nil, fmt.Errorf("data: WithTargets: len(y) = %d but Dataset %q has %d samples", len(y), ds.Name, ds.Len())
	}
	c := ds.Clone()
	copy(c.Y, y)
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}

// Scaled returns a copy of the Dataset with every entry of X multiplied by
// c, which must be finite and non-zero. Y and Labels are kept. For example
// Scaled(1.0/255) maps IDX pixels to [0, 1] and Scaled(1.0/16) does the same
// for Digits.
func (ds *Dataset) Scaled(c float64) (*Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if c == 0 || math.IsNaN(c) || math.IsInf(c, 0) {
		return nil, fmt.Errorf("data: Scaled: factor c = %v; it must be finite and non-zero", c)
	}
	out := ds.Clone()
	out.X.Scale(c, out.X)
	if err := checkFinite(out.Name, out.X); err != nil {
		return nil, fmt.Errorf("data: Scaled(%v) overflows: %w", c, err)
	}
	return out, nil
}

// Normalized returns a copy of the Dataset with every row of X scaled to unit
// Euclidean norm, so the samples lie on the sphere S^{d-1} as the paper's
// theory assumes (paper, Section 2.1). Y and Labels are kept unchanged: for a
// regression teacher such as LinearTeacher, recompute the targets on the
// normalized inputs with LinearTargets if that is what is meant. A zero row
// gives an error naming it.
func (ds *Dataset) Normalized() (*Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	out := ds.Clone()
	if err := NormalizeRows(out.X); err != nil {
		return nil, fmt.Errorf("data: Dataset %q: %w", ds.Name, err)
	}
	return out, nil
}

// Rows returns a new Dataset made of the rows idx of ds, in that order.
// Indices may repeat (as in a bootstrap sample); each must be in [0, n).
func (ds *Dataset) Rows(idx []int) (*Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if len(idx) == 0 {
		return nil, errors.New("data: Rows: no indices given; a Dataset needs at least one row")
	}
	n, d := ds.Len(), ds.Dim()
	for k, i := range idx {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("data: Rows: idx[%d] = %d is out of range [0, %d)", k, i, n)
		}
	}
	return ds.rows(idx, d), nil
}

// rows copies the rows idx (already checked) into a new Dataset.
func (ds *Dataset) rows(idx []int, d int) *Dataset {
	out := &Dataset{
		Name: ds.Name,
		X:    mat.NewDense(len(idx), d, nil),
		Y:    make([]float64, len(idx)),
	}
	if ds.Labels != nil {
		out.Labels = make([]int, len(idx))
	}
	for k, i := range idx {
		out.X.SetRow(k, ds.X.RawRowView(i))
		out.Y[k] = ds.Y[i]
		if ds.Labels != nil {
			out.Labels[k] = ds.Labels[i]
		}
	}
	return out
}

// Head returns a copy of the first n rows of ds, 1 ≤ n ≤ ds.Len().
func (ds *Dataset) Head(n int) (*Dataset, error) {
	if err := ds.Validate(); err != nil {
		return nil, err
	}
	if n <= 0 || n > ds.Len() {
		return nil, fmt.Errorf("data: Head(%d): n must be in [1, %d], the number of samples of %q", n, ds.Len(), ds.Name)
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return ds.rows(idx, ds.Dim()), nil
}
