package nbexport

import (
	"bytes"
	"errors"
	"fmt"
	"go/token"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/tools/imports"
)

// NBTestPath is the import path of the package the generated tests call.
const NBTestPath = "github.com/sparsentk/sparsentk/notebooks/nbtest"

// Options says how to name and place an exported notebook.
type Options struct {
	// Package is the Go package name of the generated file.
	Package string
	// NotebookDir is the notebook's folder relative to the generated file's
	// folder, slash-separated; the tests run there, as GoNB cells do.
	NotebookDir string
	// Filename is the generated file's path. goimports resolves the
	// packages a cell uses without importing them from its module.
	Filename string
}

// run is a cell whose program ran, with the declarations it could reach.
type run struct {
	cell  int
	reach map[*decl]bool
}

// section is the generated code of one cell.
type section struct {
	cell  Cell
	notes []command
	test  string // TestCellNN function, "" if the cell runs no main
}

// exporter holds the state GoNB keeps between cells.
type exporter struct {
	nb       *Notebook
	last     map[string]*decl // name -> latest declaration (survives %reset)
	live     map[string]*decl // name -> declaration the next cell sees
	decls    []*decl
	runs     []run
	env      []string
	sections []*section
	width    int // digits of cell numbers in test names
}

// Export turns a notebook into the text of a go test file that runs its code
// cells in order, one test per cell that runs code. See the package
// documentation for the rules and the differences from the kernel.
func Export(nb *Notebook, opt Options) ([]byte, error) {
	if nb == nil {
		return nil, errors.New("nbexport: the notebook is nil; pass the result of Parse")
	}
	if !token.IsIdentifier(opt.Package) {
		return nil, fmt.Errorf("nbexport: package name %q is not a Go identifier", opt.Package)
	}
	e := &exporter{nb: nb, last: map[string]*decl{}, live: map[string]*decl{}, width: 2}
	if w := len(strconv.Itoa(len(nb.Cells))); w > e.width {
		e.width = w
	}
	for _, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		if err := e.cell(c); err != nil {
			var le *lineError
			if errors.As(err, &le) {
				return nil, &Error{Notebook: nb.Path, Cell: c.Number, Line: le.line, Err: le.err}
			}
			return nil, &Error{Notebook: nb.Path, Cell: c.Number, Err: err}
		}
	}
	for _, s := range e.sections {
		if s.test == "" {
			continue
		}
		name := e.testName(s.cell.Number)
		if d := e.last[name]; d != nil {
			return nil, &Error{Notebook: nb.Path, Cell: d.cell, Err: fmt.Errorf("%s is the name of the generated test of cell %d; rename it", name, s.cell.Number)}
		}
	}
	src := e.render(opt)
	out, err := imports.Process(opt.Filename, src, &imports.Options{Comments: true, TabIndent: true, TabWidth: 8})
	if err != nil {
		return nil, &Error{Notebook: nb.Path, Err: fmt.Errorf("generated Go does not format (an exporter bug): %v\n%s", err, src)}
	}
	return out, nil
}

func (e *exporter) testName(cell int) string {
	return fmt.Sprintf("TestCell%0*d", e.width, cell)
}

