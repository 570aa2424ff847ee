package badinput

import (
	"errors"
	"fmt"
	"testing"
)

// recorder is a testing.TB that keeps the failures it is told of.
type recorder struct {
	testing.TB
	failures []string
}

func (r *recorder) Helper() {}

func (r *recorder) Errorf(format string, args ...any) {
	r.failures = append(r.failures, fmt.Sprintf(format, args...))
}

// TestCheckFindsEveryFault shows that Check fails on each kind of fault and
// passes a good case.
func TestCheckFindsEveryFault(t *testing.T) {
	fix := []string{"pass"}
	for _, c := range []struct {
		c    Case
		want int // failures reported
	}{
		{Case{"good", []string{"size"}, func() error { return errors.New("size = -1; pass size ≥ 0") }}, 0},
		{Case{"panics", []string{"size"}, func() error { panic("boom") }}, 1},
		{Case{"nil panic", []string{"size"}, func() error { var p *int; _ = *p; return nil }}, 1},
		{Case{"no error", []string{"size"}, func() error { return nil }}, 1},
		{Case{"unnamed", []string{"size"}, func() error { return errors.New("bad; pass something else") }}, 1},
		{Case{"no fix", []string{"size"}, func() error { return errors.New("size = -1") }}, 1},
	} {
		r := &recorder{TB: t}
		Check(r, []Case{c.c}, fix)
		if len(r.failures) != c.want {
			t.Errorf("%s: Check reported %q, want %d failures", c.c.Name, r.failures, c.want)
		}
	}
	r := &recorder{TB: t}
	Check(r, []Case{{"no fix words", []string{"size"}, func() error { return errors.New("size = -1") }}}, nil)
	if len(r.failures) != 0 {
		t.Errorf("without fix words: %q", r.failures)
	}
}
