package nbexport

import (
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// decl is one remembered declaration: GoNB keeps functions (methods keyed
// Type~Method), variables, constants, types and imports by name, and a later
// cell that declares a name replaces the earlier declaration.
type decl struct {
	keys     []string    // the names it declares (a const group or var list has several)
	tok      token.Token // token.FUNC, token.VAR, token.CONST, token.TYPE or token.IMPORT
	recv     string      // receiver's type name, for methods
	text     string      // Go source, doc comment included
	cell     int         // cell that declared it
	seq      int         // order of declaration in the notebook
	refs     []string    // identifiers it mentions (a superset of what it uses)
	isInit   bool        // func init or init_xxx: GoNB renders it as init
	isTest   bool        // func TestXxx(t *testing.T)-like
	replaced bool        // a later cell declared one of its names
	imp      string      // import: the spec text (alias and quoted path)
}

// importKeyRE extracts the default name of an import path: its last element,
// or the one before a major-version suffix.
var importKeyRE = regexp.MustCompile(`([^/]+?)(/v[0-9]+)?$`)

// parseDecls parses a cell's declaration text (declPrefix + lines) into decls.
// Errors are *lineError with the cell line.
func parseDecls(src string, cell int) (decls []*decl, mainBody string, hasMain bool, err error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", src, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, "", false, syntaxError(err, 1)
	}
	text := func(from, to token.Pos) string {
		return src[fset.Position(from).Offset:fset.Position(to).Offset]
	}
	line := func(p token.Pos) int { return fset.Position(p).Line - 1 }
	withDoc := func(doc *ast.CommentGroup, from, to token.Pos) string {
		if doc != nil {
			from = doc.Pos()
		}
		return text(from, to)
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			name := d.Name.Name
			if name == "main" && d.Recv == nil {
				if d.Body == nil {
					return nil, "", false, &lineError{line: line(d.Pos()), err: errors.New("func main has no body")}
				}
				mainBody = text(d.Body.Lbrace+1, d.Body.Rbrace)
				hasMain = true
				continue
			}
			dd := &decl{keys: []string{name}, tok: token.FUNC, refs: identsOf(d)}
			if d.Recv != nil && len(d.Recv.List) > 0 {
				dd.recv = receiverType(d.Recv.List[0].Type)
				dd.keys = []string{dd.recv + "~" + name}
			}
			dd.text = withDoc(d.Doc, d.Pos(), d.End())
			if d.Recv == nil && (name == "init" || strings.HasPrefix(name, "init_")) {
				dd.isInit = true
				if name != "init" {
					// GoNB renders init_xxx as init.
					from := d.Pos()
					if d.Doc != nil {
						from = d.Doc.Pos()
					}
					start := fset.Position(d.Name.Pos()).Offset - fset.Position(from).Offset
					dd.text = dd.text[:start] + "init" + dd.text[start+len(name):]
				}
			}
			dd.isTest = d.Recv == nil && isTestName(name)
			decls = append(decls, dd)
		case *ast.GenDecl:
			switch d.Tok {
			case token.IMPORT:
				for _, s := range d.Specs {
					s := s.(*ast.ImportSpec)
					path, _ := strconv.Unquote(s.Path.Value)
					m := importKeyRE.FindStringSubmatch(path)
					if m == nil { // found by FuzzExport: import ""
						return nil, "", false, &lineError{line: line(s.Pos()), err: fmt.Errorf("import path %q is not a package path; import a package such as \"fmt\"", path)}
					}
					key := m[1]
					if s.Name != nil {
						key = s.Name.Name
					}
					switch key {
					case "_", ".":
						key += "~" + path // several blank or dot imports coexist
					}
					decls = append(decls, &decl{keys: []string{key}, tok: token.IMPORT, imp: text(s.Pos(), s.End())})
				}
			case token.CONST:
				// A const group is one unit: its specs may repeat the previous expression (iota).
				dd := &decl{tok: token.CONST, text: withDoc(d.Doc, d.Pos(), d.End()), refs: identsOf(d)}
				for _, s := range d.Specs {
					for _, n := range s.(*ast.ValueSpec).Names {
						dd.keys = addKey(dd.keys, n.Name)
					}
				}
				decls = append(decls, blankKey(dd, cell, len(decls)))
			case token.VAR, token.TYPE:
				for _, s := range d.Specs {
					doc := d.Doc
					if d.Lparen.IsValid() {
						doc = nil
					}
					dd := &decl{tok: d.Tok, refs: identsOf(s)}
					switch s := s.(type) {
					case *ast.ValueSpec:
						if s.Doc != nil {
							doc = s.Doc
						}
						for _, n := range s.Names {
							dd.keys = addKey(dd.keys, n.Name)
						}
					case *ast.TypeSpec:
						if s.Doc != nil {
							doc = s.Doc
						}
						dd.keys = []string{s.Name.Name}
					}
					dd.text = d.Tok.String() + " " + text(s.Pos(), s.End())
					if doc != nil {
						dd.text = text(doc.Pos(), doc.End()) + "\n" + dd.text
					}
					decls = append(decls, blankKey(dd, cell, len(decls)))
				}
			}
		}
	}
	return decls, mainBody, hasMain, nil
}

