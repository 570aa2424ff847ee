package ntk

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"

	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// This file saves and loads kernels, spectra and matrices in NumPy's formats,
// so that Python reads them with numpy.load; training histories are in
// history_io.go and networks in save.go. Every write is atomic (a reader sees
// the old file or the complete new one); every .npz load verifies the CRC-32
// of every entry and the shapes of the arrays, and returns an error, never a
// partial or silently different result, for a damaged file.

// kernelFormat and spectrumFormat are the versions of the .npz layouts
// written by SaveKernel and SaveSpectrum.
const (
	kernelFormat   = 1
	spectrumFormat = 1
)

// SaveMatrix writes M as a 2-D float64 NumPy array (.npy, row-major) to
// path, atomically; Python reads it with numpy.load(path). A .npy file has
// no checksum: LoadMatrix detects truncation and a damaged header, not a
// flipped data byte. Use SaveKernel (.npz, CRC-32 per array) for a kernel
// that must survive storage intact.
func SaveMatrix(path string, M mat.Matrix) error {
	D, err := denseForSaving("SaveMatrix", M)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := writeNPY(w, D); err != nil {
			return fmt.Errorf("ntk: SaveMatrix: writing %q: %w", path, err)
		}
		return nil
	})
}

// LoadMatrix reads a float64 NumPy array of 1 or 2 dimensions from the .npy
// file path (a 1-D array of length n becomes an n×1 matrix), as written by
// SaveMatrix or numpy.save. It refuses any other dtype, a shape that does not
// match the file's size and an empty array.
func LoadMatrix(path string) (*mat.Dense, error) {
	p, err := readWhole(path, "matrix file")
	if err != nil {
		return nil, err
	}
	M, err := ReadMatrix(bytes.NewReader(p))
	if err != nil {
		return nil, fmt.Errorf("%w (file %q)", err, path)
	}
	return M, nil
}

// ReadMatrix reads a .npy float64 array from r; see LoadMatrix. It reads at
// most MaxKernelBytes bytes.
func ReadMatrix(r io.Reader) (*mat.Dense, error) {
	if r == nil {
		return nil, errors.New("ntk: ReadMatrix: the reader is nil; pass an open .npy file")
	}
	p, err := io.ReadAll(io.LimitReader(r, MaxKernelBytes+1))
	if err != nil {
		return nil, fmt.Errorf("ntk: ReadMatrix: %w", err)
	}
	if int64(len(p)) > MaxKernelBytes {
		return nil, fmt.Errorf("ntk: ReadMatrix: the array is larger than ntk.MaxKernelBytes = %d bytes; raise the limit if the machine has the memory", MaxKernelBytes)
	}
	arr, err := parseNPY("matrix", p)
	if err != nil {
		return nil, fmt.Errorf("ntk: ReadMatrix: %w", err)
	}
	if arr.kind != 'f' || len(arr.shape) == 0 {
		return nil, fmt.Errorf("ntk: ReadMatrix: the array is a %d-dimensional %c array; want a 1- or 2-dimensional float64 array", len(arr.shape), arr.kind)
	}
	r0, c0 := arr.shape[0], 1
	if len(arr.shape) == 2 {
		c0 = arr.shape[1]
	}
	if r0 == 0 || c0 == 0 {
		return nil, fmt.Errorf("ntk: ReadMatrix: the array has shape %v; a matrix needs at least one row and one column", arr.shape)
	}
	return mat.NewDense(r0, c0, arr.f), nil
}

// SaveKernel writes the symmetric matrix H (a kernel such as KernelInf or
// KernelEmpirical) to path as a NumPy .npz archive holding
//
//	K       float64, n×n, the full symmetric matrix
//	format  int64 scalar, the layout version (1)
//
// atomically; Python reads it with numpy.load(path)["K"]. H must be finite.
func SaveKernel(path string, H mat.Symmetric) error {
	if H == nil || H.SymmetricDim() == 0 {
		return errors.New("ntk: SaveKernel: the kernel H is nil or empty; pass an n×n kernel such as the result of KernelInf")
	}
	n := H.SymmetricDim()
	D := mat.NewDense(n, n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v := H.At(i, j)
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("ntk: SaveKernel: H[%d][%d] = %v; a kernel must be finite (check how it was computed)", i, j, v)
			}
			D.Set(i, j, v)
			D.Set(j, i, v)
		}
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := writeNPZ(w, []npzEntry{{"K", D}, {"format", int64(kernelFormat)}}); err != nil {
			return fmt.Errorf("ntk: SaveKernel: writing %q: %w", path, err)
		}
		return nil
	})
}

// LoadKernel reads a kernel written by SaveKernel (or by numpy.savez with a
// square, symmetric, finite float64 array K and format = 1), verifying every
// checksum.
func LoadKernel(path string) (*mat.SymDense, error) {
	return loadNPZ(path, "kernel file", ReadKernel)
}

