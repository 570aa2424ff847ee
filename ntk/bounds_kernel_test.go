package ntk

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestKernelEigenBoundMeasured builds real networks at Lemma 15's width for
// δ = 0.01 on orthonormal inputs (λ = 2p0 − p0² in closed form) and checks
// that the least eigenvalue of the sampled kernel H(0) (KernelEmpirical) is
// at least 0.75λ for every seed.
func TestKernelEigenBoundMeasured(t *testing.T) {
	const n = 4
	seeds := 10
	if testing.Short() {
		seeds = 3
	}
	X := bndBasis(t, n, n)
	for _, B := range []float64{0, 1} {
		_, lambda, _ := bndOrthoKernel(n, B)
		m := int(math.Ceil(bndMust(WidthLemma15(n, lambda, 0.01))(t)))
		b := bndMust(KernelEigenBound(n, m, lambda))(t)
		if b.Failure > 0.01 || b.Failure < 0.0099 {
			t.Errorf("B = %v: failure at Lemma 15's width (rounded up) is %v, want just below δ = 0.01", B, b.Failure)
		}
		for s := range seeds {
			net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: uint64(200 + s)}))(t)
			H0 := bndMust(KernelEmpirical(net, X))(t)
			if l := bndEigenvalues(t, H0)[0]; l < b.Value {
				t.Errorf("B = %v, m = %d, seed %d: λ_min(H(0)) = %v below Lemma 15's 0.75λ = %v", B, m, s, l, b.Value)
			}
		}
	}
}

// TestKernelDeviationMeasured measures ‖H(0) − H∞‖_F for real networks on
// orthonormal inputs (H∞ in closed form) and checks it against Lemma 16's
// bound for δ = 0.01, over several widths and biases; it also checks that
// the measured deviation shrinks with m.
func TestKernelDeviationMeasured(t *testing.T) {
	const n = 6
	X := bndBasis(t, n, n)
	for _, B := range []float64{0, 1, 1.5} {
		Hinf, _, _ := bndOrthoKernel(n, B)
		var prev float64
		for _, m := range []int{2000, 32000} {
			bound := bndMust(KernelDeviationBound(n, m, B, 0.01))(t)
			var worst float64
			for s := range 4 {
				net := bndMust(New(Init{Width: m, Dim: n, B: B, Seed: uint64(300 + s)}))(t)
				dev := bndFrobDiff(bndMust(KernelEmpirical(net, X))(t), Hinf)
				worst = max(worst, dev)
			}
			if worst > bound {
				t.Errorf("B = %v, m = %d: ‖H(0) − H∞‖_F = %v above Lemma 16's %v", B, m, worst, bound)
			}
			if prev != 0 && worst > prev {
				t.Errorf("B = %v: deviation grew from %v to %v as m grew 16-fold", B, prev, worst)
			}
			prev = worst
		}
	}
	if _, err := KernelDeviationBound(10, 100, 2.5, 0.01); err == nil || !strings.Contains(err.Error(), "e^{B²/2} = O(√m)") {
		t.Errorf("m too small for B = 2.5: error %v", err)
	}
}

// TestKernelPerturbationMeasured moves every neuron of a real network by
// exactly (R_w, R_b), in the direction that pushes it across its activation
// boundary on input 0 (the worst case for that input), and checks Lemma 20:
// the kernel change ‖H(W,b) − H(W̃,b̃)‖_F, the feature change ‖Z − Z̃‖_F
// (from the flipped (neuron, input) pairs: ‖x̃_i‖² = 2 per flip, over m) and
// the least eigenvalue of the perturbed kernel against their bounds.
func TestKernelPerturbationMeasured(t *testing.T) {
	const n = 6
	X := bndBasis(t, n, n)
	for _, c := range []struct {
		m         int
		B, Rw, Rb float64
	}{{16000, 0.5, 0.05, 0.05}, {16000, 1, 0.1, 0.02}, {80000, 2, 0.2, 0.1}} {
		m := c.m
		_, lambda, _ := bndOrthoKernel(n, c.B)
		b := bndMust(KernelPerturbationBound(n, m, lambda, c.B, c.Rw, c.Rb, Constants{}))(t)
		if b.Failure > 1e-6 || b.MinEigenFailure > 1e-3 {
			t.Fatalf("%+v: failure probabilities %v, %v too large for a deterministic check", c, b.Failure, b.MinEigenFailure)
		}
		net := bndMust(New(Init{Width: m, Dim: n, B: c.B, Seed: 41}))(t)
		H0 := bndMust(KernelEmpirical(net, X))(t)
		act0 := bndMust(net.Active(X))(t)
		moved := net.Clone()
		rng := rand.New(rand.NewPCG(4, 1))
		for r := 0; r < m; r++ {
			// Toward the boundary of input 0 = e_1: w_r1 moves by ±R_w, b_r by ∓R_b.
			s := 1.0
			if net.W.At(r, 0) >= c.B {
				s = -1
			}
			if rng.Float64() < 0.2 { // a few neurons move away, so both kinds of flips occur
				s = -s
			}
			moved.W.Set(r, 0, net.W.At(r, 0)+s*c.Rw)
			moved.Bias[r] = c.B - s*c.Rb
		}
		H1 := bndMust(KernelEmpirical(moved, X))(t)
		act1 := bndMust(moved.Active(X))(t)
		if d := bndFrobDiff(H0, H1); d > b.Kernel {
			t.Errorf("%+v: ‖ΔH‖_F = %v above Lemma 20's %v", c, d, b.Kernel)
		} else if d == 0 {
			t.Errorf("%+v: the perturbation flipped nothing; the test measured nothing", c)
		}
		flips := 0
		for i := range act0 {
			flips += bndSymDiff(act0[i], act1[i])
		}
		if z := math.Sqrt(2 * float64(flips) / float64(m)); z > b.Features {
			t.Errorf("%+v: ‖ΔZ‖_F = %v above Lemma 20's %v", c, z, b.Features)
		}
		if l := bndEigenvalues(t, H1)[0]; l < b.MinEigen {
			t.Errorf("%+v: λ_min(H(W,b)) = %v below Lemma 20's %v", c, l, b.MinEigen)
		}
	}
}

// bndSymDiff returns |a Δ b| for sorted index lists.
func bndSymDiff(a, b []int32) int {
	i, j, d := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			i++
			j++
		case a[i] < b[j]:
			d++
			i++
		default:
			d++
			j++
		}
	}
	return d + len(a) - i + len(b) - j
}

// TestKernelDeviationSphere repeats the Lemma 16 measurement on random unit
// data, with the exact kernel from KernelInf.
func TestKernelDeviationSphere(t *testing.T) {
	const n, d, m = 10, 5, 8000
	X := bndSphere(t, n, d, 91)
	for _, B := range []float64{0, 1, 2} {
		Hinf := bndMust(KernelInf(X, B))(t)
		bound := bndMust(KernelDeviationBound(n, m, B, 0.01))(t)
		for s := range 3 {
			net := bndMust(New(Init{Width: m, Dim: d, B: B, Seed: uint64(400 + s)}))(t)
			if dev := bndFrobDiff(bndMust(KernelEmpirical(net, X))(t), Hinf); dev > bound {
				t.Errorf("B = %v, seed %d: ‖H(0) − H∞‖_F = %v above Lemma 16's %v", B, s, dev, bound)
			}
		}
	}
}
