package nbexport

import (
	"os"
	"path/filepath"
	"testing"
)

// TestExportsAreFresh regenerates the export of every notebook of the project
// in memory and fails if a committed file differs, is missing or is left over.
func TestExportsAreFresh(t *testing.T) {
	files, err := Generate("..", "../exported")
	if err != nil {
		t.Fatalf("exporting the notebooks: %v", err)
	}
	if len(files) == 0 {
		t.Fatal("no notebook found in notebooks/")
	}
	if err := Check(files, "../exported"); err != nil {
		t.Fatal(err)
	}
}

// TestNotebooksAreCommittedWithoutOutputs keeps executed copies (about 1 MB
// each with inline charts) out of the repository: they go under build/.
func TestNotebooksAreCommittedWithoutOutputs(t *testing.T) {
	paths, err := filepath.Glob("../*.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := Parse(p, data)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range nb.Cells {
			if c.Executed {
				t.Errorf("%s: cell %d has outputs or an execution count; commit notebooks without outputs: "+
					"jupyter nbconvert --clear-output --inplace notebooks/%s", p, c.Number, filepath.Base(p))
			}
		}
	}
}
