package viz

import (
	"context"
	"html"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// chromium returns the path of headless Chromium. Without it the browser
// tests skip, except in CI (CI set), where ./run test installs it and its
// absence is a failure.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "/usr/bin/chromium"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("chromium is not installed but CI is set: ./run test installs Debian's chromium; the browser test must run in CI")
	}
	t.Skip("chromium is not installed (apt-get install chromium, or ./run test); skipping the browser test outside CI")
	return ""
}

// requireLibrary fails in CI and skips elsewhere when echarts.min.js is
// missing: the browser test checks the offline page.
func requireLibrary(t *testing.T) {
	t.Helper()
	if _, err := LibraryPath(); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set but %v", err)
		}
		t.Skipf("skipping the browser test: %v", err)
	}
}

// runChromium runs headless Chromium on the file at path with the given
// extra flags and returns its standard output.
func runChromium(t *testing.T, bin, path string, extra ...string) string {
	t.Helper()
	args := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
		"--user-data-dir=" + t.TempDir(), "--virtual-time-budget=8000"}
	args = append(args, extra...)
	args = append(args, "file://"+path)
	// The deadline only stops a hung browser; it is not a speed assertion.
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium %v: %v\n%s", extra, err, stderr.String())
	}
	return string(out)
}

// repoRoot is the directory holding go.mod.
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// gallery is a page with every chart type and every series kind, and the
// tooltip texts that hovering the second data item of each chart's first
// series must show.
type gallery struct {
	page     *Page
	tooltips [][]string // per chart, in order
}

func galleryPage() gallery {
	n := 200
	steps := make([]float64, n)
	loss0, bound0, bound1 := make([]float64, n), make([]float64, n), make([]float64, n)
	mean1, lo1, hi1 := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range steps {
		t := float64(i)
		steps[i] = t
		loss0[i] = math.Pow(0.97, t) * (1 + 0.1*math.Sin(t/3))
		mean1[i] = math.Pow(0.985, t) * (1 + 0.1*math.Cos(t/4))
		lo1[i], hi1[i] = 0.8*mean1[i], 1.25*mean1[i]
		bound0[i] = 1.2 * math.Pow(0.975, t)
		bound1[i] = 1.4 * math.Pow(0.988, t)
	}
	loss0[17] = math.NaN() // dropped with a note
	line := Line("Training loss vs step").XLabel("step t").YLabel("loss").LogY().
		Series("B=0", steps, loss0).Bound("B=0 bound (1−ηλ/4)^t", steps, bound0).
		Band("B=1, min–max over 5 seeds", steps, mean1, lo1, hi1).Bound("B=1 bound", steps, bound1)
	f := FormatNumber
	lineTips := []string{
		"B=0: " + f(loss0[1]), "B=0 bound (1−ηλ/4)^t: " + f(bound0[1]),
		"B=1, min–max over 5 seeds: " + f(mean1[1]),
		"B=1, min–max over 5 seeds: range [" + f(lo1[1]) + ", " + f(hi1[1]) + "]",
		"B=1 bound: " + f(bound1[1]),
	}

	xs, ys := make([]float64, 150), make([]float64, 150)
	for i := range xs {
		xs[i] = math.Pow(10, -3+4*float64(i)/149)
		ys[i] = xs[i] * (1 + 0.3*math.Sin(float64(i)))
	}
	scatter := Scatter("Predicted vs true kernel entries").XLabel("true").YLabel("predicted").LogX().LogY().
		Series("entries", xs, ys).Bound("y = x", []float64{1e-3, 10}, []float64{1e-3, 10})
	scatterTips := []string{f(xs[1]), "entries: " + f(ys[1])}

	bar := Bar("Fraction of active neurons").XLabel("bias B").YLabel("fraction").
		Categories(Labels([]float64{0, 0.5, 1, 1.5, 2, 2.5})...).
		Series("measured", []float64{0.5, 0.31, 0.16, 0.067, 0.023, 0.0062}).
		Bound("Q(B)", []float64{0.5, 0.3085, 0.1587, 0.0668, 0.0228, 0.0062})
	barTips := []string{"measured: 0.31", "Q(B): 0.3085"}

	k := mat.NewSymDense(500, nil)
	for i := 0; i < 500; i++ {
		for j := i; j < 500; j++ {
			k.SetSym(i, j, math.Exp(-math.Abs(float64(i-j))/60)+0.2*math.Cos(float64(i+j)/80))
		}
	}
	heat := Heatmap("Kernel matrix (500×500)", k)
	cell := blockAverage(k, DefaultMaxCells).cells[0][1]
	heatTips := []string{"row 0–2, column 3–5", "block mean: " + f(cell)}

	return gallery{
		page:     NewPage("viz gallery").Add(line, scatter, bar, heat),
		tooltips: [][]string{lineTips, scatterTips, barTips, heatTips},
	}
}

