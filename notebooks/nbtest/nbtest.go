// Package nbtest runs the cells of a notebook, exported to a go test file by
// nbexport, as Go tests that behave as much as possible like the GoNB kernel.
//
// Generated files call [Enter] from an init function, then [Cell] once per cell
// that runs code, in notebook order. Cell reproduces what GoNB gives a cell's
// program besides its code: the working directory and GONB_DIR (the notebook's
// folder), the variables set by %env, fresh flag values parsed from the cell's
// arguments (`%% --n=7`), and failure: a panic in the cell, in particular a
// failed check from package check, fails the test with its message. Like
// nbconvert, which stops at the first failing cell, Cell skips every cell after
// one that failed.
//
// Cells are skipped under go test -short: they are the notebook's full
// computations, and the project runs -race -short to check the libraries.
package nbtest

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"testing"

	"github.com/sparsentk/sparsentk/notebooks/check"
)

// Spec is what GoNB gives a cell's program besides its code.
type Spec struct {
	// Cell is the position of the cell in the notebook, counting every cell
	// (markdown too) from 1.
	Cell int
	// Args are the program's command-line arguments, from the cell's
	// `%% args`, `%main args`, `%args args` or `%exec fn args`.
	Args []string
	// Env holds KEY=VALUE pairs set by %env lines in this and earlier cells.
	Env []string
}

// state remembers the first failed cell of the test binary.
var state struct {
	sync.Mutex
	failed int // cell number, 0 if none failed
}

// Enter makes the test process look like a GoNB cell of the notebook in dir
// (relative to the test's working directory, the generated file's folder): it
// changes the working directory to dir and sets GONB_DIR to its absolute path.
// It panics if dir cannot be entered, which fails the test binary at start.
func Enter(dir string) {
	abs, err := filepath.Abs(dir)
	if err == nil {
		err = os.Chdir(abs)
	}
	if err == nil {
		err = os.Setenv("GONB_DIR", abs)
	}
	if err != nil {
		panic(fmt.Sprintf("nbtest: cannot enter the notebook's folder %q: %v (regenerate with go generate ./notebooks/...)", dir, err))
	}
}

// Cell runs body, the program of one notebook cell described by spec.
//
// It skips the cell under -short and when an earlier cell failed. Otherwise it
// sets spec.Env, resets every flag that is not a testing flag to its default
// (each GoNB cell is a fresh process) and parses spec.Args into them, then runs
// body. A panic in body fails the test: a check.Failure with its message,
// anything else with the panic value and the stack.
func Cell(t *testing.T, spec Spec, body func()) {
	t.Helper()
	if testing.Short() {
		t.Skipf("cell %d: notebook cells run only without -short", spec.Cell)
	}
	state.Lock()
	failed := state.failed
	state.Unlock()
	if failed != 0 {
		t.Skipf("cell %d: skipped because cell %d failed (the kernel stops at the first failing cell)", spec.Cell, failed)
	}
	t.Cleanup(func() {
		if t.Failed() {
			state.Lock()
			if state.failed == 0 {
				state.failed = spec.Cell
			}
			state.Unlock()
		}
	})
	for _, kv := range spec.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			t.Fatalf("cell %d: environment entry %q is not KEY=VALUE (regenerate with go generate ./notebooks/...)", spec.Cell, kv)
		}
		if err := os.Setenv(k, v); err != nil {
			t.Fatalf("cell %d: %%env %s: %v", spec.Cell, kv, err)
		}
	}
	if err := parseArgs(flag.CommandLine, spec.Args); err != nil {
		t.Fatalf("cell %d: arguments %q: %v", spec.Cell, spec.Args, err)
	}
	if msg := run(body); msg != "" {
		t.Fatalf("cell %d: %s", spec.Cell, msg)
	}
}

// run calls body and returns "" if it returned normally, or a description of
// its panic.
func run(body func()) (msg string) {
	defer func() {
		v := recover()
		if v == nil {
			return
		}
		var f check.Failure
		if err, ok := v.(error); ok && errors.As(err, &f) {
			msg = f.Error()
			return
		}
		msg = fmt.Sprintf("panic: %v\n%s", v, debug.Stack())
	}()
	body()
	return ""
}

// errPositional reports positional arguments, which a test cannot give the
// cell: flag.Args() belongs to the test binary.
var errPositional = errors.New("positional arguments are not supported in exported notebooks; use flags")

// parseArgs resets the non-testing flags of set to their defaults and parses
// args into them, without exiting on error.
func parseArgs(set *flag.FlagSet, args []string) error {
	cell := flag.NewFlagSet("cell", flag.ContinueOnError)
	cell.SetOutput(io.Discard)
	var err error
	set.VisitAll(func(f *flag.Flag) {
		if strings.HasPrefix(f.Name, "test.") {
			return
		}
		if f.Value.String() != f.DefValue {
			if e := f.Value.Set(f.DefValue); e != nil && err == nil {
				err = fmt.Errorf("cannot reset flag -%s to its default %q: %w", f.Name, f.DefValue, e)
			}
		}
		cell.Var(f.Value, f.Name, f.Usage)
	})
	if err != nil {
		return err
	}
	if err := cell.Parse(args); err != nil {
		return err
	}
	if cell.NArg() > 0 {
		return fmt.Errorf("%w (got %q)", errPositional, cell.Args())
	}
	return nil
}
