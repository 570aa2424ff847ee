package ntk

import (
	"fmt"
	"io"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// networkFormat is the version of the .npz layout written by Save.
const networkFormat = 1

// Save writes net to path as a NumPy .npz archive holding the arrays
//
//	W       float64, m×d
//	bias    float64, m
//	a       float64, m
//	format  int64 scalar, the layout version (1)
//
// so that Python reads it with numpy.load(path). The file is written
// atomically: a reader sees the old file or the complete new one.
func (net *Network) Save(path string) error {
	if err := net.Validate(); err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		err := writeNPZ(w, []npzEntry{
			{"W", net.W}, {"bias", net.Bias}, {"a", net.A}, {"format", int64(networkFormat)},
		})
		if err != nil {
			return fmt.Errorf("ntk: saving the network to %q: %w", path, err)
		}
		return nil
	})
}

// Load reads a network written by Save (or by numpy.savez with the same
// arrays), verifies the archive's checksums and checks that its arrays fit
// together.
func Load(path string) (*Network, error) {
	return loadNPZ(path, "network file", ReadNetwork)
}

// ReadNetwork reads a network archive of size bytes from r; see Load. Every
// entry's CRC-32 is verified, so damage is never silent, and no input makes
// it panic or allocate more than the archive's arrays need (at most
// MaxKernelBytes).
func ReadNetwork(r io.ReaderAt, size int64) (*Network, error) {
	a, err := readNPZ(r, size, "network file", MaxKernelBytes)
	if err != nil {
		return nil, err
	}
	if err := a.format(networkFormat); err != nil {
		return nil, err
	}
	return readNetworkArrays(a)
}

// readNetworkArrays reads the arrays W, bias and a of an archive as a network.
func readNetworkArrays(a *npzArchive) (*Network, error) {
	W, err := a.array("W", 'f', 2)
	if err != nil {
		return nil, err
	}
	bias, err := a.array("bias", 'f', 1)
	if err != nil {
		return nil, err
	}
	A, err := a.array("a", 'f', 1)
	if err != nil {
		return nil, err
	}
	if W.shape[0] == 0 || W.shape[1] == 0 {
		return nil, fmt.Errorf("ntk: the %s: W has shape %v; a network needs at least one neuron and one input dimension", a.what, W.shape)
	}
	net := &Network{W: mat.NewDense(W.shape[0], W.shape[1], W.f), Bias: bias.f, A: A.f}
	if err := net.Validate(); err != nil {
		return nil, fmt.Errorf("ntk: the %s holds an invalid network: %w", a.what, err)
	}
	return net, nil
}
