package nbexec

import (
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"path/filepath"
	"time"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// Report is what the index page shows.
type Report struct {
	Results []*Result `json:"results"`
	// Started is when the run began; Seconds its total wall time.
	Started time.Time `json:"started"`
	Seconds float64   `json:"seconds"`
}

// Failed counts the results that are not OK.
func (r *Report) Failed() int {
	n := 0
	for _, res := range r.Results {
		if !res.OK() {
			n++
		}
	}
	return n
}

var indexPage = template.Must(template.New("index").Funcs(template.FuncMap{
	"rel": func(dir, path string) string {
		if path == "" {
			return ""
		}
		if r, err := filepath.Rel(dir, path); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(path)
	},
	"secs": func(s float64) string { return fmt.Sprintf("%.1f s", s) },
}).Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>sparsentk notebooks</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 60em; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4em .7em; border-bottom: 1px solid #ddd; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
.ok { color: #1a7f37; font-weight: bold; }
.bad { color: #c62828; font-weight: bold; }
pre { white-space: pre-wrap; font-size: 85%; background: #f6f6f6; padding: .5em; margin: .3em 0 0; }
small { color: #666; }
</style>
</head>
<body>
<h1>sparsentk notebooks</h1>
<p>{{len .Results}} notebooks executed with the GoNB kernel on {{.Started.Format "2006-01-02 15:04 MST"}} in {{secs .Seconds}}:
{{if .Failed}}<span class="bad">{{.Failed}} failed</span>{{else}}<span class="ok">all passed</span>{{end}}.
Every page works offline; charts are live (zoom, hover).</p>
<table>
<tr><th>Notebook</th><th>Status</th><th>Run time</th><th>Charts</th></tr>
{{range .Results}}<tr>
<td>{{if .HTML}}<a href="{{rel $.Dir .HTML}}">{{.Title}}</a>{{else}}{{.Title}}{{end}}<br><small>{{.Name}}.ipynb{{if .Executed}} · <a href="{{rel $.Dir .Executed}}">executed notebook</a>{{end}}</small></td>
<td>{{if .OK}}<span class="ok">ok</span>{{else}}<span class="bad">{{.Status}}</span>{{end}}
{{- if .Error}}<pre>{{.Error}}</pre>{{end}}
{{- with .Charts}}{{range .Errors}}<pre>chart error: {{.}}</pre>{{end}}{{range .PageErrors}}<pre>{{.}}</pre>{{end}}{{end}}</td>
<td class="num">{{secs .Seconds}}</td>
<td class="num">{{with .Charts}}{{.Drawn}} / {{.Total}}{{else}}–{{end}}</td>
</tr>
{{end}}</table>
</body>
</html>
`))

// WriteIndex writes the report's index page, linking each result's page
// relative to dir (the folder of the index).
func (r *Report) WriteIndex(w io.Writer, dir string) error {
	return indexPage.Execute(w, struct {
		*Report
		Dir string
	}{r, dir})
}

// Save writes dir/index.html and dir/results.json atomically.
func (r *Report) Save(dir string) error {
	if err := atomicfile.Write(filepath.Join(dir, "index.html"), 0o644, func(w io.Writer) error {
		return r.WriteIndex(w, dir)
	}); err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, "results.json"), 0o644, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	})
}
