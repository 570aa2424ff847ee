package viz

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func smallLine(title string) *XY {
	return Line(title).Series("s", []float64{1, 2, 3}, []float64{4, 5, 6})
}

func TestDisplayIsNoOpOutsideNotebook(t *testing.T) {
	rec := useRecorder(t, false)
	fakeLibrary(t)
	if err := Setup(); err != nil {
		t.Fatal(err)
	}
	if err := smallLine("a").Show(); err != nil {
		t.Fatal(err)
	}
	if err := Show(Bar("b").Categories("x").Series("s", []float64{1})); err != nil {
		t.Fatal(err)
	}
	if rec.calls() != 0 {
		t.Errorf("outside a notebook: %d display calls, want none", rec.calls())
	}
	// Input errors still surface.
	if err := Line("bad").Show(); err == nil {
		t.Error("Show outside a notebook hid an input error")
	}
}

func TestShowInNotebook(t *testing.T) {
	rec := useRecorder(t, true)
	if err := smallLine("Loss curve").Show(); err != nil {
		t.Fatal(err)
	}
	if len(rec.displays) != 1 || rec.syncs != 1 {
		t.Fatalf("Show made %d displays and %d syncs, want 1 and 1", len(rec.displays), rec.syncs)
	}
	h := rec.displays[0]
	for _, want := range []string{
		`class="viz-chart"`, `data-drawn`, "echarts.init", "<svg", "<table", "Loss curve",
		"window.echarts&&window.echarts.init", // waits for the library
	} {
		if !strings.Contains(h, want) {
			t.Errorf("displayed HTML lacks %q", want)
		}
	}
	if len(h) > 100_000 {
		t.Errorf("a small chart displays %d bytes: the library must not travel with every chart", len(h))
	}
	if err := Line("bad").Show(); err == nil || len(rec.displays) != 1 {
		t.Errorf("a bad chart: error %v, %d displays; want an error and nothing displayed", err, len(rec.displays))
	}
}

func TestSetupInlinesLibraryOnce(t *testing.T) {
	rec := useRecorder(t, true)
	lib := fakeLibrary(t)
	if err := Setup(); err != nil {
		t.Fatal(err)
	}
	if len(rec.displays) != 1 || rec.syncs != 1 {
		t.Fatalf("Setup made %d displays and %d syncs, want 1 and 1", len(rec.displays), rec.syncs)
	}
	h := rec.displays[0]
	for _, want := range []string{
		"if(!window.echarts){(function(define,module,exports){", // once per page, hidden from require.js
		lib,
		"}).call(window);}",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("Setup output lacks %q", want)
		}
	}
	if strings.Contains(h, "cdn.jsdelivr") {
		t.Error("Setup used the CDN although the library is present")
	}
}

func TestSetupFallsBackToCDN(t *testing.T) {
	rec := useRecorder(t, true)
	t.Setenv(LibraryEnv, filepath.Join(t.TempDir(), "missing.js"))
	if err := Setup(); err != nil {
		t.Fatal(err)
	}
	h := rec.lastDisplay()
	if !strings.Contains(h, cdnURL) || !strings.Contains(h, "from "+cdnURL+" instead") {
		t.Errorf("Setup without the library does not load and announce the CDN:\n%s", h)
	}
	if !strings.Contains(h, "window.define=undefined") {
		t.Error("the CDN loader does not hide require.js's define")
	}
}

func TestLibraryPath(t *testing.T) {
	// The environment variable wins, and must name a file.
	lib := fakeLibrary(t)
	p, err := LibraryPath()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != lib {
		t.Errorf("LibraryPath() = %s, not the file named by %s", p, LibraryEnv)
	}
	t.Setenv(LibraryEnv, t.TempDir())
	if _, err := LibraryPath(); err == nil || !strings.Contains(err.Error(), LibraryEnv) {
		t.Errorf("%s naming a directory: error %v", LibraryEnv, err)
	}

	// Without it, node_modules is found walking up from the working directory.
	t.Setenv(LibraryEnv, "")
	root := t.TempDir()
	want := filepath.Join(root, "node_modules", "echarts", "dist", "echarts.min.js")
	if err := os.MkdirAll(filepath.Dir(want), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(want, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	deep := filepath.Join(root, "a", "b")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Chdir(deep)
	if got, err := LibraryPath(); err != nil || got != want {
		t.Errorf("from %s: LibraryPath() = %q, %v; want %q", deep, got, err, want)
	}
	if u := libraryFileURL(); u != "file://"+filepath.ToSlash(want) {
		t.Errorf("libraryFileURL() = %q", u)
	}
}

func TestNilChartsAreErrors(t *testing.T) {
	useRecorder(t, true)
	var line *XY
	var bar *BarChart
	var heat *HeatmapChart
	for _, c := range []Chart{nil, line, bar, heat} {
		if err := Show(c); err == nil {
			t.Errorf("Show(%T nil) returned no error", c)
		}
	}
	if err := NewLive(0).Update(nil); err == nil {
		t.Error("Live.Update(nil) returned no error")
	}
}
