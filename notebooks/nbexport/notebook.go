package nbexport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
)

// Notebook is the part of a Jupyter notebook (nbformat 4) the exporter reads.
type Notebook struct {
	// Path names the notebook in error messages.
	Path string
	// Cells are the notebook's cells in order.
	Cells []Cell
}

// Cell is one notebook cell.
type Cell struct {
	// Number is the cell's position in the notebook, counting every cell
	// (markdown too) from 1. Errors and generated test names use it.
	Number int
	// Type is "code", "markdown" or "raw".
	Type string
	// Source is the cell's text.
	Source string
	// Executed reports whether the cell carries outputs or an execution count.
	Executed bool
}

// Error is a problem in a notebook, located at a cell and, when known, a line
// of that cell (both counted from 1; 0 when unknown).
type Error struct {
	Notebook string
	Cell     int
	Line     int
	Err      error
}

// Error returns "NOTEBOOK: cell C, line L: problem".
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.Notebook)
	if e.Cell > 0 {
		fmt.Fprintf(&b, ": cell %d", e.Cell)
		if e.Line > 0 {
			fmt.Fprintf(&b, ", line %d", e.Line)
		}
	}
	b.WriteString(": ")
	b.WriteString(e.Err.Error())
	return b.String()
}

// Unwrap returns the underlying problem.
func (e *Error) Unwrap() error { return e.Err }

// rawNotebook mirrors the JSON of an nbformat 4 notebook.
type rawNotebook struct {
	NBFormat *int            `json:"nbformat"`
	Cells    json.RawMessage `json:"cells"`
	Metadata struct {
		KernelSpec *struct {
			Name string `json:"name"`
		} `json:"kernelspec"`
	} `json:"metadata"`
}

type rawCell struct {
	CellType       string            `json:"cell_type"`
	Source         json.RawMessage   `json:"source"`
	Outputs        []json.RawMessage `json:"outputs"`
	ExecutionCount *int              `json:"execution_count"`
}

// Parse reads a notebook from its JSON text. path names it in errors.
//
// The notebook must be nbformat 4; if it names a kernel, the kernel must be
// gonb. Every cell needs a cell_type of code, markdown or raw and a source that
// is a string or a list of strings (joined as they are, as Jupyter does).
func Parse(path string, data []byte) (*Notebook, error) {
	fail := func(cell int, format string, args ...any) error {
		return &Error{Notebook: path, Cell: cell, Err: fmt.Errorf(format, args...)}
	}
	var raw rawNotebook
	if err := json.Unmarshal(data, &raw); err != nil {
		return nil, fail(0, "not a notebook: invalid JSON: %v", err)
	}
	if raw.NBFormat == nil {
		return nil, fail(0, "not a notebook: no nbformat field")
	}
	if *raw.NBFormat != 4 {
		return nil, fail(0, "nbformat %d is not supported; save the notebook with Jupyter as nbformat 4", *raw.NBFormat)
	}
	if ks := raw.Metadata.KernelSpec; ks != nil && ks.Name != "gonb" {
		return nil, fail(0, "the notebook's kernel is %q; want \"gonb\" (choose the Go (gonb) kernel in Jupyter)", ks.Name)
	}
	if len(raw.Cells) == 0 || bytes.Equal(bytes.TrimSpace(raw.Cells), []byte("null")) {
		return nil, fail(0, "not a notebook: no cells list")
	}
	var cells []rawCell
	if err := json.Unmarshal(raw.Cells, &cells); err != nil {
		return nil, fail(0, "not a notebook: cells is not a list of cells: %v", err)
	}
	nb := &Notebook{Path: path}
	for i, rc := range cells {
		n := i + 1
		switch rc.CellType {
		case "code", "markdown", "raw":
		case "":
			return nil, fail(n, "no cell_type")
		default:
			return nil, fail(n, "unknown cell_type %q; want code, markdown or raw", rc.CellType)
		}
		src, err := sourceText(rc.Source)
		if err != nil {
			return nil, fail(n, "%v", err)
		}
		executed := len(rc.Outputs) > 0 || rc.ExecutionCount != nil
		nb.Cells = append(nb.Cells, Cell{Number: n, Type: rc.CellType, Source: src, Executed: executed})
	}
	return nb, nil
}

// sourceText decodes a cell's source, a string or a list of strings.
func sourceText(raw json.RawMessage) (string, error) {
	if len(raw) == 0 {
		return "", errors.New("no source")
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var parts []string
	if err := json.Unmarshal(raw, &parts); err != nil {
		return "", fmt.Errorf("source is %s; want a string or a list of strings", jsonKind(raw))
	}
	return strings.Join(parts, ""), nil
}

// jsonKind names the kind of a JSON value, for error messages.
func jsonKind(raw json.RawMessage) string {
	t := bytes.TrimSpace(raw)
	switch {
	case len(t) == 0:
		return "empty"
	case t[0] == '{':
		return "an object"
	case t[0] == '[':
		return "a list with a non-string element"
	case t[0] == '"':
		return "a string"
	case bytes.Equal(t, []byte("null")):
		return "null"
	case bytes.Equal(t, []byte("true")), bytes.Equal(t, []byte("false")):
		return "a boolean"
	default:
		return "a number"
	}
}

// Title returns the text of the notebook's first markdown heading (a line
// starting with #), or "" if it has none.
func (nb *Notebook) Title() string {
	for _, c := range nb.Cells {
		if c.Type != "markdown" {
			continue
		}
		for _, line := range strings.Split(c.Source, "\n") {
			line = strings.TrimSpace(line)
			if strings.HasPrefix(line, "#") {
				if t := strings.TrimSpace(strings.TrimLeft(line, "#")); t != "" {
					return t
				}
			}
		}
	}
	return ""
}
