package ntk

import (
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// sphereRows returns n points drawn uniformly on the unit sphere of R^d.
func sphereRows(n, d int, seed uint64) *mat.Dense { return randomUnitRows(n, d, seed, 11) }

// randomUnitRows returns n points drawn uniformly on the unit sphere of R^d
// from the PCG stream (seed, stream): normalized Gaussian vectors.
func randomUnitRows(n, d int, seed, stream uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, stream))
	X := mat.NewDense(n, d, nil)
	for i := 0; i < n; i++ {
		row := X.RawRowView(i)
		s := 0.0
		for j := range row {
			row[j] = rng.NormFloat64()
			s += row[j] * row[j]
		}
		s = math.Sqrt(s)
		for j := range row {
			row[j] /= s
		}
	}
	return X
}

// scaledRows returns the rows of sphereRows(n, d, seed), row i scaled by a
// norm drawn uniformly from [0.3, 2].
func scaledRows(n, d int, seed uint64) *mat.Dense {
	X := sphereRows(n, d, seed)
	rng := rand.New(rand.NewPCG(seed, 13))
	for i := 0; i < n; i++ {
		c := 0.3 + 1.7*rng.Float64()
		row := X.RawRowView(i)
		for j := range row {
			row[j] *= c
		}
	}
	return X
}

// bruteCoFiring counts C_ij = Σ_r s_ir s_jr from the firing pattern of
// Network.Active, pair by pair.
func bruteCoFiring(t *testing.T, net *Network, X *mat.Dense) [][]int {
	t.Helper()
	act, err := net.Active(X)
	if err != nil {
		t.Fatal(err)
	}
	n, _ := X.Dims()
	m := net.Width()
	fires := make([][]bool, n)
	for i := range fires {
		fires[i] = make([]bool, m)
		for _, r := range act[i] {
			fires[i][r] = true
		}
	}
	C := make([][]int, n)
	for i := range C {
		C[i] = make([]int, n)
		for j := range C[i] {
			for r := 0; r < m; r++ {
				if fires[i][r] && fires[j][r] {
					C[i][j]++
				}
			}
		}
	}
	return C
}

// perturbedNetwork returns a network at initialization with bias B whose
// biases are then moved by up to ±0.3, as training would.
func perturbedNetwork(t *testing.T, m, d int, B float64, seed uint64) *Network {
	t.Helper()
	net, err := New(Init{Width: m, Dim: d, B: B, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 17))
	for r := range net.Bias {
		net.Bias[r] += 0.6*rng.Float64() - 0.3
	}
	return net
}

// TestCoFiringCountsExact checks the sparse co-firing counts against brute
// force, with equality of integers, for block sizes that split the neurons
// unevenly.
func TestCoFiringCountsExact(t *testing.T) {
	for _, tc := range []struct {
		n, d, m, k int
		B          float64
	}{
		{n: 23, d: 4, m: 301, k: 301, B: 0},
		{n: 23, d: 4, m: 301, k: 7, B: 0.7},
		{n: 40, d: 6, m: 1000, k: 64, B: 2},
		{n: 1, d: 3, m: 50, k: 9, B: 0},
	} {
		net := perturbedNetwork(t, tc.m, tc.d, tc.B, uint64(tc.n*tc.m))
		X := sphereRows(tc.n, tc.d, 3)
		want := bruteCoFiring(t, net, X)
		K := mat.NewSymDense(tc.n, nil)
		cf := newCoFiring(K)
		var pre []float64
		for r0 := 0; r0 < tc.m; r0 += tc.k {
			r1 := min(r0+tc.k, tc.m)
			pre = preactivations(pre, net.W, X, r0, r1)
			cf.add(pre, r1-r0, net.Bias[r0:r1])
		}
		total := 0
		for i := 0; i < tc.n; i++ {
			for j := i; j < tc.n; j++ {
				if got := K.At(i, j); got != float64(want[i][j]) {
					t.Fatalf("n=%d m=%d k=%d B=%v: C[%d][%d] = %v, brute force %d", tc.n, tc.m, tc.k, tc.B, i, j, got, want[i][j])
				}
				total += want[i][j]
			}
		}
		if total == 0 {
			t.Fatalf("n=%d m=%d B=%v: no co-firing pair at all; the case tests nothing", tc.n, tc.m, tc.B)
		}
	}
}

