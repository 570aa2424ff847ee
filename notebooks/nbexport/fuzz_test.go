package nbexport

import (
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sparsentk/sparsentk/internal/badinput"
)

// FuzzExport feeds arbitrary notebook JSON to Parse and Export: each must
// return an error, or a Go file that parses; neither may panic. Its seed
// corpus is committed under testdata/fuzz/FuzzExport.
func FuzzExport(f *testing.F) {
	abs, err := filepath.Abs("x_nb_test.go")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := Parse("fuzz.ipynb", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse error %v is not an *Error", err)
			}
			return
		}
		out, err := Export(nb, Options{Package: "nbx", NotebookDir: "..", Filename: abs})
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.ipynb") {
				t.Fatalf("Export error %q does not name the notebook", err)
			}
			return
		}
		if _, err := parser.ParseFile(token.NewFileSet(), abs, out, parser.AllErrors); err != nil {
			t.Fatalf("Export returned Go that does not parse: %v\n%s", err, out)
		}
	})
}

// TestExportRefusesBadInput checks the exported functions with bad input
// under recover: each returns an error naming what is wrong, none panics.
func TestExportRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	nb := &Notebook{Path: "x.ipynb", Cells: []Cell{{Number: 1, Type: "code", Source: "x := 1\n"}}}
	e1 := func(_ any, err error) error { return err }
	cases := []badinput.Case{
		{"Parse nil", []string{"invalid JSON"}, func() error { return e1(Parse("a.ipynb", nil)) }},
		{"Parse empty object", []string{"no nbformat"}, func() error { return e1(Parse("a.ipynb", []byte("{}"))) }},
		{"Parse nbformat 3", []string{"nbformat 3"}, func() error { return e1(Parse("a.ipynb", []byte(`{"nbformat": 3, "cells": []}`))) }},
		{"Parse null cells", []string{"no cells"}, func() error { return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": null}`))) }},
		{"Parse cells not a list", []string{"cells is not a list"}, func() error { return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": 5}`))) }},
		{"Parse bad cell type", []string{"cell_type"}, func() error {
			return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": [{"cell_type": "sql", "source": ""}]}`)))
		}},
		{"Parse numeric source", []string{"source is a number"}, func() error {
			return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}`)))
		}},
		{"Parse other kernel", []string{"gonb"}, func() error {
			return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": [], "metadata": {"kernelspec": {"name": "python3"}}}`)))
		}},
		{"Export nil notebook", []string{"nil"}, func() error { return e1(Export(nil, Options{Package: "nbx"})) }},
		{"Export bad package", []string{"package name"}, func() error { return e1(Export(nb, Options{Package: "1x"})) }},
		{"Export empty package", []string{"package name"}, func() error { return e1(Export(nb, Options{})) }},
		{"PackageName empty", []string{"no letter or digit"}, func() error { return e1(PackageName("")) }},
		{"PackageName space", []string{"use only ASCII"}, func() error { return e1(PackageName("my notebook")) }},
		{"Generate missing dir", []string{"not a readable directory"}, func() error { return e1(Generate(filepath.Join(dir, "missing"), dir)) }},
		{"Check missing file", []string{"is missing"}, func() error { return Check([]File{{Path: filepath.Join(dir, "a", "a_nb_test.go")}}, dir) }},
		{"Write into a file", []string{"not a directory"}, func() error {
			if _, _, err := Write([]File{{Path: filepath.Join(dir, "f"), Content: []byte("x")}}, dir); err != nil {
				return err
			}
			_, _, err := Write([]File{{Path: filepath.Join(dir, "f", "g"), Content: []byte("y")}}, dir)
			return err
		}},
	}
	badinput.Check(t, cases, nil)
	t.Logf("%d bad-input cases", len(cases))
}
