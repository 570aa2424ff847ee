package ntk

import (
	"unsafe"

	"golang.org/x/sys/cpu"
)

// useRowAsm is true when the CPU and the operating system support AVX2 and
// FMA, useRow512 when they also support AVX-512F (as golang.org/x/sys/cpu
// detects them). Tests switch them off to exercise the other kernels.
var (
	useRowAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA
	useRow512 = useRowAsm && cpu.X86.HasAVX512F
)

//go:noescape
func dotRowsAsm(z, w, x []float64, idx []int32, d int, b float64, rows int) (ok bool)

//go:noescape
func dotRows512(z, w, x []float64, idx []int32, d int, b float64, rows int) (ok bool)

//go:noescape
func sumRows512(g, x []float64, idx []int32, coef []float64, d, rows int) (ok bool)

//go:noescape
func gramRows512(dz, g []float64, n int, cand, idx []int32, v []float64) (ok bool)

//go:noescape
func dotRows4(z, w, x []float64, n, d int, b []float64)

//go:noescape
func sumRowsAsm(g, x []float64, idx []int32, coef []float64, d, rows int) (ok bool)

// prefetch hints the n bytes at p into the cache; it reads nothing.
//
//go:noescape
func prefetch(p unsafe.Pointer, n int)

// prefetch4 is prefetch of four ranges in one call.
//
//go:noescape
func prefetch4(p0 unsafe.Pointer, n0 int, p1 unsafe.Pointer, n1 int, p2 unsafe.Pointer, n2 int, p3 unsafe.Pointer, n3 int)

//go:noescape
func dotRowsFire512(z, w, x []float64, idx []int32, d int, b float64, rows int, on []uint64) (ok bool)

//go:noescape
func stepRows512(g, w, x []float64, idx []int32, coef []float64, d int, alpha float64, rows int) (gg float64, ok bool)
