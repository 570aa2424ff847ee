package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func small() *Dataset {
	return &Dataset{
		Name:   "small",
		X:      mat.NewDense(3, 2, []float64{3, 4, 0, 2, -1, 0}),
		Y:      []float64{1, 2, 3},
		Labels: []int{7, 8, 7},
	}
}

func TestDatasetLenDim(t *testing.T) {
	ds := small()
	if ds.Len() != 3 || ds.Dim() != 2 {
		t.Fatalf("Len, Dim = %d, %d; want 3, 2", ds.Len(), ds.Dim())
	}
	var empty Dataset
	if empty.Len() != 0 || empty.Dim() != 0 {
		t.Fatalf("empty Dataset: Len, Dim = %d, %d; want 0, 0", empty.Len(), empty.Dim())
	}
	var nilDS *Dataset
	if nilDS.Len() != 0 || nilDS.Dim() != 0 {
		t.Fatal("nil Dataset must have Len = Dim = 0")
	}
}

func TestValidate(t *testing.T) {
	if err := small().Validate(); err != nil {
		t.Fatalf("valid Dataset: %v", err)
	}
	noLabels := small()
	noLabels.Labels = nil
	if err := noLabels.Validate(); err != nil {
		t.Fatalf("nil Labels must be allowed: %v", err)
	}
	var nilDS *Dataset
	wantErr(t, nilDS.Validate(), "nil")
	wantErr(t, (&Dataset{Name: "e"}).Validate(), "no samples")
	wantErr(t, (&Dataset{Name: "e", X: &mat.Dense{}}).Validate(), "no samples")

	ds := small()
	ds.Y = ds.Y[:2]
	wantErr(t, ds.Validate(), "3 samples but 2 targets")
	ds = small()
	ds.Labels = []int{1}
	wantErr(t, ds.Validate(), "3 samples but 1 labels")
	ds = small()
	ds.X.Set(1, 1, math.NaN())
	wantErr(t, ds.Validate(), "X[1][1]", "not finite")
	ds = small()
	ds.X.Set(2, 0, math.Inf(-1))
	wantErr(t, ds.Validate(), "X[2][0]")
	ds = small()
	ds.Y[2] = math.Inf(1)
	wantErr(t, ds.Validate(), "Y[2]")
}

func TestCloneIsDeep(t *testing.T) {
	ds := small()
	c := ds.Clone()
	c.X.Set(0, 0, 99)
	c.Y[0] = 99
	c.Labels[0] = 99
	if ds.X.At(0, 0) != 3 || ds.Y[0] != 1 || ds.Labels[0] != 7 {
		t.Fatal("Clone shares memory with the original")
	}
}

func TestWithTargets(t *testing.T) {
	ds := small()
	out, err := ds.WithTargets([]float64{-1, 1, -1})
	if err != nil {
		t.Fatal(err)
	}
	if out.Y[0] != -1 || out.Y[1] != 1 || ds.Y[0] != 1 {
		t.Fatalf("WithTargets: got Y %v, original Y %v", out.Y, ds.Y)
	}
	_, err = ds.WithTargets([]float64{1})
	wantErr(t, err, "len(y) = 1")
	_, err = ds.WithTargets([]float64{1, math.NaN(), 1})
	wantErr(t, err, "Y[1]")
}

func TestScaled(t *testing.T) {
	ds := small()
	out, err := ds.Scaled(0.5)
	if err != nil {
		t.Fatal(err)
	}
	if out.X.At(0, 1) != 2 || ds.X.At(0, 1) != 4 {
		t.Fatalf("Scaled(0.5): got %v, original %v", out.X.At(0, 1), ds.X.At(0, 1))
	}
	for _, c := range []float64{0, math.NaN(), math.Inf(1)} {
		_, err := ds.Scaled(c)
		wantErr(t, err, "finite and non-zero")
	}
	_, err = ds.Scaled(1e308)
	wantErr(t, err, "overflows")
}

func TestNormalized(t *testing.T) {
	ds := small()
	out, err := ds.Normalized()
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0.6, 0.8}, {0, 1}, {-1, 0}}
	for i, row := range want {
		for j, v := range row {
			if math.Abs(out.X.At(i, j)-v) > 1e-15 {
				t.Errorf("Normalized X[%d][%d] = %v, want %v", i, j, out.X.At(i, j), v)
			}
		}
	}
	if ds.X.At(0, 0) != 3 {
		t.Fatal("Normalized modified the receiver")
	}
	if out.Y[2] != 3 || out.Labels[1] != 8 {
		t.Fatal("Normalized must keep Y and Labels")
	}
	ds.X.SetRow(1, []float64{0, 0})
	_, err = ds.Normalized()
	wantErr(t, err, "row 1", "zero")
}

func TestNormalizeRowsLeavesXOnError(t *testing.T) {
	X := mat.NewDense(2, 2, []float64{3, 4, 0, 0})
	wantErr(t, NormalizeRows(X), "row 1")
	if X.At(0, 0) != 3 {
		t.Fatal("NormalizeRows changed X before reporting the zero row")
	}
	wantErr(t, NormalizeRows(nil), "nil or empty")
	wantErr(t, NormalizeRows(mat.NewDense(1, 2, []float64{math.NaN(), 1})), "not finite")
	// Huge and tiny rows must not overflow or underflow.
	X = mat.NewDense(2, 2, []float64{3e300, 4e300, 3e-310, 4e-310})
	if err := NormalizeRows(X); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		if relErr(X.At(i, 0), 0.6) > 1e-15 || relErr(X.At(i, 1), 0.8) > 1e-15 {
			t.Errorf("row %d normalized to %v, %v; want 0.6, 0.8", i, X.At(i, 0), X.At(i, 1))
		}
	}
}

func TestRowsAndHead(t *testing.T) {
	ds := small()
	r, err := ds.Rows([]int{2, 0, 2})
	if err != nil {
		t.Fatal(err)
	}
	if r.Len() != 3 || r.X.At(0, 0) != -1 || r.X.At(1, 0) != 3 || r.Y[2] != 3 || r.Labels[1] != 7 {
		t.Fatalf("Rows([2 0 2]) = %v %v %v", mat.Formatted(r.X), r.Y, r.Labels)
	}
	_, err = ds.Rows([]int{0, 3})
	wantErr(t, err, "idx[1] = 3")
	_, err = ds.Rows(nil)
	wantErr(t, err, "no indices")

	h, err := ds.Head(2)
	if err != nil {
		t.Fatal(err)
	}
	if h.Len() != 2 || h.X.At(1, 1) != 2 || h.Y[1] != 2 {
		t.Fatalf("Head(2) = %v %v", mat.Formatted(h.X), h.Y)
	}
	h.X.Set(0, 0, 42)
	if ds.X.At(0, 0) != 3 {
		t.Fatal("Head shares memory with the receiver")
	}
	for _, n := range []int{0, -1, 4} {
		_, err := ds.Head(n)
		wantErr(t, err, "n must be in [1, 3]")
	}
}
