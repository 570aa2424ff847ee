package viz

import (
	"fmt"
	"html"
	"math"
	"strings"
)

// The static fallback of a chart is plain HTML: a small inline SVG sketch
// (class viz-sketch) and a table of the data inside an open <details>
// element. It needs no JavaScript; the chart's script hides the sketch and
// folds the table once the interactive chart is drawn.

const (
	sketchW, sketchH        = 560.0, 240.0
	sketchLeft, sketchRight = 62.0, 12.0
	sketchTop, sketchBottom = 10.0, 36.0
	sketchMaxPoints         = 400 // per series; longer series are thinned
	tableStyle              = `style="border-collapse:collapse;font-size:12px;margin:4px 0"`
	cellStyle               = `style="border:1px solid #ddd;padding:2px 6px;text-align:left"`
	headStyle               = `style="border:1px solid #ddd;padding:2px 6px;text-align:left;background:#f4f4f4"`
	sketchFont              = `font-family="sans-serif" font-size="11" fill="#333"`
	fallbackHeadStyle       = `style="font-size:13px;margin:4px 0"`
	fallbackBoxStyle        = `style="margin:4px 0"`
	swatchStyle             = `display:inline-block;width:18px;height:0;vertical-align:middle;margin-right:4px;border-top:3px `
)

var esc = html.EscapeString

// wrapFallback wraps a chart's fallback content in its container.
func wrapFallback(id, title, inner string) string {
	return fmt.Sprintf(`<div class="viz-fallback" id="%s-fb" %s><div class="viz-static-head" %s><b>%s</b> <span style="color:#777">(static view; the interactive chart needs JavaScript)</span></div>%s</div>`,
		id, fallbackBoxStyle, fallbackHeadStyle, esc(title), inner)
}

