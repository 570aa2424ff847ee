package ntk

import "fmt"

// MaxKernelBytes is the largest number of bytes that one call of a
// kernel, spectrum or prediction function of this package (KernelInf,
// KernelInfCross, KernelEmpirical, KernelMonteCarlo, Extremes,
// Eigenvalues, NewPredictor, Predictor.WithTest) may allocate for its
// matrices. A call that would need more returns an error that states the
// bytes needed, instead of exhausting the machine's memory; each function's
// documentation gives its formula (an n×n kernel of float64 takes 8·n²
// bytes: 128 MB at n = 4000, 8 GB at n = 32 768).
//
// The default is 8 GiB. Raise it, before any concurrent use, on a machine
// with more memory; every call reads it without synchronization.
var MaxKernelBytes int64 = 8 << 30

// matrixBytes returns the bytes of a rows×cols float64 matrix.
func matrixBytes(rows, cols int) int64 { return 8 * int64(rows) * int64(cols) }

// checkMemory refuses a request of need bytes beyond MaxKernelBytes. what
// names the request, e.g. "KernelInf: the 5000×5000 kernel".
func checkMemory(what string, need int64) error {
	if need > MaxKernelBytes {
		return fmt.Errorf("ntk: %s needs %d bytes (%.3g GB), above ntk.MaxKernelBytes = %d bytes (%.3g GB); "+
			"use fewer samples, or raise ntk.MaxKernelBytes if the machine has the memory",
			what, need, float64(need)/1e9, MaxKernelBytes, float64(MaxKernelBytes)/1e9)
	}
	return nil
}
