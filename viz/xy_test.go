package viz

import (
	"math"
	"strings"
	"testing"
)

func lineOption(t *testing.T, c *XY) (map[string]any, []string) {
	t.Helper()
	ch, _, notes, err := c.build(newID())
	if err != nil {
		t.Fatal(err)
	}
	return optionOf(t, ch), notes
}

func TestLineOptionSeriesAndAxes(t *testing.T) {
	xs := []float64{0, 1, 2, 3}
	c := Line("Loss").XLabel("step").YLabel("loss").LogY().
		Series("B=0", xs, []float64{1, 0.5, 0.25, 0.125}).
		Bound("bound 0", xs, []float64{2, 1, 0.5, 0.25}).
		Bound("bound 0b", xs, []float64{3, 2, 1, 0.5}).
		Series("B=1", xs, []float64{1, 0.7, 0.49, 0.343}).
		Band("seeds", xs, []float64{1, 0.6, 0.3, 0.2}, []float64{0.9, 0.5, 0.2, 0.1}, []float64{1.1, 0.7, 0.4, 0.3})
	o, notes := lineOption(t, c)
	if len(notes) != 0 {
		t.Errorf("notes = %q, want none", notes)
	}

	x := list(t, o, "xAxis")[0]
	y := list(t, o, "yAxis")[0]
	if x["type"] != "value" || x["name"] != "step" {
		t.Errorf("x axis = type %v name %v, want value axis named step", x["type"], x["name"])
	}
	if y["type"] != "log" || y["name"] != "loss" {
		t.Errorf("y axis = type %v name %v, want log axis named loss", y["type"], y["name"])
	}
	for _, a := range []map[string]any{x, y} {
		f, _ := obj(t, a, "axisLabel")["formatter"].(string)
		if !strings.Contains(f, jsFormat) {
			t.Errorf("axis %v: label formatter %q is not the compact number formatter", a["name"], f)
		}
	}
	if got := obj(t, o, "title")["text"]; got != "Loss" {
		t.Errorf("title = %v", got)
	}
	if obj(t, o, "tooltip")["trigger"] != "axis" {
		t.Errorf("line tooltip trigger = %v, want axis", obj(t, o, "tooltip")["trigger"])
	}
	if len(list(t, o, "dataZoom")) < 2 {
		t.Errorf("want inside and slider data zoom, got %v", o["dataZoom"])
	}

	series := list(t, o, "series")
	type want struct {
		name, typ, dash string
		n               int
	}
	wants := []want{
		{"B=0", "line", "", 4}, {"bound 0", "line", "dashed", 4}, {"bound 0b", "line", "dotted", 4},
		{"B=1", "line", "", 4}, {"seeds", "line", "", 4}, {"seeds", "custom", "", 4},
	}
	if len(series) != len(wants) {
		t.Fatalf("got %d series, want %d", len(series), len(wants))
	}
	color := func(s map[string]any) any { return obj(t, s, "itemStyle")["color"] }
	for i, w := range wants {
		s := series[i]
		if s["name"] != w.name || s["type"] != w.typ {
			t.Errorf("series %d = %v %v, want %v %v", i, s["name"], s["type"], w.name, w.typ)
		}
		if w.dash != "" && obj(t, s, "lineStyle")["type"] != w.dash {
			t.Errorf("series %q: line type %v, want %v", w.name, obj(t, s, "lineStyle")["type"], w.dash)
		}
		if got := len(points(t, s)); got != w.n {
			t.Errorf("series %q: %d points, want %d", w.name, got, w.n)
		}
		if s["progressive"] != 0.0 {
			t.Errorf("series %q: progressive = %v, want 0", w.name, s["progressive"])
		}
	}
	// Bounds take the colour of the series before them; series get distinct colours.
	if color(series[1]) != color(series[0]) || color(series[2]) != color(series[0]) {
		t.Errorf("bounds %v, %v not in the colour %v of their series", color(series[1]), color(series[2]), color(series[0]))
	}
	if color(series[3]) == color(series[0]) || color(series[4]) == color(series[3]) {
		t.Errorf("measured series share colours: %v %v %v", color(series[0]), color(series[3]), color(series[4]))
	}
	if color(series[5]) != color(series[4]) {
		t.Errorf("band area colour %v differs from its mean line %v", color(series[5]), color(series[4]))
	}
	if p := points(t, series[0]); p[0][0] != 0 || p[0][1] != 1 || p[3][0] != 3 || p[3][1] != 0.125 {
		t.Errorf("B=0 points = %v, want the input", p)
	}
	if p := points(t, series[5]); p[1][0] != 1 || p[1][1] != 0.5 || p[1][2] != 0.7 {
		t.Errorf("band area point 1 = %v, want [x lo hi] = [1 0.5 0.7]", p[1])
	}
	if r, _ := series[5]["renderItem"].(string); !strings.Contains(r, "polygon") {
		t.Errorf("band area has no polygon renderItem: %q", r)
	}
}

