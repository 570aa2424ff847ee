package ntk

import (
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestLinearizationMeasured trains symmetric-initialization networks step
// by step on orthonormal inputs, where H∞ is known in closed form, and
// measures the distance e(k) = f(k) − y + (I − ηH∞)^k y between the network
// and its kernel linearization; at every step it must be below Theorem 42's
// bound evaluated with the movement radii measured at that step. The bound
// must also not be vacuous by orders of magnitude: the test logs the ratio.
func TestLinearizationMeasured(t *testing.T) {
	const n = 4
	m, steps := 20000, 40
	if testing.Short() {
		m, steps = 8000, 20
	}
	X := bndBasis(t, n, n)
	y := []float64{1, -1, 0.5, -0.25}
	for _, B := range []float64{0.5, 1} {
		Hinf, lambda, lmax := bndOrthoKernel(n, B)
		eta := min(1/lmax, 1/(2*n*Q(B)))
		net := bndMust(New(Init{Width: m, Dim: n, B: B, Symmetric: true, Seed: 71}))(t)
		net0 := net.Clone()
		lin := mat.NewVecDense(n, append([]float64(nil), y...)) // (I − ηH∞)^k y
		tmp := mat.NewVecDense(n, nil)
		worst := 0.0
		for k := 1; k <= steps; k++ {
			bndMust(Train(net, X, y, TrainOptions{Eta: eta, Steps: 1, Method: Dense}))(t)
			tmp.MulVec(Hinf, lin)
			lin.AddScaledVec(lin, -eta, tmp)
			f := bndMust(net.Predict(X))(t)
			var e2 float64
			for i := range f {
				e := f[i] - y[i] + lin.AtVec(i)
				e2 += e * e
			}
			_, Rw, Rb := bndMovement(net0, net)
			bound := bndMust(LinearizationErrorBound(n, m, k, eta, lambda, B, Rw, Rb, 0.01, Constants{}))(t)
			if math.Sqrt(e2) > bound {
				t.Errorf("B = %v, step %d: ‖e(k)‖ = %v above Theorem 42's %v", B, k, math.Sqrt(e2), bound)
			}
			worst = max(worst, math.Sqrt(e2)/bound)
		}
		t.Logf("B = %v: largest ‖e(k)‖/bound = %.3g", B, worst)
		if worst == 0 {
			t.Errorf("B = %v: the network equals its linearization exactly; the test measured nothing", B)
		}
	}
}

// TestLinearizationErrors checks the step-size and range conditions.
func TestLinearizationErrors(t *testing.T) {
	if _, err := LinearizationErrorBound(4, 1000, 5, 2, 0.1, 1, 0.01, 0.01, 0.01, Constants{}); err == nil || !strings.Contains(err.Error(), "1/(2nQ(B))") {
		t.Errorf("η above 1/tr H∞: error %v", err)
	}
	if _, err := LinearizationErrorBound(4, 100, 5, 0.1, 0.1, 2, 0.01, 0.01, 0.01, Constants{}); err == nil || !strings.Contains(err.Error(), "sqrt(0.5·log m)") {
		t.Errorf("B = 2 at m = 100: error %v", err)
	}
	if got := bndMust(LinearizationErrorBound(4, 1000, 0, 0.1, 0.1, 1, 0.01, 0.01, 0.01, Constants{}))(t); got != 0 {
		t.Errorf("step 0: %v, want 0", got)
	}
}
