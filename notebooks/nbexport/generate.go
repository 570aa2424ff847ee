package nbexport

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// File is a generated file.
type File struct {
	// Notebook is the path of the notebook it comes from.
	Notebook string
	// Path is where it goes: OUT/NAME/NAME_nb_test.go.
	Path string
	// Content is its text.
	Content []byte
}

// suffix ends every generated file's name.
const suffix = "_nb_test.go"

// PackageName returns the Go package of a notebook's export: "nb" followed by
// the letters and digits of its name, lower-cased (00_smoke -> nb00smoke).
func PackageName(name string) (string, error) {
	var b strings.Builder
	b.WriteString("nb")
	for _, r := range name {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(unicode.ToLower(r))
		case r == '_' || r == '-' || r == '.':
		default:
			return "", fmt.Errorf("notebook name %q: use only ASCII letters, digits, '_', '-' and '.'", name)
		}
	}
	if b.Len() == 2 {
		return "", fmt.Errorf("notebook name %q has no letter or digit", name)
	}
	return b.String(), nil
}

// Generate exports every notebook (*.ipynb) in dir to
// outDir/NAME/NAME_nb_test.go, where NAME is the notebook's file name without
// .ipynb, in package PackageName(NAME): each notebook gets its own package, so
// that helpers with the same name in two notebooks do not clash. Files come
// sorted by notebook; the first failing notebook stops Generate.
func Generate(dir, outDir string) ([]File, error) {
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, fmt.Errorf("nbexport: the notebook folder %q is not a readable directory; pass the folder that holds the .ipynb files: %v", dir, err)
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	absOut, err := filepath.Abs(outDir)
	if err != nil {
		return nil, err
	}
	var files []File
	for _, p := range paths {
		name := strings.TrimSuffix(filepath.Base(p), ".ipynb")
		pkg, err := PackageName(name)
		if err != nil {
			return nil, &Error{Notebook: p, Err: err}
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		nb, err := Parse(p, data)
		if err != nil {
			return nil, err
		}
		outFile := filepath.Join(absOut, name, name+suffix)
		rel, err := filepath.Rel(filepath.Dir(outFile), absDir)
		if err != nil {
			return nil, err
		}
		src, err := Export(nb, Options{Package: pkg, NotebookDir: filepath.ToSlash(rel), Filename: outFile})
		if err != nil {
			return nil, err
		}
		files = append(files, File{Notebook: p, Path: filepath.Join(outDir, name, name+suffix), Content: src})
	}
	return files, nil
}

// orphans lists generated files under outDir whose notebook is not in files.
func orphans(outDir string, files []File) ([]string, error) {
	found, err := filepath.Glob(filepath.Join(outDir, "*", "*"+suffix))
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, f := range files {
		want[filepath.Clean(f.Path)] = true
	}
	var out []string
	for _, p := range found {
		if !want[filepath.Clean(p)] {
			out = append(out, p)
		}
	}
	sort.Strings(out)
	return out, nil
}

// Write writes files that changed and removes generated files whose notebook
// is gone (and their folder, if then empty). It returns the paths it wrote and
// removed.
func Write(files []File, outDir string) (written, removed []string, err error) {
	for _, f := range files {
		if old, err := os.ReadFile(f.Path); err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(f.Path), 0o755); err != nil {
			return written, removed, err
		}
		if err := atomicfile.WriteBytes(f.Path, f.Content, 0o644); err != nil {
			return written, removed, err
		}
		written = append(written, f.Path)
	}
	stale, err := orphans(outDir, files)
	if err != nil {
		return written, removed, err
	}
	for _, p := range stale {
		if err := os.Remove(p); err != nil {
			return written, removed, err
		}
		removed = append(removed, p)
		os.Remove(filepath.Dir(p)) // only succeeds if empty
	}
	return written, removed, nil
}

// Check compares files with what is on disk under outDir. It returns nil if
// every file is present and identical and no generated file is left over from
// a removed notebook, and otherwise an error listing the differences.
func Check(files []File, outDir string) error {
	var problems []string
	for _, f := range files {
		old, err := os.ReadFile(f.Path)
		switch {
		case errors.Is(err, os.ErrNotExist):
			problems = append(problems, f.Path+" is missing")
		case err != nil:
			problems = append(problems, err.Error())
		case !bytes.Equal(old, f.Content):
			problems = append(problems, f.Path+" is stale (its notebook "+f.Notebook+" changed)")
		}
	}
	stale, err := orphans(outDir, files)
	if err != nil {
		return err
	}
	for _, p := range stale {
		problems = append(problems, p+" has no notebook any more")
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("exported notebooks are out of date; run `go generate ./notebooks/...` and commit the result:\n\t%s", strings.Join(problems, "\n\t"))
}
