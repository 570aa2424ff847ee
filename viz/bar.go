package viz

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
)

// BarChart is a bar chart over named categories: one group of bars per
// category, one bar per series, and bounds drawn as dashed lines with
// markers in the colour of the series added just before them. Its setters
// chain; input errors are kept and returned by Render and Show.
//
// A NaN or infinite value, or a value ≤ 0 on a log axis, leaves its bar out
// and the chart notes how many.
type BarChart struct {
	frame
	cats   []string
	logY   bool
	series []barSeries
}

type barSeries struct {
	name  string
	bound bool
	v     []float64
	pair  int // bound: index of the series it pairs with, or -1
}

// Bar starts a bar chart titled title.
func Bar(title string) *BarChart { return &BarChart{frame: frame{title: title}} }

// Title returns the chart's title.
func (c *BarChart) Title() string { return c.title }

// Categories sets the category labels, in order. Use Labels to turn
// numbers into labels.
func (c *BarChart) Categories(labels ...string) *BarChart {
	c.cats = append([]string(nil), labels...)
	return c
}

// XLabel sets the title of the category axis.
func (c *BarChart) XLabel(s string) *BarChart { c.xLabel = s; return c }

// YLabel sets the title of the value axis.
func (c *BarChart) YLabel(s string) *BarChart { c.yLabel = s; return c }

// LogY makes the value axis logarithmic (base 10).
func (c *BarChart) LogY() *BarChart { c.logY = true; return c }

// Height sets the height of the chart in pixels (default 420).
func (c *BarChart) Height(px int) *BarChart {
	if px < 100 || px > 4000 {
		c.setErr(fmt.Errorf("viz: chart %q: Height(%d): give a height between 100 and 4000 pixels", c.title, px))
		return c
	}
	c.height = px
	return c
}

// Series adds a series of bars named name, one value per category.
func (c *BarChart) Series(name string, values []float64) *BarChart {
	if c.checkName(name) {
		c.series = append(c.series, barSeries{name: name, v: clone(values), pair: -1})
	}
	return c
}

// Bound adds a bound named name, one value per category, drawn as a dashed
// line with markers in the colour of the series added just before it.
func (c *BarChart) Bound(name string, values []float64) *BarChart {
	if c.checkName(name) {
		pair := -1
		for i := len(c.series) - 1; i >= 0; i-- {
			if !c.series[i].bound {
				pair = i
				break
			}
		}
		c.series = append(c.series, barSeries{name: name, bound: true, v: clone(values), pair: pair})
	}
	return c
}

func (c *BarChart) checkName(name string) bool {
	if c.err != nil {
		return false
	}
	if name == "" {
		c.setErr(fmt.Errorf("viz: chart %q: a series has an empty name; give every series a name for the legend", c.title))
		return false
	}
	for _, s := range c.series {
		if s.name == name {
			c.setErr(fmt.Errorf("viz: chart %q: two series are named %q; give each series its own name (the legend toggles series by name)", c.title, name))
			return false
		}
	}
	return true
}

// barPrepared is a series with its colour and its drawable values (nil for a
// left-out bar).
type barPrepared struct {
	barSeries
	color   string
	dash    string
	vals    []any // float64 or nil
	dropped int
}

func (c *BarChart) prepare() ([]barPrepared, []string, error) {
	switch {
	case c.err != nil:
		return nil, nil, c.err
	case len(c.cats) == 0:
		return nil, nil, fmt.Errorf("viz: chart %q has no categories; set them with Categories", c.title)
	case len(c.series) == 0:
		return nil, nil, fmt.Errorf("viz: chart %q has no series; add one with Series", c.title)
	}
	var notes []string
	out := make([]barPrepared, len(c.series))
	slot := 0
	bounds := map[int]int{}
	for i, s := range c.series {
		if len(s.v) != len(c.cats) {
			kind := "series"
			if s.bound {
				kind = "bound"
			}
			return nil, nil, fmt.Errorf("viz: chart %q: %s %q has %d values for %d categories; pass one value per category", c.title, kind, s.name, len(s.v), len(c.cats))
		}
		p := barPrepared{barSeries: s, vals: make([]any, len(s.v))}
		if s.bound && s.pair >= 0 {
			p.color = out[s.pair].color
			p.dash = dashes[bounds[s.pair]%len(dashes)]
			bounds[s.pair]++
		} else {
			p.color = palette[slot%len(palette)]
			p.dash = dashes[0]
			slot++
		}
		nonFinite, nonPositive := 0, 0
		for k, v := range s.v {
			switch {
			case math.IsNaN(v) || math.IsInf(v, 0):
				nonFinite++
			case c.logY && v <= 0:
				nonPositive++
			default:
				p.vals[k] = v
			}
		}
		p.dropped = nonFinite + nonPositive
		if nonFinite > 0 {
			notes = append(notes, fmt.Sprintf("%q: left out %d of %d values that are NaN or infinite.", s.name, nonFinite, len(s.v)))
		}
		if nonPositive > 0 {
			notes = append(notes, fmt.Sprintf("%q: left out %d of %d values ≤ 0 on a log axis.", s.name, nonPositive, len(s.v)))
		}
		out[i] = p
	}
	return out, notes, nil
}

