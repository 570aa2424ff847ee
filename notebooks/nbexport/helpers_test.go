package nbexport

import (
	"encoding/json"
	"errors"
	"path/filepath"
	"strings"
	"testing"
)

// notebookJSON builds an nbformat 4 notebook; a cell starting with "#md\n" is
// markdown, any other is code.
func notebookJSON(t *testing.T, cells ...string) []byte {
	t.Helper()
	type cell struct {
		CellType string         `json:"cell_type"`
		Metadata map[string]any `json:"metadata"`
		Source   []string       `json:"source"`
		Outputs  []any          `json:"outputs,omitempty"`
	}
	var cs []cell
	for _, c := range cells {
		typ := "code"
		if rest, ok := strings.CutPrefix(c, "#md\n"); ok {
			typ, c = "markdown", rest
		}
		// Jupyter stores the source as lines that keep their newline.
		var lines []string
		for _, l := range strings.SplitAfter(c, "\n") {
			if l != "" {
				lines = append(lines, l)
			}
		}
		cs = append(cs, cell{CellType: typ, Metadata: map[string]any{}, Source: lines})
	}
	data, err := json.Marshal(map[string]any{
		"nbformat": 4, "nbformat_minor": 5, "cells": cs,
		"metadata": map[string]any{"kernelspec": map[string]any{"name": "gonb", "display_name": "Go (gonb)"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// export exports a notebook built from cells, failing the test on error.
func export(t *testing.T, cells ...string) string {
	t.Helper()
	out, err := exportErr(t, cells...)
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	return out
}

// exportErr exports a notebook built from cells, into a file of this package's folder.
func exportErr(t *testing.T, cells ...string) (string, error) {
	t.Helper()
	nb, err := Parse("test.ipynb", notebookJSON(t, cells...))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	abs, err := filepath.Abs("x_nb_test.go")
	if err != nil {
		t.Fatal(err)
	}
	out, err := Export(nb, Options{Package: "nbx", NotebookDir: "..", Filename: abs})
	return string(out), err
}

// wantError checks that err is an *Error at the cell and line given (line 0:
// any) whose text contains every fragment.
func wantError(t *testing.T, err error, cell, line int, fragments ...string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want an *Error", err, err)
	}
	if e.Cell != cell || (line != 0 && e.Line != line) {
		t.Errorf("error at cell %d line %d, want cell %d line %d: %v", e.Cell, e.Line, cell, line, err)
	}
	for _, f := range fragments {
		if !strings.Contains(err.Error(), f) {
			t.Errorf("error %q lacks %q", err, f)
		}
	}
}

// contains checks that s contains every fragment.
func contains(t *testing.T, s string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if !strings.Contains(s, f) {
			t.Errorf("output lacks %q:\n%s", f, s)
		}
	}
}

// lacks checks that s contains none of the fragments.
func lacks(t *testing.T, s string, fragments ...string) {
	t.Helper()
	for _, f := range fragments {
		if strings.Contains(s, f) {
			t.Errorf("output has %q:\n%s", f, s)
		}
	}
}
