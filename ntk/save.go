package ntk

import (
	"fmt"
	"io"
	"os"

	"github.com/sbinet/npyio/npz"
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
		zw := npz.NewWriter(w)
		for _, e := range []struct {
			name string
			v    any
		}{
			{"W.npy", net.W},
			{"bias.npy", net.Bias},
			{"a.npy", net.A},
			{"format.npy", int64(networkFormat)},
		} {
			if err := zw.Write(e.name, e.v); err != nil {
				return fmt.Errorf("ntk: writing %s to %q: %w", e.name, path, err)
			}
		}
		return zw.Close()
	})
}

// Load reads a network written by Save (or by numpy.savez with the same
// arrays), verifies the archive's checksums and checks that its arrays fit
// together.
func Load(path string) (*Network, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ntk: cannot open network file: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ntk: cannot stat network file: %w", err)
	}
	r, err := npz.NewReader(f, info.Size())
	if err != nil {
		return nil, fmt.Errorf("ntk: %q is not a readable .npz archive: %w", path, err)
	}
	// Every .npz entry carries a CRC-32 that zip checks only when an entry
	// is read to its end; read them all so that damage is never silent.
	for _, key := range r.Keys() {
		rc, err := r.Open(key)
		if err == nil {
			_, err = io.Copy(io.Discard, rc)
			rc.Close()
		}
		if err != nil {
			return nil, fmt.Errorf("ntk: %q is damaged (entry %s): %w", path, key, err)
		}
	}
	var format int64
	if err := r.Read("format.npy", &format); err != nil {
		return nil, fmt.Errorf("ntk: %q has no readable format entry (not written by ntk.Save?): %w", path, err)
	}
	if format != networkFormat {
		return nil, fmt.Errorf("ntk: %q has layout version %d; this version of ntk reads version %d", path, format, networkFormat)
	}
	net := &Network{W: new(mat.Dense)}
	for _, e := range []struct {
		name string
		ptr  any
	}{
		{"W.npy", net.W},
		{"bias.npy", &net.Bias},
		{"a.npy", &net.A},
	} {
		if err := r.Read(e.name, e.ptr); err != nil {
			return nil, fmt.Errorf("ntk: reading %s from %q: %w", e.name, path, err)
		}
	}
	if err := net.Validate(); err != nil {
		return nil, fmt.Errorf("ntk: %q holds an invalid network: %w", path, err)
	}
	return net, nil
}
