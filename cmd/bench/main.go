// Command bench prints the benchmark tables of sparsentk: the dense and the
// sparse gradient-descent trainers on the same network and data, measured in
// the same run (issue 6).
//
// Usage:
//
//	go run ./cmd/bench            # the standard tables (about half an hour on 2 cores)
//	go run ./cmd/bench -quick     # small sizes, a minute or two
//
// Standard case: the embedded optdigits data (n = 1797, d = 64, rows scaled
// to the unit sphere, labels +1 for even digits and −1 for odd ones), width
// m = 65 536, biases B ∈ {0, 1, 2, 3}, 200 steps with η = c/λ_max(H(0)),
// where H(0) is the empirical kernel at initialization and c = -eta (0.1 by
// default: on this data the firing pattern changes fast, and 1/λ_max(H(0))
// diverges at B = 3). The dense trainer's cost per step does not depend on
// the state, so it runs fewer steps (-dense-steps) and its per-step time is
// extrapolated; the sparse trainer runs all the steps, and its losses are
// checked against the dense ones over the steps both ran. Each row is
// measured -repeat times (sparse and dense alternating; medians reported,
// with the range of the ratios), because the memory bandwidth of a shared
// machine varies over minutes and the sparse trainer is bound by it.
//
// Then a synthetic case with d = 784 (random unit vectors, teacher signs), a
// table of how sparse each run stays (regime.go: the 1/Q(B) target presumes
// about Q(B)·m·n firing pairs per step, spread as at initialization), and
// the growth of the sparse time per step with m at fixed B (the dense
// trainer only while its memory stays below -dense-max-bytes).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/data"
	"github.com/sparsentk/sparsentk/ntk"
)

type config struct {
	quick         bool
	m             int
	biases        []float64
	steps         int
	denseSteps    int
	eta           float64
	synthetic     bool
	synN, synM    int
	synD          int
	scaling       bool
	scaleFrom     int
	scaleTo       int
	scaleSteps    int
	scaleB        []float64
	denseMaxBytes int64
	seed          uint64
	repeats       int
}

