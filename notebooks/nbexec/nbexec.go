// Package nbexec executes the project's notebooks with the real GoNB kernel,
// converts them to HTML, checks in headless Chromium that every chart drew,
// and writes a browsable report.
//
// The pieces are Debian's Jupyter: the notebook is run by nbclient, the
// engine of `jupyter nbconvert --execute` (called through /usr/bin/python3 so
// that the executed copy is saved even when a cell fails: the report shows the
// error), then `jupyter nbconvert --to html`, then `chromium --headless
// --dump-dom`. Command cmd/nbexec wires them; scripts/test-extra.sh and
// scripts/report.sh call it.
package nbexec

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sparsentk/sparsentk/notebooks/nbexport"
)

// Result is the outcome of one notebook.
type Result struct {
	// Notebook is the notebook's path, Name its file name without .ipynb and
	// Title its first markdown heading (Name if it has none).
	Notebook string `json:"notebook"`
	Name     string `json:"name"`
	Title    string `json:"title"`
	// Executed is the executed copy (.ipynb) and HTML its HTML version.
	Executed string `json:"executed"`
	HTML     string `json:"html"`
	// Seconds is the execution's wall time, kernel start included.
	Seconds float64 `json:"seconds"`
	// FailedCell is the number (from 1, markdown cells counted) of the cell
	// that failed, 0 if none did; Error says what went wrong, "" if nothing.
	FailedCell int    `json:"failed_cell,omitempty"`
	Error      string `json:"error,omitempty"`
	// Log is the kernel's log (its standard error).
	Log string `json:"log"`
	// Charts is what the browser found, nil if the page was not checked.
	Charts *Charts `json:"charts,omitempty"`
}

// OK reports whether the notebook ran clean and its charts drew.
func (r *Result) OK() bool {
	return r.Error == "" && r.Charts != nil && r.Charts.OK()
}

// Status is a one-line summary: "ok" or what failed.
func (r *Result) Status() string {
	switch {
	case r.Error != "" && r.FailedCell > 0:
		return fmt.Sprintf("cell %d failed", r.FailedCell)
	case r.Error != "":
		return "failed"
	case r.Charts == nil:
		return "not checked"
	case len(r.Charts.PageErrors) > 0:
		return "page error"
	case !r.Charts.OK():
		return fmt.Sprintf("%d of %d charts drawn", r.Charts.Drawn, r.Charts.Total)
	}
	return "ok"
}

// Runner runs notebooks. The zero value is not usable: see NewRunner.
type Runner struct {
	Python   string        // Python with nbclient: /usr/bin/python3
	Jupyter  string        // the jupyter command
	Chromium string        // the chromium command
	Kernel   string        // kernel name: gonb
	Timeout  time.Duration // per cell
	Budget   time.Duration // virtual time Chromium gives a page's scripts
	NBDir    string        // where executed notebooks and logs go
	HTMLDir  string        // where HTML pages go
}

// NewRunner returns a Runner with the project's defaults writing into nbDir
// and htmlDir.
func NewRunner(nbDir, htmlDir string) *Runner {
	return &Runner{
		Python:   "/usr/bin/python3",
		Jupyter:  "jupyter",
		Chromium: "chromium",
		Kernel:   "gonb",
		Timeout:  600 * time.Second,
		Budget:   10 * time.Second,
		NBDir:    nbDir,
		HTMLDir:  htmlDir,
	}
}

// executeScript runs a notebook with nbclient and always saves it; it writes
// {"ok", "cell", "error"} as JSON to its fifth argument.
const executeScript = `
import json, os, sys, traceback
import nbformat
from nbclient import NotebookClient
src, dst, kernel, timeout, result = sys.argv[1:6]
nb = nbformat.read(src, as_version=4)
state = {"cell": -1}
def start(cell, cell_index):
    state["cell"] = cell_index
client = NotebookClient(nb, kernel_name=kernel, timeout=int(timeout), startup_timeout=120,
    resources={"metadata": {"path": os.path.dirname(os.path.abspath(src))}}, on_cell_start=start)
out = {"ok": True, "cell": -1, "error": ""}
try:
    client.execute()
except BaseException as e:
    out = {"ok": False, "cell": state["cell"], "error": type(e).__name__ + ": " + str(e)}
finally:
    nbformat.write(nb, dst + ".tmp")
    os.replace(dst + ".tmp", dst)
    with open(result, "w") as f:
        json.dump(out, f)
`

// ansi matches terminal colour sequences (GoNB marks cell lines with them).
var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

