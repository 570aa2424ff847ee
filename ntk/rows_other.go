//go:build !amd64

package ntk

import "unsafe"

// The portable kernels only; variables so that the tests can save and
// restore them as on amd64.
var (
	useRowAsm = false
	useRow512 = false
)

func dotRowsAsm(z, w, x []float64, idx []int32, d int, b float64, rows int) bool {
	panic("unreachable")
}

func sumRowsAsm(g, x []float64, idx []int32, coef []float64, d, rows int) bool {
	panic("unreachable")
}

func dotRows512(z, w, x []float64, idx []int32, d int, b float64, rows int) bool {
	panic("unreachable")
}

func sumRows512(g, x []float64, idx []int32, coef []float64, d, rows int) bool {
	panic("unreachable")
}

func prefetch(p unsafe.Pointer, n int) {}

func prefetch4(p0 unsafe.Pointer, n0 int, p1 unsafe.Pointer, n1 int, p2 unsafe.Pointer, n2 int, p3 unsafe.Pointer, n3 int) {
}

func gramRows512(dz, g []float64, n int, cand, idx []int32, v []float64) bool {
	panic("unreachable")
}

func dotRows4(z, w, x []float64, n, d int, b []float64) { panic("unreachable") }

func dotRowsFire512(z, w, x []float64, idx []int32, d int, b float64, rows int, on []uint64) bool {
	panic("unreachable")
}

func stepRows512(g, w, x []float64, idx []int32, coef []float64, d int, alpha float64, rows int) (float64, bool) {
	panic("unreachable")
}
