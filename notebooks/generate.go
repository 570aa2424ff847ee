// Package notebooks holds the project's GoNB notebooks (*.ipynb) and the
// machinery that tests them; see README.md in this folder.
//
// go generate ./notebooks/... exports every notebook to
// exported/NAME/NAME_nb_test.go (package nbexport explains how); the test
// command fails when an export is stale.
package notebooks

//go:generate go run ./cmd/nbexport -dir . -out exported
