package main

import (
	"math"
	"testing"

	"github.com/sparsentk/sparsentk/data"
	"github.com/sparsentk/sparsentk/ntk"
)

// TestFiringPerNeuron compares the counts with a direct evaluation of
// ⟨w_r, x_i⟩ ≥ b_r.
func TestFiringPerNeuron(t *testing.T) {
	ds, err := data.Sphere(300, 7, 1)
	if err != nil {
		t.Fatal(err)
	}
	net, err := ntk.New(ntk.Init{Width: 500, Dim: 7, B: 1, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	got, err := firingPerNeuron(net, ds.X)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for r := range got {
		want := 0
		for i := 0; i < 300; i++ {
			z := 0.0
			for j := 0; j < 7; j++ {
				z += net.W.At(r, j) * ds.X.At(i, j)
			}
			if z >= net.Bias[r] {
				want++
			}
		}
		if got[r] != want {
			t.Fatalf("neuron %d fires on %d samples, want %d", r, got[r], want)
		}
		total += want
	}
	if total == 0 {
		t.Fatal("test set-up: no neuron fires")
	}
}

// TestConcentration checks the top-2.5% share on counts with a known answer:
// 80 neurons, the top two (2.5%) fire on all 10 samples, 38 on one, 40 on none.
func TestConcentration(t *testing.T) {
	counts := make([]int, 80)
	counts[17], counts[63] = 10, 10
	for r := 0; r < 38; r++ {
		counts[20+r] = 1
	}
	share, frac := concentration(counts, 10)
	if want := 20.0 / 58; math.Abs(share-want) > 1e-15 || frac != 1 {
		t.Fatalf("share %v, fraction %v; want %v and 1", share, frac, want)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		v    []float64
		want float64
	}{{[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(c.v); got != c.want {
			t.Errorf("median = %v, want %v", got, c.want)
		}
	}
}

// TestCompareAtRepeats runs a small row end to end: the repeated runs, their
// medians and ratio range, the agreement of the two methods and the regime.
func TestCompareAtRepeats(t *testing.T) {
	ds, err := data.Sphere(80, 5, 3)
	if err != nil {
		t.Fatal(err)
	}
	w, err := data.Teacher(5, 4)
	if err != nil {
		t.Fatal(err)
	}
	y, err := data.TeacherSigns(ds.X, w)
	if err != nil {
		t.Fatal(err)
	}
	r, err := compareAt("sphere", ds.X, y, 600, 1, 0, 6, 2, 3, 5, true)
	if err != nil {
		t.Fatal(err)
	}
	if r.err != "" {
		t.Fatal(r.err)
	}
	ratio := r.denseMs / r.sparseMs
	if r.runs != 3 || !(r.ratioMin <= r.ratioMax) || !(r.ratioMin > 0) {
		t.Fatalf("%d runs, ratio range [%g, %g]", r.runs, r.ratioMin, r.ratioMax)
	}
	if !(ratio > 0) || math.IsInf(ratio, 0) {
		t.Fatalf("ratio of the medians %g", ratio)
	}
	if !(r.agree <= 1e-12) {
		t.Fatalf("largest relative loss difference %g", r.agree)
	}
	g := r.regime
	if g.steps != 6 || !(g.start > 0) || !(g.expected > 0) || !(g.topShare > 0 && g.topShare <= 1) || !(g.topFrac > 0 && g.topFrac <= 1) {
		t.Fatalf("regime %+v", g)
	}
}
