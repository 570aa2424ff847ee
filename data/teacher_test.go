package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestTeacher(t *testing.T) {
	w, err := Teacher(5, 9)
	if err != nil {
		t.Fatal(err)
	}
	s := 0.0
	for _, v := range w {
		s = math.Hypot(s, v)
	}
	if math.Abs(s-1) > 1e-12 {
		t.Fatalf("‖w*‖ = %v, want 1", s)
	}
	w2, _ := Teacher(5, 9)
	w3, _ := Teacher(5, 10)
	for i := range w {
		if math.Float64bits(w[i]) != math.Float64bits(w2[i]) {
			t.Fatal("same seed gave a different teacher")
		}
	}
	if w[0] == w3[0] {
		t.Fatal("different seeds gave the same teacher")
	}
	_, err = Teacher(0, 1)
	wantErr(t, err, "d = 0")
}

func TestFigure2(t *testing.T) {
	n := 20000
	if testing.Short() {
		n = 5000
	}
	ds, err := Figure2(n, 3)
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.Len() != n || ds.Dim() != Figure2Dim || ds.Labels != nil {
		t.Fatalf("Figure2 is %d×%d", ds.Len(), ds.Dim())
	}
	w, _ := Teacher(Figure2Dim, 3)
	var meanSq, meanY, varY float64
	for i := 0; i < n; i++ {
		y := 0.0
		sq := 0.0
		for j := 0; j < Figure2Dim; j++ {
			x := ds.X.At(i, j)
			y += w[j] * x
			sq += x * x
		}
		if math.Abs(ds.Y[i]-y) > 1e-13*(1+math.Abs(y)) {
			t.Fatalf("Y[%d] = %v, want <w*, x> = %v", i, ds.Y[i], y)
		}
		meanSq += sq / float64(n)
		meanY += ds.Y[i] / float64(n)
		varY += ds.Y[i] * ds.Y[i] / float64(n)
	}
	// ‖x‖² ~ χ²_5: mean 5, variance 10. 6σ bounds on the sample mean.
	if math.Abs(meanSq-5) > 6*math.Sqrt(10/float64(n)) {
		t.Errorf("mean ‖x‖² = %v, want 5 (the inputs are not unit norm)", meanSq)
	}
	// y = <w*, x> with unit w* is N(0, 1): E y = 0, E y² = 1 (Var y² = 2).
	if math.Abs(meanY) > 6/math.Sqrt(float64(n)) || math.Abs(varY-1) > 6*math.Sqrt(2/float64(n)) {
		t.Errorf("targets have mean %v and second moment %v; want 0 and 1", meanY, varY)
	}
	a, _ := Figure2(100, 3)
	b, _ := Figure2(100, 3)
	c, _ := Figure2(100, 4)
	if !sameBits(a.X, b.X) || math.Float64bits(a.Y[7]) != math.Float64bits(b.Y[7]) {
		t.Fatal("same seed gave different bits")
	}
	if mat.Equal(a.X, c.X) {
		t.Fatal("different seeds gave the same inputs")
	}
	_, err = Figure2(0, 1)
	wantErr(t, err, "n = 0")
}

func TestLinearTargets(t *testing.T) {
	X := mat.NewDense(2, 3, []float64{1, 2, 3, -1, 0, 2})
	y, err := LinearTargets(X, []float64{1, 0.5, -1})
	if err != nil {
		t.Fatal(err)
	}
	if y[0] != -1 || y[1] != -3 {
		t.Fatalf("LinearTargets = %v, want [-1 -3]", y)
	}
	_, err = LinearTargets(X, []float64{1, 2})
	wantErr(t, err, "len(w) = 2", "3 columns")
	_, err = LinearTargets(X, []float64{1, math.NaN(), 0})
	wantErr(t, err, "w[1]")
	_, err = LinearTargets(nil, []float64{1})
	wantErr(t, err, "nil or empty")
	_, err = LinearTargets(mat.NewDense(1, 1, []float64{1e300}), []float64{1e300})
	wantErr(t, err, "overflows")
}
