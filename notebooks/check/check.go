// Package check states what a notebook verifies, so that a false statement fails
// the notebook in both places it runs.
//
// In the GoNB kernel (gonbui.IsNotebook is true) a failed check flushes the
// cell's displays, prints "check failed at FILE:LINE: message" on stderr and
// exits the cell's program with status 1: the cell fails, and nbconvert (so the
// project's test command) stops with an error. GoNB maps FILE:LINE to the cell
// and line of the check.
//
// Everywhere else, in particular in the go test files exported from the
// notebooks, a failed check panics with a [Failure]; the exported test's wrapper
// (package nbtest) recovers it and fails the test with the same message.
package check

import (
	"fmt"
	"os"
	"runtime"

	"github.com/janpfeifer/gonb/gonbui"
)

// Failure is the panic value of a failed check outside a notebook.
type Failure struct {
	// Message says what was expected and what was found.
	Message string
	// Where is the FILE:LINE of the failed check.
	Where string
}

// Error returns "check failed at FILE:LINE: message".
func (f Failure) Error() string {
	return "check failed at " + f.Where + ": " + f.Message
}

// That fails the cell when ok is false. The message, formatted with
// fmt.Sprintf(format, args...), should say what was expected and what was
// found, e.g.
//
//	check.That(math.Abs(got-want) <= 1e-12, "λ_min = %g, want %g", got, want)
func That(ok bool, format string, args ...any) {
	if !ok {
		fail(fmt.Sprintf(format, args...))
	}
}

// NoError fails the cell when err is not nil; the message is err's text.
func NoError(err error) {
	if err != nil {
		fail(err.Error())
	}
}

// exit ends the process and flush waits for pending displays, in a notebook;
// tests replace them.
var (
	exit  = os.Exit
	flush = gonbui.Sync
)

// fail reports a failed check made two frames up (the caller of That or NoError).
func fail(msg string) {
	where := "unknown location"
	if _, file, line, ok := runtime.Caller(2); ok {
		where = fmt.Sprintf("%s:%d", file, line)
	}
	f := Failure{Message: msg, Where: where}
	if gonbui.IsNotebook {
		flush() // let displays written before the check reach the notebook
		fmt.Fprintln(os.Stderr, f.Error())
		exit(1)
		return
	}
	panic(f)
}
