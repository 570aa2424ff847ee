package nbexport

import (
	"fmt"
	"strings"
)

// gonbPrefix lets a command hide in a Go comment; GoNB strips it.
const gonbPrefix = "//gonb:"

// cellKind says what a code cell's program does.
type cellKind int

const (
	declsOnly cellKind = iota // declarations only (GoNB runs a stub main)
	mainBody                  // %% or %main: the rest of the cell is main's body
	execFunc                  // %exec fn: main calls fn
	testCell                  // %test: run the Test functions of the cell
	shellCell                 // %%script, %%bash, %%sh: not Go
)

// command is a % or ! command of a cell, as GoNB reads it.
type command struct {
	line int    // first line, from 1
	text string // the command with continuation lines joined, prefix removed
}

// codeCell is a code cell split the way GoNB splits it.
type codeCell struct {
	number   int
	kind     cellKind
	args     []string  // program arguments: the last of %%, %main, %args, %exec, %test wins
	execFn   string    // function named by %exec
	env      []string  // KEY=VALUE from %env, in order
	resets   []reset   // %reset and %rm, in order (GoNB runs commands before code)
	notes    []command // commands the export does not run
	declSrc  string    // declarations: declPrefix + Go lines, other lines blank
	body     []string  // lines after %% (commands blanked), trimmed of blank ends
	bodyLine int       // cell line of body[0]
	hasGo    bool      // the cell has Go lines
}

// reset is a %reset (all names) or %rm (names) command.
type reset struct {
	all   bool
	names []string
}

// declPrefix starts the parsed declaration text, on a line of its own so that
// a comment on the cell's first line stays a doc comment; cell line L is line
// L+1 of the parsed text.
const declPrefix = "package main\n"