// hoverScript, added to the gallery page by the test, shows the tooltip of
// the second data item of each chart's first series once all charts are
// drawn, so that the tooltip formatters run.
const hoverScript = `<script>
(function poll(){
	var els=document.querySelectorAll('.viz-chart .item');
	for(var i=0;i<els.length;i++){if(!els[i].getAttribute('data-drawn')){setTimeout(poll,50);return;}}
	for(var i=0;i<els.length;i++){echarts.getInstanceByDom(els[i]).dispatchAction({type:'showTip',seriesIndex:0,dataIndex:1});}
})();
</script>
`

var chartIDs = regexp.MustCompile(`id="(viz_[a-z0-9]+_[0-9]+)-box"`)

// TestBrowserDrawsEveryChart renders a page with every chart type in
// headless Chromium and checks from the DOM that each chart drew (the
// data-drawn marker set after setOption, and a canvas inside the chart's
// element), that no JavaScript error was reported and that the static
// fallbacks were folded away. It saves a screenshot to build/viz/charts.png.
func TestBrowserDrawsEveryChart(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test runs in the full (non -short) test run")
	}
	bin := chromium(t)
	requireLibrary(t)
	g := galleryPage()
	nCharts := len(g.tooltips)
	dir := t.TempDir()
	path := filepath.Join(dir, "gallery.html")
	if err := g.page.WriteHTML(path); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// Hover each chart (for the DOM check only, not the screenshot).
	hovered := filepath.Join(dir, "hovered.html")
	bodyEnd := strings.LastIndex(string(src), "</body>")
	if err := os.WriteFile(hovered, []byte(string(src[:bodyEnd])+hoverScript+string(src[bodyEnd:])), 0o644); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, m := range chartIDs.FindAllStringSubmatch(string(src), -1) {
		ids = append(ids, m[1])
	}
	if len(ids) != nCharts {
		t.Fatalf("page has %d charts, want %d", len(ids), nCharts)
	}

	dom := runChromium(t, bin, hovered, "--dump-dom")
	if !strings.Contains(dom, `<pre id="viz-errors"></pre>`) {
		i := strings.Index(dom, `<pre id="viz-errors">`)
		if i < 0 {
			t.Fatalf("the DOM has no error box; DOM starts with %.500s", dom)
		}
		t.Errorf("the page reported JavaScript errors: %.2000s", dom[i:])
	}
	if strings.Contains(dom, `data-error="`) {
		t.Error("a chart reported a drawing error (data-error attribute)")
	}
	for i, id := range ids {
		start := regexp.MustCompile(`<div[^>]*\bid="` + id + `"[^>]*>`).FindStringIndex(dom)
		if start == nil {
			t.Errorf("chart %s: element not found in the DOM", id)
			continue
		}
		tag := dom[start[0]:start[1]]
		if !strings.Contains(tag, `data-drawn="true"`) {
			t.Errorf("chart %s was not drawn: %s", id, tag)
		}
		end := strings.Index(dom[start[1]:], `id="`+id+`-fb"`)
		if end < 0 {
			t.Errorf("chart %s: fallback not found after the element", id)
			continue
		}
		if !strings.Contains(dom[start[1]:start[1]+end], "<canvas") {
			t.Errorf("chart %s: no canvas inside the chart element", id)
		}
		tip := html.UnescapeString(textBetween(dom, `id="`+id+`"`, `id="`+id+`-fb"`))
		for _, want := range g.tooltips[i] {
			if !strings.Contains(tip, want) {
				t.Errorf("chart %d tooltip %q lacks %q", i+1, tip, want)
			}
		}
	}
	if strings.Contains(dom, "<details open") {
		t.Error("a data table is still unfolded: the chart script did not finish")
	}
	if !strings.Contains(dom, `dropped 1 of 200 points with a NaN or infinite value`) {
		t.Error("the note about the dropped NaN point is missing")
	}

	shot := filepath.Join(repoRoot(t), "build", "viz", "charts.png")
	if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
		t.Fatal(err)
	}
	os.Remove(shot)
	runChromium(t, bin, path, "--screenshot="+shot, "--window-size=1200,2400", "--hide-scrollbars")
	if st, err := os.Stat(shot); err != nil || st.Size() < 10000 {
		t.Errorf("screenshot %s missing or tiny: %v", shot, err)
	} else {
		t.Logf("screenshot: %s", shot)
	}
}

