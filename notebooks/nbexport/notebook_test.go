package nbexport

import (
	"strings"
	"testing"
)

func TestParseMalformedNotebooks(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		cell       int
		want       string
	}{
		{"not JSON", `{"cells": [`, 0, "invalid JSON"},
		{"no nbformat", `{"cells": []}`, 0, "no nbformat"},
		{"old nbformat", `{"nbformat": 3, "cells": []}`, 0, "nbformat 3 is not supported"},
		{"python kernel", `{"nbformat": 4, "metadata": {"kernelspec": {"name": "python3"}}, "cells": []}`, 0, `kernel is "python3"`},
		{"no cells", `{"nbformat": 4}`, 0, "no cells list"},
		{"null cells", `{"nbformat": 4, "cells": null}`, 0, "no cells list"},
		{"cells not a list", `{"nbformat": 4, "cells": {"a": 1}}`, 0, "not a list of cells"},
		{"cell without type", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": ""}, {"source": "x"}]}`, 2, "no cell_type"},
		{"unknown cell type", `{"nbformat": 4, "cells": [{"cell_type": "python", "source": "x"}]}`, 1, `unknown cell_type "python"`},
		{"source missing", `{"nbformat": 4, "cells": [{"cell_type": "code"}]}`, 1, "no source"},
		{"source a number", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}`, 1, "source is a number"},
		{"source list with a number", `{"nbformat": 4, "cells": [{"cell_type": "markdown", "source": ["a", 1]}]}`, 1, "source is a list with a non-string element"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("bad.ipynb", []byte(tc.json))
			wantError(t, err, tc.cell, 0, "bad.ipynb", tc.want)
			if tc.cell > 0 && !strings.HasPrefix(err.Error(), "bad.ipynb: cell ") {
				t.Errorf("error %q does not start with the notebook and cell", err)
			}
		})
	}
}

func TestParseJoinsSourceLines(t *testing.T) {
	nb, err := Parse("ok.ipynb", []byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {},
		"cells": [{"cell_type": "markdown", "source": "# Title\n"},
		          {"cell_type": "code", "source": ["a := 1\n", "b := 2"], "outputs": [], "execution_count": null},
		          {"cell_type": "code", "source": "", "outputs": [], "execution_count": 3},
		          {"cell_type": "code", "source": "", "outputs": [{"output_type": "stream", "name": "stdout", "text": "x"}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(nb.Cells) != 4 || nb.Cells[1].Source != "a := 1\nb := 2" || nb.Cells[1].Number != 2 || nb.Cells[1].Type != "code" {
		t.Fatalf("cells = %+v", nb.Cells)
	}
	for i, want := range []bool{false, false, true, true} {
		if nb.Cells[i].Executed != want {
			t.Errorf("cell %d: Executed = %v, want %v", i+1, nb.Cells[i].Executed, want)
		}
	}
}

func TestTitle(t *testing.T) {
	for _, tc := range []struct {
		cells []string
		want  string
	}{
		{[]string{"#md\nintro\n\n## Sparse NTK  \n# Later"}, "Sparse NTK"},
		{[]string{"# a Go comment, not a heading", "#md\nno heading", "#md\n# Second cell"}, "Second cell"},
		{[]string{"#md\n#\n# Real"}, "Real"},
		{[]string{"x := 1"}, ""},
	} {
		nb, err := Parse("t.ipynb", notebookJSON(t, tc.cells...))
		if err != nil {
			t.Fatal(err)
		}
		if got := nb.Title(); got != tc.want {
			t.Errorf("Title of %q = %q, want %q", tc.cells, got, tc.want)
		}
	}
}

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"% --n=7  -v", []string{"%", "--n=7", "-v"}},
		{`args --text "hello world" ""`, []string{"args", "--text", "hello world", ""}},
		{`env K "a\"b\n"`, []string{"env", "K", "a\"b\n"}},
		{`exec f a\b`, []string{"exec", "f", `a\b`}},
		{"  ", nil},
	} {
		got := splitCommand(tc.in)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") || len(got) != len(tc.want) {
			t.Errorf("splitCommand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestPackageName(t *testing.T) {
	for in, want := range map[string]string{"00_smoke": "nb00smoke", "Kernel-Spectrum.v2": "nbkernelspectrumv2"} {
		if got, err := PackageName(in); err != nil || got != want {
			t.Errorf("PackageName(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"a b", "ünï", "__"} {
		if _, err := PackageName(bad); err == nil {
			t.Errorf("PackageName(%q) succeeded", bad)
		}
	}
}
