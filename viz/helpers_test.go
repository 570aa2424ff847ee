package viz

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// optionOf returns the ECharts option of a go-echarts chart as plain JSON
// (embedded functions stay strings wrapped in go-echarts' __f__ markers).
func optionOf(t *testing.T, ch goChart) map[string]any {
	t.Helper()
	ch.RenderSnippet() // runs the chart's validation, as Render does
	var m map[string]any
	if err := json.Unmarshal([]byte(ch.JSONNotEscaped()), &m); err != nil {
		t.Fatalf("option is not JSON: %v", err)
	}
	return m
}

// list returns option[key] as a list of objects.
func list(t *testing.T, option map[string]any, key string) []map[string]any {
	t.Helper()
	raw, ok := option[key].([]any)
	if !ok {
		t.Fatalf("option[%q] is %T, want a list", key, option[key])
	}
	out := make([]map[string]any, len(raw))
	for i, r := range raw {
		out[i], ok = r.(map[string]any)
		if !ok {
			t.Fatalf("option[%q][%d] is %T, want an object", key, i, r)
		}
	}
	return out
}

// obj returns m[key] as an object.
func obj(t *testing.T, m map[string]any, key string) map[string]any {
	t.Helper()
	o, ok := m[key].(map[string]any)
	if !ok {
		t.Fatalf("[%q] is %T, want an object", key, m[key])
	}
	return o
}

// points returns series data as [][]float64.
func points(t *testing.T, s map[string]any) [][]float64 {
	t.Helper()
	raw, ok := s["data"].([]any)
	if !ok {
		t.Fatalf("series %v: data is %T", s["name"], s["data"])
	}
	out := make([][]float64, len(raw))
	for i, r := range raw {
		for _, v := range r.([]any) {
			out[i] = append(out[i], v.(float64))
		}
	}
	return out
}

// recorder is a frontEnd that records display calls.
type recorder struct {
	notebook bool
	displays []string
	updates  []update
	syncs    int
}

type update struct{ id, html string }

func (r *recorder) isNotebook() bool             { return r.notebook }
func (r *recorder) displayHTML(h string)         { r.displays = append(r.displays, h) }
func (r *recorder) updateHTML(id, h string)      { r.updates = append(r.updates, update{id, h}) }
func (r *recorder) sync()                        { r.syncs++ }
func (r *recorder) calls() int                   { return len(r.displays) + len(r.updates) + r.syncs }
func (r *recorder) lastUpdate() update           { return r.updates[len(r.updates)-1] }
func (r *recorder) lastDisplay() string          { return r.displays[len(r.displays)-1] }
func (r *recorder) contains(s string) bool       { return strings.Contains(r.lastDisplay(), s) }
func (r *recorder) updateContains(s string) bool { return strings.Contains(r.lastUpdate().html, s) }

// useRecorder routes display calls to a new recorder for the test.
func useRecorder(t *testing.T, notebook bool) *recorder {
	t.Helper()
	r := &recorder{notebook: notebook}
	old := front
	front = r
	t.Cleanup(func() { front = old })
	return r
}

// fakeLibrary points SPARSENTK_ECHARTS at a small stand-in for
// echarts.min.js and returns its content.
func fakeLibrary(t *testing.T) string {
	t.Helper()
	lib := "window.echarts={init:function(){},fake:'viz-test-library'};"
	p := filepath.Join(t.TempDir(), "echarts.min.js")
	if err := os.WriteFile(p, []byte(lib), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv(LibraryEnv, p)
	return lib
}
