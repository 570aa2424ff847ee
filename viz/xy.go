package viz

import (
	"errors"
	"fmt"
	"math"
	"strconv"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// XY is a chart of series of (x, y) points on value (or log) axes: a line
// chart (Line) or a scatter chart (Scatter). Its setters chain; input errors
// are kept and returned by Render and Show.
//
// Three kinds of series share the axes:
//   - Series: a measurement, drawn as a line with markers (Line) or as points
//     (Scatter), each in the next colour of the palette and marker cycle;
//   - Bound: a dashed line without markers in the colour of the series added
//     just before it, so that a measurement and its bound read as a pair (a
//     second bound of the same series is dotted);
//   - Band: a mean line with a shaded band between a lower and an upper
//     curve, e.g. the min and max over seeds. The legend toggles both.
//
// Points with a NaN or infinite coordinate, and points with a non-positive
// coordinate on a log axis, are dropped and the chart notes how many.
type XY struct {
	frame
	scatter    bool
	logX, logY bool
	markers    bool
	series     []xySeries
}

type xyKind int

const (
	measured xyKind = iota
	bound
	band
)

func (k xyKind) String() string {
	return [...]string{"series", "bound", "band"}[k]
}

// xySeries is one series as given (copied) by the user.
type xySeries struct {
	name   string
	kind   xyKind
	x, y   []float64 // y is the mean of a band
	lo, hi []float64 // band only
	pair   int       // bound only: index of the series it pairs with, or -1
}

// Line starts a line chart titled title.
func Line(title string) *XY { return &XY{frame: frame{title: title}} }

// Scatter starts a scatter chart titled title. Bounds and bands are drawn as
// lines as in a line chart.
func Scatter(title string) *XY { return &XY{frame: frame{title: title}, scatter: true} }

// Title returns the chart's title.
func (c *XY) Title() string { return c.title }

// XLabel sets the title of the x axis.
func (c *XY) XLabel(s string) *XY { c.xLabel = s; return c }

// YLabel sets the title of the y axis.
func (c *XY) YLabel(s string) *XY { c.yLabel = s; return c }

// LogX makes the x axis logarithmic (base 10); points with x ≤ 0 are dropped.
func (c *XY) LogX() *XY { c.logX = true; return c }

// LogY makes the y axis logarithmic (base 10); points with y ≤ 0 are dropped.
func (c *XY) LogY() *XY { c.logY = true; return c }

// Markers shows a marker at every point of a line chart's measured series.
// Without it, markers show on series of at most 60 points (hovering shows
// every point's value either way).
func (c *XY) Markers() *XY { c.markers = true; return c }

// Height sets the height of the chart in pixels (default 420); the width
// follows the page, up to 960 pixels.
func (c *XY) Height(px int) *XY {
	if px < 100 || px > 4000 {
		c.setErr(fmt.Errorf("viz: chart %q: Height(%d): give a height between 100 and 4000 pixels", c.title, px))
		return c
	}
	c.height = px
	return c
}

// Series adds a measured series named name with points (xs[i], ys[i]).
func (c *XY) Series(name string, xs, ys []float64) *XY {
	if c.check(name, "xs", xs, "ys", ys) {
		c.series = append(c.series, xySeries{name: name, kind: measured, x: clone(xs), y: clone(ys), pair: -1})
	}
	return c
}

// Bound adds a bound named name with points (xs[i], ys[i]), drawn dashed in
// the colour of the series (or band) added just before it. A bound added
// before any series gets a colour of its own.
func (c *XY) Bound(name string, xs, ys []float64) *XY {
	if c.check(name, "xs", xs, "ys", ys) {
		pair := -1
		for i := len(c.series) - 1; i >= 0; i-- {
			if c.series[i].kind != bound {
				pair = i
				break
			}
		}
		c.series = append(c.series, xySeries{name: name, kind: bound, x: clone(xs), y: clone(ys), pair: pair})
	}
	return c
}

// Band adds a mean line (xs[i], mean[i]) with a shaded band from lo[i] to
// hi[i] around it, all named name. It needs lo[i] ≤ mean[i] ≤ hi[i] wherever
// the three are finite.
func (c *XY) Band(name string, xs, mean, lo, hi []float64) *XY {
	if !c.check(name, "xs", xs, "mean", mean) || !c.check(name, "xs", xs, "lo", lo) || !c.check(name, "xs", xs, "hi", hi) {
		return c
	}
	for i := range xs {
		if lo[i] > mean[i] || mean[i] > hi[i] {
			c.setErr(fmt.Errorf("viz: chart %q: band %q: at index %d lo=%s, mean=%s, hi=%s are not ordered; pass lo ≤ mean ≤ hi (e.g. the min, mean and max over runs)",
				c.title, name, i, FormatNumber(lo[i]), FormatNumber(mean[i]), FormatNumber(hi[i])))
			return c
		}
	}
	c.series = append(c.series, xySeries{name: name, kind: band, x: clone(xs), y: clone(mean), lo: clone(lo), hi: clone(hi), pair: -1})
	return c
}

// check validates a new series' name and slice lengths, keeping the first
// error; it reports whether the series may be added.
func (c *XY) check(name, xName string, xs []float64, yName string, ys []float64) bool {
	switch {
	case c.err != nil:
		return false
	case name == "":
		c.setErr(fmt.Errorf("viz: chart %q: a series has an empty name; give every series a name for the legend", c.title))
	case len(xs) != len(ys):
		c.setErr(fmt.Errorf("viz: chart %q: series %q: len(%s)=%d but len(%s)=%d; pass one %s value per %s value",
			c.title, name, xName, len(xs), yName, len(ys), yName, xName))
	case len(xs) == 0:
		c.setErr(fmt.Errorf("viz: chart %q: series %q has no points; pass non-empty slices", c.title, name))
	default:
		for _, s := range c.series {
			if s.name == name {
				c.setErr(fmt.Errorf("viz: chart %q: two series are named %q; give each series its own name (the legend toggles series by name)", c.title, name))
				return false
			}
		}
		return true
	}
	return false
}

func clone(v []float64) []float64 { return append([]float64(nil), v...) }

// xyPoint is a kept point: x, y and, for a band, lo and hi.
type xyPoint struct{ x, y, lo, hi float64 }

// cleaned is a series after dropping unusable points.
type cleaned struct {
	xySeries
	pts         []xyPoint
	nonFinite   int
	nonPositive int
	color       string
	dash        string // line type of a bound
	symbol      string
}

// clean drops points with a non-finite coordinate and, on log axes,
// non-positive coordinates.
func (c *XY) clean(s xySeries) cleaned {
	out := cleaned{xySeries: s}
	for i := range s.x {
		p := xyPoint{x: s.x[i], y: s.y[i]}
		vals := []float64{p.x, p.y}
		if s.kind == band {
			p.lo, p.hi = s.lo[i], s.hi[i]
			vals = append(vals, p.lo, p.hi)
		}
		finite := true
		for _, v := range vals {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				finite = false
			}
		}
		if !finite {
			out.nonFinite++
			continue
		}
		if (c.logX && p.x <= 0) || (c.logY && (p.y <= 0 || (s.kind == band && p.lo <= 0))) {
			out.nonPositive++
			continue
		}
		out.pts = append(out.pts, p)
	}
	return out
}

