package ntk

import (
	"math"
	"strings"
	"testing"
)

// TestActiveTailExact compares ActiveTail with the binomial tail summed
// from the probability mass function (log-gamma form).
func TestActiveTailExact(t *testing.T) {
	const m = 60
	for _, B := range []float64{0, 0.5, 1, 2, 3} {
		p := Q(B)
		pmf := func(k int) float64 {
			lg := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
			return math.Exp(lg(m+1) - lg(float64(k)+1) - lg(float64(m-k)+1) + float64(k)*math.Log(p) + float64(m-k)*math.Log1p(-p))
		}
		for count := -1; count <= m+1; count++ {
			var want float64
			for k := max(count, 0); k <= m; k++ {
				want += pmf(k)
			}
			got := bndMust(ActiveTail(m, B, count))(t)
			if want < 1e-300 && got < 1e-300 {
				continue
			}
			if bndRelErr(got, want) > 1e-11 {
				t.Errorf("B = %v, count = %d: %v, pmf sum %v", B, count, got, want)
			}
		}
	}
}

// TestActiveCountsMeasured draws real networks (ntk.New) and counts the
// neurons active on each of n standard basis inputs (Network.Active); on
// these inputs the counts are independent Binomial(m, Q(B)). Checked: every
// count is below Lemma 33's 2me^{−B²/2} (failure probability negligible
// here), the mean agrees with ActiveMean within 5 standard errors, and the
// frequency of counts ≥ the rounded mean agrees with ActiveTail within 5
// standard errors.
func TestActiveCountsMeasured(t *testing.T) {
	const n, m = 8, 4000
	seeds := 20
	if testing.Short() {
		seeds = 6
	}
	X := bndBasis(t, n, n)
	for _, B := range []float64{0, 0.5, 1, 2} {
		bound := bndMust(ActiveBound(n, m, B))(t)
		if bound.Failure > 1e-9 {
			t.Fatalf("B = %v: Lemma 33 failure %v too large for a deterministic check", B, bound.Failure)
		}
		mean := bndMust(ActiveMean(m, B))(t)
		k := int(math.Round(mean))
		tail := bndMust(ActiveTail(m, B, k))(t)
		var sum float64
		above, total := 0, 0
		for s := range seeds {
			net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: uint64(100 + s)}))(t)
			for i, act := range bndMust(net.Active(X))(t) {
				c := len(act)
				if float64(c) > bound.Value {
					t.Errorf("B = %v, seed %d, input %d: %d active neurons, above Lemma 33's %v", B, s, i, c, bound.Value)
				}
				sum += float64(c)
				if c >= k {
					above++
				}
				total++
			}
		}
		p := Q(B)
		se := math.Sqrt(float64(m) * p * (1 - p) / float64(total))
		if got := sum / float64(total); math.Abs(got-mean) > 5*se {
			t.Errorf("B = %v: mean active count %v, ActiveMean %v (5 s.e. = %v)", B, got, mean, 5*se)
		}
		seTail := math.Sqrt(tail * (1 - tail) / float64(total))
		if got := float64(above) / float64(total); math.Abs(got-tail) > 5*seTail {
			t.Errorf("B = %v: P[count ≥ %d] measured %v, ActiveTail %v (5 s.e. = %v)", B, k, got, tail, 5*seTail)
		}
	}
}

// TestActiveBoundTail checks Lemma 33's per-input failure probability
// against the exact binomial tail at its threshold 2me^{−B²/2}.
func TestActiveBoundTail(t *testing.T) {
	for _, m := range []int{10, 100, 1000, 100000} {
		for _, B := range []float64{0, 0.5, 1, 1.5, 2, 3} {
			b := bndMust(ActiveBound(1, m, B))(t)
			exact := bndMust(ActiveTail(m, B, int(math.Ceil(b.Value))))(t)
			if exact > b.Failure {
				t.Errorf("m = %d, B = %v: exact tail %v above Lemma 33's %v", m, B, exact, b.Failure)
			}
		}
	}
}

// TestActiveBoundTraining trains a real network and checks that the largest
// active count at every step stays below Lemma 34's bound evaluated with the
// movement measured at that step.
func TestActiveBoundTraining(t *testing.T) {
	const n, m = 6, 3000
	X := bndBasis(t, n, n)
	y := []float64{1, -1, 0.5, -0.5, 1, -1}
	for _, B := range []float64{0.5, 1.5} {
		net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: 21}))(t)
		_, _, lmax := bndOrthoKernel(n, B)
		hist := bndMust(Train(net, X, y, TrainOptions{Eta: 1 / lmax, Steps: 80, Method: Dense}))(t)
		for _, st := range hist.Stats {
			b, err := ActiveBoundTraining(n, m, B, st.MoveW, st.MoveB, Constants{})
			if err != nil {
				t.Fatalf("B = %v, step %d: %v", B, st.Step, err)
			}
			if float64(st.ActiveMax) > b.Value {
				t.Errorf("B = %v, step %d: %d active neurons, above Lemma 34's %v", B, st.Step, st.ActiveMax, b.Value)
			}
		}
		if last := hist.Stats[len(hist.Stats)-1]; last.Flipped == 0 {
			t.Errorf("B = %v: no neuron flipped in training, so the test did not exercise the flip term", B)
		}
	}
}

// TestSparsityErrors checks argument validation.
func TestSparsityErrors(t *testing.T) {
	if _, err := ActiveBound(1, 0, 1); err == nil || !strings.Contains(err.Error(), "ActiveBound: m = 0") {
		t.Errorf("m = 0: error %v", err)
	}
	if _, err := ActiveTail(10, -1, 3); err == nil || !strings.Contains(err.Error(), "B = -1") {
		t.Errorf("B = −1: error %v", err)
	}
	if _, err := ActiveBoundTraining(3, 100, 2, 0.6, 0, Constants{}); err == nil || !strings.Contains(err.Error(), "min{1/B, 1}") {
		t.Errorf("Rw above 1/B: error %v", err)
	}
}
