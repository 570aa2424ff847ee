package nbtest

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/sparsentk/sparsentk/notebooks/check"
)

func TestParseArgsResetsAndSets(t *testing.T) {
	set := flag.NewFlagSet("nb", flag.ContinueOnError)
	n := set.Int("n", 5, "")
	verbose := set.Bool("verbose", false, "")
	testFlag := set.String("test.run", "", "")
	*testFlag = "keep"

	if err := parseArgs(set, []string{"--n=7", "-verbose"}); err != nil {
		t.Fatalf("parseArgs: %v", err)
	}
	if *n != 7 || !*verbose {
		t.Fatalf("after --n=7 -verbose: n=%d verbose=%v", *n, *verbose)
	}
	// A later cell without arguments starts from the defaults, as a fresh process does.
	if err := parseArgs(set, nil); err != nil {
		t.Fatalf("parseArgs(nil): %v", err)
	}
	if *n != 5 || *verbose {
		t.Fatalf("after no arguments: n=%d verbose=%v, want the defaults 5 false", *n, *verbose)
	}
	if *testFlag != "keep" {
		t.Fatalf("a testing flag was reset: %q", *testFlag)
	}
}

func TestParseArgsErrors(t *testing.T) {
	set := flag.NewFlagSet("nb", flag.ContinueOnError)
	set.Int("n", 5, "")
	if err := parseArgs(set, []string{"--m=1"}); err == nil || !strings.Contains(err.Error(), "-m") {
		t.Errorf("unknown flag: err = %v, want one naming -m", err)
	}
	if err := parseArgs(set, []string{"--n=x"}); err == nil {
		t.Errorf("bad value: err = nil")
	}
	if err := parseArgs(set, []string{"--n=1", "file.txt"}); !errors.Is(err, errPositional) {
		t.Errorf("positional argument: err = %v, want errPositional", err)
	}
}

func TestRunDescribesPanics(t *testing.T) {
	if msg := run(func() {}); msg != "" {
		t.Errorf("clean body: %q", msg)
	}
	msg := run(func() { check.That(false, "got %d", 3) })
	if !strings.HasPrefix(msg, "check failed at ") || !strings.HasSuffix(msg, ": got 3") || !strings.Contains(msg, "nbtest_test.go:") {
		t.Errorf("failed check: %q", msg)
	}
	msg = run(func() { panic("boom") })
	if !strings.HasPrefix(msg, "panic: boom\n") || !strings.Contains(msg, "goroutine") {
		t.Errorf("plain panic: %q", msg)
	}
}

// cellFlag is a notebook flag of the fake notebook below.
var cellFlag = flag.Int("nbtest_cell_n", 5, "flag used by TestFakeNotebook")

// TestFakeNotebook is a notebook export whose second cell fails. It runs only
// inside TestCellStopsAtFirstFailure, which checks its output.
func TestFakeNotebook(t *testing.T) {
	if os.Getenv("NBTEST_FAKE_NOTEBOOK") != "1" {
		t.Skip("run by TestCellStopsAtFirstFailure")
	}
	t.Run("cell1", func(t *testing.T) {
		Cell(t, Spec{Cell: 1, Args: []string{"--nbtest_cell_n=7"}, Env: []string{"NBTEST_K=v1"}}, func() {
			wd, _ := os.Getwd()
			t.Logf("cell 1 ran: n=%d K=%s GONB_DIR=%s wd=%s", *cellFlag, os.Getenv("NBTEST_K"), os.Getenv("GONB_DIR"), wd)
		})
	})
	t.Run("cell2", func(t *testing.T) {
		Cell(t, Spec{Cell: 2}, func() {
			t.Logf("cell 2 ran: n=%d", *cellFlag)
			check.That(*cellFlag == 6, "n = %d, want 6", *cellFlag)
		})
	})
	t.Run("cell3", func(t *testing.T) {
		Cell(t, Spec{Cell: 3}, func() { t.Log("cell 3 ran") })
	})
}

func TestCellStopsAtFirstFailure(t *testing.T) {
	if testing.Short() {
		t.Skip("Cell skips everything under -short")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestFakeNotebook$", "-test.v")
	cmd.Env = append(os.Environ(), "NBTEST_FAKE_NOTEBOOK=1", "NBTEST_ENTER="+dir)
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) {
		t.Fatalf("fake notebook: err = %v, want a non-zero exit\n%s", err, out)
	}
	for _, want := range []string{
		"cell 1 ran: n=7 K=v1 GONB_DIR=" + dir + " wd=" + dir,
		"cell 2 ran: n=5",
		"cell 2: check failed at ",
		"n = 5, want 6",
		"cell 3: skipped because cell 2 failed",
		"--- FAIL: TestFakeNotebook/cell2",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "cell 3 ran") {
		t.Errorf("cell 3 ran after cell 2 failed:\n%s", out)
	}
}

func TestShortSkips(t *testing.T) {
	if !testing.Short() {
		t.Skip("checks -short behaviour")
	}
	ran := false
	t.Run("cell", func(t *testing.T) { Cell(t, Spec{Cell: 1}, func() { ran = true }) })
	if ran {
		t.Fatal("a cell ran under -short")
	}
}

func TestMain(m *testing.M) {
	if dir := os.Getenv("NBTEST_ENTER"); dir != "" {
		Enter(dir)
	}
	os.Exit(m.Run())
}