// table renders rows as an HTML table whose first row is the header.
// Cells are HTML (callers escape text).
func table(rows [][]string) string {
	var b strings.Builder
	b.WriteString(`<table ` + tableStyle + `>`)
	for i, r := range rows {
		b.WriteString("<tr>")
		for _, cell := range r {
			if i == 0 {
				b.WriteString("<th " + headStyle + ">" + cell + "</th>")
			} else {
				b.WriteString("<td " + cellStyle + ">" + cell + "</td>")
			}
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	return b.String()
}

// details wraps content in an open <details> element titled summary.
func details(summary, content string) string {
	return `<details open><summary style="cursor:pointer;font-size:12px;color:#555">` + esc(summary) + `</summary>` + content + `</details>`
}

// swatch is a short line in color with the given CSS border style (solid,
// dashed, dotted) for the tables' legend column.
func swatch(color, style string) string {
	return `<span style="` + swatchStyle + style + ` ` + color + `"></span>`
}

// scale maps data values (already log10-transformed on log axes) to pixels.
type scale struct {
	min, max float64
	p0, p1   float64 // pixel of min and of max
}

func newScale(vals []float64, p0, p1 float64) scale {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	if math.IsInf(lo, 0) { // no values
		lo, hi = 0, 1
	}
	if hi == lo {
		d := math.Max(math.Abs(lo)*0.1, 0.5)
		lo, hi = lo-d, hi+d
	}
	return scale{min: lo, max: hi, p0: p0, p1: p1}
}

func (s scale) at(v float64) float64 {
	return s.p0 + (v-s.min)/(s.max-s.min)*(s.p1-s.p0)
}

func fmtPx(v float64) string { return fmt.Sprintf("%.1f", v) }

// thin returns the indices of at most max points spread over n, always
// keeping the first and the last.
func thin(n, max int) []int {
	if n <= max {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	idx := make([]int, 0, max)
	for k := 0; k < max; k++ {
		idx = append(idx, int(math.Round(float64(k)*float64(n-1)/float64(max-1))))
	}
	return idx
}

// axisValue undoes the log10 transform for labels.
func axisValue(v float64, log bool) float64 {
	if log {
		return math.Pow(10, v)
	}
	return v
}

func tr(v float64, log bool) float64 {
	if log {
		return math.Log10(v)
	}
	return v
}

// sketchFrame draws the plot frame, the axis range labels and the axis
// titles of a sketch.
func sketchFrame(b *strings.Builder, sx, sy scale, logX, logY bool, xLabel, yLabel string, xLabels bool) {
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#999"/>`,
		fmtPx(sketchLeft), fmtPx(sketchTop), fmtPx(sketchW-sketchLeft-sketchRight), fmtPx(sketchH-sketchTop-sketchBottom))
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" %s>%s</text>`, fmtPx(sketchLeft-4), fmtPx(sketchTop+10), sketchFont, esc(FormatNumber(axisValue(sy.max, logY))))
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" %s>%s</text>`, fmtPx(sketchLeft-4), fmtPx(sketchH-sketchBottom), sketchFont, esc(FormatNumber(axisValue(sy.min, logY))))
	if xLabels {
		fmt.Fprintf(b, `<text x="%s" y="%s" %s>%s</text>`, fmtPx(sketchLeft), fmtPx(sketchH-sketchBottom+13), sketchFont, esc(FormatNumber(axisValue(sx.min, logX))))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end" %s>%s</text>`, fmtPx(sketchW-sketchRight), fmtPx(sketchH-sketchBottom+13), sketchFont, esc(FormatNumber(axisValue(sx.max, logX))))
	}
	x := xLabel
	if logX {
		x += " (log scale)"
	}
	y := yLabel
	if logY {
		y += " (log scale)"
	}
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" %s>%s</text>`, fmtPx((sketchLeft+sketchW-sketchRight)/2), fmtPx(sketchH-6), sketchFont, esc(strings.TrimSpace(x)))
	fmt.Fprintf(b, `<text x="12" y="%s" text-anchor="middle" transform="rotate(-90 12 %s)" %s>%s</text>`,
		fmtPx((sketchTop+sketchH-sketchBottom)/2), fmtPx((sketchTop+sketchH-sketchBottom)/2), sketchFont, esc(strings.TrimSpace(y)))
}

func svgOpen(b *strings.Builder) {
	fmt.Fprintf(b, `<svg class="viz-sketch" xmlns="http://www.w3.org/2000/svg" width="%g" height="%g" viewBox="0 0 %g %g" style="display:block;max-width:100%%">`, sketchW, sketchH, sketchW, sketchH)
}

// fallback renders the static view of an XY chart.
func (c *XY) fallback(ss []cleaned) string {
	var xs, ys []float64
	for _, s := range ss {
		for _, p := range s.pts {
			xs = append(xs, tr(p.x, c.logX))
			ys = append(ys, tr(p.y, c.logY))
			if s.kind == band {
				ys = append(ys, tr(p.lo, c.logY), tr(p.hi, c.logY))
			}
		}
	}
	sx := newScale(xs, sketchLeft, sketchW-sketchRight)
	sy := newScale(ys, sketchH-sketchBottom, sketchTop)
	var b strings.Builder
	svgOpen(&b)
	sketchFrame(&b, sx, sy, c.logX, c.logY, c.xLabel, c.yLabel, true)
	pt := func(x, y float64) string {
		return fmtPx(sx.at(tr(x, c.logX))) + "," + fmtPx(sy.at(tr(y, c.logY)))
	}
	for _, s := range ss {
		idx := thin(len(s.pts), sketchMaxPoints)
		switch {
		case s.kind == band:
			var poly []string
			for _, k := range idx {
				poly = append(poly, pt(s.pts[k].x, s.pts[k].hi))
			}
			for j := len(idx) - 1; j >= 0; j-- {
				poly = append(poly, pt(s.pts[idx[j]].x, s.pts[idx[j]].lo))
			}
			fmt.Fprintf(&b, `<polygon fill="%s" fill-opacity="0.18" stroke="none" points="%s"/>`, s.color, strings.Join(poly, " "))
			fallthrough
		case s.kind == bound || !c.scatter:
			var line []string
			for _, k := range idx {
				line = append(line, pt(s.pts[k].x, s.pts[k].y))
			}
			dash := ""
			if s.kind == bound {
				dash = ` stroke-dasharray="6 4"`
				if s.dash == "dotted" {
					dash = ` stroke-dasharray="2 3"`
				}
			}
			fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5"%s points="%s"/>`, s.color, dash, strings.Join(line, " "))
		default:
			for _, k := range idx {
				x, y, _ := strings.Cut(pt(s.pts[k].x, s.pts[k].y), ",")
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2" fill="%s"/>`, x, y, s.color)
			}
		}
	}
	b.WriteString(`</svg>`)

	rows := [][]string{{"", "series", "kind", "points", "first (x, y)", "last (x, y)", "y range"}}
	for _, s := range ss {
		style := "solid"
		if s.kind == bound {
			style = s.dash
		}
		n := fmt.Sprint(len(s.pts))
		if d := s.nonFinite + s.nonPositive; d > 0 {
			n += fmt.Sprintf(" (%d dropped)", d)
		}
		first, last, rng := "–", "–", "–"
		if len(s.pts) > 0 {
			first, last = s.pointText(s.pts[0]), s.pointText(s.pts[len(s.pts)-1])
			lo, hi := math.Inf(1), math.Inf(-1)
			for _, p := range s.pts {
				lo, hi = math.Min(lo, p.y), math.Max(hi, p.y)
				if s.kind == band {
					lo, hi = math.Min(lo, p.lo), math.Max(hi, p.hi)
				}
			}
			rng = "[" + FormatNumber(lo) + ", " + FormatNumber(hi) + "]"
		}
		rows = append(rows, []string{swatch(s.color, style), esc(s.name), s.kind.String(), n, first, last, rng})
	}
	return b.String() + details("data: "+c.title, table(rows))
}

// pointText prints a point as "(x, y)", or "(x, mean [lo, hi])" for a band.
func (s cleaned) pointText(p xyPoint) string {
	if s.kind == band {
		return "(" + FormatNumber(p.x) + ", " + FormatNumber(p.y) + " [" + FormatNumber(p.lo) + ", " + FormatNumber(p.hi) + "])"
	}
	return "(" + FormatNumber(p.x) + ", " + FormatNumber(p.y) + ")"
}
