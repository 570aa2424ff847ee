package ntk_test

import (
	"fmt"
	"log"

	"github.com/sparsentk/sparsentk/data"
	"github.com/sparsentk/sparsentk/ntk"
)

// Train a sparsely activated network on the embedded digits: with bias B = 2
// a neuron fires on about Q(2) ≈ 2.3% of the inputs, and gradient descent
// still drives the training loss down.
func Example() {
	digits, err := data.Digits()
	if err != nil {
		log.Fatal(err)
	}
	task, err := digits.Pair(0, 1) // zeros (+1) against ones (−1)
	if err != nil {
		log.Fatal(err)
	}
	task, err = task.Normalized() // the theory wants ‖x‖ = 1
	if err != nil {
		log.Fatal(err)
	}
	net, err := ntk.New(ntk.Init{Width: 2048, Dim: task.Dim(), B: 2, Seed: 1})
	if err != nil {
		log.Fatal(err)
	}
	hist, err := ntk.Train(net, task.X, task.Y, ntk.TrainOptions{Eta: 0.2, Steps: 100})
	if err != nil {
		log.Fatal(err)
	}
	first, last := hist.Stats[0], hist.Stats[len(hist.Stats)-1]
	fmt.Printf("samples: %d, width: %d, Q(2) = %.4f\n", task.Len(), net.Width(), ntk.Q(2))
	fmt.Printf("active fraction: %.3f at start, %.3f after %d steps\n",
		first.ActiveMean/float64(net.Width()), last.ActiveMean/float64(net.Width()), last.Step)
	fmt.Printf("loss: %.1f at start, %.2f after training\n", first.Loss, last.Loss)
	// Output:
	// samples: 360, width: 2048, Q(2) = 0.0228
	// active fraction: 0.022 at start, 0.030 after 100 steps
	// loss: 172.1 at start, 1.72 after training
}