// prepare cleans every series, assigns colours, markers and dashes, and
// collects notes about dropped points.
func (c *XY) prepare() ([]cleaned, []string, error) {
	if c.err != nil {
		return nil, nil, c.err
	}
	if len(c.series) == 0 {
		return nil, nil, fmt.Errorf("viz: chart %q has no series; add one with Series, Bound or Band", c.title)
	}
	var notes []string
	out := make([]cleaned, len(c.series))
	slot := 0
	bounds := map[int]int{}
	for i, s := range c.series {
		cs := c.clean(s)
		if s.kind == bound && s.pair >= 0 {
			cs.color = out[s.pair].color
			cs.dash = dashes[bounds[s.pair]%len(dashes)]
			bounds[s.pair]++
		} else {
			cs.color = palette[slot%len(palette)]
			cs.symbol = symbols[slot%len(symbols)]
			cs.dash = dashes[0]
			slot++
		}
		if cs.nonFinite > 0 {
			notes = append(notes, fmt.Sprintf("%s %q: dropped %d of %d points with a NaN or infinite value.", s.kind, s.name, cs.nonFinite, len(s.x)))
		}
		if cs.nonPositive > 0 {
			notes = append(notes, fmt.Sprintf("%s %q: dropped %d of %d points with a value ≤ 0 on a log axis.", s.kind, s.name, cs.nonPositive, len(s.x)))
		}
		if len(cs.pts) == 0 {
			notes = append(notes, fmt.Sprintf("%s %q: no points left to draw.", s.kind, s.name))
		}
		out[i] = cs
	}
	return out, notes, nil
}

// tooltipJS formats the tooltip of line, scatter and bar charts: the x value
// in bold, then one line per series; a band shows its mean and its range.
const tooltipJS = `function(ps){var f=` + jsFormat + `;if(!Array.isArray(ps))ps=[ps];if(!ps.length)return '';var esc=echarts.format.encodeHTML;var x=ps[0].value;var out=['<b>'+esc(f(Array.isArray(x)?x[0]:ps[0].name))+'</b>'];for(var i=0;i<ps.length;i++){var p=ps[i],v=p.value,id=p.seriesId||'';var s=id.indexOf('viz-band-area')===0?'range ['+f(v[1])+', '+f(v[2])+']':f(Array.isArray(v)?v[1]:v);out.push(p.marker+esc(p.seriesName)+': '+s);}return out.join('<br/>');}`

