package main

import (
	"fmt"
	"os"
	"slices"
	"text/tabwriter"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/ntk"
)

// regime describes how far a training run is from the premise of the
// 1/Q(B) speed-up target: that every step has about Q(B)·m·n firing pairs,
// spread over the neurons as at initialization (each neuron firing on about
// a fraction Q(B) of the samples), with few pairs changing state.
type regime struct {
	expected float64 // Q(B)·m·n
	start    float64 // firing pairs at t = 0
	end      float64 // firing pairs after the last step
	mean     float64 // mean firing pairs per step over the run
	// share of the firing pairs held by the 2.5% of neurons that fire most,
	// and the mean fraction of the samples those neurons fire on: at t = 0
	// and after the last step
	topShare0, topFrac0 float64
	topShare, topFrac   float64
	flipped             int64 // pairs whose firing has differed from t = 0 at some step
	steps               int
}

// measureRegime summarizes a sparse run from net0 to net (with history h) on X.
func measureRegime(net0, net *ntk.Network, X *mat.Dense, B float64, h *ntk.History) (regime, error) {
	n, _ := X.Dims()
	m := net.Width()
	last := len(h.Stats) - 1
	g := regime{
		expected: ntk.Q(B) * float64(m) * float64(n),
		start:    h.Stats[0].ActiveMean * float64(n),
		end:      h.Stats[last].ActiveMean * float64(n),
		flipped:  h.Stats[last].Flipped,
		steps:    last,
	}
	for _, s := range h.Stats[1:] {
		g.mean += s.ActiveMean * float64(n)
	}
	if last > 0 {
		g.mean /= float64(last)
	}
	c0, err := firingPerNeuron(net0, X)
	if err != nil {
		return g, err
	}
	c, err := firingPerNeuron(net, X)
	if err != nil {
		return g, err
	}
	g.topShare0, g.topFrac0 = concentration(c0, n)
	g.topShare, g.topFrac = concentration(c, n)
	return g, nil
}

// concentration returns the share of the firing pairs held by the 2.5% of
// neurons with the most, and the mean fraction of the n samples those fire on.
func concentration(counts []int, n int) (share, frac float64) {
	slices.Sort(counts)
	slices.Reverse(counts)
	top := max(1, len(counts)/40)
	var all, head float64
	for r, c := range counts {
		all += float64(c)
		if r < top {
			head += float64(c)
		}
	}
	if all > 0 {
		share = head / all
	}
	return share, head / float64(top) / float64(n)
}

// firingPerNeuron returns, for every neuron, the number of samples it fires
// on.
func firingPerNeuron(net *ntk.Network, X *mat.Dense) ([]int, error) {
	active, err := net.Active(X)
	if err != nil {
		return nil, err
	}
	counts := make([]int, net.Width())
	for _, rs := range active {
		for _, r := range rs {
			counts[r]++
		}
	}
	return counts, nil
}

func printRegimes(rows []row) {
	fmt.Println("## How sparse the training stays (sparse runs of the table above)")
	fmt.Println()
	fmt.Println("The 1/Q(B) target presumes about Q(B)·m·n firing pairs per step, spread over the neurons as at")
	fmt.Println("initialization. Firing pairs at t = 0, at the end and on average, as multiples of Q(B)·m·n; the")
	fmt.Println("share of the firing pairs held by the 2.5% of neurons that fire most, and the mean fraction of the")
	fmt.Println("samples those fire on, at t = 0 → at the end (Q(B) for every neuron if the samples were spread")
	fmt.Println("evenly); the pairs whose state ever changed.")
	fmt.Println()
	tw := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "data\tB\tm\tsteps\tQ(B)·m·n\tfiring t=0\tfiring end\tmean firing/step\ttop 2.5%: share of pairs\ttop 2.5%: fire on\tQ(B)\tpairs ever flipped\t")
	for _, r := range rows {
		g := r.regime
		if g.steps == 0 {
			continue
		}
		fmt.Fprintf(tw, "%s\t%g\t%d\t%d\t%s\t%.2f×\t%.2f×\t%.2f×\t%.0f%% → %.0f%%\t%.1f%% → %.1f%%\t%.2f%%\t%s\t\n",
			r.name, r.B, r.m, g.steps, count(g.expected), g.start/g.expected, g.end/g.expected, g.mean/g.expected,
			100*g.topShare0, 100*g.topShare, 100*g.topFrac0, 100*g.topFrac, 100*ntk.Q(r.B), count(float64(g.flipped)))
	}
	tw.Flush()
	fmt.Println()
}
