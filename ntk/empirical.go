package ntk

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"
)

// KernelEmpirical returns the empirical (finite-width) neural tangent kernel
// of net on the rows x_i of X (paper, eq. 1 and Definition 21):
//
//	H_ij = (1/m) Σ_r (⟨x_i, x_j⟩ + 1) 1[⟨w_r, x_i⟩ ≥ b_r] 1[⟨w_r, x_j⟩ ≥ b_r],
//
// the Gram matrix of the gradients of f with respect to (W, b); the "+1" is
// the bias gradient. With S the n×m 0/1 firing pattern, H = (XXᵀ + 1) ∘ SSᵀ/m.
//
// S has density about Q(B) for a network at initialization with bias B, and
// KernelEmpirical pays only for co-firing pairs: it computes the firing
// pattern in blocks of neurons (one BLAS product X·W_blockᵀ per block, as
// Active does), lists the samples each neuron fires on, and counts
// C_ij = Σ_r s_ir s_jr row by row, about m·(nQ(B))²/2 increments in all
// against n²m/2 multiply-adds for the dense product SSᵀ (at B = 2, n = 2000,
// m = 65 536, d = 64 it is more than 10× faster; see BenchmarkKernelEmpirical).
//
// Accuracy: the counts C_ij are exact integers, whatever the order and the
// parallel split, so the result is bitwise independent of GOMAXPROCS; each
// entry is then (⟨x_i,x_j⟩ + 1)·C_ij/m with ⟨x_i,x_j⟩ a float64 dot product,
// within a few ulps of (|⟨x_i,x_j⟩| + d·ε‖x_i‖‖x_j‖ + 1)·C_ij/m.
//
// Memory: the n×n result (8n² bytes, checked against MaxKernelBytes) and a
// working space of at most about 80 MB for the pre-activations of one block
// and its firing lists.
func KernelEmpirical(net *Network, X *mat.Dense) (*mat.SymDense, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := checkInputs(X, net.Dim()); err != nil {
		return nil, err
	}
	if err := checkRowSquares("KernelEmpirical", "X", X); err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	m := net.Width()
	k := firingBlock(n, m)
	if err := checkMemory(fmt.Sprintf("KernelEmpirical: the %d×%d kernel with its working space", n, n),
		matrixBytes(n, n)+matrixBytes(n, k)+coFiringBytes(n, k)); err != nil {
		return nil, err
	}
	K := mat.NewSymDense(n, nil)
	cf := newCoFiring(K)
	var pre []float64
	for r0 := 0; r0 < m; r0 += k {
		r1 := min(r0+k, m)
		pre = preactivations(pre, net.W, X, r0, r1)
		cf.add(pre, r1-r0, net.Bias[r0:r1])
	}
	scaleCounts(K, nil, X, m)
	return K, nil
}

// kernelEmpiricalDense computes the same kernel as KernelEmpirical with the
// dense product: for each block of neurons it writes the firing pattern S_b
// as an n×k matrix of 0s and 1s, adds S_b S_bᵀ to the counts with BLAS dsyrk
// (exact: every partial sum is an integer below 2^53), and finishes with the
// same Hadamard product. It is the reference of the tests and the baseline
// of BenchmarkKernelEmpirical.
func kernelEmpiricalDense(net *Network, X *mat.Dense) (*mat.SymDense, error) {
	if err := net.Validate(); err != nil {
		return nil, err
	}
	if err := checkInputs(X, net.Dim()); err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	m := net.Width()
	k := firingBlock(n, m)
	if err := checkMemory(fmt.Sprintf("the dense empirical kernel: the %d×%d kernel with its working space", n, n),
		matrixBytes(n, n)+matrixBytes(n, k)); err != nil {
		return nil, err
	}
	K := mat.NewSymDense(n, nil)
	c := K.RawSymmetric()
	var pre []float64
	for r0 := 0; r0 < m; r0 += k {
		r1 := min(r0+k, m)
		kb := r1 - r0
		pre = preactivations(pre, net.W, X, r0, r1)
		for i := 0; i < n; i++ {
			row := pre[i*kb : (i+1)*kb]
			for j, z := range row {
				if z >= net.Bias[r0+j] {
					row[j] = 1
				} else {
					row[j] = 0
				}
			}
		}
		blas64.Syrk(blas.NoTrans, 1, blas64.General{Rows: n, Cols: kb, Stride: kb, Data: pre}, 1, c)
	}
	scaleCounts(K, nil, X, m)
	return K, nil
}

// firingBlock returns the number of neurons whose pre-activations on n
// samples are held at once: at most neuronBlock, and at most about 4 M
// entries (32 MB), so that the firing lists stay small and indexable by int32.
func firingBlock(n, m int) int {
	k := min(neuronBlock, max(64, (1<<22)/n), m)
	return max(k, 1)
}

// coFiringBytes bounds the bytes of the firing lists of one block of k
// neurons on n samples (three int32 per firing pair, plus the offsets).
func coFiringBytes(n, k int) int64 { return 12*int64(n)*int64(k) + 8*int64(n+k) }

