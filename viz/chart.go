package viz

import (
	"fmt"
	"html"
	"html/template"
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/go-echarts/go-echarts/v2/render"
)

// Chart is a chart that can be drawn in a notebook cell or on a Page.
// Line, Scatter, Bar and Heatmap return Charts.
type Chart interface {
	// Title is the chart's title.
	Title() string
	// Render checks the chart's input and renders it for a web page. Each
	// call gives the chart a new element id, so the same chart can be shown
	// twice on one page.
	Render() (*Snippet, error)
}

// Snippet is a chart rendered for a web page. HTML assembles it.
type Snippet struct {
	// ID is the id of the element the chart is drawn into.
	ID string
	// Element is the element ECharts draws into (made by go-echarts).
	Element string
	// Option is the ECharts option, a JavaScript expression that may
	// contain functions (formatters).
	Option string
	// Script is a <script> element that waits for window.echarts, then
	// draws Option into Element, marks the element with data-drawn="true",
	// hides the static sketch and folds the data table.
	Script string
	// Fallback is static HTML that shows the result without JavaScript: an
	// inline SVG sketch and a table of the data.
	Fallback string
	// Notes are remarks about the input, such as dropped points; HTML
	// shows them under the chart.
	Notes []string
}

// HTML returns the snippet as one block of HTML: the (initially hidden)
// chart element, the notes, the static fallback and the script.
func (s *Snippet) HTML() string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="viz-chart" id="%s-box" style="max-width:960px;font-family:sans-serif">`, s.ID)
	fmt.Fprintf(&b, `<div id="%s-wrap" style="display:none">%s</div>`, s.ID, s.Element)
	fmt.Fprintf(&b, `<div class="viz-notes" id="%s-notes" style="color:#666;font-size:12px">`, s.ID)
	for _, n := range s.Notes {
		fmt.Fprintf(&b, `<div>Note: %s</div>`, html.EscapeString(n))
	}
	b.WriteString(`</div>`)
	b.WriteString(s.Fallback)
	b.WriteString(`</div>`)
	b.WriteString(s.Script)
	return b.String()
}

// idCounter and idSalt make element ids unique within a process (counter)
// and across the processes that write into one notebook page (salt: every
// GoNB cell is a fresh process whose counter starts again at zero).
var (
	idCounter atomic.Uint64
	idSalt    = strconv.FormatUint(rand.Uint64()&0xffffff, 36)
)

func newID() string {
	return "viz_" + idSalt + "_" + strconv.FormatUint(idCounter.Add(1), 10)
}

// funcMarkers matches go-echarts' markers around embedded JavaScript.
var funcMarkers = regexp.MustCompile(`(__f__")|("__f__)|(__f__)`)

// scriptEnd matches sequences that would end or confuse a <script> element.
var scriptEnd = regexp.MustCompile(`(?i)</(script)|<!--`)

// safeInScript escapes "</script" and "<!--" in JavaScript code. Both can only
// occur inside string literals of the code this package generates, where
// "<\/" and "<\!--" mean the same.
func safeInScript(js string) string {
	return scriptEnd.ReplaceAllStringFunc(js, func(m string) string {
		if m == "<!--" {
			return `<\!--`
		}
		return `<\/` + m[2:]
	})
}

// cdnURL is the public copy of the library, the last resort.
const cdnURL = "https://cdn.jsdelivr.net/npm/echarts@" + echartsVersion + "/dist/echarts.min.js"

// goChart is what this package needs of a go-echarts chart.
type goChart interface {
	RenderSnippet() render.ChartSnippet
	JSONNotEscaped() template.HTML
}

// renderChart builds a chart with a fresh element id and renders it, with
// its static fallback under the title, into a Snippet.
func renderChart[C goChart](title string, build func(id string) (C, string, []string, error)) (*Snippet, error) {
	id := newID()
	ch, fb, notes, err := build(id)
	if err != nil {
		return nil, err
	}
	return snippetFrom(id, ch, wrapFallback(id, title, fb), notes), nil
}

// snippetFrom renders a go-echarts chart into a Snippet. The element comes
// from RenderSnippet (which also runs the chart's validation). The option
// does not: in go-echarts v2.6.7 the snippet's Option passes through HTML
// escaping before the markers around embedded JavaScript are removed, so
// functions (formatters) arrive as strings. The option is therefore the
// chart's JSON with the markers and their quotes removed, exactly as
// go-echarts does for full pages.
func snippetFrom(id string, ch goChart, fallback string, notes []string) *Snippet {
	sn := ch.RenderSnippet()
	// Every chart element carries the class sparsentk-chart, by which the
	// notebook runner's browser check counts charts (notebooks/README.md).
	element := strings.Replace(sn.Element, `<div class="item" id=`, `<div class="item sparsentk-chart" id=`, 1)
	option := strings.TrimSpace(funcMarkers.ReplaceAllString(string(ch.JSONNotEscaped()), ""))
	option = safeInScript(option)
	s := &Snippet{ID: id, Element: element, Option: option, Fallback: fallback, Notes: notes}
	s.Script = drawScript(id, option)
	return s
}

// drawScript returns the <script> that draws a chart. It polls for
// window.echarts every 50 ms; after 2 s without it, it loads the library
// itself (local file first, then the CDN, hiding require.js's define while
// loading so that echarts registers window.echarts) and notes under the chart
// where it came from. A drawing error is shown in place of the chart, marks
// the element with data-error and is rethrown so that window.onerror sees it.
func drawScript(id, option string) string {
	urls := []string{}
	if u := libraryFileURL(); u != "" {
		urls = append(urls, u)
	}
	urls = append(urls, cdnURL)
	var quoted []string
	for _, u := range urls {
		quoted = append(quoted, strconv.Quote(u))
	}
	return `<script type="text/javascript">