// ReadKernel reads a kernel archive of size bytes from r; see LoadKernel.
func ReadKernel(r io.ReaderAt, size int64) (*mat.SymDense, error) {
	a, err := readNPZ(r, size, "kernel file", MaxKernelBytes)
	if err != nil {
		return nil, err
	}
	if err := a.format(kernelFormat); err != nil {
		return nil, err
	}
	arr, err := a.array("K", 'f', 2)
	if err != nil {
		return nil, err
	}
	n := arr.shape[0]
	if n == 0 || arr.shape[1] != n {
		return nil, fmt.Errorf("ntk: the kernel file: K has shape %v; a kernel is square with n ≥ 1", arr.shape)
	}
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			v, w := arr.f[i*n+j], arr.f[j*n+i]
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("ntk: the kernel file: K[%d][%d] = %v; a kernel must be finite", i, j, v)
			}
			if v != w {
				return nil, fmt.Errorf("ntk: the kernel file: K[%d][%d] = %v but K[%d][%d] = %v; a kernel must be symmetric", i, j, v, j, i, w)
			}
		}
	}
	return mat.NewSymDense(n, arr.f), nil
}

// SaveSpectrum writes sp to path as a NumPy .npz archive holding
//
//	min, max                    float64 scalars, λ_min and λ_max
//	min_vector, max_vector      float64, n (min_vector is empty when no
//	                            eigenvector of λ_min could be computed)
//	min_residual, max_residual  float64 scalars (min_residual may be inf)
//	cond                        float64 scalar, λ_max/λ_min or inf
//	tol                         float64 scalar
//	pd, psd                     bool scalars
//	values                      float64, n ascending, or empty when only the
//	                            extremes were computed
//	format                      int64 scalar, the layout version (1)
//
// atomically; in Python numpy.load(path)["values"] and so on.
func SaveSpectrum(path string, sp *Spectrum) error {
	if err := sp.check("SaveSpectrum"); err != nil {
		return err
	}
	orEmpty := func(v []float64) []float64 {
		if v == nil {
			return []float64{}
		}
		return v
	}
	entries := []npzEntry{
		{"min", sp.Min}, {"max", sp.Max},
		{"min_vector", orEmpty(sp.MinVector)}, {"max_vector", sp.MaxVector},
		{"min_residual", sp.MinResidual}, {"max_residual", sp.MaxResidual},
		{"cond", sp.Cond}, {"tol", sp.Tol}, {"pd", sp.PD}, {"psd", sp.PSD},
		{"values", orEmpty(sp.Values)},
		{"format", int64(spectrumFormat)},
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := writeNPZ(w, entries); err != nil {
			return fmt.Errorf("ntk: SaveSpectrum: writing %q: %w", path, err)
		}
		return nil
	})
}

// LoadSpectrum reads a spectrum written by SaveSpectrum, verifying every
// checksum and that the fields fit together (see SaveSpectrum).
func LoadSpectrum(path string) (*Spectrum, error) {
	return loadNPZ(path, "spectrum file", ReadSpectrum)
}

// ReadSpectrum reads a spectrum archive of size bytes from r; see
// LoadSpectrum.
func ReadSpectrum(r io.ReaderAt, size int64) (*Spectrum, error) {
	a, err := readNPZ(r, size, "spectrum file", MaxKernelBytes)
	if err != nil {
		return nil, err
	}
	if err := a.format(spectrumFormat); err != nil {
		return nil, err
	}
	sp := &Spectrum{}
	for _, e := range []struct {
		name string
		dst  *float64
	}{
		{"min", &sp.Min}, {"max", &sp.Max}, {"min_residual", &sp.MinResidual},
		{"max_residual", &sp.MaxResidual}, {"cond", &sp.Cond}, {"tol", &sp.Tol},
	} {
		arr, err := a.array(e.name, 'f', 0)
		if err != nil {
			return nil, err
		}
		*e.dst = arr.f[0]
	}
	for _, e := range []struct {
		name string
		dst  *bool
	}{{"pd", &sp.PD}, {"psd", &sp.PSD}} {
		arr, err := a.array(e.name, 'b', 0)
		if err != nil {
			return nil, err
		}
		*e.dst = arr.b[0]
	}
	for _, e := range []struct {
		name string
		dst  *[]float64
	}{{"min_vector", &sp.MinVector}, {"max_vector", &sp.MaxVector}, {"values", &sp.Values}} {
		arr, err := a.array(e.name, 'f', 1)
		if err != nil {
			return nil, err
		}
		if len(arr.f) > 0 {
			*e.dst = arr.f
		}
	}
	if err := sp.check("the spectrum file"); err != nil {
		return nil, err
	}
	return sp, nil
}