func main() {
	var cfg config
	var biases, scaleB string
	flag.BoolVar(&cfg.quick, "quick", false, "small sizes and few steps")
	flag.IntVar(&cfg.m, "m", 65536, "width of the standard case")
	flag.StringVar(&biases, "B", "0,1,2,3", "biases of the standard case")
	flag.IntVar(&cfg.steps, "steps", 200, "sparse training steps")
	flag.IntVar(&cfg.denseSteps, "dense-steps", 10, "dense training steps (its time per step is state independent)")
	flag.Float64Var(&cfg.eta, "eta", 0.1, "step size as a fraction of 1/λ_max(H(0))")
	flag.BoolVar(&cfg.synthetic, "synthetic", true, "run the synthetic d = 784 case")
	flag.IntVar(&cfg.synN, "syn-n", 1000, "samples of the synthetic case")
	flag.IntVar(&cfg.synM, "syn-m", 16384, "width of the synthetic case")
	flag.IntVar(&cfg.synD, "syn-d", 784, "dimension of the synthetic case")
	flag.BoolVar(&cfg.scaling, "scaling", true, "run the width series")
	flag.IntVar(&cfg.scaleFrom, "scale-from", 14, "smallest width of the series, log2")
	flag.IntVar(&cfg.scaleTo, "scale-to", 20, "largest width of the series, log2")
	flag.IntVar(&cfg.scaleSteps, "scale-steps", 20, "sparse steps per width in the series")
	flag.StringVar(&scaleB, "scale-B", "2,3", "biases of the width series")
	flag.IntVar(&cfg.repeats, "repeat", 3, "pairs of runs per row of the main table (medians reported)")
	flag.Int64Var(&cfg.denseMaxBytes, "dense-max-bytes", 2<<30, "run the dense trainer in the width series only below this memory")
	seed := flag.Uint64("seed", 1, "seed of the networks")
	flag.Parse()
	cfg.seed = *seed
	var err error
	if cfg.biases, err = parseList(biases); err != nil {
		fail(err)
	}
	if cfg.scaleB, err = parseList(scaleB); err != nil {
		fail(err)
	}
	if cfg.repeats < 1 {
		fail(fmt.Errorf("-repeat = %d; measure each row at least once", cfg.repeats))
	}
	if cfg.quick {
		cfg.repeats = min(cfg.repeats, 2)
		cfg.m = min(cfg.m, 8192)
		cfg.steps = min(cfg.steps, 50)
		cfg.denseSteps = min(cfg.denseSteps, 3)
		cfg.synN, cfg.synM = min(cfg.synN, 400), min(cfg.synM, 4096)
		cfg.scaleFrom, cfg.scaleTo, cfg.scaleSteps = 12, min(cfg.scaleTo, 15), min(cfg.scaleSteps, 10)
	}
	fmt.Printf("sparsentk trainer benchmark: %s, GOMAXPROCS=%d, %s\n", runtime.Version(), runtime.GOMAXPROCS(0), time.Now().Format(time.DateTime))
	fmt.Println("ms/step: wall time per step after the initial forward pass (setup: the initial pass);")
	fmt.Printf("in the main table the median of %d pairs of runs (sparse, dense, alternating), the ratio of the\n", cfg.repeats)
	fmt.Println("medians and in brackets the range of the pairs' ratios (a shared machine's memory bandwidth")
	fmt.Println("varies, and the sparse trainer, bound by memory, feels it more).")
	fmt.Printf("dense runs %d steps, sparse %d (20 at B < 1; dense time per step does not depend on the state);\n", cfg.denseSteps, cfg.steps)
	fmt.Println("pairs and candidates are per-step means over the sparse run; peak: heap in use above the")
	fmt.Println("baseline, sampled after every step (it includes garbage not yet collected: Go lets the heap")
	fmt.Println("grow to twice the live heap before collecting), and the documented formulas (DenseMemory,")
	fmt.Printf("SparseMemory). η = %g/λ_max(H(0)), halved until the sparse run completes.\n", cfg.eta)
	fmt.Println()

	digits, err := digitsEvenOdd()
	if err != nil {
		fail(err)
	}
	var rows []row
	for _, B := range cfg.biases {
		steps := cfg.steps
		if B < 1 {
			steps = min(steps, 20) // most pairs fire, so sparse steps are slow too: keep the run short
		}
		r, err := compare("digits", digits.X, digits.Y, cfg.m, B, cfg.eta, steps, cfg.denseSteps, cfg.repeats, cfg.seed, true)
		if err != nil {
			fail(err)
		}
		rows = append(rows, r)
	}
	if cfg.synthetic {
		X, y, err := synthetic(cfg.synN, cfg.synD, cfg.seed)
		if err != nil {
			fail(err)
		}
		for _, B := range cfg.biases {
			if B < 2 {
				continue // the dense baseline takes minutes per step at d = 784 and small B adds nothing new
			}
			r, err := compare(fmt.Sprintf("sphere d=%d", cfg.synD), X, y, cfg.synM, B, cfg.eta, min(cfg.steps, 100), min(cfg.denseSteps, 3), cfg.repeats, cfg.seed, true)
			if err != nil {
				fail(err)
			}
			rows = append(rows, r)
		}
	}
	printRows("Dense against sparse", rows)
	printRegimes(rows)

	if cfg.scaling {
		var series []row
		for _, B := range cfg.scaleB {
			var eta float64
			for lg := cfg.scaleFrom; lg <= cfg.scaleTo; lg++ {
				m := 1 << lg
				n, d := digits.X.Dims()
				withDense := ntk.DenseMemory(n, m, d) <= cfg.denseMaxBytes
				r, err := compareAt("digits", digits.X, digits.Y, m, B, eta, cfg.scaleSteps, min(cfg.denseSteps, 3), 1, cfg.seed, withDense)
				if err != nil {
					fail(err)
				}
				if eta == 0 {
					eta = r.eta // λ_max(H(0)) hardly depends on m: keep the smallest width's step
				}
				series = append(series, r)
			}
		}
		printRows("Sparse time per step against the width m (digits)", series)
	}
}

