package ntk

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
	"unsafe"

	"gonum.org/v1/gonum/floats"
)

// exactDot returns Σ_j a_j b_j − c rounded once to float64, and Σ_j |a_j b_j|.
func exactDot(a, b []float64, c float64) (float64, float64) {
	s := new(big.Float).SetPrec(4096)
	abs := 0.0
	for j := range a {
		p := new(big.Float).SetPrec(4096).SetFloat64(a[j])
		p.Mul(p, new(big.Float).SetPrec(4096).SetFloat64(b[j]))
		s.Add(s, p)
		abs += math.Abs(a[j] * b[j])
	}
	s.Sub(s, new(big.Float).SetPrec(4096).SetFloat64(c))
	v, _ := s.Float64()
	return v, abs + math.Abs(c)
}

// eachRowKernel calls fn once for each version of the row kernels this
// machine can run (portable Go, AVX2, AVX-512), with the switches set to
// select it, and restores them.
func eachRowKernel(fn func(name string)) {
	asm, z512 := useRowAsm, useRow512
	defer func() { useRowAsm, useRow512 = asm, z512 }()
	useRowAsm, useRow512 = false, false
	fn("go")
	if asm {
		useRowAsm = true
		fn("avx2")
	}
	if z512 {
		useRow512 = true
		fn("avx512")
	}
}

// TestRowKernels checks dotRows and sumRows, in assembly (where available)
// and in portable Go, against exact sums: each result within the dot
// product bound (d+2)·2^-53·Σ|terms| of the exact value, for every length
// class of the assembly (blocks of 32, 16, 4 and single columns).
func TestRowKernels(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	eachRowKernel(func(asm string) {
		t.Logf("checking the %s kernels", asm)
		for _, d := range []int{1, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 31, 32, 33, 36, 40, 44, 63, 64, 65, 72, 100, 127, 128, 129, 784} {
			const n = 37
			x := make([]float64, n*d)
			for i := range x {
				x[i] = rng.NormFloat64() * math.Exp2(float64(rng.IntN(20)-10))
			}
			w := make([]float64, d)
			for j := range w {
				w[j] = rng.NormFloat64()
			}
			idx := []int32{5, 0, 36, 5, 17, 2, 2, 30, 11}
			coef := make([]float64, len(idx))
			for k := range coef {
				coef[k] = rng.NormFloat64()
			}
			b := rng.NormFloat64()
			z := make([]float64, len(idx))
			dotRows(z, w, x, d, idx, b)
			tol := float64(d+2) * 0x1p-53
			for k, i := range idx {
				want, abs := exactDot(w, x[int(i)*d:int(i+1)*d], b)
				if math.Abs(z[k]-want) > tol*abs {
					t.Fatalf("kernel %s d=%d: dotRows[%d] = %v, exact %v (tolerance %.3g)", asm, d, k, z[k], want, tol*abs)
				}
			}
			g := make([]float64, d)
			for j := range g {
				g[j] = math.NaN() // overwritten, not accumulated
			}
			sumRows(g, x, d, idx, coef)
			col := make([]float64, len(idx))
			for j := 0; j < d; j++ {
				for k, i := range idx {
					col[k] = x[int(i)*d+j]
				}
				want, abs := exactDot(coef, col, 0)
				if math.Abs(g[j]-want) > tol*abs {
					t.Fatalf("kernel %s d=%d: sumRows[%d] = %v, exact %v", asm, d, j, g[j], want)
				}
			}
			sumRows(g, x, d, nil, nil)
			for j, v := range g {
				if v != 0 {
					t.Fatalf("kernel %s d=%d: sumRows of no rows: g[%d] = %v, want 0", asm, d, j, v)
				}
			}
		}
	})
}

// TestRowKernelsCheckIndices checks that an index outside the matrix panics
// instead of reading beyond it.
func TestRowKernelsCheckIndices(t *testing.T) {
	eachRowKernel(func(asm string) {
		for _, d := range []int{3, 12, 40, 64, 70, 72} {
			x := make([]float64, 4*d)
			for _, idx := range [][]int32{{4}, {-1}, {0, 1, 7}, {0, 5}, {1, 2, 3, -2}, {0, 1, 2, 3, 0, 1, 2, 4}} {
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("kernel %s d=%d: dotRows with indices %v into 4 rows did not panic", asm, d, idx)
						}
					}()
					dotRows(make([]float64, len(idx)), make([]float64, d), x, d, idx, 0)
				}()
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("kernel %s d=%d: sumRows with indices %v into 4 rows did not panic", asm, d, idx)
						}
					}()
					sumRows(make([]float64, d), x, d, idx, make([]float64, len(idx)))
				}()
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("kernel %s d=%d: dotRowsFire with indices %v into 4 rows did not panic", asm, d, idx)
						}
					}()
					dotRowsFire(make([]float64, len(idx)), make([]uint64, 1), make([]float64, d), x, d, idx, 0)
				}()
				func() {
					defer func() {
						if recover() == nil {
							t.Errorf("kernel %s d=%d: stepRows with indices %v into 4 rows did not panic", asm, d, idx)
						}
					}()
					stepRows(make([]float64, d), make([]float64, d), x, d, idx, make([]float64, len(idx)), -1)
				}()
			}
		}
	})
}

