package viz_test

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/sparsentk/sparsentk/viz"
	"gonum.org/v1/gonum/mat"
)

// In a notebook's first code cell, after the go.mod set-up line, make the
// chart library available to every later cell.
func ExampleSetup() {
	if err := viz.Setup(); err != nil {
		fmt.Println(err)
	}
}

// A measured loss curve against its bound, on a log axis. The bound is
// dashed, in the colour of the series before it.
func ExampleLine() {
	steps := make([]float64, 50)
	loss, bound := make([]float64, 50), make([]float64, 50)
	for t := range steps {
		steps[t] = float64(t)
		loss[t] = math.Pow(0.9, float64(t))
		bound[t] = 1.5 * math.Pow(0.92, float64(t))
	}
	err := viz.Line("Loss vs step").XLabel("step").YLabel("loss").LogY().
		Series("B=0", steps, loss).
		Bound("(1−ηλ/4)^t", steps, bound).
		Show() // draws in a GoNB cell; outside a notebook it only checks the input
	fmt.Println(err)
	// Output: <nil>
}

// A mean over seeds with its min–max band.
func ExampleXY_Band() {
	widths := []float64{64, 128, 256, 512}
	mean := []float64{0.30, 0.21, 0.15, 0.11}
	lo := []float64{0.25, 0.18, 0.13, 0.10}
	hi := []float64{0.36, 0.25, 0.17, 0.12}
	err := viz.Line("Kernel distance vs width").XLabel("width m").LogX().LogY().
		Band("‖H(0) − H∞‖ over 5 seeds", widths, mean, lo, hi).
		Show()
	fmt.Println(err)
	// Output: <nil>
}

// Bad values are dropped and noted; structural mistakes are errors.
func ExampleXY_Render() {
	s, err := viz.Line("with a gap").Series("y", []float64{1, 2, 3}, []float64{1, math.NaN(), 3}).Render()
	fmt.Println(err, s.Notes)

	_, err = viz.Line("mismatch").Series("y", []float64{1, 2, 3}, []float64{1, 2}).Render()
	fmt.Println(err)
	// Output:
	// <nil> [series "y": dropped 1 of 3 points with a NaN or infinite value.]
	// viz: chart "mismatch": series "y": len(xs)=3 but len(ys)=2; pass one ys value per xs value
}

// Predicted against true values on log–log axes, with the diagonal as a
// reference line.
func ExampleScatter() {
	truth := []float64{0.001, 0.01, 0.1, 1}
	pred := []float64{0.0012, 0.009, 0.11, 0.97}
	err := viz.Scatter("Predicted vs true").XLabel("true").YLabel("predicted").LogX().LogY().
		Series("test points", truth, pred).
		Bound("y = x", []float64{0.001, 1}, []float64{0.001, 1}).
		Show()
	fmt.Println(err)
	// Output: <nil>
}

// Bars per category, with a bound drawn over them.
func ExampleBar() {
	bs := []float64{0, 0.5, 1, 1.5}
	err := viz.Bar("Active fraction").XLabel("bias B").YLabel("fraction").
		Categories(viz.Labels(bs)...).
		Series("measured", []float64{0.5, 0.31, 0.16, 0.067}).
		Bound("Q(B)", []float64{0.5, 0.3085, 0.1587, 0.0668}).
		Show()
	fmt.Println(err)
	// Output: <nil>
}

// A 1000×1000 kernel matrix is shown as 200×200 block means.
func ExampleHeatmap() {
	n := 1000
	k := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			k.SetSym(i, j, math.Exp(-math.Abs(float64(i-j))/100))
		}
	}
	err := viz.Heatmap("Gram matrix", k).XLabel("j").YLabel("i").Show()
	fmt.Println(err)
	// Output: <nil>
}

// A training loop that redraws its loss curve at most four times a second,
// then leaves the final curve in the notebook.
func ExampleNewLive() {
	live := viz.NewLive(0)
	var steps, losses []float64
	for step := 0; step < 100; step++ {
		// … one training step …
		steps = append(steps, float64(step))
		losses = append(losses, math.Exp(-float64(step)/20))
		if err := live.Update(viz.Line("Training loss").XLabel("step").LogY().Series("loss", steps, losses)); err != nil {
			fmt.Println(err)
			return
		}
	}
	fmt.Println(live.Done())
	// Output: <nil>
}

// A standalone offline page of charts for the report.
func ExampleNewPage() {
	dir, err := os.MkdirTemp("", "viz-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	xs := []float64{1, 2, 3}
	err = viz.NewPage("Results").
		Add(viz.Line("a").Series("s", xs, xs), viz.Bar("b").Categories("x", "y").Series("s", []float64{1, 2})).
		WriteHTML(filepath.Join(dir, "charts.html"))
	fmt.Println(err)
	// Output: <nil>
}

func ExampleFormatNumber() {
	for _, v := range []float64{0.1 + 0.2, 1e-5, 12345.6, 123456, 2.0 / 3} {
		fmt.Println(viz.FormatNumber(v))
	}
	// Output:
	// 0.3
	// 1e-5
	// 12350
	// 1.23e5
	// 0.6667
}
