// Command nbexport turns every GoNB notebook of a folder into a go test file,
// so that go test runs the notebooks' code and fails when a check fails.
//
// Usage (from notebooks/, through go generate):
//
//	go run ./cmd/nbexport [-dir .] [-out exported]
//
// Each notebook NAME.ipynb of -dir becomes OUT/NAME/NAME_nb_test.go; files of
// notebooks that no longer exist are removed. See package nbexport for the
// rules.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/sparsentk/sparsentk/notebooks/nbexport"
)

func main() {
	dir := flag.String("dir", ".", "folder of the notebooks (*.ipynb)")
	out := flag.String("out", "exported", "folder of the generated test packages")
	flag.Parse()
	files, err := nbexport.Generate(*dir, *out)
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbexport:", err)
		os.Exit(1)
	}
	written, removed, err := nbexport.Write(files, *out)
	for _, p := range written {
		fmt.Println("nbexport: wrote", p)
	}
	for _, p := range removed {
		fmt.Println("nbexport: removed", p)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "nbexport:", err)
		os.Exit(1)
	}
}
