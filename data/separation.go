package data

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"
)

// Separation returns the data separation of Theorem 13 of the paper,
//
//	δ = min_{i≠j} min(‖x_i − x_j‖, ‖x_i + x_j‖),
//
// over the rows x_i of X, which must have n ≥ 2 rows and finite entries. The
// rows need not have unit norm; the paper's theory assumes they do, and then
// δ ∈ [0, √2]. δ = 0 when two rows are equal or opposite.
//
// Algorithm. min(‖x_i−x_j‖², ‖x_i+x_j‖²) = ‖x_i‖² + ‖x_j‖² − 2|⟨x_i,x_j⟩|,
// so the Gram matrix XXᵀ (computed by BLAS in blocks of 128 rows, so memory is
// O(n) instead of n²) gives every pair's value. That estimate loses
// accuracy to cancellation when δ is small, so it is used only to prune:
// with the rigorous rounding bound t_ij = (2γ_d + 4u)(‖x_i‖² + ‖x_j‖²),
// γ_d = d·u/(1 − d·u), u = 2⁻⁵³, a pair whose estimate minus t_ij is not
// below the best exactly computed value so far cannot be the minimum;
// every other pair is recomputed directly from the coordinates. The result
// is therefore accurate to a few d·u relative, also when δ is tiny, and
// costs O(n²d) (one Gram pass plus O(d) per recomputed pair; on random data
// only a handful of pairs are recomputed, on exactly tied data such as
// orthonormal rows all of them are).
//
// X is rescaled internally by a power of two when its entries are huge or
// tiny, so the squares neither overflow nor underflow.
func Separation(X *mat.Dense) (float64, error) {
	Y, scale, err := pairInput("Separation", X)
	if err != nil {
		return 0, err
	}
	_, d := Y.Dims()
	norms := rowSquares(Y)
	u := 0x1p-53
	gamma := float64(d) * u / (1 - float64(d)*u)
	slack := 2*gamma + 4*u
	best := math.Inf(1)
	gramBlocks(Y, func(i, j int, g float64) {
		s := norms[i] + norms[j]
		est := s - 2*math.Abs(g)
		if est-slack*s >= best {
			return
		}
		best = min(best, exactPair(Y.RawRowView(i), Y.RawRowView(j)))
	})
	return math.Sqrt(best) * scale, nil
}

// MaxAbsCosine returns Δ = max_{i≠j} |⟨x_i, x_j⟩| / (‖x_i‖ ‖x_j‖), the largest
// absolute cosine between two rows of X. For unit vectors it relates to the
// separation of Theorem 13 by Δ = 1 − δ²/2, so Δ ≤ 1 − δ²/2 is met with
// equality (paper, proof of Theorem 13, step 6). X needs n ≥ 2 rows, finite
// entries and no zero row (the error names it). Accuracy: about d·1e-16
// absolute. Cost O(n²d) through the blocked Gram matrix.
func MaxAbsCosine(X *mat.Dense) (float64, error) {
	Y, _, err := pairInput("MaxAbsCosine", X)
	if err != nil {
		return 0, err
	}
	norms := rowSquares(Y)
	for i, s := range norms {
		if s == 0 {
			return 0, fmt.Errorf("data: MaxAbsCosine: row %d of X is zero, so its cosine with other rows is undefined", i)
		}
		norms[i] = math.Sqrt(s)
	}
	best := 0.0
	gramBlocks(Y, func(i, j int, g float64) {
		best = max(best, math.Abs(g)/(norms[i]*norms[j]))
	})
	return min(best, 1), nil
}

// pairInput checks X for the pairwise functions and returns it, or a copy
// scaled by a power of two 1/scale so that its largest entry is near 1 when
// that entry is outside [2⁻³⁰⁰, 2³⁰⁰].
func pairInput(fn string, X *mat.Dense) (*mat.Dense, float64, error) {
	if err := checkMatrix("X", X); err != nil {
		return nil, 0, fmt.Errorf("data: %s: %w", fn, err)
	}
	n, d := X.Dims()
	if n < 2 {
		return nil, 0, fmt.Errorf("data: %s: X has %d row; a pairwise quantity needs at least 2 rows", fn, n)
	}
	big := 0.0
	for i := 0; i < n; i++ {
		for _, v := range X.RawRowView(i) {
			big = max(big, math.Abs(v))
		}
	}
	if big == 0 || (big >= 0x1p-300 && big <= 0x1p300) {
		return X, 1, nil
	}
	_, e := math.Frexp(big)
	Y := mat.NewDense(n, d, nil)
	Y.Scale(math.Ldexp(1, -e), X)
	return Y, math.Ldexp(1, e), nil
}

// rowSquares returns ‖x_i‖² for every row.
func rowSquares(X *mat.Dense) []float64 {
	n, _ := X.Dims()
	s := make([]float64, n)
	for i := range s {
		s[i] = sumSquares(X.RawRowView(i))
	}
	return s
}

// exactPair returns min(‖a−b‖², ‖a+b‖²) computed from the coordinates.
func exactPair(a, b []float64) float64 {
	var minus, plus float64
	for k, x := range a {
		dm := x - b[k]
		dp := x + b[k]
		minus += float64(dm * dm)
		plus += float64(dp * dp)
	}
	return min(minus, plus)
}

// gramBlockRows is the number of rows of the Gram block held in memory.
const gramBlockRows = 128

// gramBlocks calls visit(i, j, ⟨x_i, x_j⟩) for every pair i < j of rows of
// X, in row-major order, computing the Gram matrix by blocks of
// gramBlockRows rows with a BLAS matrix product, so that memory stays
// O(gramBlockRows·n). The products are deterministic: each entry is summed in
// the same order whatever the number of threads.
func gramBlocks(X *mat.Dense, visit func(i, j int, g float64)) {
	n, d := X.Dims()
	b := gramBlockRows
	buf := make([]float64, min(b, n)*n)
	for i0 := 0; i0 < n-1; i0 += b {
		i1 := min(i0+b, n)
		rows, cols := i1-i0, n-i0
		G := mat.NewDense(rows, cols, buf[:rows*cols])
		G.Mul(X.Slice(i0, i1, 0, d), X.Slice(i0, n, 0, d).T())
		for ii := 0; ii < rows; ii++ {
			g := G.RawRowView(ii)
			for jj := ii + 1; jj < cols; jj++ {
				visit(i0+ii, i0+jj, g[jj])
			}
		}
	}
}