// splitCell reads a code cell's lines with GoNB's rules: a line whose first
// character (after an optional //gonb: prefix) is % or ! and that has at least
// two characters is a command, joined with following lines while it ends in a
// backslash; %% and %main start main's body; lines starting with "package" are
// dropped; every other line is Go code.
func splitCell(c Cell) (*codeCell, error) {
	cc := &codeCell{number: c.Number}
	lines := strings.Split(c.Source, "\n")
	fail := func(line int, format string, args ...any) error {
		return &lineError{line: line, err: fmt.Errorf(format, args...)}
	}
	if first := strings.Fields(strings.TrimPrefix(lines[0], gonbPrefix)); len(first) > 0 {
		switch first[0] {
		case "%%script", "%%bash", "%%sh":
			cc.kind = shellCell
			cc.notes = append(cc.notes, command{line: 1, text: strings.TrimPrefix(lines[0], gonbPrefix)})
			return cc, nil
		case "%%writefile", "%%gx":
			return nil, fail(1, "%s cells are not supported by the exporter", first[0])
		}
	}
	goLines := make([]string, len(lines)) // Go text by line, "" elsewhere
	isBody := make([]bool, len(lines))
	inBody := false
	for i := 0; i < len(lines); i++ {
		line := strings.TrimPrefix(lines[i], gonbPrefix)
		if len(line) > 1 && (line[0] == '%' || line[0] == '!') {
			first := i
			text := line
			for strings.HasSuffix(text, `\`) && i+1 < len(lines) {
				i++
				text = text[:len(text)-1] + " " + strings.TrimPrefix(lines[i], gonbPrefix)
			}
			cmd := command{line: first + 1, text: text}
			startsBody, err := cc.command(cmd)
			if err != nil {
				return nil, fail(cmd.line, "%v", err)
			}
			if startsBody {
				if inBody {
					return nil, fail(cmd.line, "a second %%%% in one cell")
				}
				inBody = true
			}
			continue
		}
		if strings.HasPrefix(lines[i], "package") {
			continue
		}
		if strings.TrimSpace(lines[i]) != "" {
			cc.hasGo = true
		}
		goLines[i] = lines[i]
		isBody[i] = inBody
	}
	decl := make([]string, len(lines))
	var body []string
	for i := range lines {
		if isBody[i] {
			body = append(body, goLines[i])
			if len(body) == 1 {
				cc.bodyLine = i + 1
			}
		} else {
			decl[i] = goLines[i]
			if inBody && cc.bodyLine != 0 {
				body = append(body, "") // a command line inside the body
			}
		}
	}
	for len(body) > 0 && strings.TrimSpace(body[0]) == "" {
		body = body[1:]
		cc.bodyLine++
	}
	for len(body) > 0 && strings.TrimSpace(body[len(body)-1]) == "" {
		body = body[:len(body)-1]
	}
	cc.body = body
	cc.declSrc = declPrefix + strings.Join(decl, "\n")
	return cc, nil
}

// lineError is a problem at a line of a cell.
type lineError struct {
	line int
	err  error
}

func (e *lineError) Error() string { return e.err.Error() }

// command applies one command to the cell. It reports whether the command
// starts main's body (%% or %main).
func (cc *codeCell) command(cmd command) (startsBody bool, err error) {
	if cmd.text[0] == '!' {
		cc.notes = append(cc.notes, cmd)
		return false, nil
	}
	parts := splitCommand(strings.TrimLeft(cmd.text[1:], " \t"))
	if len(parts) == 0 {
		return false, nil // GoNB skips empty commands
	}
	setKind := func(k cellKind) error {
		if cc.kind != declsOnly && cc.kind != k {
			return fmt.Errorf("%s cannot be combined with an earlier %%%%, %%exec or %%test in the same cell", "%"+parts[0])
		}
		cc.kind = k
		return nil
	}
	switch name := parts[0]; name {
	case "%", "main":
		cc.args = parts[1:]
		return true, setKind(mainBody)
	case "args":
		cc.args = parts[1:]
	case "exec":
		if len(parts) < 2 {
			return false, fmt.Errorf("%%exec needs the name of the function to run")
		}
		cc.execFn, cc.args = parts[1], parts[2:]
		return false, setKind(execFunc)
	case "test":
		cc.args = parts[1:]
		return false, setKind(testCell)
	case "env":
		if len(parts) == 2 {
			if k, v, ok := strings.Cut(parts[1], "="); ok && k != "" {
				parts = []string{name, k, v}
			}
		}
		if len(parts) != 3 || parts[1] == "" {
			return false, fmt.Errorf("%%env takes a name and a value (%%env NAME VALUE or %%env NAME=VALUE), got %q", cmd.text)
		}
		cc.env = append(cc.env, parts[1]+"="+parts[2])
	case "reset":
		switch {
		case len(parts) == 1:
			cc.resets = append(cc.resets, reset{all: true})
		case len(parts) == 2 && parts[1] == "go.mod":
			cc.notes = append(cc.notes, cmd)
		default:
			return false, fmt.Errorf("%%reset takes no argument or go.mod, got %q", cmd.text)
		}
	case "rm", "remove":
		cc.resets = append(cc.resets, reset{names: parts[1:]})
	case "cd", "wasm":
		return false, fmt.Errorf("%%%s is not supported by the exporter", name)
	case "goflags", "autoget", "noautoget", "help", "version", "ls", "list", "track", "untrack",
		"goworkfix", "capture", "with_inputs", "with_password", "widgets", "widgets_hb":
		cc.notes = append(cc.notes, cmd)
	default:
		return false, fmt.Errorf("unknown command %%%s", name)
	}
	return false, nil
}

// splitCommand splits a command into space-separated parts. Double quotes
// group a part (and may make it empty); inside them a backslash escapes the
// next character, with \n and \t meaning newline and tab.
func splitCommand(s string) []string {
	var parts []string
	var part strings.Builder
	started, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case !quoted && (c == ' ' || c == '\t' || c == '\n'):
			if started {
				parts = append(parts, part.String())
			}
			part.Reset()
			started = false
		case c == '"':
			quoted = !quoted
			started = true
		case quoted && c == '\\' && i+1 < len(s):
			i++
			switch s[i] {
			case 'n':
				part.WriteByte('\n')
			case 't':
				part.WriteByte('\t')
			default:
				part.WriteByte(s[i])
			}
		default:
			part.WriteByte(c)
			started = true
		}
	}
	if started {
		parts = append(parts, part.String())
	}
	return parts
}
