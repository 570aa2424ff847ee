package viz

import (
	"encoding/json"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// palette is the colour cycle of every chart: the Okabe–Ito colour-blind-safe
// colours (yellow, unreadable on white, replaced by grey) plus black.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#7F7F7F", "#000000"}

// symbols cycles the marker shapes of measured series so that series stay
// distinguishable in grey print.
var symbols = []string{"circle", "rect", "triangle", "diamond", "roundRect", "pin"}

// dashes cycles the line types of the bounds paired with one series.
var dashes = []string{"dashed", "dotted"}

const (
	defaultHeight = 420
	textColor     = "#333"
	gridColor     = "#e6e6e6"
	withSlider    = 78 // grid bottom margin with a zoom slider under the x axis
	noSlider      = 44 // and without
)

// frame holds what every chart type has: title, axis titles, height and the
// first input error.
type frame struct {
	title          string
	xLabel, yLabel string
	height         int
	err            error
}

// setErr keeps the first error.
func (f *frame) setErr(err error) {
	if f.err == nil {
		f.err = err
	}
}

func (f *frame) heightOr(def int) int {
	if f.height > 0 {
		return f.height
	}
	return def
}

// themeOpts returns the global options every chart shares: size and id,
// palette, title, legend, toolbox and grid.
//
// gridRight and gridBottom leave room for a colour scale and for a zoom
// slider.
func themeOpts(id, title, subtitle string, height, gridRight, gridBottom int) []charts.GlobalOpts {
	return []charts.GlobalOpts{
		charts.WithInitializationOpts(opts.Initialization{
			ChartID: id, Width: "100%", Height: strconv.Itoa(height) + "px",
		}),
		charts.WithColorsOpts(opts.Colors(palette)),
		charts.WithAnimation(false),
		charts.WithTitleOpts(opts.Title{
			Title: title, Subtitle: subtitle, Left: "center", Top: "4",
			TitleStyle:    &opts.TextStyle{FontSize: 15, Color: textColor},
			SubtitleStyle: &opts.TextStyle{FontSize: 11, Color: "#777"},
		}),
		charts.WithLegendOpts(opts.Legend{
			Show: opts.Bool(true), Type: "scroll", Top: legendTop(subtitle), Left: "center",
			TextStyle: &opts.TextStyle{Color: textColor},
		}),
		charts.WithGridOpts(opts.Grid{
			Top: strconv.Itoa(gridTop(subtitle)), Bottom: strconv.Itoa(gridBottom), Left: "64", Right: strconv.Itoa(gridRight), ContainLabel: opts.Bool(true),
		}),
	}
}

func legendTop(subtitle string) string {
	if subtitle != "" {
		return "44"
	}
	return "28"
}

func gridTop(subtitle string) int {
	if subtitle != "" {
		return 78
	}
	return 62
}

// valueAxis returns the type, labels and grid lines of a value (or, with
// log, base-10 log) axis with compact number labels.
func valueAxis(log bool) (typ string, label *opts.AxisLabel, split *opts.SplitLine) {
	typ = "value"
	if log {
		typ = "log"
	}
	label = &opts.AxisLabel{Show: opts.Bool(true), Formatter: opts.FuncOpts(jsFormat), Color: textColor, HideOverlap: opts.Bool(true)}
	split = &opts.SplitLine{Show: opts.Bool(true), LineStyle: &opts.LineStyle{Color: gridColor, Type: "dashed"}}
	return typ, label, split
}

// xValueAxis returns a value (or log) x axis; with tight its range ends at
// the data (for lines), otherwise at round numbers (for points, which would
// be cut in half at the edge).
func xValueAxis(name string, log, tight bool) opts.XAxis {
	typ, label, split := valueAxis(log)
	var lo, hi any
	if tight {
		lo, hi = "dataMin", "dataMax"
	}
	return opts.XAxis{
		Min: lo, Max: hi,
		Type: typ, Name: name, NameLocation: "middle", NameGap: 28,
		Scale: opts.Bool(true), AxisLabel: label, SplitLine: split,
		AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)},
	}
}

func yValueAxis(name string, log bool) opts.YAxis {
	typ, label, split := valueAxis(log)
	return opts.YAxis{
		Type: typ, Name: name, NameLocation: "middle", NameGap: 52,
		Scale: opts.Bool(true), AxisLabel: label, SplitLine: split,
		AxisLine: &opts.AxisLine{Show: opts.Bool(true), OnZero: opts.Bool(false)},
	}
}

// zoomOpts returns data zoom by mouse wheel and drag inside the plot on
// the x axis (and the y axis when both is set), plus a slider under the x
// axis. Zoom only clips the view (filterMode none), so lines stay whole.
func zoomOpts(both bool) charts.GlobalOpts {
	z := []opts.DataZoom{
		{Type: "inside", XAxisIndex: []int{0}, FilterMode: "none"},
		{Type: "slider", XAxisIndex: []int{0}, FilterMode: "none", Start: 0, End: 100},
	}
	if both {
		z = append(z, opts.DataZoom{Type: "inside", YAxisIndex: []int{0}, FilterMode: "none"})
	}
	return charts.WithDataZoomOpts(z...)
}

// toolbox offers box zoom, reset and PNG download in the top right corner.
// (go-echarts' toolbox types write "icon": null, which hides the zoom icons.)
var toolbox = map[string]any{
	"show": true, "right": 16, "top": 4,
	"feature": map[string]any{
		"dataZoom":    map[string]any{"title": map[string]string{"zoom": "box zoom", "back": "undo zoom"}},
		"restore":     map[string]any{"title": "reset"},
		"saveAsImage": map[string]any{"title": "save PNG", "type": "png"},
	},
}

// patch is a go-echarts configuration visitor that edits the finished
// option map, for the options go-echarts has no exact field for.
type patch struct {
	charts.BaseConfigurationVisitor
	edit func(option map[string]any)
}

func (p patch) Visit(option map[string]any) {
	noProgressive(option)
	option["toolbox"] = toolbox
	if p.edit != nil {
		p.edit(option)
	}
}

// noProgressive turns off progressive rendering of every series (which
// ECharts starts above 3000 data items): charts draw in one frame, which
// keeps headless screenshots and exported pages complete and deterministic.
// The series are rewritten as maps through a JSON round trip.
func noProgressive(option map[string]any) {
	series := asMaps(option["series"])
	for _, s := range series {
		s["progressive"] = 0
	}
	option["series"] = series
}

// asMaps converts a list of go-echarts option structs (series, axes) to
// maps by a JSON round trip, so that a patch can set any field.
func asMaps(v any) []map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	var out []map[string]any
	if json.Unmarshal(b, &out) != nil {
		return nil
	}
	return out
}
