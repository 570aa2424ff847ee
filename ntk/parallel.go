package ntk

import (
	"runtime"
	"sync"
)

// parallelFor calls body on disjoint ranges [lo, hi) that cover [0, n), from
// up to GOMAXPROCS goroutines, and returns when all calls have returned.
// Ranges are at least grain long.
//
// Determinism: the split depends on GOMAXPROCS, so body must make each index's
// result independent of how indices are grouped (write per-index outputs,
// never accumulate floating-point sums across indices of a range).
func parallelFor(n, grain int, body func(lo, hi int)) {
	if n <= 0 {
		return
	}
	if grain < 1 {
		grain = 1
	}
	workers := min(runtime.GOMAXPROCS(0), (n+grain-1)/grain)
	if workers <= 1 {
		body(0, n)
		return
	}
	chunk := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		wg.Add(1)
		go func() {
			defer wg.Done()
			body(lo, hi)
		}()
	}
	wg.Wait()
}
