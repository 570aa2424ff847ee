package viz

import (
	"bufio"
	"errors"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// Page is a standalone HTML page of charts, e.g. for a report.
type Page struct {
	title  string
	charts []Chart
}

// NewPage starts a page titled title.
func NewPage(title string) *Page { return &Page{title: title} }

// Add appends charts to the page, in order.
func (p *Page) Add(charts ...Chart) *Page {
	p.charts = append(p.charts, charts...)
	return p
}

// Render writes the page as one self-contained HTML document: the ECharts
// library inlined (when the offline copy is missing: loaded from the CDN,
// with a visible note at the top), a <pre id="viz-errors"> element that a
// window.onerror handler fills with any JavaScript error (it stays empty on a
// healthy page), and every chart with its static fallback. It returns the
// first chart error, naming the chart, before writing anything.
func (p *Page) Render(w io.Writer) error {
	if p == nil {
		return errors.New("viz: the page is nil; start one with NewPage")
	}
	if w == nil {
		return fmt.Errorf("viz: page %q: the writer is nil; pass an open file or a buffer", p.title)
	}
	if len(p.charts) == 0 {
		return fmt.Errorf("viz: page %q has no charts; add some with Add", p.title)
	}
	snippets := make([]*Snippet, len(p.charts))
	for i, c := range p.charts {
		if c == nil {
			return fmt.Errorf("viz: page %q: chart %d is nil", p.title, i+1)
		}
		s, err := c.Render()
		if err != nil {
			return fmt.Errorf("viz: page %q: chart %d (%q): %w", p.title, i+1, c.Title(), err)
		}
		snippets[i] = s
	}
	lib, note, err := libraryScript()
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	t := html.EscapeString(p.title)
	fmt.Fprintf(bw, `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%s</title>
<style>
body{font-family:sans-serif;margin:16px auto;max-width:1000px;padding:0 12px;color:#222}
h1{font-size:22px}
.viz-chart{margin:18px 0 28px}
#viz-errors:empty{display:none}
#viz-errors{color:#b00;background:#fee;padding:6px;white-space:pre-wrap}
</style>
</head>
<body>
<h1>%s</h1>
<pre id="viz-errors"></pre>
<script type="text/javascript">
(function(){
var box=document.getElementById('viz-errors');
function report(msg){box.appendChild(document.createTextNode(msg+'\n'));}
window.onerror=function(msg,src,line,col,err){report('error: '+msg+' ('+(src||'page')+':'+line+':'+col+')');};
window.addEventListener('unhandledrejection',function(e){report('unhandled rejection: '+e.reason);});
var ce=console.error;console.error=function(){report('console.error: '+Array.prototype.join.call(arguments,' '));return ce.apply(console,arguments);};
})();
</script>
`, t, t)
	if note != "" {
		fmt.Fprintf(bw, `<p class="viz-cdn-note" style="color:#a60">%s</p>`+"\n", html.EscapeString(note))
	}
	bw.WriteString(lib)
	bw.WriteString("\n")
	for _, s := range snippets {
		bw.WriteString(s.HTML())
		bw.WriteString("\n")
	}
	bw.WriteString("</body>\n</html>\n")
	return bw.Flush()
}

// WriteHTML writes the page (see Render) to path atomically, creating the
// directory if needed: a reader never sees a half-written file, and on error
// an existing file at path is left unchanged.
func (p *Page) WriteHTML(path string) error {
	if path == "" {
		return errors.New("viz: WriteHTML: empty path; pass the HTML file to write, e.g. build/report/charts.html")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("viz: WriteHTML: %w", err)
	}
	return atomicfile.Write(path, 0o644, p.Render)
}