func TestScatterOption(t *testing.T) {
	c := Scatter("pred").LogX().LogY().Series("pts", []float64{1, 10, 100}, []float64{2, 20, 200})
	o, _ := lineOption(t, c)
	if s := list(t, o, "series")[0]; s["type"] != "scatter" {
		t.Errorf("series type %v, want scatter", s["type"])
	}
	if list(t, o, "xAxis")[0]["type"] != "log" || list(t, o, "yAxis")[0]["type"] != "log" {
		t.Error("log–log scatter without log axes")
	}
	if obj(t, o, "tooltip")["trigger"] != "item" {
		t.Errorf("scatter tooltip trigger = %v, want item", obj(t, o, "tooltip")["trigger"])
	}
	yZoom := false
	for _, z := range list(t, o, "dataZoom") {
		if z["yAxisIndex"] != nil {
			yZoom = true
		}
	}
	if !yZoom {
		t.Error("scatter has no y data zoom")
	}
}

func TestLineDropsBadPoints(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	c := Line("drops").LogY().
		Series("nan", xs, []float64{1, math.NaN(), 3, math.Inf(1), 5}).
		Series("neg", xs, []float64{1, -2, 0, 4, 5}).
		Series("gone", xs[:2], []float64{0, -1})
	o, notes := lineOption(t, c)
	series := list(t, o, "series")
	if p := points(t, series[0]); len(p) != 3 || p[1][0] != 3 {
		t.Errorf("nan series kept %v, want x = 1, 3, 5", p)
	}
	if p := points(t, series[1]); len(p) != 3 || p[1][0] != 4 {
		t.Errorf("neg series kept %v, want x = 1, 4, 5", p)
	}
	want := []string{
		`series "nan": dropped 2 of 5 points with a NaN or infinite value.`,
		`series "neg": dropped 2 of 5 points with a value ≤ 0 on a log axis.`,
		`series "gone": dropped 2 of 2 points with a value ≤ 0 on a log axis.`,
		`series "gone": no points left to draw.`,
	}
	if strings.Join(notes, "\n") != strings.Join(want, "\n") {
		t.Errorf("notes =\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	s, err := c.Render()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(s.HTML(), "Note: series &#34;nan&#34;: dropped 2 of 5 points") {
		t.Error("the notes are not shown with the chart")
	}
	if !strings.Contains(s.Fallback, "3 (2 dropped)") {
		t.Error("the fallback table does not count dropped points")
	}
}

func TestLineInputErrors(t *testing.T) {
	xs := []float64{1, 2, 3}
	cases := []struct {
		name string
		c    Chart
		want string
	}{
		{"length", Line("T").Series("s", xs, []float64{1, 2}), `series "s": len(xs)=3 but len(ys)=2`},
		{"empty", Line("T").Series("s", nil, nil), `series "s" has no points`},
		{"no name", Line("T").Series("", xs, xs), "empty name"},
		{"duplicate", Line("T").Series("s", xs, xs).Bound("s", xs, xs), `two series are named "s"`},
		{"no series", Line("T"), "has no series"},
		{"band length", Line("T").Band("b", xs, xs, xs, xs[:2]), "len(hi)=2"},
		{"band order", Line("T").Band("b", xs, []float64{1, 2, 3}, []float64{0, 2.5, 2}, []float64{2, 3, 4}),
			"at index 1 lo=2.5, mean=2, hi=3 are not ordered"},
		{"height", Line("T").Height(5).Series("s", xs, xs), "Height(5)"},
		{"first error kept", Line("T").Series("a", xs, nil).Series("", xs, xs), "len(ys)=0"},
	}
	for _, c := range cases {
		_, err := c.c.Render()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Render error %v, want one containing %q", c.name, err, c.want)
		}
		if err2 := Show(c.c); err2 == nil {
			t.Errorf("%s: Show outside a notebook hid the input error", c.name)
		}
	}
}

