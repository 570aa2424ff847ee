package data

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/internal/badinput"
)

// TestEveryFunctionRefusesBadInput calls every exported function and method
// of the package with bad input (nil and empty arguments, mismatched
// dimensions, NaN and ±Inf entries, non-positive or oversized sizes,
// arguments outside their domain) under recover: each must return an error
// that names the argument and says what would fix it, and none may panic.
func TestEveryFunctionRefusesBadInput(t *testing.T) {
	X := mat.NewDense(3, 2, []float64{1, 0, 0, 1, 0.6, 0.8})
	nanX := mat.DenseCopyOf(X)
	nanX.Set(1, 0, math.NaN())
	infX := mat.DenseCopyOf(X)
	infX.Set(2, 1, math.Inf(1))
	zeroRow := mat.DenseCopyOf(X)
	zeroRow.SetRow(1, []float64{0, 0})
	good := &Dataset{Name: "g", X: X, Y: []float64{1, -1, 1}, Labels: []int{0, 1, 0}}
	noLabels := &Dataset{Name: "n", X: X, Y: []float64{1, -1, 1}}
	nanY := &Dataset{Name: "y", X: X, Y: []float64{1, math.NaN(), 1}}
	shortY := &Dataset{Name: "s", X: X, Y: []float64{1}}
	nanData := &Dataset{Name: "x", X: nanX, Y: []float64{1, 2, 3}}
	var nilDS *Dataset
	dir := t.TempDir()
	e1 := func(_ any, err error) error { return err }
	e2 := func(_, _ any, err error) error { return err }
	e3 := func(_, _, _ any, err error) error { return err }
	cases := []badinput.Case{
		{"Sphere n = 0", []string{"n = 0"}, func() error { return e1(Sphere(0, 3, 1)) }},
		{"Sphere d = -1", []string{"d = -1"}, func() error { return e1(Sphere(3, -1, 1)) }},
		{"Sphere too large", []string{"n·d"}, func() error { return e1(Sphere(1<<20, 1<<20, 1)) }},
		{"Sphere MinInt", []string{"n = "}, func() error { return e1(Sphere(math.MinInt, 3, 1)) }},
		{"Circle d = 1", []string{"d = 1"}, func() error { return e1(Circle(3, 0.1, 1)) }},
		{"Circle θ NaN", []string{"θ = NaN"}, func() error { return e1(Circle(3, math.NaN(), 2)) }},
		{"Circle θ +Inf", []string{"θ = +Inf"}, func() error { return e1(Circle(3, math.Inf(1), 2)) }},
		{"Circle θ = π", []string{"θ"}, func() error { return e1(Circle(3, math.Pi, 2)) }},
		{"Circle θ = 0", []string{"θ"}, func() error { return e1(Circle(3, 0, 2)) }},
		{"Circle n = 0", []string{"n = 0"}, func() error { return e1(Circle(0, 0.1, 2)) }},
		{"CircleSeparation n = 1", []string{"n = 1"}, func() error { return e1(CircleSeparation(1, 0.1)) }},
		{"CircleSeparation θ -Inf", []string{"θ = -Inf"}, func() error { return e1(CircleSeparation(4, math.Inf(-1))) }},
		{"CircleSeparation n huge", []string{"n = "}, func() error { return e1(CircleSeparation(math.MaxInt, 1e-30)) }},
		{"Orthonormal n > d", []string{"n = 4 > d = 3"}, func() error { return e1(Orthonormal(4, 3, 1)) }},
		{"Orthonormal d = 0", []string{"d = 0"}, func() error { return e1(Orthonormal(1, 0, 1)) }},
		{"StandardBasis n > d", []string{"n = 5 > d = 2"}, func() error { return e1(StandardBasis(5, 2)) }},
		{"StandardBasis n < 0", []string{"n = -2"}, func() error { return e1(StandardBasis(-2, 2)) }},
		{"Teacher d = 0", []string{"d = 0"}, func() error { return e1(Teacher(0, 1)) }},
		{"Teacher d huge", []string{"d = "}, func() error { return e1(Teacher(math.MaxInt, 1)) }},
		{"LinearTeacher n = 0", []string{"n = 0"}, func() error { return e1(LinearTeacher(0, 5, 1)) }},
		{"LinearTeacher too large", []string{"n·d"}, func() error { return e1(LinearTeacher(1<<30, 1<<10, 1)) }},
		{"Figure2 n = -3", []string{"n = -3"}, func() error { return e1(Figure2(-3, 1)) }},
		{"LinearTargets nil X", []string{"X"}, func() error { return e1(LinearTargets(nil, []float64{1, 2})) }},
		{"LinearTargets NaN X", []string{"X[1][0]"}, func() error { return e1(LinearTargets(nanX, []float64{1, 2})) }},
		{"LinearTargets len(w)", []string{"len(w)"}, func() error { return e1(LinearTargets(X, []float64{1})) }},
		{"LinearTargets NaN w", []string{"w[1]"}, func() error { return e1(LinearTargets(X, []float64{1, math.NaN()})) }},
		{"LinearTargets overflow", []string{"y[2]"}, func() error { return e1(LinearTargets(X, []float64{math.MaxFloat64, math.MaxFloat64})) }},
		{"TeacherSigns zero w", []string{"w"}, func() error { return e1(TeacherSigns(X, []float64{0, 0})) }},
		{"TeacherSigns Inf X", []string{"X[2][1]"}, func() error { return e1(TeacherSigns(infX, []float64{1, 1})) }},
		{"RandomSigns n = 0", []string{"n = 0"}, func() error { return e1(RandomSigns(0, 1)) }},
		{"RandomSigns n huge", []string{"n = "}, func() error { return e1(RandomSigns(math.MaxInt, 1)) }},
		{"FlipSigns p NaN", []string{"p = NaN"}, func() error { return e1(FlipSigns([]float64{1}, math.NaN(), 1)) }},
		{"FlipSigns p > 1", []string{"p = 1.5"}, func() error { return e1(FlipSigns([]float64{1}, 1.5, 1)) }},
		{"FlipSigns p < 0", []string{"p = -0.1"}, func() error { return e1(FlipSigns([]float64{1}, -0.1, 1)) }},
		{"FlipSigns nil y", []string{"labels"}, func() error { return e1(FlipSigns(nil, 0.1, 1)) }},
		{"FlipSigns non-sign", []string{"y[1]"}, func() error { return e1(FlipSigns([]float64{1, 0.5}, 0.1, 1)) }},
		{"NormalizeRows nil", []string{"X"}, func() error { return NormalizeRows(nil) }},
		{"NormalizeRows empty", []string{"X"}, func() error { return NormalizeRows(&mat.Dense{}) }},
		{"NormalizeRows zero row", []string{"row 1"}, func() error { return NormalizeRows(mat.DenseCopyOf(zeroRow)) }},
		{"NormalizeRows NaN", []string{"X[1][0]"}, func() error { return NormalizeRows(mat.DenseCopyOf(nanX)) }},
		{"Separation nil", []string{"X"}, func() error { return e1(Separation(nil)) }},
		{"Separation one row", []string{"1 row"}, func() error { return e1(Separation(mat.NewDense(1, 2, []float64{1, 0}))) }},
		{"Separation Inf", []string{"X[2][1]"}, func() error { return e1(Separation(infX)) }},
		{"MaxAbsCosine zero row", []string{"row 1"}, func() error { return e1(MaxAbsCosine(zeroRow)) }},
		{"MaxAbsCosine NaN", []string{"X[1][0]"}, func() error { return e1(MaxAbsCosine(nanX)) }},
		{"ReadIDXImages nil", []string{"reader"}, func() error { return e3(func() (any, any, any, error) { return ReadIDXImages(nil) }()) }},
		{"ReadIDXImages empty", []string{"magic"}, func() error {
			return e3(func() (any, any, any, error) { return ReadIDXImages(bytes.NewReader(nil)) }())
		}},
		{"ReadIDXLabels nil", []string{"reader"}, func() error { return e1(ReadIDXLabels(nil)) }},
		{"ReadIDXLabels garbage", []string{"magic"}, func() error { return e1(ReadIDXLabels(strings.NewReader("not an idx file"))) }},
		{"LoadIDX missing", []string{"missing"}, func() error { return e1(LoadIDX(filepath.Join(dir, "missing"), filepath.Join(dir, "missing"))) }},
		{"LoadIDX empty paths", []string{"open"}, func() error { return e1(LoadIDX("", "")) }},
		{"LoadIDXDir bad split", []string{`split "dev"`}, func() error { return e1(LoadIDXDir(dir, "dev")) }},
		{"LoadIDXDir empty dir", []string{"train-images"}, func() error { return e1(LoadIDXDir(dir, "train")) }},
		{"FashionMNIST bad split", []string{`split "val"`}, func() error { return e1(FashionMNIST("val")) }},

		{"Validate nil", []string{"nil"}, func() error { return nilDS.Validate() }},
		{"Validate nil X", []string{"X"}, func() error { return (&Dataset{Name: "e"}).Validate() }},
		{"Validate NaN X", []string{"X[1][0]"}, func() error { return nanData.Validate() }},
		{"Validate NaN Y", []string{"Y[1]"}, func() error { return nanY.Validate() }},
		{"Validate short Y", []string{"len(Y)"}, func() error { return shortY.Validate() }},
		{"Validate labels", []string{"Labels"}, func() error { return (&Dataset{X: X, Y: good.Y, Labels: []int{1}}).Validate() }},
		{"WithTargets length", []string{"len(y)"}, func() error { return e1(good.WithTargets([]float64{1})) }},
		{"WithTargets NaN", []string{"Y[0]"}, func() error { return e1(good.WithTargets([]float64{math.NaN(), 1, 1})) }},
		{"WithTargets nil receiver", []string{"nil"}, func() error { return e1(nilDS.WithTargets([]float64{1})) }},
		{"Scaled 0", []string{"c = 0"}, func() error { return e1(good.Scaled(0)) }},
		{"Scaled Inf", []string{"c = +Inf"}, func() error { return e1(good.Scaled(math.Inf(1))) }},
		{"Scaled overflow of a large entry", []string{"overflows"}, func() error {
			return e1((&Dataset{X: mat.NewDense(1, 1, []float64{1e300}), Y: []float64{1}}).Scaled(1e10))
		}},
		{"Scaled nil receiver", []string{"nil"}, func() error { return e1(nilDS.Scaled(2)) }},
		{"Normalized zero row", []string{"row 1"}, func() error { return e1((&Dataset{X: zeroRow, Y: good.Y}).Normalized()) }},
		{"Normalized NaN", []string{"Y[1]"}, func() error { return e1(nanY.Normalized()) }},
		{"Rows empty", []string{"indices"}, func() error { return e1(good.Rows(nil)) }},
		{"Rows out of range", []string{"idx[1] = 3"}, func() error { return e1(good.Rows([]int{0, 3})) }},
		{"Rows negative", []string{"idx[0] = -1"}, func() error { return e1(good.Rows([]int{-1})) }},
		{"Head 0", []string{"Head(0)"}, func() error { return e1(good.Head(0)) }},
		{"Head too many", []string{"Head(4)"}, func() error { return e1(good.Head(4)) }},
		{"Pair same", []string{"Pair(1, 1)"}, func() error { return e1(good.Pair(1, 1)) }},
		{"Pair missing class", []string{"label 7"}, func() error { return e1(good.Pair(0, 7)) }},
		{"Pair no labels", []string{"Labels"}, func() error { return e1(noLabels.Pair(0, 1)) }},
		{"EvenOdd no labels", []string{"Labels"}, func() error { return e1(noLabels.EvenOdd()) }},
		{"EvenOdd nil", []string{"nil"}, func() error { return e1(nilDS.EvenOdd()) }},
		{"Split fraction 0", []string{"testFraction = 0"}, func() error { return e2(good.Split(0, 1)) }},
		{"Split fraction NaN", []string{"testFraction = NaN"}, func() error { return e2(good.Split(math.NaN(), 1)) }},
		{"Split fraction 1", []string{"testFraction = 1"}, func() error { return e2(good.Split(1, 1)) }},
		{"Split too few", []string{"testFraction = 0.01"}, func() error { return e2(good.Split(0.01, 1)) }},
		{"StratifiedSplit no labels", []string{"Labels"}, func() error { return e2(noLabels.StratifiedSplit(0.5, 1)) }},
		{"StratifiedSplit fraction", []string{"testFraction = -1"}, func() error { return e2(good.StratifiedSplit(-1, 1)) }},
		{"Sample 0", []string{"Sample(0)"}, func() error { return e1(good.Sample(0, 1)) }},
		{"Sample too many", []string{"Sample(9)"}, func() error { return e1(good.Sample(9, 1)) }},
		{"Sample NaN data", []string{"X[1][0]"}, func() error { return e1(nanData.Sample(1, 1)) }},
	}
	fixWords := []string{"must", "want", "use ", "pass", "give", "remove", "choose", "needs", "need", "positive",
		"exceeds the limit", "out of range", "in [", "in (", "differ", "non-empty", "not finite", "is zero", "overflows",
		"not found", "looked for", "check", "install", "no class labels", "has no sample", "no indices", "corrupt",
		"not an IDX", "truncated", "set "}
	badinput.Check(t, cases, fixWords)
	t.Logf("%d bad-input cases", len(cases))
	// The accessors without an error result must not panic on nil either.
	if nilDS.Len() != 0 || nilDS.Dim() != 0 || nilDS.Clone() != nil {
		t.Error("Len, Dim or Clone of a nil Dataset is not 0, 0, nil")
	}
}
