package ntk

import (
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/sparsentk/sparsentk/data"
	"gonum.org/v1/gonum/mat"
)

// TestPairProbabilityTable reproduces the pair probabilities of paper.md
// §6.1 (printed to six or seven significant digits, checked to six; all
// above 1e-8, so none of the values flagged as unreliable) through
// PairFiringProbabilities on two unit vectors at cosine ρ.
func TestPairProbabilityTable(t *testing.T) {
	rhos := []float64{-0.5, 0, 0.3, 0.9}
	for _, row := range []struct {
		B    float64
		want [4]float64
	}{
		{0, [4]float64{0.1666667, 0.25, 0.2984933, 0.4282169}},
		{0.5, [4]float64{0.0362982, 0.0951954, 0.1341792, 0.2453259}},
		{1, [4]float64{3.78230e-3, 0.0251715, 0.0454578, 0.1154903}},
		{2, [4]float64{3.24397e-6, 5.17569e-4, 2.04127e-3, 0.0133613}},
	} {
		for c, rho := range rhos {
			X := mat.NewDense(2, 2, []float64{1, 0, rho, math.Sqrt(1 - rho*rho)})
			P := bndMust(PairFiringProbabilities(X, row.B))(t)
			// Half a unit in the sixth significant digit of the printed value.
			tol := 0.5 * math.Pow(10, math.Floor(math.Log10(row.want[c]))-5)
			if math.Abs(P.At(0, 1)-row.want[c]) > tol {
				t.Errorf("B = %v, ρ = %v: p = %.8g, table %v", row.B, rho, P.At(0, 1), row.want[c])
			}
			if P.At(0, 0) != Q(row.B) {
				t.Errorf("B = %v: diagonal %v, want Q(B) = %v", row.B, P.At(0, 0), Q(row.B))
			}
		}
	}
}

// TestThreePointKernel reproduces the tiny data set of paper.md §6.1 (unit
// vectors at 0°, 60°, 150° in R²): H∞ = (XXᵀ + 11ᵀ) ∘ P from
// PairFiringProbabilities, its entries and eigenvalues at B = 0, 0.5, 1.
func TestThreePointKernel(t *testing.T) {
	X := mat.NewDense(3, 2, nil)
	for i, deg := range []float64{0, 60, 150} {
		a := deg * math.Pi / 180
		X.SetRow(i, []float64{math.Cos(a), math.Sin(a)})
	}
	for _, c := range []struct {
		B             float64
		diag          float64
		h01, h02, h12 float64
		eig           [3]float64
	}{
		{0, 1, 0.5, 0.011165, 0.25, [3]float64{0.445390, 0.991070, 1.563540}},
		{0.5, 0.617075, 0.244979, 0.000289, 0.095195, [3]float64{0.354348, 0.616880, 0.879998}},
		{1, 0.317311, 0.093771, 0, 0.025171, [3]float64{0.220220, 0.317310, 0.414401}},
	} {
		H := bndKernelFromPairs(X, bndMust(PairFiringProbabilities(X, c.B))(t))
		for _, e := range []struct {
			i, j int
			want float64
		}{{0, 0, c.diag}, {1, 1, c.diag}, {0, 1, c.h01}, {0, 2, c.h02}, {1, 2, c.h12}} {
			if got := H.At(e.i, e.j); math.Abs(got-e.want) > 0.5e-6 {
				t.Errorf("B = %v: H[%d][%d] = %.7f, paper.md %v", c.B, e.i, e.j, got, e.want)
			}
		}
		for i, ev := range bndEigenvalues(t, H) {
			if math.Abs(ev-c.eig[i]) > 0.5e-6 {
				t.Errorf("B = %v: eigenvalue %d = %.7f, paper.md %v", c.B, i, ev, c.eig[i])
			}
		}
	}
}

// TestPairFiringClosedForms checks PairFiringProbabilities against the B = 0
// closed form 1/4 + arcsin(ρ)/(2π), the orthonormal value Q(B)², the
// antipodal limit (0 for B > 0) and, for rows of other norms, against the
// infinite-width kernel divided by ⟨x_i,x_j⟩ + 1 (away from −1).
func TestPairFiringClosedForms(t *testing.T) {
	X := bndSphere(t, 12, 4, 81)
	P0 := bndPairsZeroBias(X)
	if d := bndFrobDiff(bndMust(PairFiringProbabilities(X, 0))(t), P0); d > 1e-13 {
		t.Errorf("B = 0: ‖P − closed form‖_F = %v", d)
	}
	for _, B := range []float64{0.5, 2, 4} {
		if d := bndFrobDiff(bndMust(PairFiringProbabilities(bndBasis(t, 5, 7), B))(t), bndOrthoPairs(5, B)); d > 1e-13*Q(B) {
			t.Errorf("B = %v, orthonormal: ‖P − (Q I + Q²(11ᵀ − I))‖_F = %v", B, d)
		}
		anti := mat.NewDense(2, 3, []float64{0, 1, 0, 0, -1, 0})
		if p := bndMust(PairFiringProbabilities(anti, B))(t).At(0, 1); p != 0 {
			t.Errorf("B = %v: antipodal pair probability %v, want 0", B, p)
		}
	}
	Y := mat.DenseCopyOf(X)
	for i := 0; i < 12; i++ {
		row := Y.RawRowView(i)
		for j := range row {
			row[j] *= 0.5 + 0.1*float64(i)
		}
	}
	for _, B := range []float64{0, 0.7, 1.5} {
		P := bndMust(PairFiringProbabilities(Y, B))(t)
		K := bndMust(KernelInf(Y, B))(t)
		for i := 0; i < 12; i++ {
			for j := i; j < 12; j++ {
				g := mat.Dot(Y.RowView(i), Y.RowView(j)) + 1
				if g < 0.1 {
					continue
				}
				if bndRelErr(P.At(i, j), K.At(i, j)/g) > 1e-12 {
					t.Errorf("B = %v, (%d, %d): p = %v, KernelInf/(⟨x_i,x_j⟩+1) = %v", B, i, j, P.At(i, j), K.At(i, j)/g)
				}
			}
		}
	}
}

