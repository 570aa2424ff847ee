package ntk

import "gonum.org/v1/gonum/floats"

// Row kernels of the sparse trainer: many dot products of one vector with
// selected rows of a row-major matrix, and linear combinations of selected
// rows, each in a single call. On amd64 with AVX2 and FMA they run in
// assembly (rows_amd64.s); elsewhere, and when useRowAsm is false, in the
// portable Go below. The two differ only in rounding: each result is a sum of
// d products accumulated in a fixed order, with a rounding error of at most
// about d·2^-53 times the sum of the absolute values of its terms (the usual
// bound of a dot product; the fused multiply-adds of the assembly round once
// per term instead of twice). Where AVX-512F is available the assembly uses
// 8-lane registers (useRow512). All are deterministic: the same inputs give
// the same bits on a given machine.

// dotRows sets z[k] = ⟨w, x_{idx[k]}⟩ − b for every k < len(idx), where x_i
// is row i of the row-major matrix x with d columns. It panics if an index
// is out of range or a slice is too short (a bug of the caller: the sparse
// trainer's indices are always rows of its data); the assembly checks every
// index before it reads the row.
func dotRows(z, w, x []float64, d int, idx []int32, b float64) {
	if d < 0 {
		panic("ntk: dotRows: negative dimension")
	}
	if len(z) < len(idx) || len(w) < d {
		panic("ntk: dotRows: slice too short")
	}
	if len(idx) == 0 {
		return
	}
	if useRowAsm && d > 0 {
		var ok bool
		if useRow512 {
			ok = dotRows512(z, w, x, idx, d, b, len(x)/d)
		} else {
			ok = dotRowsAsm(z, w, x, idx, d, b, len(x)/d)
		}
		if !ok {
			panic("ntk: dotRows: row index out of range")
		}
		return
	}
	w = w[:d]
	for k, i := range idx {
		row := x[int(i)*d : int(i)*d+d]
		var s0, s1, s2, s3 float64
		j := 0
		for ; j+4 <= d; j += 4 {
			s0 += w[j] * row[j]
			s1 += w[j+1] * row[j+1]
			s2 += w[j+2] * row[j+2]
			s3 += w[j+3] * row[j+3]
		}
		for ; j < d; j++ {
			s0 += w[j] * row[j]
		}
		z[k] = (s0 + s1) + (s2 + s3) - b
	}
}

// dotRowsFire sets z as dotRows does and on to the firing set of z: bit
// k&63 of on[k>>6] is set exactly when z[k] ≥ 0 (false for NaN), for
// k < len(idx); on needs at least ⌈len(idx)/64⌉ words, and the words are
// overwritten. The results are those of dotRows, bit for bit: with AVX-512
// and d a multiple of 8 in one call of dotRowsFire512 (the same order of
// operations as dotRows512), otherwise by dotRows and a pass over z.
func dotRowsFire(z []float64, on []uint64, w, x []float64, d int, idx []int32, b float64) {
	words := (len(idx) + 63) >> 6
	if len(on) < words || len(z) < len(idx) || len(w) < d || d < 0 {
		panic("ntk: dotRowsFire: slice too short")
	}
	on = on[:words]
	clear(on)
	if len(idx) == 0 {
		return
	}
	if useRow512 && d > 0 && d%8 == 0 {
		if !dotRowsFire512(z, w, x, idx, d, b, len(x)/d, on) {
			panic("ntk: dotRowsFire: row index out of range")
		}
		return
	}
	dotRows(z, w, x, d, idx, b)
	for k := range idx {
		on[k>>6] |= uint64(b2i(z[k] >= 0)) << (k & 63)
	}
}

// sumRows sets g = Σ_k coef[k]·x_{idx[k]} (g has length d; zero when idx is
// empty). Same preconditions as dotRows; len(coef) ≥ len(idx).
func sumRows(g, x []float64, d int, idx []int32, coef []float64) {
	if d < 0 {
		panic("ntk: sumRows: negative dimension")
	}
	if len(g) < d || len(coef) < len(idx) {
		panic("ntk: sumRows: slice too short")
	}
	g = g[:d]
	if len(idx) == 0 {
		clear(g)
		return
	}
	if useRowAsm && d > 0 {
		var ok bool
		if useRow512 {
			ok = sumRows512(g, x, idx, coef, d, len(x)/d)
		} else {
			ok = sumRowsAsm(g, x, idx, coef, d, len(x)/d)
		}
		if !ok {
			panic("ntk: sumRows: row index out of range")
		}
		return
	}
	clear(g)
	for k, i := range idx {
		c := coef[k]
		row := x[int(i)*d : int(i)*d+d]
		for j, v := range row {
			g[j] += c * v
		}
	}
}