// TestKernelEmpiricalMatchesBruteForce checks H_ij = (⟨x_i,x_j⟩+1) C_ij/m
// (paper, eq. 1) against brute force, and the sparse method against the
// dense product bit for bit, on a case with several neuron blocks.
func TestKernelEmpiricalMatchesBruteForce(t *testing.T) {
	n, d, m := 30, 5, 5000 // two blocks: 4096 + 904 neurons
	for _, B := range []float64{0, 1.5} {
		net := perturbedNetwork(t, m, d, B, 5)
		X := scaledRows(n, d, 6)
		H, err := KernelEmpirical(net, X)
		if err != nil {
			t.Fatal(err)
		}
		C := bruteCoFiring(t, net, X)
		for i := 0; i < n; i++ {
			for j := 0; j < n; j++ {
				want := (mat.Dot(X.RowView(i), X.RowView(j)) + 1) * float64(C[i][j]) / float64(m)
				if got := H.At(i, j); math.Abs(got-want) > 4e-16*math.Abs(want) {
					t.Fatalf("B=%v: H[%d][%d] = %.17g, brute force %.17g", B, i, j, got, want)
				}
			}
		}
		D, err := kernelEmpiricalDense(net, X)
		if err != nil {
			t.Fatal(err)
		}
		if !mat.Equal(H, D) {
			t.Fatalf("B=%v: the sparse and dense empirical kernels differ", B)
		}
	}
}

// TestKernelEmpiricalDeterministicAcrossGOMAXPROCS checks bitwise equality
// of KernelEmpirical and KernelMonteCarlo under GOMAXPROCS 1 and 2.
func TestKernelEmpiricalDeterministicAcrossGOMAXPROCS(t *testing.T) {
	net := perturbedNetwork(t, 3000, 8, 1, 9)
	X := scaledRows(101, 8, 10)
	run := func(procs int) (*mat.SymDense, *mat.SymDense, *mat.SymDense) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		H, err := KernelEmpirical(net, X)
		if err != nil {
			t.Fatal(err)
		}
		mean, se, err := KernelMonteCarlo(X, 1, 3000, 4)
		if err != nil {
			t.Fatal(err)
		}
		return H, mean, se
	}
	h1, m1, s1 := run(1)
	h2, m2, s2 := run(2)
	if !symBitsEqual(h1, h2) || !symBitsEqual(m1, m2) || !symBitsEqual(s1, s2) {
		t.Fatal("results differ between GOMAXPROCS 1 and 2")
	}
}

// symBitsEqual reports whether two symmetric matrices have the same bits.
func symBitsEqual(a, b mat.Symmetric) bool {
	n := a.SymmetricDim()
	if b.SymmetricDim() != n {
		return false
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			if math.Float64bits(a.At(i, j)) != math.Float64bits(b.At(i, j)) {
				return false
			}
		}
	}
	return true
}

// closedFormB0 returns the infinite-width kernel at B = 0 for rows of any
// norm: (⟨x_i,x_j⟩ + 1)(π − arccos ρ)/(2π) with ρ the cosine (paper.md §6).
func closedFormB0(X *mat.Dense, i, j int) float64 {
	g := mat.Dot(X.RowView(i), X.RowView(j))
	if i == j {
		return (g + 1) / 2 // arccos is ill-conditioned at a rounded ρ ≈ 1
	}
	rho := g / (mat.Norm(X.RowView(i), 2) * mat.Norm(X.RowView(j), 2))
	rho = math.Max(-1, math.Min(1, rho))
	return (g + 1) * (math.Pi - math.Acos(rho)) / (2 * math.Pi)
}

// TestKernelMonteCarloCoversClosedForm checks that the B = 0 closed form
// lies within 4 standard errors of the Monte Carlo mean in every entry, on
// rows of various norms, and that the diagonal (‖x‖²+1)Q(B/‖x‖) does at B = 1.5.
func TestKernelMonteCarloCoversClosedForm(t *testing.T) {
	n, d := 25, 6
	X := scaledRows(n, d, 21)
	for _, B := range []float64{0, 1.5} {
		mean, se, err := KernelMonteCarlo(X, B, 40000, 22)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < n; i++ {
			for j := i; j < n; j++ {
				var want float64
				switch {
				case i == j:
					nrm := mat.Norm(X.RowView(i), 2)
					want = (nrm*nrm + 1) * Q(B/nrm)
					if p := Q(B / nrm); 40000*p < 30 {
						// Too few expected firings for a normal
						// approximation; the draw should see almost none.
						if mean.At(i, j) > 30*want/(40000*p) {
							t.Errorf("B=%v: row %d fires in %.0f draws; expected %.2g", B, i, mean.At(i, j)/want*40000*p, 40000*p)
						}
						continue
					}
				case B == 0:
					want = closedFormB0(X, i, j)
				default:
					continue
				}
				s := se.At(i, j)
				if !(s > 0) {
					t.Fatalf("B=%v: stderr[%d][%d] = %v; expected a positive standard error", B, i, j, s)
				}
				if z := (mean.At(i, j) - want) / s; math.Abs(z) > 4 {
					t.Errorf("B=%v: entry (%d,%d): mean %.6g, exact %.6g, %.2f standard errors apart", B, i, j, mean.At(i, j), want, z)
				}
			}
		}
	}
}