// row is one line of a table.
type row struct {
	name                string
	B                   float64
	n, m, d             int
	eta                 float64
	steps, denseSteps   int
	auto                ntk.Method
	denseMs, sparseMs   float64 // wall time per step
	denseCPU, sparseCPU float64 // CPU time per step (all threads)
	denseSetup, spSetup time.Duration
	pairs, cands        float64 // per step means
	rebuilds            float64 // per step mean
	densePeak, spPeak   int64
	denseMem, spMem     int64
	loss0, lossEnd      float64
	agree               float64 // max relative loss difference over the common steps
	err                 string
	regime              regime  // of the sparse run
	runs                int     // pairs of runs measured (repeat)
	ratioMin, ratioMax  float64 // extremes of the pairs' ratios
}

// compare trains the same network with both methods at η = c/λ_max(H(0)),
// halving c until the sparse run neither diverges, nor silences every
// neuron, nor makes so many pairs fire that it stops for lack of memory.
func compare(name string, X *mat.Dense, y []float64, m int, B, c float64, steps, denseSteps, repeats int, seed uint64, withDense bool) (row, error) {
	eta, err := stableStep(X, m, B, c, seed)
	if err != nil {
		return row{}, err
	}
	for try := 0; ; try++ {
		r, err := compareAt(name, X, y, m, B, eta, steps, denseSteps, repeats, seed, withDense)
		if err != nil || r.err == "" || try == 5 {
			return r, err
		}
		fmt.Fprintf(os.Stderr, "%s B=%g m=%d: η = %.3g failed (%s); halving it\n", name, B, m, eta, r.err)
		eta /= 2
	}
}

// compareAt trains the same network with both methods, repeats times
// (alternating, see repeat); eta = 0 means 0.1/λ_max(H(0)).
func compareAt(name string, X *mat.Dense, y []float64, m int, B, eta float64, steps, denseSteps, repeats int, seed uint64, withDense bool) (row, error) {
	n, d := X.Dims()
	if eta == 0 {
		var err error
		if eta, err = stableStep(X, m, B, 0.1, seed); err != nil {
			return row{}, err
		}
	}
	r := row{name: name, B: B, n: n, m: m, d: d, eta: eta, steps: steps,
		denseMem: ntk.DenseMemory(n, m, d), spMem: ntk.SparseMemory(n, m, d, B)}
	net, err := ntk.New(ntk.Init{Width: m, Dim: d, B: B, Seed: seed})
	if err != nil {
		return r, err
	}
	if r.auto, err = ntk.AutoMethod(net, X, ntk.TrainOptions{Eta: eta, Steps: steps}); err != nil {
		return r, err
	}
	fmt.Fprintf(os.Stderr, "%s B=%g m=%d: sparse %d steps...\n", name, B, m, steps)
	trained := net.Clone()
	sp, use, err := run(trained, X, y, ntk.Sparse, eta, steps)
	if err != nil && sp == nil {
		return r, err
	}
	if err != nil {
		r.err = err.Error()
		return r, nil // compare retries with a smaller step
	}
	r.spPeak, r.sparseCPU = use.peak, use.cpuPerStep
	last := len(sp.Stats) - 1
	r.spSetup = sp.Stats[0].Elapsed
	r.sparseMs = msPerStep(sp)
	for _, s := range sp.Stats[1:] {
		r.pairs += float64(s.ActiveMean) * float64(n)
		r.cands += float64(s.Candidates)
		r.rebuilds += float64(s.Rebuilds)
	}
	if last > 0 {
		r.pairs /= float64(last)
		r.cands /= float64(last)
		r.rebuilds /= float64(last)
	}
	r.loss0, r.lossEnd = sp.Loss[0], sp.Loss[last]
	if withDense {
		if r.regime, err = measureRegime(net, trained, X, B, sp); err != nil {
			return r, err
		}
	}
	r.agree = math.NaN()
	if !withDense {
		return r, nil
	}
	fmt.Fprintf(os.Stderr, "%s B=%g m=%d: dense %d steps...\n", name, B, m, denseSteps)
	de, use, err := run(net.Clone(), X, y, ntk.Dense, eta, denseSteps)
	if err != nil && de == nil {
		return r, err
	}
	r.densePeak, r.denseCPU = use.peak, use.cpuPerStep
	r.denseSteps = len(de.Stats) - 1
	r.denseSetup = de.Stats[0].Elapsed
	r.denseMs = msPerStep(de)
	r.agree = 0
	for k := 0; k < len(de.Loss) && k < len(sp.Loss); k++ {
		rel := math.Abs(de.Loss[k]-sp.Loss[k]) / math.Max(math.Abs(de.Loss[k]), 1e-300)
		r.agree = math.Max(r.agree, rel)
	}
	return r, r.repeat(net, X, y, sp, repeats-1)
}