// TestBrowserReportsErrors checks that the page's error box catches a
// JavaScript error, so that an empty box in TestBrowserDrawsEveryChart means
// something.
func TestBrowserReportsErrors(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test runs in the full (non -short) test run")
	}
	bin := chromium(t)
	requireLibrary(t)
	var b strings.Builder
	if err := NewPage("broken").Add(brokenChart{}).Render(&b); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "broken.html")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := runChromium(t, bin, path, "--dump-dom")
	if strings.Contains(dom, `<pre id="viz-errors"></pre>`) || !strings.Contains(dom, "viz-test-boom") {
		t.Errorf("the error box did not catch the thrown error")
	}
	if !strings.Contains(dom, `data-error="`) {
		t.Errorf("the broken chart was not marked with data-error")
	}
}

// brokenChart is a chart whose option throws when evaluated.
type brokenChart struct{}

func (brokenChart) Title() string { return "broken" }
func (brokenChart) Render() (*Snippet, error) {
	id := newID()
	option := `(function(){throw new Error('viz-test-boom');})()`
	return &Snippet{
		ID:       id,
		Element:  `<div id="` + id + `" style="width:300px;height:200px"></div>`,
		Option:   option,
		Script:   drawScript(id, option),
		Fallback: wrapFallback(id, "broken", ""),
	}, nil
}

// TestBrowserFormatMatchesGo checks that the JavaScript number formatter of
// axes and tooltips prints what FormatNumber prints, over magnitudes from
// 1e-12 to 1e12 and both signs.
func TestBrowserFormatMatchesGo(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test runs in the full (non -short) test run")
	}
	bin := chromium(t)
	rng := rand.New(rand.NewPCG(1, 2))
	vals := []float64{0, 1, 0.1 + 0.2, -0.2999999999999998, 1e-5, 2.5e-7, 12345.6, 99999, 123456, 0.001, 0.0009999, 2.0 / 3}
	for range 300 {
		v := math.Pow(10, -12+24*rng.Float64())
		if rng.IntN(2) == 0 {
			v = -v
		}
		vals = append(vals, v)
	}
	var js, want []string
	for _, v := range vals {
		js = append(js, strconv.FormatFloat(v, 'g', -1, 64))
		want = append(want, FormatNumber(v))
	}
	page := `<!DOCTYPE html><html><body><pre id="out"></pre><script>var f=` + jsFormat +
		`;document.getElementById('out').textContent=[` + strings.Join(js, ",") + `].map(function(v){return f(v);}).join('|');</script></body></html>`
	path := filepath.Join(t.TempDir(), "format.html")
	if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	dom := runChromium(t, bin, path, "--dump-dom")
	m := regexp.MustCompile(`<pre id="out">([^<]*)</pre>`).FindStringSubmatch(dom)
	if m == nil {
		t.Fatalf("no formatter output in the DOM: %.300s", dom)
	}
	got := strings.Split(m[1], "|")
	if len(got) != len(want) {
		t.Fatalf("JavaScript printed %d numbers, want %d", len(got), len(want))
	}
	bad := 0
	for i := range want {
		if got[i] != want[i] {
			bad++
			if bad <= 10 {
				t.Errorf("%s: JavaScript prints %q, FormatNumber %q", js[i], got[i], want[i])
			}
		}
	}
}