func (c *BarChart) build(id string) (*charts.Bar, string, []string, error) {
	ss, notes, err := c.prepare()
	if err != nil {
		return nil, "", nil, err
	}
	ch := charts.NewBar()
	ch.SetXAxis(c.cats)
	rotate := 0.0
	if len(c.cats) > 12 {
		rotate = 30
	}
	typ, label, split := valueAxis(c.logY)
	bottom := noSlider
	if len(c.cats) > 20 {
		bottom = withSlider
	}
	gopts := themeOpts(id, c.title, "", c.heightOr(defaultHeight), 40, bottom)
	gopts = append(gopts,
		charts.WithXAxisOpts(opts.XAxis{
			Type: "category", Name: c.xLabel, NameLocation: "middle", NameGap: 28,
			AxisLabel: &opts.AxisLabel{Show: opts.Bool(true), Color: textColor, Rotate: rotate, HideOverlap: opts.Bool(true)},
		}),
		charts.WithYAxisOpts(opts.YAxis{
			Type: typ, Name: c.yLabel, NameLocation: "middle", NameGap: 52,
			AxisLabel: label, SplitLine: split,
		}),
		barZoom(len(c.cats)),
		charts.WithTooltipOpts(opts.Tooltip{
			Show: opts.Bool(true), Trigger: "axis", Formatter: opts.FuncOpts(tooltipJS),
			AxisPointer: &opts.AxisPointer{Type: "shadow"},
		}),
	)
	ch.SetGlobalOptions(gopts...)
	ch.Accept(patch{})
	for i, s := range ss {
		ser := charts.SingleSeries{
			Name: s.name, Type: "bar", Id: "viz-bar-" + strconv.Itoa(i), Data: s.vals,
			ItemStyle: &opts.ItemStyle{Color: s.color},
		}
		if s.bound {
			ser.Type = "line"
			ser.Id = "viz-bound-" + strconv.Itoa(i)
			ser.LineStyle = &opts.LineStyle{Color: s.color, Width: 2, Type: s.dash}
			ser.Symbol, ser.SymbolSize, ser.ShowSymbol = "emptyCircle", 7, opts.Bool(true)
		}
		ch.MultiSeries = append(ch.MultiSeries, ser)
	}
	return ch, c.fallback(ss), notes, nil
}

// barZoom zooms with the mouse wheel inside the plot, and adds a slider for
// more than 20 categories.
func barZoom(n int) charts.GlobalOpts {
	if n > 20 {
		return zoomOpts(false)
	}
	return charts.WithDataZoomOpts(opts.DataZoom{Type: "inside", XAxisIndex: []int{0}, FilterMode: "none"})
}

// fallback renders the static view: grouped bars and a table of values.
func (c *BarChart) fallback(ss []barPrepared) string {
	var vals []float64
	if !c.logY {
		vals = append(vals, 0)
	}
	for _, s := range ss {
		for _, v := range s.vals {
			if v != nil {
				vals = append(vals, tr(v.(float64), c.logY))
			}
		}
	}
	sy := newScale(vals, sketchH-sketchBottom, sketchTop)
	sx := scale{min: 0, max: float64(len(c.cats)), p0: sketchLeft, p1: sketchW - sketchRight}
	var b strings.Builder
	svgOpen(&b)
	sketchFrame(&b, sx, sy, false, c.logY, c.xLabel, c.yLabel, false)
	nBars := 0
	for _, s := range ss {
		if !s.bound {
			nBars++
		}
	}
	groupW := sx.at(1) - sx.at(0)
	base := sy.at(sy.min)
	if !c.logY {
		base = sy.at(0)
	}
	k := 0
	for _, s := range ss {
		if s.bound {
			var pts []string
			for j, v := range s.vals {
				if v != nil {
					pts = append(pts, fmtPx(sx.at(float64(j)+0.5))+","+fmtPx(sy.at(tr(v.(float64), c.logY))))
				}
			}
			dash := "6 4"
			if s.dash == "dotted" {
				dash = "2 3"
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="%s" points="%s"/>`, s.color, dash, strings.Join(pts, " "))
			continue
		}
		w := groupW * 0.8 / float64(max(nBars, 1))
		for j, v := range s.vals {
			if v == nil {
				continue
			}
			x := sx.at(float64(j)) + groupW*0.1 + float64(k)*w
			y := sy.at(tr(v.(float64), c.logY))
			top, h := math.Min(y, base), math.Abs(base-y)
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, fmtPx(x), fmtPx(top), fmtPx(w), fmtPx(h), s.color)
		}
		k++
	}
	b.WriteString(`</svg>`)

	head := []string{esc(c.xLabel)}
	if c.xLabel == "" {
		head[0] = "category"
	}
	for _, s := range ss {
		style := "solid"
		if s.bound {
			style = s.dash
		}
		head = append(head, swatch(s.color, style)+esc(s.name))
	}
	rows := [][]string{head}
	const maxRows = 60
	for j, cat := range c.cats {
		if j == maxRows/2 && len(c.cats) > maxRows {
			rows = append(rows, []string{fmt.Sprintf("… %d more", len(c.cats)-maxRows)})
		}
		if len(c.cats) > maxRows && j >= maxRows/2 && j < len(c.cats)-maxRows/2 {
			continue
		}
		row := []string{esc(cat)}
		for _, s := range ss {
			if s.vals[j] == nil {
				row = append(row, "–")
			} else {
				row = append(row, FormatNumber(s.vals[j].(float64)))
			}
		}
		rows = append(rows, row)
	}
	return b.String() + details("data: "+c.title, table(rows))
}

// Render checks the chart's input and renders it.
func (c *BarChart) Render() (*Snippet, error) {
	if c == nil {
		return nil, errors.New("viz: Render called on a nil *BarChart; build charts with Bar")
	}
	return renderChart(c.title, c.build)
}

// Show displays the chart in the current notebook cell (a no-op outside a
// notebook, which still checks the input).
func (c *BarChart) Show() error { return Show(c) }
