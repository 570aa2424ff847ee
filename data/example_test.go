package data_test

import (
	"fmt"
	"math"

	"github.com/sparsentk/sparsentk/data"
)

// Digits 3 against 8 on the unit sphere, split for training and testing.
func ExampleDigits() {
	ds, err := data.Digits()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(ds.Len(), ds.Dim())
	pair, err := ds.Pair(3, 8)
	if err != nil {
		fmt.Println(err)
		return
	}
	unit, err := pair.Normalized()
	if err != nil {
		fmt.Println(err)
		return
	}
	train, test, err := unit.Split(0.25, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(unit.Len(), train.Len(), test.Len())
	// Output:
	// 1797 64
	// 357 268 89
}

// Points on a circle at spacing θ = π/n have separation δ = 2 sin(π/(2n)).
func ExampleCircle() {
	n := 6
	ds, err := data.Circle(n, math.Pi/float64(n), 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	delta, err := data.Separation(ds.X)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("δ = %.6f, 2 sin(π/12) = %.6f\n", delta, 2*math.Sin(math.Pi/12))

	_, err = data.Circle(4, math.Pi/3, 2) // 3θ = π: points 0 and 3 are antipodal
	fmt.Println(err != nil)
	// Output:
	// δ = 0.517638, 2 sin(π/12) = 0.517638
	// true
}

// Random ±1 labels with 10% noise attached to points on the sphere.
func ExampleFlipSigns() {
	ds, _ := data.Sphere(1000, 10, 7)
	w, _ := data.Teacher(10, 7)
	clean, _ := data.TeacherSigns(ds.X, w)
	noisy, _ := data.FlipSigns(clean, 0.1, 8)
	labeled, _ := ds.WithTargets(noisy)
	flips := 0
	for i := range clean {
		if labeled.Y[i] != clean[i] {
			flips++
		}
	}
	fmt.Println(flips > 50 && flips < 150)
	// Output: true
}
