package viz

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/go-echarts/go-echarts/v2/charts"
	"github.com/go-echarts/go-echarts/v2/opts"
	"gonum.org/v1/gonum/mat"
)

// DefaultMaxCells is the default largest number of heatmap cells per side.
const DefaultMaxCells = 200

// HeatmapChart draws a matrix as a grid of coloured cells with a colour
// scale, row 0 at the top. Its setters chain; input errors are kept and
// returned by Render and Show.
//
// A matrix larger than MaxCells (default 200) on a side is aggregated by
// block averaging: with block sizes
//
//	br = ⌈rows/MaxCells⌉,  bc = ⌈cols/MaxCells⌉,
//
// cell (I, J) shows the mean of the finite entries m[i][j] with
// I·br ≤ i < min((I+1)·br, rows) and J·bc ≤ j < min((J+1)·bc, cols), so a
// 1000×1000 kernel matrix becomes 200×200 cells of 5×5 blocks (the last block
// of a side may be smaller). Means are summed in float64; the chart carries
// them rounded to 4 significant digits, the precision its tooltip prints. NaN and infinite entries are left out
// of the means and counted in a note; a block with no finite entry is blank.
//
// The colour scale runs from the smallest to the largest cell (or the range
// set with Range) on a sequential palette (viridis); when the cells have
// both signs and no Range is set it is a diverging blue–white–red scale
// symmetric about 0.
type HeatmapChart struct {
	frame
	m        mat.Matrix
	maxCells int
	fixed    bool
	lo, hi   float64
}

// Heatmap starts a heatmap of m titled title. The matrix is read when the
// chart is rendered.
func Heatmap(title string, m mat.Matrix) *HeatmapChart {
	c := &HeatmapChart{frame: frame{title: title, xLabel: "column", yLabel: "row"}, m: m, maxCells: DefaultMaxCells}
	if m == nil {
		c.setErr(fmt.Errorf("viz: heatmap %q: the matrix is nil; pass a mat.Matrix such as *mat.Dense or *mat.SymDense", title))
	}
	return c
}

// Title returns the chart's title.
func (c *HeatmapChart) Title() string { return c.title }

// XLabel sets the title of the column axis (default "column").
func (c *HeatmapChart) XLabel(s string) *HeatmapChart { c.xLabel = s; return c }

// YLabel sets the title of the row axis (default "row").
func (c *HeatmapChart) YLabel(s string) *HeatmapChart { c.yLabel = s; return c }

// MaxCells sets the largest number of cells per side, between 2 and 1000;
// larger matrices are block-averaged (see HeatmapChart).
func (c *HeatmapChart) MaxCells(n int) *HeatmapChart {
	if n < 2 || n > 1000 {
		c.setErr(fmt.Errorf("viz: heatmap %q: MaxCells(%d): pass between 2 and 1000 cells per side", c.title, n))
		return c
	}
	c.maxCells = n
	return c
}

// Range fixes the colour scale to [lo, hi], e.g. to compare heatmaps.
// Cells outside it are grey, as are cells outside the range a reader selects
// by dragging the scale's handles.
func (c *HeatmapChart) Range(lo, hi float64) *HeatmapChart {
	if !(lo < hi) || math.IsInf(lo, 0) || math.IsInf(hi, 0) {
		c.setErr(fmt.Errorf("viz: heatmap %q: Range(%s, %s): pass finite lo < hi", c.title, FormatNumber(lo), FormatNumber(hi)))
		return c
	}
	c.fixed, c.lo, c.hi = true, lo, hi
	return c
}

// Height sets the height of the chart in pixels (default 560).
func (c *HeatmapChart) Height(px int) *HeatmapChart {
	if px < 100 || px > 4000 {
		c.setErr(fmt.Errorf("viz: heatmap %q: Height(%d): give a height between 100 and 4000 pixels", c.title, px))
		return c
	}
	c.height = px
	return c
}

// blocks is a block-averaged matrix.
type blocks struct {
	rows, cols int         // size of the matrix
	br, bc     int         // block size
	cells      [][]float64 // cells[I][J], NaN for a block without finite entries
	nonFinite  int         // entries left out
}

