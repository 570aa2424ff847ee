package viz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestPageWriteHTML(t *testing.T) {
	lib := fakeLibrary(t)
	path := filepath.Join(t.TempDir(), "sub", "report.html")
	p := NewPage("Report <1>").Add(
		smallLine("line chart"),
		Bar("bar chart").Categories("a").Series("s", []float64{1}),
		Heatmap("heat chart", mat.NewDense(2, 2, []float64{1, 2, 3, 4})),
	)
	if err := p.WriteHTML(path); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := string(b)
	for _, want := range []string{
		"<!DOCTYPE html>", "<title>Report &lt;1&gt;</title>",
		`<pre id="viz-errors"></pre>`, "window.onerror=",
		"(function(define,module,exports){", lib,
		"line chart", "bar chart", "heat chart",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if n := len(chartIDs.FindAllString(h, -1)); n != 3 {
		t.Errorf("page has %d charts, want 3", n)
	}
	if strings.Index(h, lib) > strings.Index(h, `class="viz-chart"`) {
		t.Error("the library comes after the first chart")
	}
	if strings.Contains(h, "viz-cdn-note") {
		t.Error("CDN note on a page with the library")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the directory holds %d files, want only the page (no temporary files)", len(entries))
	}
}

func TestPageWithoutLibraryUsesCDN(t *testing.T) {
	t.Setenv(LibraryEnv, filepath.Join(t.TempDir(), "missing.js"))
	var b strings.Builder
	if err := NewPage("p").Add(smallLine("c")).Render(&b); err != nil {
		t.Fatal(err)
	}
	h := b.String()
	if !strings.Contains(h, `<p class="viz-cdn-note"`) || !strings.Contains(h, cdnURL) {
		t.Error("page without the library has no visible CDN note or no CDN loader")
	}
}

func TestPageErrorsKeepOldFile(t *testing.T) {
	fakeLibrary(t)
	path := filepath.Join(t.TempDir(), "p.html")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := NewPage("p").Add(smallLine("good"), Line("broken")).WriteHTML(path)
	if err == nil || !strings.Contains(err.Error(), `chart 2 ("broken")`) {
		t.Errorf("error %v, want one naming chart 2 (\"broken\")", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "old" {
		t.Error("a failed WriteHTML changed the existing file")
	}
	if err := NewPage("empty").WriteHTML(path); err == nil {
		t.Error("an empty page was written")
	}
	if err := NewPage("nil").Add(nil).WriteHTML(path); err == nil {
		t.Error("a nil chart was accepted")
	}
	if err := NewPage("p").Add(smallLine("c")).WriteHTML(""); err == nil {
		t.Error("an empty path was accepted")
	}
}
