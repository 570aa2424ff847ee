package ntk

import "unsafe"

// useRowAsm is true when the CPU and the operating system support AVX2 and
// FMA (CPUID leaf 7 EBX bit 5, leaf 1 ECX bits 12, 27 and 28, and XCR0 with
// the SSE and AVX state enabled); useRow512 when they also support AVX-512F
// (leaf 7 EBX bit 16, XCR0 with the opmask and ZMM state enabled). Tests
// switch them off to exercise the other kernels.
var (
	useRowAsm = hasAVX2FMA()
	useRow512 = useRowAsm && hasAVX512F()
)

func hasAVX512F() bool {
	if xcr0, _ := xgetbv(); xcr0&0xe6 != 0xe6 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<16) != 0
}

func hasAVX2FMA() bool {
	maxLeaf, _, _, _ := cpuid(0, 0)
	if maxLeaf < 7 {
		return false
	}
	_, _, c1, _ := cpuid(1, 0)
	const fma, osxsave, avx = 1 << 12, 1 << 27, 1 << 28
	if c1&(fma|osxsave|avx) != fma|osxsave|avx {
		return false
	}
	if xcr0, _ := xgetbv(); xcr0&6 != 6 {
		return false
	}
	_, b7, _, _ := cpuid(7, 0)
	return b7&(1<<5) != 0
}

func cpuid(leaf, sub uint32) (a, b, c, d uint32)

func xgetbv() (lo, hi uint32)

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