// addKey adds name to keys unless it is the blank identifier, which declares
// nothing to remember (var _ = x, const ( _ = iota; A )).
func addKey(keys []string, name string) []string {
	if name == "_" {
		return keys
	}
	return append(keys, name)
}

// blankKey gives a declaration of blank names only a key of its own, so that
// no later declaration replaces it.
func blankKey(d *decl, cell, index int) *decl {
	if len(d.keys) == 0 {
		d.keys = []string{fmt.Sprintf("_~%d~%d", cell, index)}
	}
	return d
}

// isTestName reports whether a function name is one go test runs as a test.
func isTestName(name string) bool {
	if !strings.HasPrefix(name, "Test") || name == "TestMain" {
		return false
	}
	rest := name[len("Test"):]
	return rest == "" || !(rest[0] >= 'a' && rest[0] <= 'z')
}

// receiverType returns the base type name of a method receiver.
func receiverType(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return "unknown"
		}
	}
}

// identsOf lists the distinct identifiers in a node, sorted.
func identsOf(n ast.Node) []string {
	seen := map[string]bool{}
	ast.Inspect(n, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			seen[id.Name] = true
		}
		return true
	})
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// parseBody parses main's body (the lines after %%) and returns the
// identifiers it mentions. bodyLine is the cell line of the first line.
func parseBody(body []string, bodyLine int) ([]string, error) {
	// Pad with newlines so that file line L+1 is cell line L.
	src := "package main\nfunc main() {" + strings.Repeat("\n", bodyLine) + strings.Join(body, "\n") + "\n}"
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", src, parser.SkipObjectResolution)
	if err != nil {
		return nil, syntaxError(err, 1)
	}
	return identsOf(f.Decls[0].(*ast.FuncDecl).Body), nil
}

// syntaxError turns a parser error into a *lineError on the first problem;
// line L of the parsed text is line L-shift of the cell.
func syntaxError(err error, shift int) error {
	var list scanner.ErrorList
	if errors.As(err, &list) && len(list) > 0 {
		e := list[0]
		line, col := e.Pos.Line-shift, e.Pos.Column
		if line < 1 { // in the added text: blame the cell's first line
			line, col = 1, 1
		}
		msg := e.Msg
		if len(list) > 1 {
			msg += fmt.Sprintf(" (and %d more errors)", len(list)-1)
		}
		return &lineError{line: line, err: fmt.Errorf("column %d: Go syntax error: %s", col, msg)}
	}
	return &lineError{err: fmt.Errorf("Go syntax error: %v", err)}
}
