package ntk

import (
	"bytes"
	"fmt"
	"math"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/internal/badinput"
)

// This file checks the promise of the package documentation: every exported
// function returns an error for bad input (nil and empty arguments,
// mismatched dimensions, NaN and ±Inf entries, non-positive sizes, η ≤ 0,
// sizes beyond the memory limit, arguments outside a bound's assumptions),
// the error names the argument and says what would fix it, and nothing
// panics. Functions of scalar arguments are swept argument by argument
// (sweepCases); the others have hand-written cases (badInputCases).

// badCase is one call that must fail.
type badCase = badinput.Case

// fixWords are phrases of which an error must contain one: it says what the
// argument must be or what to do.
var fixWords = []string{"must", "want", "use ", "pass", "give", "raise", "reduce", "lower", "choose",
	"remove", "rescale", "need", "check", "try", "at most", "at least", "assume", "build", "compute", "lie in", "outside", "it is damaged"}

// checkBadCases runs every case under recover and reports panics, missing
// errors and errors that name neither the argument nor a fix.
func checkBadCases(t *testing.T, cases []badCase) {
	t.Helper()
	badinput.Check(t, cases, fixWords)
}

// scalarBound describes a function of ints, float64s, Constants, []float64
// and mat.Symmetric arguments, returning (value, error).
type scalarBound struct {
	name  string
	fn    any
	args  []string // argument names, as the errors print them
	valid []any    // a valid call
	// allowed names the arguments whose swept values are partly valid, with
	// the values that are: "0" (a zero count), "negative" (any sign), "length"
	// (a vector of any length).
	allowed map[string]string
}

// badValues returns the bad values swept for an argument of the type of v:
// for ints 0 and −1 (every integer argument here is a size or a count ≥ 1),
// for floats NaN, ±Inf and −1 (every float argument is ≥ 0), for Constants
// each field NaN, −1 and +Inf, for vectors nil, a NaN entry and a wrong
// length, for kernels nil, a NaN entry and a wrong size.
func badValues(v any) []any {
	switch x := v.(type) {
	case int:
		return []any{0, -1, math.MinInt}
	case float64:
		return []any{math.NaN(), math.Inf(1), math.Inf(-1), -1.0}
	case Constants:
		return []any{Constants{C: math.NaN()}, Constants{C: -1}, Constants{C: math.Inf(1)},
			Constants{Flip: math.NaN()}, Constants{Flip: -2}, Constants{Flip: math.Inf(1)}}
	case []float64:
		nan := append([]float64(nil), x...)
		nan[len(nan)/2] = math.NaN()
		inf := append([]float64(nil), x...)
		inf[0] = math.Inf(-1)
		return []any{[]float64(nil), nan, inf, x[:len(x)-1]}
	case mat.Symmetric:
		n := x.SymmetricDim()
		nan := mat.NewSymDense(n, nil)
		nan.CopySym(x)
		nan.SetSym(0, n-1, math.NaN())
		small := mat.NewSymDense(n-1, nil)
		for i := 0; i < n-1; i++ {
			small.SetSym(i, i, 1)
		}
		return []any{(*mat.SymDense)(nil), nan, small}
	}
	panic(fmt.Sprintf("no bad values for %T", v))
}

// describe prints a bad value for a case name.
func describe(v any) string {
	switch x := v.(type) {
	case []float64:
		if x == nil {
			return "nil"
		}
		return fmt.Sprintf("len %d %v", len(x), x)
	case *mat.SymDense:
		if x == nil {
			return "nil"
		}
		return fmt.Sprintf("%d×%d with %v", x.SymmetricDim(), x.SymmetricDim(), x.At(0, x.SymmetricDim()-1))
	}
	return fmt.Sprintf("%+v", v)
}

// sweepCases returns, for each argument of each bound, one case per bad
// value, the other arguments staying valid.
func sweepCases(t *testing.T, bounds []scalarBound) []badCase {
	var cases []badCase
	for _, b := range bounds {
		fv := reflect.ValueOf(b.fn)
		if fv.Type().NumIn() != len(b.valid) || len(b.args) != len(b.valid) {
			t.Fatalf("%s: %d parameters, %d valid values, %d names", b.name, fv.Type().NumIn(), len(b.valid), len(b.args))
		}
		call := func(args []any) error {
			in := make([]reflect.Value, len(args))
			for i, a := range args {
				in[i] = reflect.ValueOf(a)
				if a == nil || (reflect.TypeOf(a).Kind() == reflect.Pointer && in[i].IsNil()) {
					in[i] = reflect.Zero(fv.Type().In(i))
				}
			}
			out := fv.Call(in)
			err, _ := out[len(out)-1].Interface().(error)
			if err == nil {
				for _, o := range out[:len(out)-1] {
					if f, ok := o.Interface().(float64); ok && math.IsNaN(f) {
						return fmt.Errorf("returned NaN without an error")
					}
				}
			}
			return err
		}
		if err := call(b.valid); err != nil {
			t.Fatalf("%s: the valid call fails: %v", b.name, err)
		}
		for i, v := range b.valid {
			names := []string{b.args[i]}
			if _, ok := v.(Constants); ok {
				names = []string{"Constants.C", "Constants.Flip"}
			}
			for _, bad := range badValues(v) {
				if allowedValue(b.allowed[b.args[i]], bad, len(b.valid)) {
					continue
				}
				args := append([]any(nil), b.valid...)
				args[i] = bad
				cases = append(cases, badCase{
					Name: fmt.Sprintf("%s(%s = %s)", b.name, b.args[i], describe(bad)),
					Args: names,
					Call: func() error { return call(args) },
				})
			}
		}
	}
	return cases
}

