//go:build !amd64

package ntk

const useRowAsm = false

func dotRowsAsm(z, w, x []float64, idx []int32, d int, b float64, rows int) bool {
	panic("unreachable")
}

func sumRowsAsm(g, x []float64, idx []int32, coef []float64, d, rows int) bool {
	panic("unreachable")
}
