package viz

import (
	"math"
	"strings"
	"testing"
)

func barOption(t *testing.T, c *BarChart) (map[string]any, string, []string) {
	t.Helper()
	ch, fb, notes, err := c.build(newID())
	if err != nil {
		t.Fatal(err)
	}
	return optionOf(t, ch), fb, notes
}

func TestBarOption(t *testing.T) {
	c := Bar("active").XLabel("B").YLabel("fraction").
		Categories(Labels([]float64{0, 0.5, 1.0000000000000002})...).
		Series("measured", []float64{0.5, 0.3, 0.16}).
		Bound("Q(B)", []float64{0.5, 0.31, 0.159}).
		Series("other", []float64{0.4, math.NaN(), 0.1})
	o, fb, notes := barOption(t, c)
	x := list(t, o, "xAxis")[0]
	if x["type"] != "category" {
		t.Errorf("x axis type %v, want category", x["type"])
	}
	cats, _ := x["data"].([]any)
	if len(cats) != 3 || cats[0] != "0" || cats[1] != "0.5" || cats[2] != "1" {
		t.Errorf("categories = %v, want [0 0.5 1]", cats)
	}
	if y := list(t, o, "yAxis")[0]; y["type"] != "value" || y["name"] != "fraction" {
		t.Errorf("y axis = %v %v", y["type"], y["name"])
	}
	series := list(t, o, "series")
	if len(series) != 3 {
		t.Fatalf("%d series, want 3", len(series))
	}
	if series[0]["type"] != "bar" || series[1]["type"] != "line" || series[2]["type"] != "bar" {
		t.Errorf("series types %v %v %v, want bar line bar", series[0]["type"], series[1]["type"], series[2]["type"])
	}
	if obj(t, series[1], "lineStyle")["type"] != "dashed" {
		t.Error("bound is not dashed")
	}
	if obj(t, series[1], "lineStyle")["color"] != obj(t, series[0], "itemStyle")["color"] {
		t.Error("bound is not in the colour of its series")
	}
	if obj(t, series[2], "itemStyle")["color"] == obj(t, series[0], "itemStyle")["color"] {
		t.Error("two bar series share a colour")
	}
	d, _ := series[2]["data"].([]any)
	if len(d) != 3 || d[0] != 0.4 || d[1] != nil || d[2] != 0.1 {
		t.Errorf("other data = %v, want [0.4 null 0.1]", d)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], `"other": left out 1 of 3 values that are NaN or infinite`) {
		t.Errorf("notes = %q", notes)
	}
	for _, want := range []string{"<rect", ">measured</th>", ">Q(B)</th>", "<td style=\"border:1px solid #ddd;padding:2px 6px;text-align:left\">0.5</td>", "–"} {
		if !strings.Contains(fb, want) {
			t.Errorf("fallback lacks %q", want)
		}
	}
}

func TestBarLogDropsNonPositive(t *testing.T) {
	o, _, notes := barOption(t, Bar("log").LogY().Categories("a", "b").Series("s", []float64{0, 2}))
	if list(t, o, "yAxis")[0]["type"] != "log" {
		t.Error("LogY did not make a log axis")
	}
	if d := list(t, o, "series")[0]["data"].([]any); d[0] != nil || d[1] != 2.0 {
		t.Errorf("data = %v, want [null 2]", d)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "≤ 0 on a log axis") {
		t.Errorf("notes = %q", notes)
	}
}

func TestBarInputErrors(t *testing.T) {
	cases := []struct {
		name string
		c    *BarChart
		want string
	}{
		{"count", Bar("T").Categories("a", "b").Series("s", []float64{1}), `series "s" has 1 values for 2 categories`},
		{"bound count", Bar("T").Categories("a").Series("s", []float64{1}).Bound("b", nil), `bound "b" has 0 values for 1 categories`},
		{"no categories", Bar("T").Series("s", []float64{1}), "no categories"},
		{"no series", Bar("T").Categories("a"), "no series"},
		{"duplicate", Bar("T").Categories("a").Series("s", []float64{1}).Series("s", []float64{1}), `two series are named "s"`},
	}
	for _, c := range cases {
		if _, err := c.c.Render(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}