// coFiring accumulates the co-firing counts C_ij = Σ_r s_ir s_jr, i ≤ j, of a
// firing pattern given block of neurons by block of neurons, into the upper
// triangle of a symmetric matrix. The counts are integers held exactly in
// float64 (every count is at most m < 2^53), so their value does not depend
// on the order of the additions.
type coFiring struct {
	n      int
	counts blas64.Symmetric

	// Firing lists of the current block, in compressed form:
	// row i (sample) fires neurons rowNeuron[rowStart[i]:rowStart[i+1]], and
	// rowPos[e] is the position of i in the list of neuron rowNeuron[e];
	// neuron r fires on samples colSample[colStart[r]:colStart[r+1]], ascending.
	rowStart, rowNeuron, rowPos []int32
	colStart, colSample, next   []int32
}

func newCoFiring(K *mat.SymDense) *coFiring {
	n := K.SymmetricDim()
	return &coFiring{n: n, counts: K.RawSymmetric(), rowStart: make([]int32, n+1)}
}

// add adds the co-firing counts of one block of k neurons, whose
// pre-activations on the n samples are pre (row-major n×k) and whose
// thresholds are threshold[0:k]: neuron r fires on sample i iff
// pre[i·k+r] ≥ threshold[r].
func (cf *coFiring) add(pre []float64, k int, threshold []float64) {
	n := cf.n
	// Firing neurons per sample, counted then listed, in parallel over
	// samples (each sample's list is its own).
	count := cf.rowStart[1:]
	parallelFor(n, 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			c := int32(0)
			for r, z := range pre[i*k : (i+1)*k] {
				if z >= threshold[r] {
					c++
				}
			}
			count[i] = c
		}
	})
	cf.rowStart[0] = 0
	for i := 1; i <= n; i++ {
		cf.rowStart[i] += cf.rowStart[i-1]
	}
	nnz := int(cf.rowStart[n])
	cf.rowNeuron = growInt32(cf.rowNeuron, nnz)
	cf.rowPos = growInt32(cf.rowPos, nnz)
	cf.colSample = growInt32(cf.colSample, nnz)
	parallelFor(n, 16, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			e := cf.rowStart[i]
			for r, z := range pre[i*k : (i+1)*k] {
				if z >= threshold[r] {
					cf.rowNeuron[e] = int32(r)
					e++
				}
			}
		}
	})
	// Samples per neuron (a counting sort of the pairs by neuron), recording
	// where each pair lands.
	cf.colStart = growInt32(cf.colStart, k+1)
	cf.next = growInt32(cf.next, k)
	clear(cf.colStart)
	for _, r := range cf.rowNeuron {
		cf.colStart[r+1]++
	}
	for r := 1; r <= k; r++ {
		cf.colStart[r] += cf.colStart[r-1]
	}
	copy(cf.next, cf.colStart[:k])
	for i := 0; i < n; i++ {
		for e := cf.rowStart[i]; e < cf.rowStart[i+1]; e++ {
			r := cf.rowNeuron[e]
			q := cf.next[r]
			cf.colSample[q] = int32(i)
			cf.rowPos[e] = q
			cf.next[r]++
		}
	}
	// C_ij += 1 for every neuron firing on both i and j ≥ i: row i of C
	// belongs to one goroutine, and the samples after i in the list of a
	// neuron firing on i are exactly its partners j ≥ i.
	c, stride := cf.counts.Data, cf.counts.Stride
	parallelTriangle(n, func(i int) {
		ci := c[i*stride : (i+1)*stride]
		for e := cf.rowStart[i]; e < cf.rowStart[i+1]; e++ {
			r := cf.rowNeuron[e]
			for _, j := range cf.colSample[cf.rowPos[e]:cf.colStart[r+1]] {
				ci[j]++
			}
		}
	})
}

// scaleCounts replaces every count C_ij (i ≤ j) of the upper triangle of K
// by (⟨x_i,x_j⟩ + 1)·C_ij/m and, when se is not nil, writes into se the
// standard error (|⟨x_i,x_j⟩ + 1|)·sqrt(p(1−p)/(m−1)), p = C_ij/m, of the mean
// of m Bernoulli draws (m ≥ 2).
func scaleCounts(K, se *mat.SymDense, X *mat.Dense, m int) {
	n := K.SymmetricDim()
	raw := K.RawSymmetric()
	var seRaw blas64.Symmetric
	if se != nil {
		seRaw = se.RawSymmetric()
	}
	mf := float64(m)
	parallelTriangle(n, func(i int) {
		xi := X.RawRowView(i)
		row := raw.Data[i*raw.Stride : i*raw.Stride+n]
		for j := i; j < n; j++ {
			c := row[j]
			if c == 0 {
				continue
			}
			g := floats.Dot(xi, X.RawRowView(j)) + 1
			p := c / mf
			row[j] = g * p
			if se != nil {
				seRaw.Data[i*seRaw.Stride+j] = math.Abs(g) * math.Sqrt(p*(1-p)/(mf-1))
			}
		}
	})
}

// parallelTriangle calls row(i) for every i in [0, n) from up to GOMAXPROCS
// goroutines, pairing row i with row n−1−i so that loops over the upper
// triangle (row i costs about n − i) split evenly. Each row must write only
// its own outputs.
func parallelTriangle(n int, row func(i int)) {
	parallelFor((n+1)/2, 4, func(lo, hi int) {
		for p := lo; p < hi; p++ {
			row(p)
			if q := n - 1 - p; q != p {
				row(q)
			}
		}
	})
}

// growInt32 returns s resliced to length n, reallocated if its capacity is short.
func growInt32(s []int32, n int) []int32 {
	if cap(s) < n {
		return make([]int32, n)
	}
	return s[:n]
}