(function(){
"use strict";
var id=` + strconv.Quote(id) + `, urls=[` + strings.Join(quoted, ",") + `], tries=0;
function byId(s){return document.getElementById(id+s);}
function note(msg){var n=byId('-notes');if(n){var d=document.createElement('div');d.textContent=msg;n.appendChild(d);}}
function inject(){
	if(window.__vizEchartsLoading)return;
	window.__vizEchartsLoading=true;
	(function next(i){
		if(i>=urls.length||window.echarts)return;
		var s=document.createElement('script'), d=window.define;
		if(d&&d.amd)window.define=undefined;
		s.src=urls[i];
		s.onload=function(){if(d)window.define=d;if(window.echarts){note('echarts was loaded from '+urls[i]+' (call viz.Setup() in the first cell to carry it in the notebook).');}else{next(i+1);}};
		s.onerror=function(){if(d)window.define=d;next(i+1);};
		document.head.appendChild(s);
	})(0);
}
function draw(){
	var el=byId(''), wrap=byId('-wrap'), fb=byId('-fb');
	if(!el)return;
	wrap.style.display='block';
	try{
		var chart=echarts.init(el,null,{renderer:'canvas'});
		chart.setOption(` + option + `);
		el.setAttribute('data-drawn','true');
		var onResize=function(){if(!document.body.contains(el)){window.removeEventListener('resize',onResize);chart.dispose();return;}chart.resize();};
		window.addEventListener('resize',onResize);
	}catch(e){
		el.setAttribute('data-error',String(e));
		el.textContent='chart failed: '+e;
		setTimeout(function(){throw e;},0);
		return;
	}
	if(fb){
		var sk=fb.querySelector('.viz-sketch');if(sk)sk.style.display='none';
		var dt=fb.querySelector('details');if(dt)dt.removeAttribute('open');
		var hd=fb.querySelector('.viz-static-head');if(hd)hd.style.display='none';
	}
}
function wait(){
	if(window.echarts&&window.echarts.init){draw();return;}
	tries++;
	if(tries===40)inject();
	if(tries>600){note('echarts did not load: the chart cannot be drawn; the static view shows the data.');return;}
	setTimeout(wait,50);
}
wait();
})();
</script>`
}
