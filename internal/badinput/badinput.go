// Package badinput checks the library's promise about bad input: every
// exported function refuses it with an error that names the offending
// argument and says what would fix it, and never panics. The packages' tests
// list their cases; Check runs them.
package badinput

import (
	"strings"
	"testing"
)

// Case is one call that must fail. It is an alias of an unnamed struct type,
// so that the tests may list cases as unkeyed literals {name, args, call}.
type Case = struct {
	Name string
	// Args lists phrases of which the error must contain one: the
	// argument's name as the error prints it, or the fault it reports.
	Args []string
	Call func() error
}

// Check runs every case under recover and reports, through t, calls that
// panic, return no error, or return an error that contains none of the
// case's Args or, when fixWords is not empty, none of fixWords (phrases that
// say what the argument must be or what to do).
func Check(t testing.TB, cases []Case, fixWords []string) {
	t.Helper()
	for _, c := range cases {
		err, panicked := call(c.Call)
		switch {
		case panicked != nil:
			t.Errorf("%s: panic: %v", c.Name, panicked)
			continue
		case err == nil:
			t.Errorf("%s: no error", c.Name)
			continue
		}
		msg := err.Error()
		if !containsAny(msg, c.Args) {
			t.Errorf("%s: error %q names none of %q", c.Name, msg, c.Args)
		}
		if len(fixWords) > 0 && !containsAny(msg, fixWords) {
			t.Errorf("%s: error %q does not say what would fix it", c.Name, msg)
		}
	}
}

// call returns fn's error, or the value it panicked with.
func call(fn func() error) (err error, panicked any) {
	defer func() { panicked = recover() }()
	return fn(), nil
}

func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}
