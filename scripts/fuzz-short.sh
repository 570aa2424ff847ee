#!/usr/bin/env bash
# Short fuzzing run, part of `./run test` (called from scripts/test-extra.sh):
# each fuzz target runs for FUZZTIME (default 10s) on top of its committed seed
# corpus (testdata/fuzz/<Target>/). A failure leaves the failing input in that
# folder: commit it as a regression seed once the bug is fixed.
set -euo pipefail
cd "$(dirname "$0")/.."
FUZZTIME=${FUZZTIME:-10s}
targets=(
	"./ntk FuzzOrthant"
	"./ntk FuzzReadNetwork"
	"./ntk FuzzReadHistory"
	"./ntk FuzzReadCheckpoint"
	"./ntk FuzzReadMatrix"
	"./data FuzzReadIDX"
	"./notebooks/nbexport FuzzExport"
)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for t in "${targets[@]}"; do
	set -- $t
	echo "== fuzz $2 ($1, $FUZZTIME)"
	# -fuzzminimizetime bounds the minimization of each new input, which
	# otherwise may take up to a minute per input on the .npz archives.
	if ! go test -run '^$' -fuzz "^$2\$" -fuzztime "$FUZZTIME" -fuzzminimizetime 1s "$1" >"$log" 2>&1; then
		grep -v '^fuzz: elapsed' "$log" || true
		echo "fuzz $2 failed; the failing input, if any, is in $1/testdata/fuzz/$2/" >&2
		exit 1
	fi
	tail -n 3 "$log"
done
