#!/usr/bin/env bash
# Extra part of `./run test` (called after go vet and go test): a short fuzz
# run of every fuzz target (scripts/fuzz-short.sh), then the notebooks.
# The notebook part (go vet and go test also
# checked that the exported notebooks are fresh and ran them as Go tests):
# execute every notebooks/*.ipynb with the real GoNB kernel, convert it to HTML
# and check in headless Chromium that every chart drew. Fails on a failing
# cell or an undrawn chart. Expects what `./run setup` installs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
export JUPYTER_DATA_DIR="${JUPYTER_DATA_DIR:-$PWD/.cache/jupyter}" PYDEVD_DISABLE_FILE_VALIDATION=1
# Short fuzzing of every fuzz target (about 10 s each, FUZZTIME to change).
scripts/fuzz-short.sh
if ! ls notebooks/*.ipynb >/dev/null 2>&1; then
	echo "== notebooks: none"
	exit 0
fi
echo "== notebooks: execute with the GoNB kernel, convert to HTML, check the charts in Chromium"
go run ./notebooks/cmd/nbexec