// Execute runs the notebook at path with the kernel, saving the executed copy
// as NBDir/NAME.ipynb and the kernel's log as NBDir/NAME.log, even when a cell
// fails.
func (r *Runner) Execute(ctx context.Context, path string) *Result {
	name := strings.TrimSuffix(filepath.Base(path), ".ipynb")
	res := &Result{
		Notebook: path, Name: name, Title: name,
		Executed: filepath.Join(r.NBDir, name+".ipynb"),
		Log:      filepath.Join(r.NBDir, name+".log"),
	}
	data, err := os.ReadFile(path)
	if err == nil {
		var nb *nbexport.Notebook
		if nb, err = nbexport.Parse(path, data); err == nil && nb.Title() != "" {
			res.Title = nb.Title()
		}
	}
	if err != nil {
		res.Error = err.Error()
		return res
	}
	if err := os.MkdirAll(r.NBDir, 0o755); err != nil {
		res.Error = err.Error()
		return res
	}
	resultFile := filepath.Join(r.NBDir, name+".result.json")
	os.Remove(resultFile)
	os.Remove(res.Executed) // never report an older run
	logFile, err := os.Create(res.Log)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	defer logFile.Close()
	cmd := exec.CommandContext(ctx, r.Python, "-c", executeScript,
		path, res.Executed, r.Kernel, strconv.Itoa(int(r.Timeout/time.Second)), resultFile)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = append(os.Environ(), "PYDEVD_DISABLE_FILE_VALIDATION=1")
	start := time.Now()
	runErr := cmd.Run()
	res.Seconds = time.Since(start).Seconds()

	var out struct {
		OK    bool   `json:"ok"`
		Cell  int    `json:"cell"`
		Error string `json:"error"`
	}
	raw, err := os.ReadFile(resultFile)
	if err == nil {
		err = json.Unmarshal(raw, &out)
	}
	switch {
	case err != nil:
		res.Error = fmt.Sprintf("the executor did not finish (%v, %v); see %s", runErr, err, res.Log)
	case !out.OK:
		if out.Cell >= 0 {
			res.FailedCell = out.Cell + 1
		}
		res.Error = failure(res.Executed, out.Cell, out.Error)
		if strings.HasPrefix(out.Error, "NoSuchKernel") {
			res.Error += " (./run setup installs the kernel into .cache/jupyter and sets JUPYTER_DATA_DIR)"
		}
	}
	os.Remove(resultFile)
	return res
}

// failure describes a failed execution: the failing cell's standard error
// (where checks and panics write) if any, else the executor's message.
func failure(executed string, cell int, message string) string {
	stderr := cellStderr(executed, cell)
	if stderr == "" {
		return strings.TrimSpace(message)
	}
	return stderr
}

// cellStderr returns the standard error text a cell of an executed notebook
// printed, without colour codes, "" if it cannot.
func cellStderr(executed string, cell int) string {
	data, err := os.ReadFile(executed)
	if err != nil || cell < 0 {
		return ""
	}
	var nb struct {
		Cells []struct {
			Outputs []struct {
				OutputType string          `json:"output_type"`
				Name       string          `json:"name"`
				Text       json.RawMessage `json:"text"`
			} `json:"outputs"`
		} `json:"cells"`
	}
	if json.Unmarshal(data, &nb) != nil || cell >= len(nb.Cells) {
		return ""
	}
	var b strings.Builder
	for _, o := range nb.Cells[cell].Outputs {
		if o.OutputType != "stream" || o.Name != "stderr" {
			continue
		}
		var s string
		var parts []string
		if json.Unmarshal(o.Text, &s) != nil && json.Unmarshal(o.Text, &parts) == nil {
			s = strings.Join(parts, "")
		}
		b.WriteString(s)
	}
	return strings.TrimSpace(ansi.ReplaceAllString(b.String(), ""))
}

// ToHTML converts executed notebooks to HTMLDir/NAME.html with one call of
// jupyter nbconvert, and records the page in each result.
func (r *Runner) ToHTML(ctx context.Context, results []*Result) error {
	var inputs []string
	for _, res := range results {
		if _, err := os.Stat(res.Executed); err == nil {
			inputs = append(inputs, res.Executed)
		}
	}
	if len(inputs) == 0 {
		return nil
	}
	if err := os.MkdirAll(r.HTMLDir, 0o755); err != nil {
		return err
	}
	args := append([]string{"nbconvert", "--to", "html", "--output-dir", r.HTMLDir}, inputs...)
	cmd := exec.CommandContext(ctx, r.Jupyter, args...)
	cmd.Env = append(os.Environ(), "PYDEVD_DISABLE_FILE_VALIDATION=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("jupyter nbconvert --to html: %v\n%s", err, out)
	}
	for _, res := range results {
		page := filepath.Join(r.HTMLDir, res.Name+".html")
		if _, err := os.Stat(page); err == nil {
			res.HTML = page
		}
	}
	return nil
}

// CheckCharts opens the result's page in headless Chromium, lets its scripts
// run for Budget of virtual time and records what CheckDOM finds.
func (r *Runner) CheckCharts(ctx context.Context, res *Result) error {
	if res.HTML == "" {
		return errors.New("no HTML page to check")
	}
	abs, err := filepath.Abs(res.HTML)
	if err != nil {
		return err
	}
	profile, err := os.MkdirTemp("", "nbexec-chromium-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute+r.Budget)
	defer cancel()
	cmd := exec.CommandContext(ctx, r.Chromium, "--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--no-first-run", "--disable-quic", "--user-data-dir="+profile,
		"--enable-logging=stderr", "--v=0",
		fmt.Sprintf("--virtual-time-budget=%d", r.Budget.Milliseconds()),
		"--dump-dom", "file://"+filepath.ToSlash(abs))
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("chromium: %v\n%s", err, lastLines(stderr.String(), 20))
	}
	if !strings.Contains(stdout.String(), "</html>") {
		return fmt.Errorf("chromium printed no page\n%s", lastLines(stderr.String(), 20))
	}
	c := CheckDOM(stdout.String(), stderr.String())
	res.Charts = &c
	return nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