// TestTheorem13Chain checks Theorem 13 on random separated unit data at
// several biases, with the exact kernel (KernelInf): eq. (3) ≤ p0 − max p_ij
// ≤ p0 − min p_ij ≤ λ_R, the restricted minimum bracketed by Region.Minimize
// with a closed duality gap, and λ_R ≥ λ_min(H∞). It also reproduces the
// qualitative statements of paper.md §6.1: eq. (3) is positive at B = 3 on
// well separated data (n = 8, d = 50), and the predecessor's e^{−B²/2}δ/n² is
// smaller there.
func TestTheorem13Chain(t *testing.T) {
	for _, c := range []struct {
		n, d int
		seed uint64
	}{{6, 3, 1}, {8, 50, 2}, {16, 8, 3}} {
		X := bndSphere(t, c.n, c.d, c.seed)
		for _, B := range []float64{0, 0.5, 1, 2, 3} {
			eb := bndMust(EigenBoundsTheorem13(X, B, Constants{}))(t)
			H := bndMust(KernelInf(X, B))(t)
			res := bndMust(eb.Region.Minimize(H, MinimizeOptions{Seed: c.seed}))(t)
			ev := bndEigenvalues(t, H)
			tol := 1e-12 * ev[c.n-1]
			switch {
			case eb.Eq3 > eb.Worst+1e-15:
				t.Errorf("%+v, B = %v: eq. (3) = %v above p0 − max p_ij = %v", c, B, eb.Eq3, eb.Worst)
			case eb.Worst > eb.Intermediate:
				t.Errorf("%+v, B = %v: p0 − max p_ij = %v above p0 − min p_ij = %v", c, B, eb.Worst, eb.Intermediate)
			case res.Lower < eb.Intermediate-tol:
				t.Errorf("%+v, B = %v: λ_R ≥ %v below the intermediate bound %v", c, B, res.Lower, eb.Intermediate)
			case res.Upper-res.Lower > 1e-9*ev[c.n-1]:
				t.Errorf("%+v, B = %v: gap [%v, %v] did not close", c, B, res.Lower, res.Upper)
			case res.Upper < ev[0]-tol:
				t.Errorf("%+v, B = %v: λ_R ≤ %v below λ_min(H∞) = %v", c, B, res.Upper, ev[0])
			}
			bndCheckMinimizer(t, eb.Region, H, res)
			if c.n == 8 && B == 3 {
				if eb.Eq3 <= 0 || eb.SongYangZhang2021 >= eb.Eq3 {
					t.Errorf("n = 8, d = 50, B = 3: eq. (3) = %v should be positive and above the predecessor's %v", eb.Eq3, eb.SongYangZhang2021)
				}
			}
		}
	}
	Y := bndSphere(t, 4, 3, 1)
	Y.Set(2, 1, Y.At(2, 1)*1.01)
	if _, err := EigenBoundsTheorem13(Y, 1, Constants{}); err == nil || !strings.Contains(err.Error(), "row 2") || !strings.Contains(err.Error(), "unit-norm") {
		t.Errorf("non-unit row: error %v", err)
	}
}

// TestPairFiringDeterministic checks that the parallel evaluation gives the
// same bits with one and with two goroutines, on unit rows (one orthant
// curve) and on rows of different norms (Orthant per entry).
func TestPairFiringDeterministic(t *testing.T) {
	X := bndSphere(t, 60, 5, 92)
	Y := mat.DenseCopyOf(X)
	for i := 0; i < 60; i++ {
		row := Y.RawRowView(i)
		for j := range row {
			row[j] *= 1 + 0.01*float64(i)
		}
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for _, Z := range []*mat.Dense{X, Y} {
		runtime.GOMAXPROCS(1)
		P1 := bndMust(PairFiringProbabilities(Z, 1.3))(t)
		runtime.GOMAXPROCS(2)
		P2 := bndMust(PairFiringProbabilities(Z, 1.3))(t)
		if !mat.Equal(P1, P2) {
			t.Error("PairFiringProbabilities differs between GOMAXPROCS 1 and 2")
		}
	}
}

// TestKernelNormSphere checks KernelNorm on the exact kernel of random unit
// data against yᵀ(H⁻¹y) with H⁻¹ from gonum's general inverse.
func TestKernelNormSphere(t *testing.T) {
	X := bndSphere(t, 30, 6, 93)
	y := make([]float64, 30)
	for i := range y {
		y[i] = math.Sin(float64(i))
	}
	for _, B := range []float64{0, 1, 2.5} {
		H := bndMust(KernelInf(X, B))(t)
		var inv mat.Dense
		if err := inv.Inverse(H); err != nil {
			t.Fatal(err)
		}
		yv := mat.NewVecDense(30, y)
		want := mat.Inner(yv, &inv, yv)
		if got := bndMust(KernelNorm(H, y))(t); bndRelErr(got*got, want) > 1e-10 {
			t.Errorf("B = %v: yᵀH⁻¹y = %v, via the inverse %v", B, got*got, want)
		}
	}
}

// BenchmarkPairFiringProbabilities measures the pair probabilities of n
// unit inputs (one orthant curve).
func BenchmarkPairFiringProbabilities(b *testing.B) {
	ds, err := data.Sphere(1000, 20, 1)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := PairFiringProbabilities(ds.X, 2); err != nil {
			b.Fatal(err)
		}
	}
}