// cell processes one code cell: commands, then declarations, then its program.
func (e *exporter) cell(c Cell) error {
	cc, err := splitCell(c)
	if err != nil {
		return err
	}
	sec := &section{cell: c, notes: cc.notes}
	e.sections = append(e.sections, sec)
	if cc.kind == shellCell {
		return nil
	}
	for _, r := range cc.resets {
		if r.all {
			e.live = map[string]*decl{}
		}
		for _, n := range r.names {
			delete(e.live, n)
		}
	}
	e.env = append(e.env, cc.env...)
	decls, mainText, hasMain, err := parseDecls(cc.declSrc, c.Number)
	if err != nil {
		return err
	}
	for _, d := range decls {
		d.cell = c.Number
		d.seq = len(e.decls)
		if err := e.declare(d); err != nil {
			return err
		}
		e.decls = append(e.decls, d)
	}

	var roots []string
	switch {
	case hasMain && cc.kind != declsOnly:
		return errors.New("the cell both declares func main and uses %%, %exec or %test")
	case hasMain:
		refs, err := parseBody(strings.Split(mainText, "\n"), 1)
		if err != nil {
			return fmt.Errorf("func main: %v", err)
		}
		roots = refs
		sec.test = e.mainTest(c, cc.args, "func() {"+mainText+"}")
	case cc.kind == mainBody:
		refs, err := parseBody(cc.body, cc.bodyLine)
		if err != nil {
			return err
		}
		roots = refs
		sec.test = e.mainTest(c, cc.args, "func() {\n"+strings.Join(cc.body, "\n")+"\n}")
	case cc.kind == execFunc:
		if d := e.live[cc.execFn]; d == nil || d.tok != token.FUNC || d.recv != "" {
			return fmt.Errorf("%%exec %s: no function %s is declared", cc.execFn, cc.execFn)
		}
		roots = []string{cc.execFn}
		sec.test = e.mainTest(c, cc.args, cc.execFn)
	case cc.kind == testCell:
		for _, d := range decls {
			if d.isTest {
				roots = append(roots, d.keys[0])
			}
		}
		if len(roots) == 0 { // %test alone runs every test
			for k, d := range e.live {
				if d.isTest {
					roots = append(roots, k)
				}
			}
		}
	}
	if !cc.hasGo && cc.kind == declsOnly {
		return nil // GoNB runs no program for a cell of commands only
	}
	for k, d := range e.live {
		if d.isInit {
			roots = append(roots, k) // init functions run in every cell's program
		}
	}
	if len(roots) > 0 {
		e.runs = append(e.runs, run{cell: c.Number, reach: e.reach(roots)})
	}
	return nil
}

// declare remembers d, replacing earlier declarations of its names. It fails
// when a replaced declaration differs and a cell that ran since could reach
// it: one Go file cannot hold both.
func (e *exporter) declare(d *decl) error {
	for _, k := range d.keys {
		old := e.last[k]
		if old == nil || old == d || old.replaced {
			continue
		}
		if missing := without(old.keys, d.keys); len(missing) > 0 {
			return fmt.Errorf("declares %s, which cell %d declared together with %s; declare all of them again, or declare the other names separately", k, old.cell, strings.Join(missing, ", "))
		}
		if old.text != d.text || old.imp != d.imp || old.tok != d.tok {
			for _, r := range e.runs {
				if r.cell >= old.cell && r.reach[old] {
					return fmt.Errorf("redeclares %s of cell %d, but cell %d ran with the old declaration; an exported notebook holds one declaration per name, so give the new one another name", describeKey(k), old.cell, r.cell)
				}
			}
		}
		old.replaced = true
	}
	for _, k := range d.keys {
		e.last[k] = d
		e.live[k] = d
	}
	return nil
}

// describeKey writes a remembered name for messages: Type~Method as Type.Method.
func describeKey(k string) string {
	if t, m, ok := strings.Cut(k, "~"); ok && t != "_" && t != "." {
		return t + "." + m
	}
	return k
}

// without returns the elements of a that are not in b.
func without(a, b []string) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			found = found || x == y
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

// reach returns the live declarations reachable from the names in roots,
// following every identifier a declaration mentions, and from a type to all
// its methods (interfaces may call them). It over-approximates what a program
// uses, never under-approximates.
func (e *exporter) reach(roots []string) map[*decl]bool {
	methods := map[string][]*decl{}
	for _, d := range e.live {
		if d.recv != "" {
			methods[d.recv] = append(methods[d.recv], d)
		}
	}
	seen := map[*decl]bool{}
	stack := append([]string(nil), roots...)
	visit := func(d *decl) {
		if d != nil && !seen[d] {
			seen[d] = true
			stack = append(stack, d.refs...)
			if d.tok == token.TYPE {
				for _, k := range d.keys {
					for _, m := range methods[k] {
						if !seen[m] {
							seen[m] = true
							stack = append(stack, m.refs...)
						}
					}
				}
			}
		}
	}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		visit(e.live[n])
	}
	return seen
}

