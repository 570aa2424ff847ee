package nbexec

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestReportIndex(t *testing.T) {
	dir := t.TempDir()
	report := filepath.Join(dir, "report")
	if err := os.MkdirAll(report, 0o755); err != nil {
		t.Fatal(err)
	}
	r := &Report{
		Started: time.Date(2025, 1, 2, 3, 4, 0, 0, time.UTC),
		Seconds: 12.34,
		Results: []*Result{
			{Name: "00_smoke", Title: "Smoke <test>", HTML: filepath.Join(report, "00_smoke.html"),
				Executed: filepath.Join(dir, "nb", "00_smoke.ipynb"), Seconds: 6.5, Charts: &Charts{Total: 1, Drawn: 1}},
			{Name: "01_bad", Title: "Bad", HTML: filepath.Join(report, "01_bad.html"), Seconds: 3,
				FailedCell: 4, Error: "check failed at main.go:13: λ = 2, want 3", Charts: &Charts{Total: 2, Drawn: 1}},
			{Name: "02_blank", Title: "Blank", Charts: &Charts{Total: 2, Drawn: 1, Errors: []string{"TypeError"}}},
		},
	}
	if got := r.Failed(); got != 2 {
		t.Errorf("Failed() = %d, want 2", got)
	}
	if err := r.Save(report); err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile(filepath.Join(report, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<a href="00_smoke.html">Smoke &lt;test&gt;</a>`,
		`<a href="../nb/00_smoke.ipynb">executed notebook</a>`,
		`<span class="ok">ok</span>`,
		`<span class="bad">cell 4 failed</span><pre>check failed at main.go:13: λ = 2, want 3</pre>`,
		`<span class="bad">1 of 2 charts drawn</span><pre>chart error: TypeError</pre>`,
		`<td class="num">6.5 s</td>`,
		`<td class="num">1 / 1</td>`,
		`on 2025-01-02 03:04 UTC in 12.3 s`,
		`<span class="bad">2 failed</span>`,
	} {
		if !strings.Contains(string(page), want) {
			t.Errorf("index lacks %q:\n%s", want, page)
		}
	}
	var back Report
	data, err := os.ReadFile(filepath.Join(report, "results.json"))
	if err == nil {
		err = json.Unmarshal(data, &back)
	}
	if err != nil || len(back.Results) != 3 || back.Results[1].FailedCell != 4 || back.Results[0].Charts.Drawn != 1 {
		t.Errorf("results.json: %v %+v", err, back)
	}
}

func TestStatus(t *testing.T) {
	for _, tc := range []struct {
		r    Result
		want string
		ok   bool
	}{
		{Result{Charts: &Charts{}}, "ok", true},
		{Result{}, "not checked", false},
		{Result{Error: "x", FailedCell: 3, Charts: &Charts{}}, "cell 3 failed", false},
		{Result{Error: "kernel died"}, "failed", false},
		{Result{Charts: &Charts{Total: 3, Drawn: 2}}, "2 of 3 charts drawn", false},
		{Result{Charts: &Charts{PageErrors: []string{"Uncaught x"}}}, "page error", false},
	} {
		if got := tc.r.Status(); got != tc.want || tc.r.OK() != tc.ok {
			t.Errorf("%+v: Status() = %q OK() = %v, want %q %v", tc.r, got, tc.r.OK(), tc.want, tc.ok)
		}
	}
}

func TestCellStderr(t *testing.T) {
	nb := `{"cells": [{"cell_type": "markdown", "source": "x"},
	{"cell_type": "code", "outputs": [
		{"output_type": "stream", "name": "stdout", "text": "before\n"},
		{"output_type": "stream", "name": "stderr", "text": "check failed at  \u001b[7m[[ Cell [3] Line 3 ]]\u001b[0m main.go:13: one is 1\n"},
		{"output_type": "stream", "name": "stderr", "text": ["exit status 1\n"]},
		{"output_type": "error", "ename": "ERROR", "evalue": "exit status 1", "traceback": []}]}]}`
	path := filepath.Join(t.TempDir(), "x.ipynb")
	if err := os.WriteFile(path, []byte(nb), 0o644); err != nil {
		t.Fatal(err)
	}
	want := "check failed at  [[ Cell [3] Line 3 ]] main.go:13: one is 1\nexit status 1"
	if got := failure(path, 1, "CellExecutionError: ..."); got != want {
		t.Errorf("failure = %q, want %q", got, want)
	}
	if got := failure(path, 0, " CellExecutionError: boom \n"); got != "CellExecutionError: boom" {
		t.Errorf("failure without stderr = %q", got)
	}
	if got := failure(path, -1, "DeadKernelError: gone"); got != "DeadKernelError: gone" {
		t.Errorf("failure before any cell = %q", got)
	}
}
