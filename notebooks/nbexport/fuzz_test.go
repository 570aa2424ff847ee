package nbexport

import (
	"errors"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
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
	cases := []struct {
		name, want string
		call       func() error
	}{
		{"Parse nil", "invalid JSON", func() error { return e1(Parse("a.ipynb", nil)) }},
		{"Parse empty object", "no nbformat", func() error { return e1(Parse("a.ipynb", []byte("{}"))) }},
		{"Parse nbformat 3", "nbformat 3", func() error { return e1(Parse("a.ipynb", []byte(`{"nbformat": 3, "cells": []}`))) }},
		{"Parse null cells", "no cells", func() error { return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": null}`))) }},
		{"Parse cells not a list", "cells is not a list", func() error { return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": 5}`))) }},
		{"Parse bad cell type", "cell_type", func() error {
			return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": [{"cell_type": "sql", "source": ""}]}`)))
		}},
		{"Parse numeric source", "source is a number", func() error {
			return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}`)))
		}},
		{"Parse other kernel", "gonb", func() error {
			return e1(Parse("a.ipynb", []byte(`{"nbformat": 4, "cells": [], "metadata": {"kernelspec": {"name": "python3"}}}`)))
		}},
		{"Export nil notebook", "nil", func() error { return e1(Export(nil, Options{Package: "nbx"})) }},
		{"Export bad package", "package name", func() error { return e1(Export(nb, Options{Package: "1x"})) }},
		{"Export empty package", "package name", func() error { return e1(Export(nb, Options{})) }},
		{"PackageName empty", "no letter or digit", func() error { return e1(PackageName("")) }},
		{"PackageName space", "use only ASCII", func() error { return e1(PackageName("my notebook")) }},
		{"Generate missing dir", "not a readable directory", func() error { return e1(Generate(filepath.Join(dir, "missing"), dir)) }},
		{"Check missing file", "is missing", func() error { return Check([]File{{Path: filepath.Join(dir, "a", "a_nb_test.go")}}, dir) }},
		{"Write into a file", "not a directory", func() error {
			if _, _, err := Write([]File{{Path: filepath.Join(dir, "f"), Content: []byte("x")}}, dir); err != nil {
				return err
			}
			_, _, err := Write([]File{{Path: filepath.Join(dir, "f", "g"), Content: []byte("y")}}, dir)
			return err
		}},
	}
	for _, c := range cases {
		var err error
		var panicked any
		func() {
			defer func() { panicked = recover() }()
			err = c.call()
		}()
		switch {
		case panicked != nil:
			t.Errorf("%s: panic: %v", c.name, panicked)
		case err == nil || !strings.Contains(err.Error(), c.want):
			t.Errorf("%s: error %v, want one mentioning %q", c.name, err, c.want)
		}
	}
	t.Logf("%d bad-input cases", len(cases))
}