// allowedValue reports whether bad is one of the values that allowed says
// are valid.
func allowedValue(allowed string, bad any, _ int) bool {
	switch allowed {
	case "0":
		return bad == 0
	case "negative":
		switch x := bad.(type) {
		case int:
			return true
		case float64:
			return !math.IsNaN(x) && !math.IsInf(x, 0)
		}
	case "counts":
		_, ok := bad.(int)
		return ok
	case "length":
		x, ok := bad.([]float64)
		if !ok || x == nil {
			return false
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return false
			}
		}
		return len(x) > 0
	}
	return false
}

// testKernel returns H∞(1) of n unit rows, its targets and the pair firing
// probabilities.
func testKernel(t *testing.T, n int) (*mat.SymDense, []float64, *mat.SymDense) {
	t.Helper()
	X := unitRows(n, 3, 91)
	H, err := KernelInf(X, 1)
	if err != nil {
		t.Fatal(err)
	}
	P, err := PairFiringProbabilities(X, 1)
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = float64(i%2*2 - 1)
	}
	return H, y, P
}

// boundsTable lists every bound of scalar, vector and kernel arguments
// with a valid call.
func boundsTable(t *testing.T) []scalarBound {
	H, y, _ := testKernel(t, 6)
	k := Constants{}
	return []scalarBound{
		{"MaxBias", MaxBias, []string{"m"}, []any{100}, nil},
		{"WidthTheorem1", WidthTheorem1, []string{"n", "lambda0", "B", "Constants"}, []any{10, 0.1, 1.0, k}, nil},
		{"WidthTheorem32", WidthTheorem32, []string{"n", "lambda", "B", "delta", "Constants"}, []any{10, 0.05, 1.0, 0.1, k}, nil},
		{"StepSizeTheorem1", StepSizeTheorem1, []string{"n", "lambda", "B", "Constants"}, []any{10, 0.05, 1.0, k}, nil},
		{"RateTheorem1", RateTheorem1, []string{"eta", "lambda"}, []any{0.1, 0.05}, nil},
		{"LossBoundTheorem1", LossBoundTheorem1, []string{"loss0", "eta", "lambda", "t"}, []any{2.0, 0.1, 0.05, 10}, map[string]string{"t": "0"}},
		{"ContractionTheorem32", ContractionTheorem32, []string{"n", "eta", "lambda", "B", "Rw", "Rb", "Constants"}, []any{10, 0.01, 0.05, 1.0, 0.01, 0.01, k}, nil},
		{"BiasLimitTheorem1", BiasLimitTheorem1, []string{"n", "m", "lambda0", "Constants"}, []any{10, 1 << 30, 0.1, k}, nil},
		{"MovementRadius", MovementRadius, []string{"n", "m", "lambda", "residual0"}, []any{10, 1000, 0.05, 1.0}, nil},
		{"WidthSongYang2019", WidthSongYang2019, []string{"n", "lambda0", "Constants"}, []any{10, 0.1, k}, nil},
		{"GeneralizationWidthSongYang2019", GeneralizationWidthSongYang2019, []string{"n", "lambda0", "degree", "Constants"}, []any{10, 0.1, 2.0, k}, nil},
		{"WidthSongYangZhang2021", WidthSongYangZhang2021, []string{"n", "lambda0", "B", "Constants"}, []any{10, 0.1, 1.0, k}, nil},
		{"RestrictedEigenBound", RestrictedEigenBound, []string{"B", "delta"}, []any{1.0, 0.5}, nil},
		{"EigenBoundSongYangZhang2021", EigenBoundSongYangZhang2021, []string{"n", "B", "delta", "Constants"}, []any{10, 1.0, 0.5, k}, nil},
		{"FlipProbability", FlipProbability, []string{"B", "R"}, []any{1.0, 0.1}, nil},
		{"FlipBound", FlipBound, []string{"B", "Rw", "Rb", "Constants"}, []any{1.0, 0.1, 0.1, k}, nil},
		{"FlipBoundSongYangZhang2021", FlipBoundSongYangZhang2021, []string{"B", "R", "Constants"}, []any{1.0, 0.1, k}, nil},
		{"FlipSetBound", FlipSetBound, []string{"n", "m", "B", "Rw", "Rb", "Constants"}, []any{10, 1000, 1.0, 0.01, 0.01, k}, nil},
		{"KernelNorm", KernelNorm, []string{"H", "y"}, []any{mat.Symmetric(H), y}, nil},
		{"RademacherBound", RademacherBound, []string{"H", "y", "B", "Constants"}, []any{mat.Symmetric(H), y, 1.0, k}, nil},
		{"RiskBound", RiskBound, []string{"H", "y", "B", "delta", "Constants"}, []any{mat.Symmetric(H), y, 1.0, 0.1, k}, nil},
		{"WidthTheorem9", WidthTheorem9, []string{"n", "lambda", "B", "Constants"}, []any{10, 0.05, 1.0, k}, nil},
		{"WidthTheorem40", WidthTheorem40, []string{"n", "lambda", "B", "delta", "Constants"}, []any{10, 0.05, 1.0, 0.1, k}, nil},
		{"LocalRademacherBound", LocalRademacherBound, []string{"n", "m", "B", "Rw", "Rb", "R", "Constants"}, []any{10, 1000, 1.0, 0.01, 0.01, 1.0, k}, nil},
		{"TotalMovementBound", TotalMovementBound, []string{"H", "y", "m", "lambda", "B", "R", "delta", "Constants"}, []any{mat.Symmetric(H), y, 1000, 0.05, 1.0, 1.0, 0.1, k}, nil},
		{"InitialOutputMoment", InitialOutputMoment, []string{"B"}, []any{1.0}, nil},
		{"InitialErrorExact", InitialErrorExact, []string{"B", "y"}, []any{1.0, y}, map[string]string{"y": "length"}},
		{"InitialOutputBound", InitialOutputBound, []string{"n", "m", "B", "delta", "Constants"}, []any{10, 1000, 1.0, 0.1, k}, nil},
		{"InitialErrorBound", InitialErrorBound, []string{"n", "m", "B", "delta", "Constants"}, []any{10, 1000, 1.0, 0.1, k}, nil},
		{"InitialErrorSongYangZhang2021", InitialErrorSongYangZhang2021, []string{"n", "m", "B", "delta", "Constants"}, []any{10, 1000, 1.0, 0.1, k}, nil},
		{"KernelEigenBound", KernelEigenBound, []string{"n", "m", "lambda"}, []any{10, 1000, 0.05}, nil},
		{"WidthLemma15", WidthLemma15, []string{"n", "lambda", "delta"}, []any{10, 0.05, 0.1}, nil},
		{"KernelDeviationBound", KernelDeviationBound, []string{"n", "m", "B", "delta"}, []any{10, 1000, 1.0, 0.1}, nil},
		{"KernelPerturbationBound", KernelPerturbationBound, []string{"n", "m", "lambda", "B", "Rw", "Rb", "Constants"}, []any{10, 1000, 0.05, 1.0, 0.01, 0.01, k}, nil},
		{"LinearizationErrorBound", LinearizationErrorBound, []string{"n", "m", "step", "eta", "lambda", "B", "Rw", "Rb", "delta", "Constants"},
			[]any{10, 1000, 5, 0.01, 0.05, 1.0, 0.01, 0.01, 0.1, k}, map[string]string{"step": "0"}},
		{"ActiveMean", ActiveMean, []string{"m", "B"}, []any{1000, 1.0}, nil},
		{"ActiveTail", ActiveTail, []string{"m", "B", "count"}, []any{1000, 1.0, 300}, map[string]string{"count": "counts"}},
		{"ActiveBound", ActiveBound, []string{"n", "m", "B"}, []any{10, 1000, 1.0}, nil},
		{"ActiveBoundTraining", ActiveBoundTraining, []string{"n", "m", "B", "Rw", "Rb", "Constants"}, []any{10, 1000, 1.0, 0.01, 0.01, k}, nil},
		{"NewOrthantCurve", func(h float64) (*OrthantCurve, error) { return NewOrthantCurve(h) }, []string{"h"}, []any{1.0}, map[string]string{"h": "negative"}},
	}
}

