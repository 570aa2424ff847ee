package ntk

import (
	"fmt"
	"syscall"
	"testing"
	"time"
)

// processCPU returns the user and system CPU time of the process so far: on
// a machine shared with other jobs it measures the work done more steadily
// than the wall time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkTrain compares the dense and the sparse trainer on the same
// network and data (n = 512 random unit vectors in R^32, width m = 16 384,
// 10 steps at η = 0.1/λ_max(H(0)), stable at every B). One operation is a whole Train call; the
// ms/step metric excludes the initial forward pass (reported as setup-ms),
// cpu-ms/step is the process CPU time per step (all threads; steadier than
// the wall time on a shared machine), and speedup-x in the sparse
// sub-benchmark is the ratio to the dense ms/step measured just before it.
// cmd/bench prints the full tables.
func BenchmarkTrain(b *testing.B) {
	const n, d, m, steps = 512, 32, 16384, 10
	X := unitRows(n, d, 191)
	y := randomTargets(n, 192)
	for _, B := range []float64{1, 2, 3} {
		net, err := New(Init{Width: m, Dim: d, B: B, Seed: 193})
		if err != nil {
			b.Fatal(err)
		}
		eta := stableEta(b, net, X, 0.1)
		var denseStep float64
		for _, method := range []Method{Dense, Sparse} {
			b.Run(fmt.Sprintf("B=%g/%v", B, method), func(b *testing.B) {
				var perStep, setup, cpu time.Duration
				for b.Loop() {
					var cpu0 time.Duration
					h, err := Train(net.Clone(), X, y, TrainOptions{Eta: eta, Steps: steps, Method: method,
						Observe: func(s Stats) error {
							if s.Step == 0 {
								cpu0 = processCPU()
							}
							return nil
						}})
					if err != nil {
						b.Fatal(err)
					}
					cpu += (processCPU() - cpu0) / steps
					setup += h.Stats[0].Elapsed
					perStep += (h.Stats[steps].Elapsed - h.Stats[0].Elapsed) / steps
				}
				ms := float64(perStep) / 1e6 / float64(b.N)
				b.ReportMetric(ms, "ms/step")
				b.ReportMetric(float64(cpu)/1e6/float64(b.N), "cpu-ms/step")
				b.ReportMetric(float64(setup)/1e6/float64(b.N), "setup-ms")
				if method == Dense {
					denseStep = ms
				} else if denseStep > 0 {
					b.ReportMetric(denseStep/ms, "speedup-x")
				}
			})
		}
	}
}