// stepRows sets g = Σ_k coef[k]·x_{idx[k]} (as sumRows), then adds
// alpha·g to w (as floats.AddScaled) and returns ⟨g, g⟩ (as floats.Dot),
// with the same bits as those three calls: with AVX-512, d a multiple of 8
// and at least one row, in one call of stepRows512, otherwise by the three
// calls. g and w need length d; the preconditions are those of sumRows.
func stepRows(g, w, x []float64, d int, idx []int32, coef []float64, alpha float64) float64 {
	if d < 0 || len(g) < d || len(w) < d || len(coef) < len(idx) {
		panic("ntk: stepRows: slice too short")
	}
	g, w = g[:d], w[:d]
	if useRow512 && d > 0 && d%8 == 0 && len(idx) > 0 {
		gg, ok := stepRows512(g, w, x, idx, coef, d, alpha, len(x)/d)
		if !ok {
			panic("ntk: stepRows: row index out of range")
		}
		return gg
	}
	sumRows(g, x, d, idx, coef)
	floats.AddScaled(w, alpha, g)
	return floats.Dot(g, g)
}

// gramRows sets dz[k] = Σ_q v[q]·g[cand[k], idx[q]] for the n×n row-major
// matrix g: dot products of v with rows of g read at the columns idx. Same
// rounding bound as dotRows; with AVX-512 the columns are read by gathers.
func gramRows(dz, g []float64, n int, cand, idx []int32, v []float64) {
	v = v[:len(idx)]
	if len(dz) < len(cand) || len(g) < n*n {
		panic("ntk: gramRows: slice too short")
	}
	if useRow512 && len(cand) > 0 {
		bad := false
		for _, j := range idx {
			bad = bad || uint32(j) >= uint32(n)
		}
		if bad || !gramRows512(dz, g, n, cand, idx, v) {
			panic("ntk: gramRows: row index out of range")
		}
		return
	}
	for k, c := range cand {
		row := g[int(c)*n : int(c)*n+n]
		var s0, s1, s2, s3 float64
		q := 0
		for ; q+4 <= len(idx); q += 4 {
			s0 += v[q] * row[idx[q]]
			s1 += v[q+1] * row[idx[q+1]]
			s2 += v[q+2] * row[idx[q+2]]
			s3 += v[q+3] * row[idx[q+3]]
		}
		for ; q < len(idx); q++ {
			s0 += v[q] * row[idx[q]]
		}
		dz[k] = (s0 + s1) + (s2 + s3)
	}
}

// dotRowsBatch sets z[k·n + i] = ⟨w_k, x_i⟩ − b[k] for every k < len(b) ≤ 4
// and every row i < n of x, where w_k = w[k·d : k·d+d]: the pre-activations
// of up to four neurons on all the samples. With AVX-512 the four neurons
// share every read of x (dotRows4); the rows of w beyond len(b) are then
// overwritten with copies of w_0. z needs length 4n and w 4d; rows must be
// 0, …, n−1 (for the other kernels). Same rounding bound as dotRows.
func dotRowsBatch(z, w, x []float64, n, d int, b []float64, rows []int32) {
	if len(b) > 4 || len(z) < 4*n || len(w) < 4*d || len(x) < n*d || len(rows) < n || d < 0 {
		panic("ntk: dotRowsBatch: bad sizes")
	}
	if len(b) == 0 || n == 0 {
		return
	}
	if useRow512 && len(b) > 1 && d > 0 {
		var bb [4]float64
		copy(bb[:], b)
		for k := len(b); k < 4; k++ {
			copy(w[k*d:(k+1)*d], w[:d])
			bb[k] = b[0]
		}
		dotRows4(z, w, x, n, d, bb[:])
		return
	}
	for k, bk := range b {
		dotRows(z[k*n:(k+1)*n], w[k*d:(k+1)*d], x, d, rows[:n], bk)
	}
}
