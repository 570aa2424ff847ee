package viz

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/internal/badinput"
)

// TestEveryChartRefusesBadInput renders charts and pages built from bad
// input (nil charts and matrices, empty and mismatched series, NaN and ±Inf
// settings, non-positive sizes) under recover: each must return an error that
// names the bad setting, and none may panic. (Bad data points, by contrast,
// are dropped and noted: see TestLineDropsBadPoints.)
func TestEveryChartRefusesBadInput(t *testing.T) {
	useRecorder(t, true)
	fakeLibrary(t)
	xs := []float64{1, 2, 3}
	one := mat.NewDense(1, 1, []float64{1})
	var nilXY *XY
	var nilBar *BarChart
	var nilHeat *HeatmapChart
	dir := t.TempDir()
	e1 := func(_ any, err error) error { return err }
	cases := []badinput.Case{
		{"Line height 0", []string{"Height(0)"}, func() error { return e1(Line("T").Height(0).Series("s", xs, xs).Render()) }},
		{"Line height -5", []string{"Height(-5)"}, func() error { return e1(Line("T").Height(-5).Series("s", xs, xs).Render()) }},
		{"Line nil xs", []string{"len(xs)=0"}, func() error { return e1(Line("T").Series("s", nil, xs).Render()) }},
		{"Line bound length", []string{"len(ys)=1"}, func() error { return e1(Line("T").Series("s", xs, xs).Bound("b", xs, xs[:1]).Render()) }},
		{"Line band NaN order", []string{"not ordered"}, func() error {
			return e1(Line("T").Band("b", xs, []float64{1, 5, 3}, []float64{0, 1, 2}, []float64{2, 3, 4}).Render())
		}},
		{"Line band empty", []string{"no points"}, func() error { return e1(Line("T").Band("b", nil, nil, nil, nil).Render()) }},
		{"Scatter no series", []string{"no series"}, func() error { return e1(Scatter("T").Render()) }},
		{"Scatter empty name", []string{"empty name"}, func() error { return e1(Scatter("T").Series("", xs, xs).Render()) }},
		{"nil XY Render", []string{"nil"}, func() error { return e1(nilXY.Render()) }},
		{"nil XY Show", []string{"nil"}, func() error { return nilXY.Show() }},
		{"Bar height", []string{"Height(-1)"}, func() error { return e1(Bar("T").Height(-1).Categories("a").Series("s", []float64{1}).Render()) }},
		{"Bar no categories", []string{"no categories"}, func() error { return e1(Bar("T").Series("s", nil).Render()) }},
		{"Bar count", []string{"1 values for 2 categories"}, func() error { return e1(Bar("T").Categories("a", "b").Series("s", []float64{1}).Render()) }},
		{"nil Bar Render", []string{"nil"}, func() error { return e1(nilBar.Render()) }},
		{"nil Bar Show", []string{"nil"}, func() error { return nilBar.Show() }},
		{"Heatmap nil", []string{"the matrix is nil"}, func() error { return e1(Heatmap("T", nil).Render()) }},
		{"Heatmap empty", []string{"the matrix is empty"}, func() error { return e1(Heatmap("T", &mat.Dense{}).Render()) }},
		{"Heatmap MaxCells 0", []string{"MaxCells(0)"}, func() error { return e1(Heatmap("T", one).MaxCells(0).Render()) }},
		{"Heatmap MaxCells 1001", []string{"MaxCells(1001)"}, func() error { return e1(Heatmap("T", one).MaxCells(1001).Render()) }},
		{"Heatmap Range Inf", []string{"Range(-Inf, 1)"}, func() error { return e1(Heatmap("T", one).Range(math.Inf(-1), 1).Render()) }},
		{"Heatmap Range NaN hi", []string{"Range(0, NaN)"}, func() error { return e1(Heatmap("T", one).Range(0, math.NaN()).Render()) }},
		{"Heatmap height", []string{"Height(0)"}, func() error { return e1(Heatmap("T", one).Height(0).Render()) }},
		{"nil Heatmap Render", []string{"nil"}, func() error { return e1(nilHeat.Render()) }},
		{"Show nil", []string{"nil"}, func() error { return Show(nil) }},
		{"Live Update nil", []string{"nil"}, func() error { return NewLive(0).Update(nil) }},
		{"Live Update bad chart", []string{"no series"}, func() error { return NewLive(0).Update(Line("T")) }},
		{"Page nil chart", []string{"nil"}, func() error { return NewPage("P").Add(nil).Render(&bytes.Buffer{}) }},
		{"Page bad chart", []string{"no series"}, func() error { return NewPage("P").Add(Line("L")).Render(&bytes.Buffer{}) }},
		{"Page nil writer", []string{"writer"}, func() error { return NewPage("P").Add(Line("L").Series("s", xs, xs)).Render(nil) }},
		{"Page WriteHTML empty path", []string{"path"}, func() error { return NewPage("P").Add(Line("L").Series("s", xs, xs)).WriteHTML("") }},
		{"Page WriteHTML onto a directory", []string{dir}, func() error { return NewPage("P").Add(Line("L").Series("s", xs, xs)).WriteHTML(dir) }},
		{"nil Page Render", []string{"nil"}, func() error { var p *Page; return p.Render(&bytes.Buffer{}) }},
	}
	badinput.Check(t, cases, nil)
	t.Logf("%d bad-input cases", len(cases))
	// Bad points are not errors: they are dropped, and the chart says so
	// even when no point is left.
	for name, c := range map[string]Chart{
		"non-finite":   Line("T").Series("s", []float64{math.NaN(), math.Inf(1)}, []float64{1, 2}),
		"log axis ≤ 0": Line("T").LogY().Series("s", xs, []float64{0, -1, -2}),
	} {
		s, err := c.Render()
		if err != nil {
			t.Errorf("%s: Render: %v", name, err)
			continue
		}
		if notes := strings.Join(s.Notes, " "); !strings.Contains(notes, "dropped") || !strings.Contains(notes, "no points left to draw") {
			t.Errorf("%s: notes %q; want ones saying that points were dropped and none is left", name, notes)
		}
	}
	_ = filepath.Join
}
