package nbexport

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// writeNotebook writes a notebook built from cells to dir/name.ipynb.
func writeNotebook(t *testing.T, dir, name string, cells ...string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name+".ipynb"), notebookJSON(t, cells...), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestGenerateWriteCheck(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "exported")
	writeNotebook(t, dir, "01_a", "func f() {}\n%%\nf()")
	writeNotebook(t, dir, "02-b", "func f() {}\n%%\nf()") // same helper name, own package

	files, err := Generate(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].Path != filepath.Join(out, "01_a", "01_a_nb_test.go") || files[1].Path != filepath.Join(out, "02-b", "02-b_nb_test.go") {
		t.Fatalf("files = %+v", files)
	}
	if !strings.Contains(string(files[1].Content), "package nb02b\n") || !strings.Contains(string(files[0].Content), `nbtest.Enter("../..")`) {
		t.Errorf("package or folder wrong:\n%s", files[1].Content)
	}
	if err := Check(files, out); err == nil || !strings.Contains(err.Error(), "01_a_nb_test.go is missing") || !strings.Contains(err.Error(), "go generate ./notebooks/...") {
		t.Errorf("Check before Write: %v", err)
	}
	written, removed, err := Write(files, out)
	if err != nil || len(written) != 2 || len(removed) != 0 {
		t.Fatalf("Write: %v %v %v", written, removed, err)
	}
	if err := Check(files, out); err != nil {
		t.Fatalf("Check after Write: %v", err)
	}
	// Writing again changes nothing.
	if written, _, _ := Write(files, out); len(written) != 0 {
		t.Errorf("second Write rewrote %v", written)
	}

	// A changed notebook makes its export stale.
	writeNotebook(t, dir, "01_a", "func f() {}\n%%\nf()\nf()")
	changed, err := Generate(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(changed, out); err == nil || !strings.Contains(err.Error(), "01_a_nb_test.go is stale") {
		t.Errorf("Check after a change: %v", err)
	}

	// A removed notebook leaves an orphan, which Check reports and Write removes.
	if err := os.Remove(filepath.Join(dir, "02-b.ipynb")); err != nil {
		t.Fatal(err)
	}
	fewer, err := Generate(dir, out)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(fewer, out); err == nil || !strings.Contains(err.Error(), "02-b_nb_test.go has no notebook any more") {
		t.Errorf("Check after a removal: %v", err)
	}
	if _, removed, err := Write(fewer, out); err != nil || len(removed) != 1 {
		t.Errorf("Write after a removal removed %v, %v", removed, err)
	}
	if _, err := os.Stat(filepath.Join(out, "02-b")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the orphan's folder is still there: %v", err)
	}
}

func TestGenerateNamesTheBadNotebook(t *testing.T) {
	dir := t.TempDir()
	writeNotebook(t, dir, "01_ok", "func f() {}")
	writeNotebook(t, dir, "02_bad", "#md\n# x", "func f( {}")
	_, err := Generate(dir, filepath.Join(dir, "out"))
	wantError(t, err, 2, 1, filepath.Join(dir, "02_bad.ipynb")+": cell 2, line 1")

	writeNotebook(t, dir, "03 bad name", "func f() {}")
	os.Remove(filepath.Join(dir, "02_bad.ipynb"))
	_, err = Generate(dir, filepath.Join(dir, "out"))
	if err == nil || !strings.Contains(err.Error(), `notebook name "03 bad name"`) {
		t.Errorf("bad name: %v", err)
	}
}

// TestExportedCheckFailsGoTest runs go test on an export whose third cell
// fails a check: the cell's test must fail with the check's message, the
// cells before pass, and the cell after is skipped.
func TestExportedCheckFailsGoTest(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a test binary")
	}
	nbDir := t.TempDir()
	writeNotebook(t, nbDir, "e2e",
		"#md\n# End to end",
		"import \"github.com/sparsentk/sparsentk/notebooks/check\"\n\nvar k = flag.Int(\"k\", 1, \"\")\n\nfunc double(x int) int { return 2 * x }",
		"%% --k=2\ncheck.That(double(*k) == 4, \"double(%d) = %d\", *k, double(*k))\nos.WriteFile(\"ran2\", nil, 0o644)",
		"%%\ncheck.That(double(*k) == 4, \"double(%d) = %d, want 4\", *k, double(*k))",
		"%%\nos.WriteFile(\"ran5\", nil, 0o644)",
	)
	// The package must be inside the module: testdata is skipped by ./... patterns.
	if err := os.MkdirAll("testdata", 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := os.MkdirTemp("testdata", "e2e-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		os.RemoveAll(out)
		os.Remove("testdata") // only if empty
	})
	files, err := Generate(nbDir, out)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := Write(files, out); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "test", "-count=1", "-v", "./"+filepath.ToSlash(filepath.Dir(files[0].Path)))
	got, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("go test: err = %v, want a failure\n%s", err, got)
	}
	for _, want := range []string{
		"--- PASS: TestCell03",
		"--- FAIL: TestCell04",
		"cell 4: check failed at ",
		"double(1) = 2, want 4", // cell 4 starts from the flag's default, like a fresh process
		"--- SKIP: TestCell05",
		"skipped because cell 4 failed",
	} {
		if !strings.Contains(string(got), want) {
			t.Errorf("go test output lacks %q:\n%s", want, got)
		}
	}
	// The cells ran in the notebook's folder.
	if _, err := os.Stat(filepath.Join(nbDir, "ran2")); err != nil {
		t.Errorf("cell 3 did not run in the notebook's folder: %v", err)
	}
	if _, err := os.Stat(filepath.Join(nbDir, "ran5")); err == nil {
		t.Errorf("cell 5 ran after cell 4 failed")
	}
}
