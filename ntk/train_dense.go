package ntk

import (
	"math"
	"math/bits"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// DenseMemory returns the bytes of working memory the Dense method allocates
// for n samples, width m and input dimension d, besides the network itself:
//
//	8·n·m        the pre-activations ⟨w_r, x_i⟩, reused for the masked residuals
//	8·m·(d+1)    the initial parameters, for the movement statistics
//	2·n·⌈m/64⌉·8 the firing pattern at initialization and the flip record
func DenseMemory(n, m, d int) int64 {
	n64, m64, d64 := int64(n), int64(m), int64(d)
	words := (m64 + 63) / 64
	return 8*n64*m64 + 8*m64*(d64+1) + 16*n64*words
}

// denseTrainer is the reference implementation of gradient descent: two BLAS
// products per step, over every (neuron, sample) pair.
type denseTrainer struct {
	net   *Network
	X     *mat.Dense
	y     []float64
	n, m  int
	scale float64 // 1/√m

	pre   []float64 // n×m: ⟨w_r, x_i⟩, then the masked residuals of update
	resid []float64 // f(x_i) − y_i at the current state

	w0, b0  []float64 // initial parameters
	fired0  []uint64  // n rows of ⌈m/64⌉ words: the firing pattern at t = 0
	flipped []uint64  // same layout: pairs that have ever differed from fired0
	words   int
	started bool

	// per-sample results of forward
	active, flips, everFlipped []int64
	rowNorm, biasMove          []float64 // per-neuron movement
}

// newDenseTrainer prepares the dense trainer of net on X, y (validated by
// Train). A non-nil o continues a run from that origin (a checkpoint);
// otherwise the current state is t = 0.
func newDenseTrainer(net *Network, X *mat.Dense, y []float64, o *origin) *denseTrainer {
	n, _ := X.Dims()
	m := net.Width()
	words := (m + 63) / 64
	t := &denseTrainer{
		net: net, X: X, y: y, n: n, m: m,
		scale:       1 / math.Sqrt(float64(m)),
		pre:         make([]float64, n*m),
		resid:       make([]float64, n),
		words:       words,
		active:      make([]int64, n),
		flips:       make([]int64, n),
		everFlipped: make([]int64, n),
		rowNorm:     make([]float64, m),
		biasMove:    make([]float64, m),
	}
	if o != nil {
		t.w0, t.b0 = o.w0, o.b0
		t.fired0 = transposeBits(o.fired0, m, n)
		t.flipped = transposeBits(o.flipped, m, n)
		t.started = true
	} else {
		t.w0 = append([]float64(nil), net.W.RawMatrix().Data...)
		t.b0 = append([]float64(nil), net.Bias...)
		t.fired0 = make([]uint64, n*words)
		t.flipped = make([]uint64, n*words)
	}
	return t
}

// origin returns the trainer's origin; the network holds the current state.
func (t *denseTrainer) origin() *origin {
	return &origin{
		m: t.m, n: t.n, d: t.net.Dim(),
		w0: t.w0, b0: t.b0,
		fired0:  transposeBits(t.fired0, t.n, t.m),
		flipped: transposeBits(t.flipped, t.n, t.m),
	}
}

func (t *denseTrainer) forward(st *Stats) {
	n, m := t.n, t.m
	preactivations(t.pre, t.net.W, t.X, 0, m)
	bias, a := t.net.Bias, t.net.A
	first := !t.started
	t.started = true
	parallelFor(n, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			row := t.pre[i*m : (i+1)*m]
			f0 := t.fired0[i*t.words : (i+1)*t.words]
			fl := t.flipped[i*t.words : (i+1)*t.words]
			s := 0.0
			var count, now, ever int64
			for w := range f0 {
				var cur uint64
				hi := min(w<<6+64, m)
				for r := w << 6; r < hi; r++ {
					if u := row[r] - bias[r]; u >= 0 {
						s += a[r] * u
						cur |= 1 << (r & 63)
					}
				}
				if first {
					f0[w] = cur
				}
				diff := cur ^ f0[w]
				fl[w] |= diff
				count += int64(bits.OnesCount64(cur))
				now += int64(bits.OnesCount64(diff))
				ever += int64(bits.OnesCount64(fl[w]))
			}
			t.resid[i] = s*t.scale - t.y[i]
			t.active[i], t.flips[i], t.everFlipped[i] = count, now, ever
		}
	})
	t.fillStats(st)
	st.Pairs = int64(n) * int64(m)
}

// fillStats summarizes the per-sample and per-neuron results of forward.
func (t *denseTrainer) fillStats(st *Stats) {
	loss := 0.0
	for _, e := range t.resid {
		loss += e * e
	}
	st.Loss = loss / 2
	st.ActiveMin, st.ActiveMax = math.MaxInt, 0
	var total int64
	for i := range t.active {
		c := int(t.active[i])
		st.ActiveMin = min(st.ActiveMin, c)
		st.ActiveMax = max(st.ActiveMax, c)
		total += t.active[i]
		st.Flips += t.flips[i]
		st.Flipped += t.everFlipped[i]
	}
	st.ActiveMean = float64(total) / float64(t.n)
	st.MoveW, st.MoveB = movement(t.net.W.RawMatrix().Data, t.w0, t.net.Bias, t.b0, t.net.Dim(), t.rowNorm, t.biasMove)
}