// TestPrefetchChangesNothing checks that prefetch, a cache hint, leaves the
// memory it covers unchanged, for lengths that are not multiples of a cache
// line and for an empty range.
func TestPrefetchChangesNothing(t *testing.T) {
	buf := make([]float64, 100)
	for i := range buf {
		buf[i] = float64(i) + 0.5
	}
	for _, n := range []int{0, 1, 63, 64, 65, 800} {
		prefetch(unsafe.Pointer(&buf[1]), min(n, 8*99))
	}
	prefetch(nil, 0)
	for i, v := range buf {
		if v != float64(i)+0.5 {
			t.Fatalf("buf[%d] = %v after prefetch, want %v", i, v, float64(i)+0.5)
		}
	}
}

// TestGramRows checks gramRows against exact sums for numbers of columns
// around its unrolling by 4.
func TestGramRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const n = 23
	g := make([]float64, n*n)
	for i := range g {
		g[i] = rng.NormFloat64()
	}
	cand := []int32{0, 4, 22, 9, 9}
	eachRowKernel(func(kernel string) {
		for _, cols := range []int{0, 1, 3, 4, 5, 7, 8, 9, 11, 16, 17, 40} {
			idx := make([]int32, cols)
			v := make([]float64, cols)
			for q := range idx {
				idx[q] = int32(rng.IntN(n))
				v[q] = rng.NormFloat64()
			}
			dz := make([]float64, len(cand))
			gramRows(dz, g, n, cand, idx, v)
			for k, c := range cand {
				row := make([]float64, cols)
				for q, j := range idx {
					row[q] = g[int(c)*n+int(j)]
				}
				want, abs := exactDot(v, row, 0)
				if math.Abs(dz[k]-want) > float64(cols+2)*0x1p-53*abs {
					t.Fatalf("kernel %s, %d columns: gramRows[%d] = %v, exact %v", kernel, cols, k, dz[k], want)
				}
			}
		}
	})
}

// TestGramRowsCheckIndices checks that a row or column outside the matrix
// panics instead of reading beyond it.
func TestGramRowsCheckIndices(t *testing.T) {
	const n = 5
	g := make([]float64, n*n)
	eachRowKernel(func(kernel string) {
		for _, c := range []struct{ cand, idx []int32 }{
			{[]int32{5}, []int32{0}},
			{[]int32{0, -1}, []int32{1}},
			{[]int32{1}, []int32{0, 1, 2, 3, 4, 5, 0, 1, 2}},
			{[]int32{1}, []int32{-3}},
		} {
			func() {
				defer func() {
					if recover() == nil {
						t.Errorf("kernel %s: gramRows with rows %v, columns %v of a %d×%d matrix did not panic", kernel, c.cand, c.idx, n, n)
					}
				}()
				gramRows(make([]float64, len(c.cand)), g, n, c.cand, c.idx, make([]float64, len(c.idx)))
			}()
		}
	})
}

// TestDotRowsBatch checks dotRowsBatch against exact sums for one to four
// neurons and dimensions around the blocks of the AVX-512 kernel.
func TestDotRowsBatch(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const n = 13
	rows := make([]int32, n)
	for i := range rows {
		rows[i] = int32(i)
	}
	eachRowKernel(func(kernel string) {
		for _, d := range []int{1, 5, 8, 9, 15, 16, 17, 24, 33, 64, 100, 784} {
			x := make([]float64, n*d)
			for i := range x {
				x[i] = rng.NormFloat64()
			}
			for k := 1; k <= 4; k++ {
				w := make([]float64, 4*d)
				for j := range w[:k*d] {
					w[j] = rng.NormFloat64()
				}
				want := append([]float64(nil), w[:k*d]...)
				b := make([]float64, k)
				for q := range b {
					b[q] = rng.NormFloat64()
				}
				z := make([]float64, 4*n)
				dotRowsBatch(z, w, x, n, d, b, rows)
				for q := 0; q < k; q++ {
					for i := 0; i < n; i++ {
						exact, abs := exactDot(want[q*d:(q+1)*d], x[i*d:(i+1)*d], b[q])
						if math.Abs(z[q*n+i]-exact) > float64(d+2)*0x1p-53*abs {
							t.Fatalf("kernel %s, d = %d, %d neurons: z[%d][%d] = %v, exact %v", kernel, d, k, q, i, z[q*n+i], exact)
						}
					}
				}
			}
		}
	})
}