func TestBoundsRefuseBadInput(t *testing.T) {
	cases := sweepCases(t, boundsTable(t))
	checkBadCases(t, cases)
	t.Logf("%d bad-input cases over the bounds", len(cases))
}

// apiCases returns hand-written bad-input cases for every exported function
// and method of the package that is not in boundsTable, except those of
// train*.go (see TestBadInputsReturnErrors).
func apiCases(t *testing.T) []badCase {
	X := unitRows(5, 3, 92)
	nanX := mat.DenseCopyOf(X)
	nanX.Set(2, 1, math.NaN())
	infX := mat.DenseCopyOf(X)
	infX.Set(0, 0, math.Inf(-1))
	zeroRow := mat.DenseCopyOf(X)
	zeroRow.SetRow(4, []float64{0, 0, 0})
	hugeX := mat.DenseCopyOf(X)
	hugeX.Scale(1e200, hugeX)
	H, y, P := testKernel(t, 5)
	nanH := mat.NewSymDense(5, nil)
	nanH.CopySym(H)
	nanH.SetSym(1, 3, math.NaN())
	infH := mat.NewSymDense(5, nil)
	infH.CopySym(H)
	infH.SetSym(2, 2, math.Inf(1))
	net, err := New(Init{Width: 16, Dim: 3, B: 1, Seed: 93})
	if err != nil {
		t.Fatal(err)
	}
	pred, err := NewPredictor(H, y, nil)
	if err != nil {
		t.Fatal(err)
	}
	region, err := NewRegion(P)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := Extremes(H)
	if err != nil {
		t.Fatal(err)
	}
	h := &History{Method: Dense, Loss: []float64{1, 0.5}, Stats: []Stats{{Step: 0, Loss: 1}, {Step: 1, Loss: 0.5}}}
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	nanY := append([]float64(nil), y...)
	nanY[3] = math.NaN()
	badP := mat.NewSymDense(5, nil)
	badP.CopySym(P)
	badP.SetSym(0, 1, 1.5)
	wideNet := &Network{W: mat.NewDense(2, 3, []float64{1e200, 1e200, 1e200, 1, 1, 1}), Bias: []float64{0, 0}, A: []float64{1, 1}}
	limit := func(v int64, f func() error) func() error {
		return func() error { defer setMaxKernelBytes(v)(); return f() }
	}
	e1 := func(_ any, err error) error { return err }
	e2 := func(_, _ any, err error) error { return err }
	e3 := e2
	ckptX := unitRows(6, 3, 231)
	ckptY := []float64{1, -1, 1, -1, 1, -1}
	ckptPath := ""
	ckpt := func() string { // a checkpoint of a short run on ckptX, ckptY, written once
		if ckptPath == "" {
			ckptPath = filepath.Join(dir, "run.ckpt")
			n, _ := New(Init{Width: 8, Dim: 3, B: 0.5, Seed: 232})
			Train(n, ckptX, ckptY, TrainOptions{Eta: 0.5, Steps: 4, Method: Dense, CheckpointPath: ckptPath, CheckpointEvery: 2})
		}
		return ckptPath
	}
	return []badCase{
		// The network (New, Predict, Active and Train are in TestBadInputsReturnErrors).
		{"Network.Validate nil", []string{"nil"}, func() error { var n *Network; return n.Validate() }},
		{"Network.Save nil", []string{"nil"}, func() error { var n *Network; return n.Save(path) }},
		{"Network.Save NaN bias", []string{"Bias[1]"}, func() error { c := net.Clone(); c.Bias[1] = math.NaN(); return c.Save(path) }},
		{"Network.Save Inf weight", []string{"W[0][2]"}, func() error { c := net.Clone(); c.W.Set(0, 2, math.Inf(1)); return c.Save(path) }},
		{"Network.Predict overflow", []string{"overflows"}, func() error { return e1(wideNet.Predict(mat.NewDense(1, 3, []float64{1e200, 1e200, 1e200}))) }},
		{"Load missing", []string{"open"}, func() error { return e1(Load(filepath.Join(dir, "missing.npz"))) }},
		{"Load empty path", []string{"open"}, func() error { return e1(Load("")) }},
		{"ReadNetwork nil", []string{"nil"}, func() error { return e1(ReadNetwork(nil, 10)) }},
		{"ReadNetwork negative size", []string{"size"}, func() error { return e1(ReadNetwork(bytes.NewReader(nil), -1)) }},
		{"ReadNetwork empty", []string{"not a readable .npz"}, func() error { return e1(ReadNetwork(bytes.NewReader(nil), 0)) }},

		// Checkpoints (Resume's mismatches with its run are in TestResumeRefusesMismatches).
		{"LoadCheckpoint missing", []string{"open"}, func() error { return e1(LoadCheckpoint(filepath.Join(dir, "missing.ckpt"))) }},
		{"LoadCheckpoint network file", []string{"not a checkpoint"}, func() error { net.Save(path); return e1(LoadCheckpoint(path)) }},
		{"ReadCheckpoint nil", []string{"nil"}, func() error { return e1(ReadCheckpoint(nil, 10)) }},
		{"ReadCheckpoint negative size", []string{"size"}, func() error { return e1(ReadCheckpoint(bytes.NewReader(nil), -1)) }},
		{"ReadCheckpoint empty", []string{"not a readable .npz"}, func() error { return e1(ReadCheckpoint(bytes.NewReader(nil), 0)) }},
		{"Resume nil X", []string{"X"}, func() error { return e3(Resume(ckpt(), nil, ckptY, TrainOptions{Steps: 9})) }},
		{"Resume NaN X", []string{"X[0][0]"}, func() error {
			Xn := mat.DenseCopyOf(ckptX)
			Xn.Set(0, 0, math.NaN())
			return e3(Resume(ckpt(), Xn, ckptY, TrainOptions{Steps: 9}))
		}},
		{"Resume short y", []string{"len(y)"}, func() error { return e3(Resume(ckpt(), ckptX, ckptY[1:], TrainOptions{Steps: 9})) }},
		{"Resume Inf y", []string{"y[2]"}, func() error {
			return e3(Resume(ckpt(), ckptX, []float64{0, 0, math.Inf(-1), 0, 0, 0}, TrainOptions{Steps: 9}))
		}},
		{"Resume NaN eta", []string{"Eta"}, func() error { return e3(Resume(ckpt(), ckptX, ckptY, TrainOptions{Eta: math.NaN(), Steps: 9})) }},
		{"Resume negative steps", []string{"Steps"}, func() error { return e3(Resume(ckpt(), ckptX, ckptY, TrainOptions{Steps: -1})) }},
		{"Resume NaN tol", []string{"Tol"}, func() error { return e3(Resume(ckpt(), ckptX, ckptY, TrainOptions{Steps: 9, Tol: math.NaN()})) }},
		{"Resume memory", []string{"MemoryLimit"}, func() error { return e3(Resume(ckpt(), ckptX, ckptY, TrainOptions{Steps: 9, MemoryLimit: 10})) }},
		{"Resume checkpoint every", []string{"CheckpointEvery"}, func() error {
			return e3(Resume(ckpt(), ckptX, ckptY, TrainOptions{Steps: 9, CheckpointPath: path}))
		}},
		{"Resume checkpoint dir", []string{"CheckpointPath"}, func() error {
			return e3(Resume(ckpt(), ckptX, ckptY, TrainOptions{Steps: 9, CheckpointPath: filepath.Join(dir, "none", "c"), CheckpointEvery: 1}))
		}},
		{"Train checkpoint dir", []string{"CheckpointPath"}, func() error {
			n, _ := New(Init{Width: 8, Dim: 3, B: 0.5, Seed: 233})
			return e1(Train(n, ckptX, ckptY, TrainOptions{Eta: 1, Steps: 2, CheckpointPath: filepath.Join(dir, "none", "c"), CheckpointEvery: 1}))
		}},

		// Kernels.
		{"KernelInf nil", []string{"X"}, func() error { return e1(KernelInf(nil, 1)) }},
		{"KernelInf empty", []string{"X"}, func() error { return e1(KernelInf(&mat.Dense{}, 1)) }},
		{"KernelInf NaN", []string{"X[2][1]"}, func() error { return e1(KernelInf(nanX, 1)) }},
		{"KernelInf -Inf", []string{"X[0][0]"}, func() error { return e1(KernelInf(infX, 1)) }},
		{"KernelInf zero row", []string{"row 4 of X"}, func() error { return e1(KernelInf(zeroRow, 1)) }},
		{"KernelInf huge rows", []string{"row 0 of X"}, func() error { return e1(KernelInf(hugeX, 1)) }},
		{"KernelInf B = +Inf", []string{"B"}, func() error { return e1(KernelInf(X, math.Inf(1))) }},
		{"KernelInf B < 0", []string{"B"}, func() error { return e1(KernelInf(X, -1)) }},
		{"KernelInf memory", []string{"MaxKernelBytes"}, limit(100, func() error { return e1(KernelInf(X, 1)) })},
		{"KernelInfCross nil train", []string{"Xtrain"}, func() error { return e1(KernelInfCross(X, nil, 1)) }},
		{"KernelInfCross NaN test", []string{"Xtest[2][1]", "X[2][1]"}, func() error { return e1(KernelInfCross(nanX, X, 1)) }},
		{"KernelInfCross dims", []string{"columns"}, func() error { return e1(KernelInfCross(X, unitRows(2, 4, 1), 1)) }},
		{"KernelInfCross B NaN", []string{"B"}, func() error { return e1(KernelInfCross(X, X, math.NaN())) }},
		{"KernelInfCross memory", []string{"MaxKernelBytes"}, limit(100, func() error { return e1(KernelInfCross(X, X, 1)) })},
		{"KernelEmpirical nil net", []string{"nil"}, func() error { return e1(KernelEmpirical(nil, X)) }},
		{"KernelEmpirical nil X", []string{"X"}, func() error { return e1(KernelEmpirical(net, nil)) }},
		{"KernelEmpirical dims", []string{"columns"}, func() error { return e1(KernelEmpirical(net, unitRows(2, 4, 1))) }},
		{"KernelEmpirical Inf", []string{"X[0][0]"}, func() error { return e1(KernelEmpirical(net, infX)) }},
		{"KernelEmpirical huge rows", []string{"row 0 of X"}, func() error { return e1(KernelEmpirical(net, hugeX)) }},
		{"KernelEmpirical memory", []string{"MaxKernelBytes"}, limit(100, func() error { return e1(KernelEmpirical(net, X)) })},
		{"KernelMonteCarlo nil", []string{"X"}, func() error { return e2(KernelMonteCarlo(nil, 1, 10, 1)) }},
		{"KernelMonteCarlo NaN", []string{"X[2][1]"}, func() error { return e2(KernelMonteCarlo(nanX, 1, 10, 1)) }},
		{"KernelMonteCarlo huge rows", []string{"row 0 of X"}, func() error { return e2(KernelMonteCarlo(hugeX, 1, 10, 1)) }},
		{"KernelMonteCarlo samples 0", []string{"samples"}, func() error { return e2(KernelMonteCarlo(X, 1, 0, 1)) }},
		{"KernelMonteCarlo samples < 0", []string{"samples"}, func() error { return e2(KernelMonteCarlo(X, 1, -5, 1)) }},
		{"KernelMonteCarlo B -Inf", []string{"B"}, func() error { return e2(KernelMonteCarlo(X, math.Inf(-1), 10, 1)) }},
		{"KernelMonteCarlo memory", []string{"MaxKernelBytes"}, limit(100, func() error { return e2(KernelMonteCarlo(X, 1, 10, 1)) })},
		{"PairFiringProbabilities nil", []string{"X"}, func() error { return e1(PairFiringProbabilities(nil, 1)) }},
		{"PairFiringProbabilities zero row", []string{"row 4 of X"}, func() error { return e1(PairFiringProbabilities(zeroRow, 1)) }},
		{"PairFiringProbabilities NaN", []string{"X[2][1]"}, func() error { return e1(PairFiringProbabilities(nanX, 1)) }},
		{"PairFiringProbabilities B", []string{"B"}, func() error { return e1(PairFiringProbabilities(X, math.NaN())) }},
		{"EigenBoundsTheorem13 one row", []string{"X", "n ≥ 2"}, func() error { return e1(EigenBoundsTheorem13(unitRows(1, 3, 1), 1, Constants{})) }},
		{"EigenBoundsTheorem13 not unit", []string{"row 0 of X"}, func() error { return e1(EigenBoundsTheorem13(hugeX, 1, Constants{})) }},
		{"EigenBoundsTheorem13 nil", []string{"X"}, func() error { return e1(EigenBoundsTheorem13(nil, 1, Constants{})) }},
		{"EigenBoundsTheorem13 B", []string{"B"}, func() error { return e1(EigenBoundsTheorem13(X, -2, Constants{})) }},
		{"EigenBoundsTheorem13 constants", []string{"Constants.C"}, func() error { return e1(EigenBoundsTheorem13(X, 1, Constants{C: math.NaN()})) }},

		// Spectra.
		{"Extremes nil", []string{"nil"}, func() error { return e1(Extremes(nil)) }},
		{"Extremes empty", []string{"empty"}, func() error { return e1(Extremes(&mat.SymDense{})) }},
		{"Extremes NaN", []string{"K[1][3]"}, func() error { return e1(Extremes(nanH)) }},
		{"Extremes Inf", []string{"K[2][2]"}, func() error { return e1(Extremes(infH)) }},
		{"Extremes memory", []string{"MaxKernelBytes"}, limit(100, func() error { return e1(Extremes(H)) })},
		{"Eigenvalues nil", []string{"nil"}, func() error { return e1(Eigenvalues(nil)) }},
		{"Eigenvalues NaN", []string{"K[1][3]"}, func() error { return e1(Eigenvalues(nanH)) }},
		{"Eigenvalues memory", []string{"MaxKernelBytes"}, limit(300, func() error { return e1(Eigenvalues(H)) })},

		// Predictions.
		{"NewPredictor nil", []string{"H"}, func() error { return e1(NewPredictor(nil, y, nil)) }},
		{"NewPredictor NaN H", []string{"H[1][3]"}, func() error { return e1(NewPredictor(nanH, y, nil)) }},
		{"NewPredictor short y", []string{"len(y)"}, func() error { return e1(NewPredictor(H, y[:3], nil)) }},
		{"NewPredictor NaN y", []string{"y[3]"}, func() error { return e1(NewPredictor(H, nanY, nil)) }},
		{"NewPredictor long f0", []string{"len(f0)"}, func() error { return e1(NewPredictor(H, y, make([]float64, 6))) }},
		{"NewPredictor Inf f0", []string{"f0[0]"}, func() error { return e1(NewPredictor(H, y, []float64{math.Inf(1), 0, 0, 0, 0})) }},
		{"NewPredictor memory", []string{"MaxKernelBytes"}, limit(100, func() error { return e1(NewPredictor(H, y, nil)) })},
		{"Predictor.AtStep t < 0", []string{"t = -1"}, func() error { return e1(pred.AtStep(-1, 0.1)) }},
		{"Predictor.AtStep eta 0", []string{"η = 0"}, func() error { return e1(pred.AtStep(3, 0)) }},
		{"Predictor.AtStep eta < 0", []string{"η = -0.1"}, func() error { return e1(pred.AtStep(3, -0.1)) }},
		{"Predictor.AtStep eta NaN", []string{"η = NaN"}, func() error { return e1(pred.AtStep(3, math.NaN())) }},
		{"Predictor.AtStep diverges", []string{"η = 1e+300"}, func() error { return e1(pred.AtStep(1000, 1e300)) }},
		{"Predictor.AtTime NaN", []string{"t = NaN"}, func() error { return e1(pred.AtTime(math.NaN())) }},
		{"Predictor.AtTime < 0", []string{"t = -1"}, func() error { return e1(pred.AtTime(-1)) }},
		{"Predictor.AtTime +Inf", []string{"t = +Inf"}, func() error { return e1(pred.AtTime(math.Inf(1))) }},
		{"Predictor.Limit singular", []string{"λ_min"}, func() error {
			p, err := NewPredictor(mat.NewSymDense(2, []float64{1, 1, 1, 1}), []float64{1, 0}, nil)
			if err != nil {
				return fmt.Errorf("NewPredictor: %v", err)
			}
			return e1(p.Limit())
		}},
		{"Predictor.WithTest nil K", []string{"K"}, func() error { return e1(pred.WithTest(nil, nil)) }},
		{"Predictor.WithTest K columns", []string{"K is 2×4"}, func() error { return e1(pred.WithTest(mat.NewDense(2, 4, nil), nil)) }},
		{"Predictor.WithTest NaN K", []string{"K[1][0]"}, func() error {
			return e1(pred.WithTest(mat.NewDense(2, 5, []float64{0, 0, 0, 0, 0, math.NaN(), 0, 0, 0, 0}), nil))
		}},
		{"Predictor.WithTest f0 length", []string{"len(f0)"}, func() error { return e1(pred.WithTest(mat.NewDense(2, 5, nil), []float64{1})) }},
		{"Predictor.WithTest memory", []string{"MaxKernelBytes"}, limit(10, func() error { return e1(pred.WithTest(mat.NewDense(2, 5, nil), nil)) })},
		{"nil Predictor.AtStep", []string{"NewPredictor"}, func() error { var p *Predictor; return e1(p.AtStep(1, 0.1)) }},
		{"nil Predictor.AtTime", []string{"NewPredictor"}, func() error { var p *Predictor; return e1(p.AtTime(1)) }},
		{"zero Predictor.Limit", []string{"NewPredictor"}, func() error { return e1((&Predictor{}).Limit()) }},
		{"nil Predictor.WithTest", []string{"NewPredictor"}, func() error { var p *Predictor; return e1(p.WithTest(mat.NewDense(1, 1, nil), nil)) }},

		// The region of Theorem 13.
		{"NewRegion nil", []string{"P"}, func() error { return e1(NewRegion(nil)) }},
		{"NewRegion 1×1", []string{"P is 1×1"}, func() error { return e1(NewRegion(mat.NewSymDense(1, []float64{0.5}))) }},
		{"NewRegion above 1", []string{"P[0][1]"}, func() error { return e1(NewRegion(badP)) }},
		{"NewRegion NaN", []string{"P[1][3]"}, func() error { return e1(NewRegion(nanH)) }},
		{"Region.Margin length", []string{"len(a)"}, func() error { return e1(region.Margin([]float64{1})) }},
		{"Region.Margin NaN", []string{"a[0]"}, func() error { return e1(region.Margin([]float64{math.NaN(), 0, 0, 0, 0})) }},
		{"Region.Contains nil", []string{"len(a)"}, func() error { return e1(region.Contains(nil)) }},
		{"Region.Contains Inf", []string{"a[4]"}, func() error { return e1(region.Contains([]float64{0, 0, 0, 0, math.Inf(1)})) }},
		{"Region.Shift length", []string{"len(y)"}, func() error { return e1(region.Shift(y[:2])) }},
		{"Region.Shift NaN", []string{"y[3]"}, func() error { return e1(region.Shift(nanY)) }},
		{"Region.Minimize nil H", []string{"H"}, func() error { return e1(region.Minimize(nil, MinimizeOptions{})) }},
		{"Region.Minimize size", []string{"H is 2×2"}, func() error { return e1(region.Minimize(mat.NewSymDense(2, nil), MinimizeOptions{})) }},
		{"Region.Minimize NaN", []string{"H[1][3]"}, func() error { return e1(region.Minimize(nanH, MinimizeOptions{})) }},
		{"Region.Minimize restarts", []string{"Restarts: -1"}, func() error { return e1(region.Minimize(H, MinimizeOptions{Restarts: -1})) }},
		{"Region.Minimize iterations", []string{"Iterations: -3"}, func() error { return e1(region.Minimize(H, MinimizeOptions{Iterations: -3})) }},
		{"nil Region.Margin", []string{"NewRegion"}, func() error { var r *Region; return e1(r.Margin([]float64{1})) }},
		{"zero Region.Contains", []string{"NewRegion"}, func() error { return e1((&Region{}).Contains(nil)) }},
		{"nil Region.Shift", []string{"NewRegion"}, func() error { var r *Region; return e1(r.Shift(nil)) }},
		{"nil Region.Minimize", []string{"NewRegion"}, func() error { var r *Region; return e1(r.Minimize(H, MinimizeOptions{})) }},

		// Arguments outside a bound's assumptions.
		{"LinearizationErrorBound B beyond sqrt(0.5 log m)", []string{"B = 3"}, func() error {
			return e1(LinearizationErrorBound(10, 100, 5, 0.01, 0.05, 3, 0.01, 0.01, 0.1, Constants{}))
		}},
		{"FlipBound Rw beyond 1/B", []string{"Rw"}, func() error { return e1(FlipBound(2, 0.9, 0.1, Constants{})) }},
		{"FlipSetBound Rb beyond 1", []string{"Rb"}, func() error { return e1(FlipSetBound(10, 1000, 0.5, 0.1, 1.5, Constants{})) }},
		{"InitialOutputBound delta = 1", []string{"delta"}, func() error { return e1(InitialOutputBound(10, 1000, 1, 1, Constants{})) }},
		{"KernelDeviationBound delta = 0", []string{"delta"}, func() error { return e1(KernelDeviationBound(10, 1000, 1, 0)) }},
		{"RestrictedEigenBound separation > √2", []string{"delta"}, func() error { return e1(RestrictedEigenBound(1, 2)) }},
		{"RiskBound H not H∞ of unit inputs", []string{"H[0][0]"}, func() error {
			return e1(RiskBound(mat.NewSymDense(2, []float64{1e-300, 0, 0, 1e-300}), []float64{1, -1}, 1, 0.1, Constants{}))
		}},
		{"ContractionTheorem32 overflowing eta", []string{"eta"}, func() error { return e1(ContractionTheorem32(10, math.MaxFloat64, 0.05, 1, 0.01, 0.01, Constants{})) }},
		{"RateTheorem1 eta·lambda > 4", []string{"η·λ"}, func() error { return e1(RateTheorem1(100, 1)) }},

		// Interoperability.
		{"SaveMatrix nil", []string{"matrix"}, func() error { return SaveMatrix(path, nil) }},
		{"SaveMatrix empty", []string{"matrix"}, func() error { return SaveMatrix(path, &mat.Dense{}) }},
		{"SaveMatrix missing dir", []string{"beside"}, func() error { return SaveMatrix(filepath.Join(dir, "no", "m.npy"), X) }},
		{"LoadMatrix missing", []string{"open"}, func() error { return e1(LoadMatrix(filepath.Join(dir, "none.npy"))) }},
		{"ReadMatrix nil", []string{"reader"}, func() error { return e1(ReadMatrix(nil)) }},
		{"ReadMatrix empty", []string{"NumPy"}, func() error { return e1(ReadMatrix(bytes.NewReader(nil))) }},
		{"ReadMatrix too large", []string{"MaxKernelBytes"}, limit(4, func() error { return e1(ReadMatrix(bytes.NewReader(make([]byte, 100)))) })},
		{"SaveKernel nil", []string{"H"}, func() error { return SaveKernel(path, nil) }},
		{"SaveKernel NaN", []string{"H[1][3]"}, func() error { return SaveKernel(path, nanH) }},
		{"SaveKernel Inf", []string{"H[2][2]"}, func() error { return SaveKernel(path, infH) }},
		{"LoadKernel missing", []string{"open"}, func() error { return e1(LoadKernel(filepath.Join(dir, "none.npz"))) }},
		{"ReadKernel nil", []string{"nil"}, func() error { return e1(ReadKernel(nil, 0)) }},
		{"SaveSpectrum nil", []string{"spectrum"}, func() error { return SaveSpectrum(path, nil) }},
		{"SaveSpectrum empty", []string{"MaxVector"}, func() error { return SaveSpectrum(path, &Spectrum{}) }},
		{"SaveSpectrum NaN min", []string{"Spectrum.Min"}, func() error { s := *sp; s.Min = math.NaN(); return SaveSpectrum(path, &s) }},
		{"SaveSpectrum min > max", []string{"Spectrum.Min"}, func() error { s := *sp; s.Min = s.Max + 1; return SaveSpectrum(path, &s) }},
		{"SaveSpectrum vector length", []string{"MinVector"}, func() error { s := *sp; s.MinVector = s.MinVector[:2]; return SaveSpectrum(path, &s) }},
		{"SaveSpectrum values order", []string{"Values[1]"}, func() error { s := *sp; s.Values = []float64{3, 1, 2, 4, 5}; return SaveSpectrum(path, &s) }},
		{"SaveSpectrum PSD", []string{"PSD"}, func() error { s := *sp; s.PSD = !s.PSD; return SaveSpectrum(path, &s) }},
		{"LoadSpectrum missing", []string{"open"}, func() error { return e1(LoadSpectrum(filepath.Join(dir, "none.npz"))) }},
		{"ReadSpectrum negative size", []string{"size"}, func() error { return e1(ReadSpectrum(bytes.NewReader(nil), -4)) }},
		{"History.SaveNPZ nil", []string{"history"}, func() error { var h *History; return h.SaveNPZ(path) }},
		{"History.SaveNPZ empty", []string{"History.Stats"}, func() error { return (&History{Method: Dense}).SaveNPZ(path) }},
		{"History.SaveNPZ Loss length", []string{"len(History.Loss)"}, func() error { c := *h; c.Loss = c.Loss[:1]; return c.SaveNPZ(path) }},
		{"History.SaveNPZ Loss differs", []string{"History.Loss[1]"}, func() error { c := *h; c.Loss = []float64{1, 7}; return c.SaveNPZ(path) }},
		{"History.SaveNPZ method", []string{"History.Method"}, func() error { c := *h; c.Method = Auto; return c.SaveNPZ(path) }},
		{"History.SaveNPZ steps", []string{"Step"}, func() error {
			c := *h
			c.Stats = []Stats{{Step: 1, Loss: 1}, {Step: 1, Loss: 0.5}}
			return c.SaveNPZ(path)
		}},
		{"History.SaveNPZ negative count", []string{"negative"}, func() error {
			c := *h
			c.Stats = []Stats{{Step: 0, Loss: 1}, {Step: 1, Loss: 0.5, Flips: -1}}
			return c.SaveNPZ(path)
		}},
		{"History.SaveNPZ negative loss", []string{"negative"}, func() error {
			c := *h
			c.Stats = []Stats{{Step: 0, Loss: 1}, {Step: 1, Loss: math.Inf(-1)}}
			c.Loss = []float64{1, math.Inf(-1)}
			return c.SaveNPZ(path)
		}},
		{"History.SaveCSV nil", []string{"history"}, func() error { var h *History; return h.SaveCSV(path) }},
		{"History.WriteCSV nil writer", []string{"writer"}, func() error { return h.WriteCSV(nil) }},
		{"History.WriteCSV empty", []string{"History.Stats"}, func() error { return (&History{Method: Sparse}).WriteCSV(&bytes.Buffer{}) }},
		{"LoadHistory missing", []string{"open"}, func() error { return e1(LoadHistory(filepath.Join(dir, "none.csv"))) }},
		{"ReadHistory nil", []string{"nil"}, func() error { return e1(ReadHistory(nil, 0)) }},
		{"ReadHistoryCSV nil", []string{"reader"}, func() error { return e1(ReadHistoryCSV(nil)) }},
		{"ReadHistoryCSV empty", []string{"header"}, func() error { return e1(ReadHistoryCSV(strings.NewReader(""))) }},
		{"ReadHistoryCSV header only", []string{"History.Stats"}, func() error { return e1(ReadHistoryCSV(strings.NewReader(strings.Join(csvHeader(), ",") + "\n"))) }},
		{"ReadHistoryCSV wrong header", []string{"header"}, func() error { return e1(ReadHistoryCSV(strings.NewReader("step,loss\n0,1\n"))) }},
	}
}

func TestAPIRefusesBadInput(t *testing.T) {
	cases := apiCases(t)
	checkBadCases(t, cases)
	t.Logf("%d hand-written bad-input cases", len(cases))
}
