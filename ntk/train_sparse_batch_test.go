package ntk

import (
	"math"
	"testing"
)

// withBatchedRebuilds makes the sparse trainer batch its rebuilds at every
// dimension for the duration of fn.
func withBatchedRebuilds(fn func()) {
	defer func(d int) { sparseBatchMinDim = d }(sparseBatchMinDim)
	sparseBatchMinDim = 1
	fn()
}

// TestSparseBatchedRebuildsMatchDense runs the narrow, rebuild-heavy problem
// of TestSparseMatchesDenseNarrow with batched rebuilds (rebuildBatch, at
// most four neurons at a time, settled out of order and re-sorted) and
// compares with Dense: losses within 1e-10 relative, same firing, same
// parameters.
func TestSparseBatchedRebuildsMatchDense(t *testing.T) {
	const n, d, m = 200, 5, 50
	steps := 600
	if testing.Short() {
		steps = 100
	}
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 211)
	withBatchedRebuilds(func() {
		run := trainBoth(t, net, X, y, TrainOptions{Eta: stableEta(t, net, X, 1.8), Steps: steps, DivergenceWindow: -1})
		if err := trajectoryDifference(run, 1e-10); err != nil {
			t.Fatal(err)
		}
		samePattern(t, run, X)
		rebuilds, _, _ := sparseTotals(run.sparse)
		if rebuilds < 4*steps/10 {
			t.Errorf("test set-up: want many rebuilds to batch, got %d in %d steps", rebuilds, steps)
		}
	})
}

// TestSparseBatchedRebuildsDeterministic checks that batched rebuilds give
// the same bits whatever GOMAXPROCS.
func TestSparseBatchedRebuildsDeterministic(t *testing.T) {
	const n, d, m = 70, 9, 3000
	steps := 30
	if testing.Short() {
		steps = 10
	}
	X, y, base := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1.5}, 221)
	eta := stableEta(t, base, X, 1.5)
	withBatchedRebuilds(func() {
		h := requireSameTrainingAcrossGOMAXPROCS(t, base, X, y, TrainOptions{Eta: eta, Steps: steps, Method: Sparse}, 2)
		if rebuilds, _, _ := sparseTotals(h); rebuilds == 0 {
			t.Error("test set-up: no rebuild to batch")
		}
	})
}

// TestMasked checks the branchless selection of evaluate and rebuild: the
// value itself when the pair fires, +0 otherwise, also for infinite and NaN
// pre-activations (the dense trainer skips those pairs).
func TestMasked(t *testing.T) {
	for _, v := range []float64{0, 1.5, -2.25, math.Inf(1), math.Inf(-1), math.NaN(), math.SmallestNonzeroFloat64} {
		if got := masked(v, 1); math.Float64bits(got) != math.Float64bits(v) {
			t.Errorf("masked(%v, 1) = %v, want %v", v, got, v)
		}
		if got := masked(v, 0); math.Float64bits(got) != 0 {
			t.Errorf("masked(%v, 0) = %v, want +0", v, got)
		}
	}
}