// TestDotRowsFire checks that dotRowsFire gives dotRows's values bit for
// bit (the sparse trainer's trajectory depends on it) and the set of
// candidates with z ≥ 0, for every kernel, dimensions around the blocks of
// the four-row AVX-512 kernel, counts around its groups of four rows and a
// word of bits, and values that are exactly 0, −0, tiny or NaN.
func TestDotRowsFire(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	const n = 50
	eachRowKernel(func(kernel string) {
		for _, d := range []int{1, 7, 8, 16, 24, 32, 40, 56, 63, 64, 72, 96, 128, 136, 784} {
			x := make([]float64, n*d)
			for i := range x {
				x[i] = rng.NormFloat64() * math.Exp2(float64(rng.IntN(8)-4))
			}
			copy(x[3*d:4*d], make([]float64, d)) // row 3 is zero: z = −b
			x[7*d] = math.NaN()                  // row 7 gives NaN
			w := make([]float64, d)
			for j := range w {
				w[j] = rng.NormFloat64()
			}
			for _, k := range []int{1, 3, 4, 5, 8, 63, 64, 65, 67, 68, 130} {
				idx := make([]int32, k)
				for q := range idx {
					idx[q] = int32(rng.IntN(n))
				}
				idx[0] = 3
				if k > 5 {
					idx[5] = 7
				}
				for _, b := range []float64{0, math.Copysign(0, -1), 1e-300, rng.NormFloat64()} {
					want := make([]float64, k)
					dotRows(want, w, x, d, idx, b)
					z := make([]float64, k+4)
					for q := range z {
						z[q] = 42 // beyond k: must stay
					}
					on := make([]uint64, (k+63)/64)
					for i := range on {
						on[i] = ^uint64(0) // overwritten
					}
					dotRowsFire(z[:k], on, w, x, d, idx, b)
					for q := k; q < len(z); q++ {
						if z[q] != 42 {
							t.Fatalf("kernel %s d=%d k=%d: dotRowsFire wrote z[%d] beyond its %d rows", kernel, d, k, q, k)
						}
					}
					for q := range want {
						if math.Float64bits(z[q]) != math.Float64bits(want[q]) {
							t.Fatalf("kernel %s d=%d k=%d b=%v: z[%d] = %v, dotRows gives %v", kernel, d, k, b, q, z[q], want[q])
						}
						if got := on[q>>6]>>(q&63)&1 == 1; got != (want[q] >= 0) {
							t.Fatalf("kernel %s d=%d k=%d b=%v: firing bit %d = %v for z = %v", kernel, d, k, b, q, got, want[q])
						}
					}
					if k&63 != 0 && on[k>>6]>>(k&63) != 0 {
						t.Fatalf("kernel %s d=%d k=%d: bits set beyond the last row: %x", kernel, d, k, on[k>>6])
					}
				}
			}
		}
	})
}

// TestStepRows checks that stepRows gives the bits of sumRows,
// floats.AddScaled and floats.Dot (the sparse trainer's trajectory depends
// on it), for every kernel and dimensions around the blocks of the AVX-512
// kernel.
func TestStepRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const n = 40
	eachRowKernel(func(kernel string) {
		for _, d := range []int{1, 4, 8, 12, 16, 24, 56, 64, 72, 120, 128, 136, 784} {
			x := make([]float64, n*d)
			for i := range x {
				x[i] = rng.NormFloat64() * math.Exp2(float64(rng.IntN(8)-4))
			}
			for _, k := range []int{0, 1, 2, 5, 13} {
				idx := make([]int32, k)
				coef := make([]float64, k)
				for q := range idx {
					idx[q] = int32(rng.IntN(n))
					coef[q] = rng.NormFloat64()
				}
				w := make([]float64, d)
				for j := range w {
					w[j] = rng.NormFloat64()
				}
				alpha := -rng.Float64()
				wantW := append([]float64(nil), w...)
				wantG := make([]float64, d)
				sumRows(wantG, x, d, idx, coef)
				floats.AddScaled(wantW, alpha, wantG)
				wantGG := floats.Dot(wantG, wantG)
				g := make([]float64, d)
				for j := range g {
					g[j] = math.NaN() // overwritten
				}
				gg := stepRows(g, w, x, d, idx, coef, alpha)
				if math.Float64bits(gg) != math.Float64bits(wantGG) {
					t.Fatalf("kernel %s d=%d k=%d: ⟨g, g⟩ = %v, want %v", kernel, d, k, gg, wantGG)
				}
				for j := range g {
					if math.Float64bits(g[j]) != math.Float64bits(wantG[j]) || math.Float64bits(w[j]) != math.Float64bits(wantW[j]) {
						t.Fatalf("kernel %s d=%d k=%d: column %d: g = %v, w = %v, want %v, %v", kernel, d, k, j, g[j], w[j], wantG[j], wantW[j])
					}
				}
			}
		}
	})
}