func TestLineCopiesInput(t *testing.T) {
	xs, ys := []float64{1, 2}, []float64{3, 4}
	c := Line("copy").Series("s", xs, ys)
	ys[0] = 99
	o, _ := lineOption(t, c)
	if p := points(t, list(t, o, "series")[0]); p[0][1] != 3 {
		t.Errorf("chart saw a later change of the caller's slice: %v", p)
	}
}

func TestLineFallbackText(t *testing.T) {
	xs := []float64{0, 1, 2}
	s, err := Line("Loss <curve>").XLabel("step").
		Series("B=0", xs, []float64{1, 0.30000000000000004, 0.1}).
		Bound("bound", xs, []float64{2, 1, 0.5}).
		Band("band", xs, []float64{1, 2, 3}, []float64{0, 1, 2}, []float64{2, 3, 4}).
		Render()
	if err != nil {
		t.Fatal(err)
	}
	fb := s.Fallback
	for _, want := range []string{
		"Loss &lt;curve&gt;", // title, escaped
		"<svg", "<polyline", "stroke-dasharray", "<polygon",
		"<td style=\"border:1px solid #ddd;padding:2px 6px;text-align:left\">B=0</td>",
		"(0, 1)", "(2, 0.1)", "[0.1, 1]", // first, last, range of B=0
		"(2, 0.5)",                       // last of the bound
		"(0, 1 [0, 2])", "(2, 3 [2, 4])", // band: mean [lo, hi]
	} {
		if !strings.Contains(fb, want) {
			t.Errorf("fallback lacks %q", want)
		}
	}
	if strings.Contains(fb, "0.30000000000000004") {
		t.Error("fallback prints an unformatted float")
	}
}

func TestRenderSnippet(t *testing.T) {
	c := Line("twice").Series("a </script><script>alert(1)</script>", []float64{1, 2}, []float64{1, 2})
	s1, err := c.Render()
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := c.Render()
	if s1.ID == s2.ID {
		t.Fatalf("two renders share the id %q", s1.ID)
	}
	for _, s := range []*Snippet{s1, s2} {
		if !strings.Contains(s.Element, `class="item sparsentk-chart" id="`+s.ID+`"`) {
			t.Errorf("element %q: the div ECharts draws into lacks the class sparsentk-chart that the notebook check counts", s.Element)
		}
		if !strings.Contains(s.Element, `id="`+s.ID+`"`) || !strings.Contains(s.Script, `"`+s.ID+`"`) {
			t.Errorf("element or script does not use the id %q", s.ID)
		}
		if n := strings.Count(strings.ToLower(s.Script), "</script"); n != 1 {
			t.Errorf("script contains %d </script sequences, want only its own end tag", n)
		}
		if strings.Contains(s.Option, "__f__") {
			t.Error("option still has go-echarts function markers")
		}
		// Functions are code, not strings (go-echarts' own snippet option
		// quotes them).
		if !strings.Contains(s.Option, `"formatter":function(`) {
			t.Error("formatter functions are not embedded as code")
		}
		if !strings.Contains(s.Script, s.Option) {
			t.Error("script does not carry the option")
		}
		h := s.HTML()
		for _, part := range []string{s.Element, s.Fallback, s.Script} {
			if !strings.Contains(h, part) {
				t.Error("HTML lacks a part of the snippet")
			}
		}
	}
}