// repeat measures the row's two runs k more times, alternating the methods,
// and replaces the times by their medians over all the runs; ratioMin and
// ratioMax are the extremes of the ratios of the pairs of runs. The memory
// bandwidth and caches of a shared machine vary over minutes, and the
// sparse trainer, bound by memory, feels it more than the dense one. Every
// repeated sparse run must give the first run's losses bit for bit.
func (r *row) repeat(net *ntk.Network, X *mat.Dense, y []float64, first *ntk.History, k int) error {
	sparse, dense := []float64{r.sparseMs}, []float64{r.denseMs}
	sCPU, dCPU := []float64{r.sparseCPU}, []float64{r.denseCPU}
	for rep := 0; rep < k; rep++ {
		fmt.Fprintf(os.Stderr, "%s B=%g m=%d: repeat %d of %d...\n", r.name, r.B, r.m, rep+1, k)
		sp, us, err := run(net.Clone(), X, y, ntk.Sparse, r.eta, r.steps)
		if err != nil {
			return err
		}
		for t := range first.Loss {
			if math.Float64bits(sp.Loss[t]) != math.Float64bits(first.Loss[t]) {
				return fmt.Errorf("%s B=%g: a repeated sparse run differs from the first at step %d", r.name, r.B, t)
			}
		}
		de, ud, err := run(net.Clone(), X, y, ntk.Dense, r.eta, r.denseSteps)
		if err != nil {
			return err
		}
		sparse, dense = append(sparse, msPerStep(sp)), append(dense, msPerStep(de))
		sCPU, dCPU = append(sCPU, us.cpuPerStep), append(dCPU, ud.cpuPerStep)
		r.spPeak, r.densePeak = max(r.spPeak, us.peak), max(r.densePeak, ud.peak)
	}
	r.ratioMin, r.ratioMax = math.Inf(1), 0
	for i := range sparse {
		r.ratioMin = math.Min(r.ratioMin, dense[i]/sparse[i])
		r.ratioMax = math.Max(r.ratioMax, dense[i]/sparse[i])
	}
	r.runs = len(sparse)
	r.sparseMs, r.denseMs = median(sparse), median(dense)
	r.sparseCPU, r.denseCPU = median(sCPU), median(dCPU)
	return nil
}

// median returns the median of v (the mean of the middle two for even
// lengths); it sorts v.
func median(v []float64) float64 {
	slices.Sort(v)
	h := len(v) / 2
	if len(v)%2 == 0 {
		return (v[h-1] + v[h]) / 2
	}
	return v[h]
}

// usage is what a training run consumed.
type usage struct {
	peak       int64   // heap in use above the level before training, sampled after every step
	cpuPerStep float64 // process CPU milliseconds per step after the initial forward pass
}

// run trains net and measures it.
func run(net *ntk.Network, X *mat.Dense, y []float64, method ntk.Method, eta float64, steps int) (*ntk.History, usage, error) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := int64(ms.HeapInuse)
	var u usage
	var cpu0, cpu1 time.Duration
	last := 0
	h, err := ntk.Train(net, X, y, ntk.TrainOptions{Eta: eta, Steps: steps, Method: method, DivergenceWindow: -1,
		Observe: func(s ntk.Stats) error {
			runtime.ReadMemStats(&ms)
			u.peak = max(u.peak, int64(ms.HeapInuse)-base)
			if s.Step == 0 {
				cpu0 = cpuTime()
			}
			cpu1, last = cpuTime(), s.Step
			return nil
		}})
	if last > 0 {
		u.cpuPerStep = float64(cpu1-cpu0) / 1e6 / float64(last)
	}
	return h, u, err
}

// cpuTime returns the user and system CPU time of the process.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// stableStep returns c/λ_max(H(0)) for the network of width m and bias B.
func stableStep(X *mat.Dense, m int, B, c float64, seed uint64) (float64, error) {
	_, d := X.Dims()
	net, err := ntk.New(ntk.Init{Width: m, Dim: d, B: B, Seed: seed})
	if err != nil {
		return 0, err
	}
	K, err := ntk.KernelEmpirical(net, X)
	if err != nil {
		return 0, err
	}
	sp, err := ntk.Extremes(K)
	if err != nil {
		return 0, err
	}
	return c / sp.Max, nil
}

