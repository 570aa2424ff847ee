// Package nbexport turns a GoNB notebook into a go test file, so that
// `go test ./...` runs the notebook's code and fails when one of its checks
// fails. Command notebooks/cmd/nbexport applies it to every notebook through
// `go generate ./notebooks/...`; a test of this package fails when a
// committed export is stale.
//
// # Layout
//
// Notebook notebooks/NAME.ipynb becomes notebooks/exported/NAME/NAME_nb_test.go
// in package nbNAME (letters and digits of NAME, lower case: 00_smoke ->
// nb00smoke). Each notebook has its own package because notebooks declare
// helpers with the same names. The folder holds only the test file.
//
// # What the export reproduces
//
// It reads each code cell the way GoNB v0.11 does:
//
//   - A line whose first character is % or ! (after an optional //gonb:
//     prefix; at least two characters; indented lines do not count) is a
//     command, continued on the next line when it ends with a backslash.
//     GoNB runs all commands of a cell before its Go code.
//   - `%%` or `%main` starts main: the rest of the cell is the body of
//     `func main() { flag.Parse(); ... }`, and the words after it are the
//     program's arguments. An explicit `func main()` in a cell is the same
//     without arguments. `%exec fn args` makes a main that calls fn.
//     `%args` also sets the arguments of its own cell; the last of %%, %main,
//     %args, %exec and %test wins, as in GoNB.
//   - Other Go lines are declarations: imports, funcs, methods, vars, consts
//     and types; `package` lines are dropped. They are remembered by name
//     (methods as Type~Method; a const group is one unit) and a later
//     declaration of a name replaces the earlier one. `func init_xxx()`
//     becomes an init function.
//   - `%test` runs the Test functions the cell declares (all remembered ones
//     when it declares none).
//
// The generated file holds every declaration in its final form, at the
// place of the cell that declared it last, and one test per cell that runs a
// program, named TestCellNN after the cell's position in the notebook
// (counting markdown cells, from 1):
//
//	func TestCell05(t *testing.T) {
//		nbtest.Cell(t, nbtest.Spec{Cell: 5, Args: []string{"--n=7"}}, func() {
//			... the cell's body ...
//		})
//	}
//
// go test runs the tests of a file in source order, so cells run in notebook
// order. nbtest.Cell gives the body what the kernel gives a cell's program:
// the notebook's folder as working directory and GONB_DIR, the %env
// variables, the flags reset to their defaults and then set from the
// arguments; it turns a panic (a failed check.That is one) into a test
// failure and, like nbconvert, skips the cells after a failed one. Test
// functions of %test cells are emitted as they are, at their cell. goimports
// (golang.org/x/tools/imports, as in the kernel) adds the imports a cell
// uses without declaring them and removes unused ones.
//
// # Commands
//
// Interpreted: %%, %main, %args, %exec, %test (its arguments are ignored),
// %env NAME VALUE (and NAME=VALUE; set for the cell and every later one),
// %reset and %rm (the names leave the remembered set; the declarations stay
// in the file for the cells that used them). Shown as "not run by go test"
// comments and otherwise ignored: every ! line (shell; the first cell's
// `go mod edit` is not needed in the module), %%script, %%bash and %%sh
// cells, %goflags, %autoget, %noautoget, %help, %version, %ls, %list, %track,
// %untrack, %goworkfix, %capture, %with_inputs, %with_password, %widgets,
// %widgets_hb and %reset go.mod. Errors: %cd, %wasm, %%writefile, %%gx and
// unknown commands.
//
// # Assumptions and errors
//
// GoNB remembers a cell's declarations only if the cell compiled; the
// exporter cannot compile, so it assumes the notebook runs clean from top to
// bottom (the real kernel checks that in the test command). A notebook it
// cannot export gets an *Error naming the notebook, the cell and, when known,
// the line: malformed JSON or cells, Go syntax errors, bad commands, and one
// limit of a single Go file: a name may be redeclared differently only if no
// cell that ran in between could reach the old declaration (following every
// identifier, and from a type to its methods; init functions count for every
// cell). Otherwise the export fails and asks for a new name. A redeclaration
// must also cover every name of the unit it replaces (a const group, a
// `var a, b`).
//
// # Differences from the kernel
//
// Every GoNB cell is a fresh process; the tests of an export share one test
// binary. Hence: package-level variables keep what earlier cells stored in
// them, and their initializers and init functions run once, not once per
// cell; os.Exit and log.Fatal in a cell end the whole binary (the package
// fails, the later cells do not run); a panic in a goroutine started by a
// cell also ends it. Flags a notebook declares are registered next to the
// testing flags and must not clash with them; positional arguments
// (flag.Args) are not supported. go vet checks the exported file, as it
// checks %test cells in the kernel. Under go test gonbui.IsNotebook is false,
// so display calls do nothing, and GONB_TMP_DIR and the other GONB_*
// variables except GONB_DIR are unset. Cells run only without -short
// (go test -race -short skips them). Test functions declared outside a %test
// cell run too, and every Test function runs once, at its last declaration.
// Shell commands do not run. goimports may resolve an undeclared package
// differently from the kernel; import every non-standard package
// explicitly.
package nbexport