// blockAverage averages m over blocks so that neither side has more than
// maxCells cells (see HeatmapChart).
func blockAverage(m mat.Matrix, maxCells int) blocks {
	r, c := m.Dims()
	b := blocks{rows: r, cols: c, br: (r + maxCells - 1) / maxCells, bc: (c + maxCells - 1) / maxCells}
	nr, nc := (r+b.br-1)/b.br, (c+b.bc-1)/b.bc
	sum := make([][]float64, nr)
	cnt := make([][]int, nr)
	for I := range sum {
		sum[I], cnt[I] = make([]float64, nc), make([]int, nc)
	}
	at := m.At
	if raw, ok := m.(mat.RawMatrixer); ok {
		g := raw.RawMatrix()
		at = func(i, j int) float64 { return g.Data[i*g.Stride+j] }
	}
	for i := 0; i < r; i++ {
		I := i / b.br
		for j := 0; j < c; j++ {
			v := at(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				b.nonFinite++
				continue
			}
			J := j / b.bc
			sum[I][J] += v
			cnt[I][J]++
		}
	}
	b.cells = sum
	for I := range sum {
		for J := range sum[I] {
			if cnt[I][J] == 0 {
				sum[I][J] = math.NaN()
			} else {
				sum[I][J] /= float64(cnt[I][J])
			}
		}
	}
	return b
}

// indexLabels labels a heatmap axis of n entries in blocks of b at about ten
// round indices (multiples of 1, 2 or 5 times a power of ten): a cell is
// labelled with the round index its block contains, if any.
func indexLabels(b, n int) *opts.AxisLabel {
	step := niceStep(float64(n) / 10)
	js := fmt.Sprintf(`function(v,i){var a=i*%d,e=Math.min(a+%d,%d)-1,s=%d,m=Math.ceil(a/s)*s;return m<=e?String(m):'';}`, b, b, n, step)
	return &opts.AxisLabel{Show: opts.Bool(true), Color: textColor, Interval: "0", Formatter: opts.FuncOpts(js),
		ShowMinLabel: opts.Bool(true), ShowMaxLabel: opts.Bool(true)}
}

// niceStep returns the smallest of 1, 2, 5, 10, 20, 50, … that is ≥ x.
func niceStep(x float64) int {
	for p := 1; ; p *= 10 {
		for _, m := range []int{1, 2, 5} {
			if float64(m*p) >= x {
				return m * p
			}
		}
	}
}

// blockLabel names block k of size b on a side of length n: "7" or "5–9".
func blockLabel(k, b, n int) string {
	a, e := k*b, min((k+1)*b, n)-1
	if a == e {
		return strconv.Itoa(a)
	}
	return strconv.Itoa(a) + "–" + strconv.Itoa(e)
}

var (
	sequential = []string{"#440154", "#3b528b", "#21918c", "#5ec962", "#fde725"}
	diverging  = []string{"#2166ac", "#67a9cf", "#f7f7f7", "#ef8a62", "#b2182b"}
)