func digitsEvenOdd() (*data.Dataset, error) {
	ds, err := data.Digits()
	if err != nil {
		return nil, err
	}
	if ds, err = ds.Normalized(); err != nil {
		return nil, err
	}
	return ds.EvenOdd()
}

func synthetic(n, d int, seed uint64) (*mat.Dense, []float64, error) {
	ds, err := data.Sphere(n, d, seed)
	if err != nil {
		return nil, nil, err
	}
	w, err := data.Teacher(d, seed+1)
	if err != nil {
		return nil, nil, err
	}
	y, err := data.TeacherSigns(ds.X, w)
	return ds.X, y, err
}

func printRows(title string, rows []row) {
	fmt.Printf("## %s\n\n", title)
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "data\tB\tm\tn\td\tη\tdense ms/step\tsparse ms/step\tratio\tCPU ms/step d|s\tCPU ratio\t1/Q(B)\tauto\tactive pairs\tcandidates\trebuilds/step\tdense setup\tsparse setup\tpeak heap d|s\tDenseMemory\tSparseMemory\tloss 0→T\tmax rel Δloss\t")
	for _, r := range rows {
		ratio := "—"
		cpuRatio := "—"
		cpuMs := fmt.Sprintf("— | %.1f", r.sparseCPU)
		dms := "—"
		dsetup := "—"
		dpeak := "—"
		agree := "—"
		if r.denseSteps > 0 {
			dms = fmt.Sprintf("%.1f (%d)", r.denseMs, r.denseSteps)
			ratio = fmt.Sprintf("%.1f×", r.denseMs/r.sparseMs)
			if r.runs > 1 {
				ratio += fmt.Sprintf(" [%.0f–%.0f]", r.ratioMin, r.ratioMax)
			}
			cpuRatio = fmt.Sprintf("%.1f×", r.denseCPU/r.sparseCPU)
			cpuMs = fmt.Sprintf("%.0f | %.1f", r.denseCPU, r.sparseCPU)
			dsetup = r.denseSetup.Round(10 * time.Millisecond).String()
			dpeak = mb(r.densePeak)
			agree = fmt.Sprintf("%.1e", r.agree)
		}
		fmt.Fprintf(tw, "%s\t%g\t%d\t%d\t%d\t%.3g\t%s\t%.2f (%d)\t%s\t%s\t%s\t%.0f\t%v\t%s\t%s\t%.1f\t%s\t%s\t%s\t%s\t%s\t%.4g→%.4g\t%s\t\n",
			r.name, r.B, r.m, r.n, r.d, r.eta, dms, r.sparseMs, r.steps, ratio, cpuMs, cpuRatio, 1/ntk.Q(r.B), r.auto,
			count(r.pairs), count(r.cands), r.rebuilds, dsetup, r.spSetup.Round(10*time.Millisecond), dpeak+" | "+mb(r.spPeak),
			mb(r.denseMem), mb(r.spMem), r.loss0, r.lossEnd, agree)
	}
	tw.Flush()
	for _, r := range rows {
		if r.err != "" {
			fmt.Printf("note: %s B=%g m=%d: %s\n", r.name, r.B, r.m, r.err)
		}
	}
	fmt.Println()
}

func ms(d time.Duration) float64 { return float64(d) / 1e6 }

// msPerStep returns the wall milliseconds per step of a run after its
// initial forward pass (0 for a run without steps).
func msPerStep(h *ntk.History) float64 {
	last := len(h.Stats) - 1
	if last < 1 {
		return 0
	}
	return ms(h.Stats[last].Elapsed-h.Stats[0].Elapsed) / float64(last)
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/1e6) }

func count(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2fM", v/1e6)
	case v >= 1e3:
		return fmt.Sprintf("%.1fk", v/1e3)
	}
	return fmt.Sprintf("%.0f", v)
}

func parseList(s string) ([]float64, error) {
	var out []float64
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		v, err := strconv.ParseFloat(f, 64)
		if err != nil {
			return nil, fmt.Errorf("bench: %q is not a number", f)
		}
		out = append(out, v)
	}
	return out, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench:", err)
	os.Exit(1)
}
