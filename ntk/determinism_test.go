package ntk

import (
	"math"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestKernelsAndSpectraIdenticalAcrossGOMAXPROCS requires the same bits from
// every parallel kernel and spectrum function under GOMAXPROCS 1, 2 and 8,
// on sizes large enough that the work is split differently each time.
func TestKernelsAndSpectraIdenticalAcrossGOMAXPROCS(t *testing.T) {
	n := 600
	if testing.Short() {
		n = 300
	}
	X := unitRows(n, 8, 95)
	Xt := unitRows(40, 8, 96)
	net, err := New(Init{Width: 3000, Dim: 8, B: 0.5, Seed: 97})
	if err != nil {
		t.Fatal(err)
	}
	run := func() map[string][]float64 {
		out := map[string][]float64{}
		H, err := KernelInf(X, 1)
		if err != nil {
			t.Fatal(err)
		}
		out["KernelInf"] = H.RawSymmetric().Data
		C, err := KernelInfCross(Xt, X, 1)
		if err != nil {
			t.Fatal(err)
		}
		out["KernelInfCross"] = C.RawMatrix().Data
		E, err := KernelEmpirical(net, X)
		if err != nil {
			t.Fatal(err)
		}
		out["KernelEmpirical"] = E.RawSymmetric().Data
		M, S, err := KernelMonteCarlo(X, 1, 500, 98)
		if err != nil {
			t.Fatal(err)
		}
		out["KernelMonteCarlo mean"] = M.RawSymmetric().Data
		out["KernelMonteCarlo stderr"] = S.RawSymmetric().Data
		P, err := PairFiringProbabilities(X, 1)
		if err != nil {
			t.Fatal(err)
		}
		out["PairFiringProbabilities"] = P.RawSymmetric().Data
		for name, f := range map[string]func(mat.Symmetric) (*Spectrum, error){"Extremes": Extremes, "Eigenvalues": Eigenvalues} {
			sp, err := f(H)
			if err != nil {
				t.Fatal(err)
			}
			v := []float64{sp.Min, sp.Max, sp.MinResidual, sp.MaxResidual, sp.Cond, sp.Tol}
			v = append(append(append(v, sp.MinVector...), sp.MaxVector...), sp.Values...)
			out[name] = v
		}
		return out
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var ref map[string][]float64
	for _, procs := range []int{1, 2, 8} {
		runtime.GOMAXPROCS(procs)
		got := run()
		if ref == nil {
			ref = got
			continue
		}
		for name, v := range ref {
			w := got[name]
			if len(v) != len(w) {
				t.Fatalf("%s: %d values with GOMAXPROCS 1, %d with %d", name, len(v), len(w), procs)
			}
			for i := range v {
				if math.Float64bits(v[i]) != math.Float64bits(w[i]) {
					t.Errorf("%s: value %d is %v with GOMAXPROCS 1 but %v with GOMAXPROCS %d", name, i, v[i], w[i], procs)
					break
				}
			}
		}
	}
}