// mainTest renders the test that runs a cell's program: fn is a function
// literal (the body) or the name of the function %exec runs.
func (e *exporter) mainTest(c Cell, args []string, fn string) string {
	var b strings.Builder
	name := e.testName(c.Number)
	fmt.Fprintf(&b, "// %s runs cell %d.\nfunc %s(t *testing.T) {\n", name, c.Number, name)
	fmt.Fprintf(&b, "nbtest.Cell(t, nbtest.Spec{Cell: %d", c.Number)
	if len(args) > 0 {
		fmt.Fprintf(&b, ", Args: %s", stringSlice(args))
	}
	if len(e.env) > 0 {
		fmt.Fprintf(&b, ", Env: %s", stringSlice(e.env))
	}
	fmt.Fprintf(&b, "}, %s)\n}\n", fn)
	return b.String()
}

func stringSlice(s []string) string {
	q := make([]string, len(s))
	for i, x := range s {
		q[i] = strconv.Quote(x)
	}
	return "[]string{" + strings.Join(q, ", ") + "}"
}

// firstLine returns a cell's first non-blank line, shortened, for comments.
func firstLine(src string) string {
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if r := []rune(l); len(r) > 72 {
				l = string(r[:71]) + "…"
			}
			return l
		}
	}
	return ""
}

// render writes the file: header, imports, the init entering the notebook's
// folder, then cell by cell the declarations in their final form (at the cell
// that declared them last) and the cell's test.
func (e *exporter) render(opt Options) []byte {
	var b bytes.Buffer
	base := e.nb.Path
	if i := strings.LastIndexAny(base, `/\`); i >= 0 {
		base = base[i+1:]
	}
	fmt.Fprintf(&b, "// Code generated by nbexport from %s; DO NOT EDIT.\n", base)
	fmt.Fprintf(&b, "// Regenerate with: go generate ./notebooks/...\n\n")
	fmt.Fprintf(&b, "// Package %s runs the notebook %s as Go tests (see package nbexport).\n", opt.Package, base)
	fmt.Fprintf(&b, "package %s\n\n", opt.Package)

	imps := map[string]bool{strconv.Quote("testing"): true, strconv.Quote(NBTestPath): true}
	byCell := map[int][]*decl{}
	for _, d := range e.decls {
		if d.replaced {
			continue
		}
		if d.tok == token.IMPORT {
			imps[d.imp] = true
			continue
		}
		byCell[d.cell] = append(byCell[d.cell], d)
	}
	var impList []string
	for s := range imps {
		impList = append(impList, s)
	}
	sort.Strings(impList)
	b.WriteString("import (\n")
	for _, s := range impList {
		b.WriteString(s + "\n")
	}
	b.WriteString(")\n\n")
	fmt.Fprintf(&b, "func init() { nbtest.Enter(%q) }\n", opt.NotebookDir)

	for _, s := range e.sections {
		ds := byCell[s.cell.Number]
		if len(ds) == 0 && s.test == "" && len(s.notes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n// Cell %d: %s\n", s.cell.Number, firstLine(s.cell.Source))
		for _, n := range s.notes {
			fmt.Fprintf(&b, "//\n// not run by go test: %s\n", strings.ReplaceAll(n.text, "\n", " "))
		}
		for _, d := range ds {
			b.WriteString("\n" + d.text + "\n")
		}
		if s.test != "" {
			b.WriteString("\n" + s.test)
		}
	}
	return b.Bytes()
}