// TestKernelMonteCarloConvergesAtInverseSqrtRate checks that 16× more
// samples shrink both the reported standard errors and the actual error
// against the B = 0 closed form by a factor near 4 = √16, pooled over seeds.
func TestKernelMonteCarloConvergesAtInverseSqrtRate(t *testing.T) {
	n, d := 20, 5
	X := scaledRows(n, d, 31)
	rms := func(samples int) (errRMS, seRMS float64) {
		var se2, err2 float64
		count := 0
		for seed := uint64(1); seed <= 4; seed++ {
			mean, se, err := KernelMonteCarlo(X, 0, samples, seed)
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < n; i++ {
				for j := i; j < n; j++ {
					e := mean.At(i, j) - closedFormB0(X, i, j)
					err2 += e * e
					se2 += se.At(i, j) * se.At(i, j)
					count++
				}
			}
		}
		return math.Sqrt(err2 / float64(count)), math.Sqrt(se2 / float64(count))
	}
	e1, s1 := rms(2000)
	e2, s2 := rms(32000)
	if r := s1 / s2; math.Abs(r-4) > 0.2 {
		t.Errorf("standard error ratio for 16× samples = %.3f; want ≈ 4", r)
	}
	if r := e1 / e2; r < 2.5 || r > 6.5 {
		t.Errorf("RMS error ratio for 16× samples = %.3f (%.3g → %.3g); want ≈ 4", r, e1, e2)
	}
	for _, z := range []float64{e1 / s1, e2 / s2} {
		if z < 0.5 || z > 2 {
			t.Errorf("RMS error / RMS standard error = %.3f; a calibrated standard error gives ≈ 1", z)
		}
	}
}

func TestKernelEmpiricalAndMonteCarloRefuseBadInput(t *testing.T) {
	net := perturbedNetwork(t, 10, 3, 1, 1)
	X := sphereRows(4, 3, 1)
	nan := mat.DenseCopyOf(X)
	nan.Set(2, 1, math.NaN())
	cases := []struct {
		name, want string
		run        func() error
	}{
		{"nil network", "nil", func() error { _, err := KernelEmpirical(nil, X); return err }},
		{"wrong dimension", "columns", func() error { _, err := KernelEmpirical(net, sphereRows(4, 5, 1)); return err }},
		{"NaN input", "X[2][1]", func() error { _, err := KernelEmpirical(net, nan); return err }},
		{"MC nil X", "nil or empty", func() error { _, _, err := KernelMonteCarlo(nil, 1, 10, 1); return err }},
		{"MC NaN input", "X[2][1]", func() error { _, _, err := KernelMonteCarlo(nan, 1, 10, 1); return err }},
		{"MC negative B", "B = -1", func() error { _, _, err := KernelMonteCarlo(X, -1, 10, 1); return err }},
		{"MC infinite B", "B = +Inf", func() error { _, _, err := KernelMonteCarlo(X, math.Inf(1), 10, 1); return err }},
		{"MC one sample", "samples = 1", func() error { _, _, err := KernelMonteCarlo(X, 1, 1, 1); return err }},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v; want one mentioning %q", c.name, err, c.want)
		}
	}
}

// TestMemoryGuardStatesBytes checks that every n×n function refuses a
// request beyond MaxKernelBytes with an error giving the bytes needed.
func TestMemoryGuardStatesBytes(t *testing.T) {
	defer func(old int64) { MaxKernelBytes = old }(MaxKernelBytes)
	MaxKernelBytes = 1000 // an 11×11 kernel needs 968 bytes, 12×12 needs 1152
	X := sphereRows(12, 3, 1)
	net := perturbedNetwork(t, 10, 3, 1, 1)
	H := mat.NewSymDense(12, nil)
	for i := 0; i < 12; i++ {
		H.SetSym(i, i, 1)
	}
	for name, run := range map[string]func() error{
		"KernelEmpirical":  func() error { _, err := KernelEmpirical(net, X); return err },
		"KernelMonteCarlo": func() error { _, _, err := KernelMonteCarlo(X, 1, 10, 1); return err },
		"Extremes":         func() error { _, err := Extremes(H); return err },
		"Eigenvalues":      func() error { _, err := Eigenvalues(H); return err },
		"NewPredictor":     func() error { _, err := NewPredictor(H, make([]float64, 12), nil); return err },
	} {
		err := run()
		if err == nil || !strings.Contains(err.Error(), "bytes") || !strings.Contains(err.Error(), "MaxKernelBytes") {
			t.Errorf("%s: error %v; want a refusal stating the bytes needed and naming MaxKernelBytes", name, err)
		}
	}
	MaxKernelBytes = 1 << 40
	if _, err := Extremes(H); err != nil {
		t.Errorf("Extremes with a large limit: %v", err)
	}
}