// build returns the go-echarts chart, the static fallback and the notes.
func (c *XY) build(id string) (*charts.Line, string, []string, error) {
	ss, notes, err := c.prepare()
	if err != nil {
		return nil, "", nil, err
	}
	ch := charts.NewLine()
	trigger := "axis"
	if c.scatter {
		trigger = "item"
	}
	gopts := themeOpts(id, c.title, "", c.heightOr(defaultHeight), 40, withSlider)
	gopts = append(gopts,
		charts.WithXAxisOpts(xValueAxis(c.xLabel, c.logX, !c.scatter)),
		charts.WithYAxisOpts(yValueAxis(c.yLabel, c.logY)),
		zoomOpts(c.scatter),
		charts.WithTooltipOpts(opts.Tooltip{
			Show: opts.Bool(true), Trigger: trigger, Formatter: opts.FuncOpts(tooltipJS),
			AxisPointer: &opts.AxisPointer{Type: "line"},
		}),
	)
	ch.SetGlobalOptions(gopts...)
	ch.Accept(patch{})
	for i, s := range ss {
		ch.MultiSeries = append(ch.MultiSeries, c.echartsSeries(i, s)...)
	}
	return ch, c.fallback(ss), notes, nil
}

// bandRenderJS draws a band as one polygon (hi forwards, lo backwards) in a
// custom series whose data items are [x, lo, hi]. Unlike stacked areas this
// is right on log axes. The polygon is drawn with the first item; the others
// draw nothing.
func bandRenderJS(color string) string {
	return `function(params,api){if(params.dataIndexInside!==0)return null;var n=params.dataInsideLength,up=[],dn=[];` +
		`for(var i=0;i<n;i++){var x=api.value(0,i);up.push(api.coord([x,api.value(2,i)]));dn.unshift(api.coord([x,api.value(1,i)]));}` +
		`return {type:'polygon',shape:{points:up.concat(dn)},style:{fill:'` + color + `',opacity:0.18},silent:true};}`
}

// echartsSeries converts one cleaned series to one (or, for a band, two:
// the mean line and the shaded area) ECharts series.
func (c *XY) echartsSeries(i int, s cleaned) []charts.SingleSeries {
	xy := func(f func(p xyPoint) []float64) [][]float64 {
		d := make([][]float64, len(s.pts))
		for k, p := range s.pts {
			d[k] = f(p)
		}
		return d
	}
	idx := strconv.Itoa(i)
	line := &opts.LineStyle{Color: s.color, Width: 2}
	item := &opts.ItemStyle{Color: s.color}
	switch s.kind {
	case bound:
		return []charts.SingleSeries{{
			Name: s.name, Type: "line", Id: "viz-bound-" + idx,
			Data:      xy(func(p xyPoint) []float64 { return []float64{p.x, p.y} }),
			LineStyle: &opts.LineStyle{Color: s.color, Width: 2, Type: s.dash},
			ItemStyle: item, Symbol: "emptyCircle", SymbolSize: 6, ShowSymbol: opts.Bool(false),
		}}
	case band:
		return []charts.SingleSeries{
			{
				Name: s.name, Type: "line", Id: "viz-band-mean-" + idx,
				Data:      xy(func(p xyPoint) []float64 { return []float64{p.x, p.y} }),
				LineStyle: line, ItemStyle: item, Symbol: s.symbol,
				ShowSymbol: opts.Bool(c.markers || len(s.pts) <= 60), SymbolSize: 6,
			},
			{
				Name: s.name, Type: "custom", Id: "viz-band-area-" + idx,
				Data:       xy(func(p xyPoint) []float64 { return []float64{p.x, p.lo, p.hi} }),
				RenderItem: opts.FuncOpts(bandRenderJS(s.color)),
				Encode:     &opts.Encode{X: 0, Y: []int{1, 2}},
				ItemStyle:  &opts.ItemStyle{Color: s.color, Opacity: opts.Float(0.18)},
			},
		}
	}
	ser := charts.SingleSeries{
		Name: s.name, Type: "line", Id: "viz-series-" + idx,
		Data:      xy(func(p xyPoint) []float64 { return []float64{p.x, p.y} }),
		LineStyle: line, ItemStyle: item, Symbol: s.symbol, SymbolSize: 6,
		ShowSymbol: opts.Bool(c.markers || len(s.pts) <= 60),
	}
	if c.scatter {
		ser.Type = "scatter"
		ser.LineStyle = nil
		ser.ShowSymbol = nil
		ser.SymbolSize = 7
		ser.ItemStyle = &opts.ItemStyle{Color: s.color, Opacity: opts.Float(0.8)}
	}
	return []charts.SingleSeries{ser}
}

// Render checks the chart's input and renders it.
func (c *XY) Render() (*Snippet, error) {
	if c == nil {
		return nil, errors.New("viz: Render called on a nil *XY; build charts with Line or Scatter")
	}
	return renderChart(c.title, c.build)
}

// Show displays the chart in the current notebook cell (a no-op outside a
// notebook, which still checks the input).
func (c *XY) Show() error { return Show(c) }