// fakeAMD is a stand-in for require.js: a global define with define.amd
// that records every module handed to it, which is what makes echarts skip
// window.echarts when it is not wrapped.
const fakeAMD = `<script>window.define=function(){var d=document.createElement('div');d.id='amd-captured';document.body.appendChild(d);};window.define.amd={};</script>`

// TestBrowserNotebookPaths checks the two ways a notebook page gets the
// library, with require.js's define present as in the classic Notebook and
// nbconvert HTML: from Setup's output (library inlined and wrapped), and,
// without Setup, by the chart's own loader (from the local file, with define
// hidden while it loads), which then says where the library came from.
func TestBrowserNotebookPaths(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test runs in the full (non -short) test run")
	}
	bin := chromium(t)
	requireLibrary(t)
	lib, note, err := libraryScript()
	if err != nil || note != "" {
		t.Fatalf("libraryScript: %v %q", err, note)
	}
	for _, c := range []struct {
		name, setup, wantNote string
	}{
		{"after Setup", lib, ""},
		{"without Setup", "", "echarts was loaded from file://"},
	} {
		s, err := smallLine("notebook chart").Render()
		if err != nil {
			t.Fatal(err)
		}
		page := "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>" + fakeAMD + c.setup + s.HTML() + "</body></html>"
		path := filepath.Join(t.TempDir(), "nb.html")
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
		dom := runChromium(t, bin, path, "--dump-dom")
		tag := regexp.MustCompile(`<div[^>]*\bid="` + s.ID + `"[^>]*>`).FindString(dom)
		if !strings.Contains(tag, `data-drawn="true"`) {
			t.Errorf("%s: chart not drawn: %s", c.name, tag)
		}
		if strings.Contains(dom, `id="amd-captured"`) {
			t.Errorf("%s: echarts registered with the AMD loader instead of window.echarts", c.name)
		}
		notes := textBetween(dom, `id="`+s.ID+`-notes"`, `id="`+s.ID+`-fb"`)
		if c.wantNote != "" && !strings.Contains(notes, c.wantNote) {
			t.Errorf("%s: notes %q lack %q", c.name, notes, c.wantNote)
		}
		if c.wantNote == "" && notes != "" {
			t.Errorf("%s: unexpected notes %q (the chart loaded the library although Setup had?)", c.name, notes)
		}
	}
}

var tags = regexp.MustCompile(`<[^>]*>`)

// textBetween returns the text (tags removed) of dom between the end of the
// tag holding the attribute from and the tag holding the attribute to.
func textBetween(dom, from, to string) string {
	i := strings.Index(dom, from)
	if i < 0 {
		return "<" + from + " not found>"
	}
	i += strings.Index(dom[i:], ">") + 1
	j := strings.Index(dom[i:], to)
	if j < 0 {
		return "<" + to + " not found>"
	}
	chunk := dom[i : i+j]
	chunk = chunk[:strings.LastIndex(chunk, "<")] // drop the start of the tag holding to
	return strings.TrimSpace(tags.ReplaceAllString(chunk, ""))
}
