package data

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestTeacherSigns(t *testing.T) {
	X := mat.NewDense(4, 2, []float64{1, 0, -1, 0, 0, 1, 1, -1})
	y, err := TeacherSigns(X, []float64{1, 1})
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{1, -1, 1, 1} // <w, x_4> = 0 maps to +1
	for i := range want {
		if y[i] != want[i] {
			t.Fatalf("TeacherSigns = %v, want %v", y, want)
		}
	}
	_, err = TeacherSigns(X, []float64{0, 0})
	wantErr(t, err, "zero")
	_, err = TeacherSigns(X, []float64{1})
	wantErr(t, err, "len(w) = 1")
}

func TestRandomSigns(t *testing.T) {
	n := 10000
	y, err := RandomSigns(n, 5)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for i, v := range y {
		if v != 1 && v != -1 {
			t.Fatalf("y[%d] = %v is not ±1", i, v)
		}
		sum += v
	}
	// The sum of n fair signs has sd sqrt(n) = 100.
	if math.Abs(sum) > 6*math.Sqrt(float64(n)) {
		t.Errorf("sum of signs = %v; not balanced", sum)
	}
	y2, _ := RandomSigns(n, 5)
	y3, _ := RandomSigns(n, 6)
	same, diff := true, false
	for i := range y {
		same = same && y[i] == y2[i]
		diff = diff || y[i] != y3[i]
	}
	if !same || !diff {
		t.Fatalf("determinism: same seed equal = %v, different seed differs = %v", same, diff)
	}
	_, err = RandomSigns(0, 1)
	wantErr(t, err, "n = 0")
}

func TestFlipSigns(t *testing.T) {
	n := 20000
	y, _ := RandomSigns(n, 1)
	orig := append([]float64(nil), y...)
	for _, p := range []float64{0, 1} {
		f, err := FlipSigns(y, p, 2)
		if err != nil {
			t.Fatal(err)
		}
		for i := range y {
			if (p == 0 && f[i] != y[i]) || (p == 1 && f[i] != -y[i]) {
				t.Fatalf("p = %v: label %d went %v -> %v", p, i, y[i], f[i])
			}
		}
	}
	p := 0.2
	f, err := FlipSigns(y, p, 2)
	if err != nil {
		t.Fatal(err)
	}
	flips := 0
	for i := range y {
		if f[i] == -y[i] {
			flips++
		} else if f[i] != y[i] {
			t.Fatalf("f[%d] = %v is not ±y[%d]", i, f[i], i)
		}
	}
	// Binomial(n, p): sd sqrt(n p (1-p)) ≈ 56.6.
	if math.Abs(float64(flips)-p*float64(n)) > 6*math.Sqrt(float64(n)*p*(1-p)) {
		t.Errorf("%d flips of %d at p = %v", flips, n, p)
	}
	for i := range y {
		if y[i] != orig[i] {
			t.Fatalf("FlipSigns modified its input at %d", i)
		}
	}
	f2, _ := FlipSigns(y, p, 2)
	f3, _ := FlipSigns(y, p, 3)
	same, diff := true, false
	for i := range f {
		same = same && f[i] == f2[i]
		diff = diff || f[i] != f3[i]
	}
	if !same || !diff {
		t.Fatalf("determinism: same seed equal = %v, different seed differs = %v", same, diff)
	}
	for _, bad := range []float64{-0.1, 1.1, math.NaN()} {
		_, err := FlipSigns(y, bad, 1)
		wantErr(t, err, "[0, 1]")
	}
	_, err = FlipSigns([]float64{1, 0.5}, 0.1, 1)
	wantErr(t, err, "y[1] = 0.5")
	_, err = FlipSigns(nil, 0.1, 1)
	wantErr(t, err, "no labels")
}