// check reports whether the fields of sp fit together as Extremes and
// Eigenvalues fill them.
func (sp *Spectrum) check(fn string) error {
	if sp == nil {
		return fmt.Errorf("ntk: %s: the spectrum is nil; compute one with Extremes or Eigenvalues", fn)
	}
	n := len(sp.MaxVector)
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ntk: %s: %s; pass a Spectrum computed by Extremes or Eigenvalues", fn, fmt.Sprintf(format, args...))
	}
	switch {
	case n == 0:
		return bad("Spectrum.MaxVector is empty")
	case sp.MinVector != nil && len(sp.MinVector) != n:
		return bad("len(Spectrum.MinVector) = %d but len(Spectrum.MaxVector) = %d", len(sp.MinVector), n)
	case sp.Values != nil && len(sp.Values) != n:
		return bad("len(Spectrum.Values) = %d but the eigenvectors have length %d", len(sp.Values), n)
	case !finiteNumber(sp.Min) || !finiteNumber(sp.Max) || sp.Min > sp.Max:
		return bad("Spectrum.Min = %v, Spectrum.Max = %v; the extremes must be finite with Min ≤ Max", sp.Min, sp.Max)
	case math.IsNaN(sp.MinResidual) || sp.MinResidual < 0 || !finiteNumber(sp.MaxResidual) || sp.MaxResidual < 0:
		return bad("residuals %v and %v; they must be ≥ 0 (MinResidual may be +Inf)", sp.MinResidual, sp.MaxResidual)
	case !finiteNumber(sp.Tol) || sp.Tol < 0:
		return bad("Spectrum.Tol = %v; it must be finite and ≥ 0", sp.Tol)
	case math.IsNaN(sp.Cond) || sp.Cond < 0:
		return bad("Spectrum.Cond = %v; it must be ≥ 0 or +Inf", sp.Cond)
	case sp.PSD != (sp.Min >= -sp.Tol):
		return bad("Spectrum.PSD = %v contradicts Min = %v and Tol = %v", sp.PSD, sp.Min, sp.Tol)
	}
	for _, v := range [][]float64{sp.MinVector, sp.MaxVector} {
		for i, x := range v {
			if !finiteNumber(x) {
				return bad("an eigenvector has entry %d = %v; eigenvectors are finite", i, x)
			}
		}
	}
	for i, x := range sp.Values {
		if !finiteNumber(x) || (i > 0 && x < sp.Values[i-1]) {
			return bad("Spectrum.Values[%d] = %v; the values must be finite and ascending", i, x)
		}
	}
	return nil
}

// finiteNumber reports whether v is neither NaN nor infinite.
func finiteNumber(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// denseForSaving copies M into a new Dense after checking that it is
// non-empty. NaN and infinite entries are kept: .npy stores them exactly.
func denseForSaving(fn string, M mat.Matrix) (*mat.Dense, error) {
	if M == nil {
		return nil, fmt.Errorf("ntk: %s: the matrix is nil; pass a non-empty matrix", fn)
	}
	if d, ok := M.(*mat.Dense); ok && d.IsEmpty() {
		return nil, fmt.Errorf("ntk: %s: the matrix is empty; pass a matrix with at least one row and one column", fn)
	}
	r, c := M.Dims()
	if r == 0 || c == 0 {
		return nil, fmt.Errorf("ntk: %s: the matrix is %d×%d; pass a matrix with at least one row and one column", fn, r, c)
	}
	return mat.DenseCopyOf(M), nil
}

// readWhole reads the file at path, refusing files larger than
// MaxKernelBytes. what names the file in errors.
func readWhole(path, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("ntk: cannot open the %s (check the path): %w", what, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("ntk: cannot stat %s: %w", what, err)
	}
	if info.Size() > MaxKernelBytes {
		return nil, fmt.Errorf("ntk: %s %q has %d bytes, above ntk.MaxKernelBytes = %d; raise the limit if the machine has the memory", what, path, info.Size(), MaxKernelBytes)
	}
	p, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("ntk: reading %s %q: %w", what, path, err)
	}
	return p, nil
}

// loadNPZ opens path and applies read to it, naming path in errors.
func loadNPZ[T any](path, what string, read func(io.ReaderAt, int64) (T, error)) (T, error) {
	var zero T
	f, err := os.Open(path)
	if err != nil {
		return zero, fmt.Errorf("ntk: cannot open the %s (check the path): %w", what, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return zero, fmt.Errorf("ntk: cannot stat %s: %w", what, err)
	}
	v, err := read(f, info.Size())
	if err != nil {
		return zero, fmt.Errorf("%w (file %q)", err, path)
	}
	return v, nil
}
