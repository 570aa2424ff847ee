package check

import (
	"errors"
	"strings"
	"testing"

	"github.com/janpfeifer/gonb/gonbui"
)

// recovered runs f and returns the value it panicked with (nil if none).
func recovered(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

func TestThatPassesSilently(t *testing.T) {
	if v := recovered(func() { That(1+1 == 2, "arithmetic") }); v != nil {
		t.Fatalf("That(true) panicked with %v", v)
	}
	if v := recovered(func() { NoError(nil) }); v != nil {
		t.Fatalf("NoError(nil) panicked with %v", v)
	}
}

func TestThatPanicsWithFailureOutsideNotebook(t *testing.T) {
	v := recovered(func() { That(false, "got %d, want %d", 3, 4) })
	f, ok := v.(Failure)
	if !ok {
		t.Fatalf("That(false) panicked with %T %v, want a Failure", v, v)
	}
	if f.Message != "got 3, want 4" {
		t.Errorf("Message = %q, want %q", f.Message, "got 3, want 4")
	}
	// The location is this test's line, not check.go.
	if !strings.Contains(f.Where, "check_test.go:") {
		t.Errorf("Where = %q, want the caller's file check_test.go", f.Where)
	}
	if want := "check failed at " + f.Where + ": got 3, want 4"; f.Error() != want {
		t.Errorf("Error() = %q, want %q", f.Error(), want)
	}
}

func TestNoErrorPanicsWithTheErrorText(t *testing.T) {
	v := recovered(func() { NoError(errors.New("data: file missing")) })
	f, ok := v.(Failure)
	if !ok || f.Message != "data: file missing" || !strings.Contains(f.Where, "check_test.go:") {
		t.Fatalf("NoError(err) panicked with %#v, want Failure{Message: \"data: file missing\", Where: check_test.go:...}", v)
	}
}

func TestInNotebookExitsWithStatusOne(t *testing.T) {
	saved, savedExit, savedFlush := gonbui.IsNotebook, exit, flush
	defer func() { gonbui.IsNotebook, exit, flush = saved, savedExit, savedFlush }()
	gonbui.IsNotebook = true
	code, flushed := -1, false
	exit = func(c int) { code = c }
	flush = func() { flushed = true }
	if v := recovered(func() { That(false, "boom") }); v != nil {
		t.Fatalf("in a notebook That(false) panicked with %v, want an exit", v)
	}
	if code != 1 || !flushed {
		t.Fatalf("exit code = %d, flushed = %v; want 1, true", code, flushed)
	}
}
