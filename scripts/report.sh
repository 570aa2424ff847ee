#!/usr/bin/env bash
# Main job of `./run report` (after `./run setup`): execute every notebook
# with the real GoNB kernel and write the browsable report build/report/index.html
# (each notebook as an offline HTML page with live charts, its status and run
# time); print where it is. Arguments, if any, are the notebooks to run.
# Exits 1 if a notebook failed, after writing the report.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$(go env GOPATH)/bin:$PATH"
export JUPYTER_DATA_DIR="${JUPYTER_DATA_DIR:-$PWD/.cache/jupyter}" PYDEVD_DISABLE_FILE_VALIDATION=1
echo "== warming the Go build cache (the kernel compiles every cell)"
go build ./... || echo "warning: go build ./... failed: notebooks that use the failing packages will fail"
echo "== executing the notebooks"
go run ./notebooks/cmd/nbexec "$@"
