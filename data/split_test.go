package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// indexed returns a Dataset whose row i is (i, i%3) with Y = i and Labels
// i%3 (or i%2 for classes = 2), so that every row identifies itself.
func indexed(n, classes int) *Dataset {
	X := mat.NewDense(n, 2, nil)
	y := make([]float64, n)
	l := make([]int, n)
	for i := 0; i < n; i++ {
		X.Set(i, 0, float64(i))
		X.Set(i, 1, float64(i%classes))
		y[i] = float64(i)
		l[i] = i % classes
	}
	return &Dataset{Name: "indexed", X: X, Y: y, Labels: l}
}

// checkPartition verifies that train and test are disjoint, cover 0..n−1,
// keep each row intact and keep the original order.
func checkPartition(t *testing.T, train, test *Dataset, n int) {
	t.Helper()
	seen := make([]int, n)
	for _, part := range []*Dataset{train, test} {
		prev := -1
		for k := 0; k < part.Len(); k++ {
			i := int(part.Y[k])
			if part.X.At(k, 0) != float64(i) || part.Labels[k] != int(part.X.At(k, 1)) {
				t.Fatalf("row %d of a part is not intact", k)
			}
			if i <= prev {
				t.Fatalf("rows out of original order: %d after %d", i, prev)
			}
			prev = i
			seen[i]++
		}
	}
	for i, c := range seen {
		if c != 1 {
			t.Fatalf("row %d appears %d times in train ∪ test", i, c)
		}
	}
}

func TestSplit(t *testing.T) {
	ds := indexed(101, 3)
	train, test, err := ds.Split(0.25, 1)
	if err != nil {
		t.Fatal(err)
	}
	if test.Len() != 25 || train.Len() != 76 { // round(25.25) = 25
		t.Fatalf("sizes %d + %d, want 76 + 25", train.Len(), test.Len())
	}
	checkPartition(t, train, test, 101)
	_, test2, _ := ds.Split(0.25, 1)
	_, test3, _ := ds.Split(0.25, 2)
	if !mat.Equal(test.X, test2.X) {
		t.Fatal("same seed gave a different split")
	}
	if mat.Equal(test.X, test3.X) {
		t.Fatal("different seeds gave the same split")
	}
	for _, f := range []float64{0, 1, -0.5, 1.5, math.NaN()} {
		_, _, err := ds.Split(f, 1)
		wantErr(t, err, "(0, 1)")
	}
	_, _, err = ds.Split(0.001, 1)
	wantErr(t, err, "test set of 0")
	_, _, err = ds.Split(0.999, 1)
	wantErr(t, err, "test set of 101")
	_, _, err = (&Dataset{}).Split(0.5, 1)
	wantErr(t, err, "no samples")
}

func TestStratifiedSplit(t *testing.T) {
	ds := indexed(300, 3) // 100 per class
	train, test, err := ds.StratifiedSplit(0.3, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkPartition(t, train, test, 300)
	per := map[int]int{}
	for _, l := range test.Labels {
		per[l]++
	}
	for c := 0; c < 3; c++ {
		if per[c] != 30 {
			t.Errorf("class %d has %d test samples, want 30", c, per[c])
		}
	}
	_, test2, _ := ds.StratifiedSplit(0.3, 4)
	_, test3, _ := ds.StratifiedSplit(0.3, 5)
	if !mat.Equal(test.X, test2.X) || mat.Equal(test.X, test3.X) {
		t.Fatal("StratifiedSplit is not determined by its seed")
	}
	// Digits: each class keeps round(0.2·n_c) test samples.
	d, _ := Digits()
	_, dt, err := d.StratifiedSplit(0.2, 1)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[int]int{}
	for _, l := range dt.Labels {
		counts[l]++
	}
	for c, n := range []int{178, 182, 177, 183, 181, 182, 181, 179, 174, 180} {
		if want := int(math.Round(0.2 * float64(n))); counts[c] != want {
			t.Errorf("digit %d: %d test samples, want %d", c, counts[c], want)
		}
	}
	s := small()
	s.Labels = nil
	_, _, err = s.StratifiedSplit(0.5, 1)
	wantErr(t, err, "no class labels")
	_, _, err = indexed(4, 4).StratifiedSplit(0.4, 1) // one sample per class: round(0.4) = 0 each
	wantErr(t, err, "0 of 4")
}

func TestSample(t *testing.T) {
	ds := indexed(50, 2)
	s, err := ds.Sample(20, 3)
	if err != nil {
		t.Fatal(err)
	}
	if s.Len() != 20 {
		t.Fatalf("Sample(20) has %d rows", s.Len())
	}
	prev := -1
	for k := 0; k < 20; k++ {
		i := int(s.Y[k])
		if i <= prev || s.X.At(k, 0) != float64(i) {
			t.Fatalf("Sample rows are not distinct, intact and ordered: %v", s.Y)
		}
		prev = i
	}
	s2, _ := ds.Sample(20, 3)
	s3, _ := ds.Sample(20, 4)
	if !mat.Equal(s.X, s2.X) || mat.Equal(s.X, s3.X) {
		t.Fatal("Sample is not determined by its seed")
	}
	all, _ := ds.Sample(50, 9)
	if !mat.Equal(all.X, ds.X) {
		t.Fatal("Sample(n) must return every row in order")
	}
	for _, k := range []int{0, 51} {
		_, err := ds.Sample(k, 1)
		wantErr(t, err, "k must be in [1, 50]")
	}
}