// colourScale returns the range and colours of the scale for cells.
func (c *HeatmapChart) colourScale(b blocks) (lo, hi float64, colors []string) {
	if c.fixed {
		return c.lo, c.hi, sequential
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, row := range b.cells {
		for _, v := range row {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	switch {
	case math.IsInf(lo, 0): // no finite cell
		return 0, 1, sequential
	case lo < 0 && hi > 0:
		m := math.Max(-lo, hi)
		return -m, m, diverging
	case lo == hi:
		d := math.Max(math.Abs(lo)*0.5, 0.5)
		return lo - d, hi + d, sequential
	}
	return lo, hi, sequential
}

func (c *HeatmapChart) build(id string) (*charts.HeatMap, string, []string, error) {
	if c.err != nil {
		return nil, "", nil, c.err
	}
	r, cols := c.m.Dims()
	if r == 0 || cols == 0 {
		return nil, "", nil, fmt.Errorf("viz: heatmap %q: the matrix is empty (%d×%d); pass a matrix with at least one entry", c.title, r, cols)
	}
	b := blockAverage(c.m, c.maxCells)
	nr, nc := len(b.cells), len(b.cells[0])
	var notes []string
	if b.nonFinite > 0 {
		notes = append(notes, fmt.Sprintf("left %d NaN or infinite entries of %d out of the block means.", b.nonFinite, r*cols))
	}
	subtitle := fmt.Sprintf("%d×%d matrix", r, cols)
	if b.br > 1 || b.bc > 1 {
		subtitle += fmt.Sprintf(", block means of %d×%d entries → %d×%d cells", b.br, b.bc, nr, nc)
	}
	lo, hi, colors := c.colourScale(b)

	rowLabels := make([]string, nr)
	for I := range rowLabels {
		rowLabels[I] = blockLabel(I, b.br, r)
	}
	colLabels := make([]string, nc)
	for J := range colLabels {
		colLabels[J] = blockLabel(J, b.bc, cols)
	}
	// The cells travel as one flat row-major array expanded by a small
	// function: less than half the size of [x, y, v] triples.
	var data strings.Builder
	data.WriteString("(function(w,v){var d=[];for(var i=0;i<v.length;i++){if(v[i]!==null)d.push([i%w,Math.floor(i/w),v[i]]);}return d;})(")
	data.WriteString(strconv.Itoa(nc) + ",[")
	for I, row := range b.cells {
		for J, v := range row {
			if I+J > 0 {
				data.WriteByte(',')
			}
			if math.IsNaN(v) {
				data.WriteString("null")
			} else {
				data.WriteString(strconv.FormatFloat(v, 'g', 4, 64))
			}
		}
	}
	data.WriteString("])")

	what := "value"
	if b.br*b.bc > 1 {
		what = "block mean"
	}
	tooltip := `function(p){var f=` + jsFormat + `;var v=p.value;function rg(i,b,n){var a=i*b,e=Math.min((i+1)*b,n)-1;return a===e?String(a):a+'–'+e;}` +
		`return 'row '+rg(v[1],` + strconv.Itoa(b.br) + `,` + strconv.Itoa(r) + `)+', column '+rg(v[0],` + strconv.Itoa(b.bc) + `,` + strconv.Itoa(cols) +
		`)+'<br/>` + what + `: <b>'+f(v[2])+'</b>';}`

	ch := charts.NewHeatMap()
	gopts := themeOpts(id, c.title, subtitle, c.heightOr(560), 96, noSlider)
	gopts = append(gopts,
		charts.WithXAxisOpts(opts.XAxis{
			Type: "category", Data: colLabels, Name: c.xLabel, NameLocation: "middle", NameGap: 28,
			AxisLabel: indexLabels(b.bc, cols), AxisTick: &opts.AxisTick{Show: opts.Bool(false)},
		}),
		charts.WithYAxisOpts(opts.YAxis{
			Type: "category", Data: rowLabels, Name: c.yLabel, NameLocation: "middle", NameGap: 52,
			Inverse:   opts.Bool(true),
			AxisLabel: indexLabels(b.br, r),
		}),
		charts.WithTooltipOpts(opts.Tooltip{Show: opts.Bool(true), Trigger: "item", Formatter: opts.FuncOpts(tooltip)}),
		charts.WithDataZoomOpts(
			opts.DataZoom{Type: "inside", XAxisIndex: []int{0}},
			opts.DataZoom{Type: "inside", YAxisIndex: []int{0}},
		),
	)
	ch.SetGlobalOptions(gopts...)
	ch.MultiSeries = append(ch.MultiSeries, charts.SingleSeries{
		Name: c.title, Type: "heatmap", Id: "viz-heatmap",
		Data: opts.FuncOpts(data.String()),
	})
	ch.Accept(patch{edit: func(o map[string]any) {
		o["visualMap"] = []map[string]any{{
			"type": "continuous", "min": lo, "max": hi, "calculable": true,
			"orient": "vertical", "right": 8, "top": "middle", "itemHeight": 220,
			"inRange":    map[string]any{"color": colors},
			"outOfRange": map[string]any{"color": []string{"#d0d0d0"}},
			"formatter":  opts.FuncOpts(jsFormat),
			"textStyle":  map[string]any{"color": textColor},
		}}
		o["legend"] = map[string]any{"show": false}
		yAxis := asMaps(o["yAxis"])
		for _, a := range yAxis {
			a["axisTick"] = map[string]any{"show": false}
		}
		o["yAxis"] = yAxis
	}})
	return ch, c.fallback(b, lo, hi, colors), notes, nil
}

// fallback renders the static view: a coarse grid of at most 24 cells per
// side and a table of summary statistics.
func (c *HeatmapChart) fallback(b blocks, lo, hi float64, colors []string) string {
	const side = 24
	nr, nc := len(b.cells), len(b.cells[0])
	coarse := blockAverage(mat.NewDense(nr, nc, flattenNaN(b.cells)), side)
	var s strings.Builder
	svgOpen(&s)
	sx := scale{min: 0, max: float64(len(coarse.cells[0])), p0: sketchLeft, p1: sketchW - sketchRight}
	sy := scale{min: 0, max: float64(len(coarse.cells)), p0: sketchTop, p1: sketchH - sketchBottom}
	w, h := sx.at(1)-sx.at(0), sy.at(1)-sy.at(0)
	for I, row := range coarse.cells {
		for J, v := range row {
			if math.IsNaN(v) {
				continue
			}
			fmt.Fprintf(&s, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
				fmtPx(sx.at(float64(J))), fmtPx(sy.at(float64(I))), fmtPx(w+0.3), fmtPx(h+0.3), colourAt(colors, (v-lo)/(hi-lo)))
		}
	}
	fmt.Fprintf(&s, `<text x="%s" y="%s" %s>row 0 at top, column 0 at left</text>`, fmtPx(sketchLeft), fmtPx(sketchH-sketchBottom+13), sketchFont)
	fmt.Fprintf(&s, `<text x="%s" y="%s" text-anchor="end" %s>colour: %s (%s) to %s (%s)</text>`, fmtPx(sketchW-sketchRight), fmtPx(sketchH-sketchBottom+13), sketchFont,
		esc(FormatNumber(lo)), colors[0], esc(FormatNumber(hi)), colors[len(colors)-1])
	s.WriteString(`</svg>`)

	mn, mx, sum, n := math.Inf(1), math.Inf(-1), 0.0, 0
	diag, nd := 0.0, 0
	for I, row := range b.cells {
		for J, v := range row {
			if math.IsNaN(v) {
				continue
			}
			mn, mx = math.Min(mn, v), math.Max(mx, v)
			sum += v
			n++
			if I == J {
				diag += v
				nd++
			}
		}
	}
	stat := func(v float64, ok bool) string {
		if !ok {
			return "–"
		}
		return FormatNumber(v)
	}
	rows := [][]string{
		{"matrix", "cells", "block", "min", "max", "mean", "diagonal mean"},
		{fmt.Sprintf("%d×%d", b.rows, b.cols), fmt.Sprintf("%d×%d", nr, nc), fmt.Sprintf("%d×%d", b.br, b.bc),
			stat(mn, n > 0), stat(mx, n > 0), stat(sum/float64(n), n > 0), stat(diag/float64(nd), nd > 0 && b.br == b.bc)},
	}
	return s.String() + details("data: "+c.title+" (statistics of the cells shown)", table(rows))
}

func flattenNaN(cells [][]float64) []float64 {
	var out []float64
	for _, r := range cells {
		out = append(out, r...)
	}
	return out
}

// colourAt interpolates the colour stops at t in [0, 1] (clamped).
func colourAt(stops []string, t float64) string {
	t = math.Max(0, math.Min(1, t))
	pos := t * float64(len(stops)-1)
	k := min(int(pos), len(stops)-2)
	f := pos - float64(k)
	a, b := hexRGB(stops[k]), hexRGB(stops[k+1])
	var out [3]int
	for i := range out {
		out[i] = int(math.Round(float64(a[i]) + f*float64(b[i]-a[i])))
	}
	return fmt.Sprintf("#%02x%02x%02x", out[0], out[1], out[2])
}

func hexRGB(s string) [3]int {
	var rgb [3]int
	for i := range rgb {
		v, _ := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
		rgb[i] = int(v)
	}
	return rgb
}

// Render checks the chart's input and renders it.
func (c *HeatmapChart) Render() (*Snippet, error) {
	if c == nil {
		return nil, errors.New("viz: Render called on a nil *HeatmapChart; build charts with Heatmap")
	}
	return renderChart(c.title, c.build)
}

// Show displays the chart in the current notebook cell (a no-op outside a
// notebook, which still checks the input).
func (c *HeatmapChart) Show() error { return Show(c) }