// movement returns max_r ‖w_r − w0_r‖₂ and max_r |b_r − b0_r|, using the
// scratch slices rowNorm and biasMove (length m).
func movement(w, w0, b, b0 []float64, d int, rowNorm, biasMove []float64) (moveW, moveB float64) {
	m := len(b)
	parallelFor(m, 256, func(lo, hi int) {
		for r := lo; r < hi; r++ {
			s := 0.0
			for j := r * d; j < (r+1)*d; j++ {
				u := w[j] - w0[j]
				s += u * u
			}
			rowNorm[r] = math.Sqrt(s)
			biasMove[r] = math.Abs(b[r] - b0[r])
		}
	})
	for r := 0; r < m; r++ {
		moveW = max(moveW, rowNorm[r])
		moveB = max(moveB, biasMove[r])
	}
	return moveW, moveB
}

func (t *denseTrainer) update(eta float64) {
	n, m := t.n, t.m
	bias, a := t.net.Bias, t.net.A
	// pre_ir ← (f(x_i) − y_i) a_r 1[⟨w_r,x_i⟩ ≥ b_r] / √m: the gradient of L
	// with respect to the pre-activation of neuron r on sample i.
	parallelFor(n, 1, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			e := t.resid[i] * t.scale
			row := t.pre[i*m : (i+1)*m]
			for r, z := range row {
				if z >= bias[r] {
					row[r] = e * a[r]
				} else {
					row[r] = 0
				}
			}
		}
	})
	// ∂L/∂b_r = −Σ_i pre_ir, summed in increasing i for every r.
	parallelFor(m, 256, func(lo, hi int) {
		acc := make([]float64, hi-lo)
		for i := 0; i < n; i++ {
			row := t.pre[i*m+lo : i*m+hi]
			for j, v := range row {
				acc[j] += v
			}
		}
		for j, g := range acc {
			bias[lo+j] += eta * g
		}
	})
	// W ← W − η·preᵀX.
	wr, xr := t.net.W.RawMatrix(), t.X.RawMatrix()
	blas64.Gemm(blas.Trans, blas.NoTrans, -eta,
		blas64.General{Rows: n, Cols: m, Stride: m, Data: t.pre},
		blas64.General{Rows: n, Cols: xr.Cols, Stride: xr.Stride, Data: xr.Data},
		1, blas64.General{Rows: m, Cols: wr.Cols, Stride: wr.Stride, Data: wr.Data})
}

func (t *denseTrainer) finish() {}

// lambdaMax0 estimates λ_max of the empirical kernel H(θ(0)) by 30 steps of
// power iteration, with H v = J Jᵀ v computed through the initial firing
// pattern (paper, eq. 1): (Hv)_i = (1/m) Σ_r s_ir ⟨x̃_i, Σ_j v_j s_jr x̃_j⟩,
// x̃ = [x; −1]. It reuses the pre-activation buffer, so it may only be called
// when training has stopped.
func (t *denseTrainer) lambdaMax0() float64 {
	n, m := t.n, t.m
	_, d := t.X.Dims()
	xr := t.X.RawMatrix()
	xg := blas64.General{Rows: n, Cols: d, Stride: xr.Stride, Data: xr.Data}
	u := make([]float64, m*d)
	c := make([]float64, m)
	fired := func(i, r int) bool { return t.fired0[i*t.words+r>>6]&(1<<(r&63)) != 0 }
	return powerLambdaMax(n, func(hv, v []float64) {
		parallelFor(n, 1, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				for r := 0; r < m; r++ {
					if fired(i, r) {
						t.pre[i*m+r] = v[i]
					} else {
						t.pre[i*m+r] = 0
					}
				}
			}
		})
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, blas64.General{Rows: n, Cols: m, Stride: m, Data: t.pre}, xg,
			0, blas64.General{Rows: m, Cols: d, Stride: d, Data: u})
		for r := range c {
			c[r] = 0
		}
		for i := 0; i < n; i++ {
			for r := 0; r < m; r++ {
				c[r] += t.pre[i*m+r]
			}
		}
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, xg, blas64.General{Rows: m, Cols: d, Stride: d, Data: u},
			0, blas64.General{Rows: n, Cols: m, Stride: m, Data: t.pre})
		for i := 0; i < n; i++ {
			s := 0.0
			for r := 0; r < m; r++ {
				if fired(i, r) {
					s += t.pre[i*m+r] + c[r]
				}
			}
			hv[i] = s / float64(m)
		}
	})
}
