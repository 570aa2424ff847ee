package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// Magic numbers of the IDX format (as used by MNIST and Fashion-MNIST): two
// zero bytes, the data type (0x08 = unsigned byte) and the number of
// dimensions.
const (
	IDXImagesMagic = 0x00000803 // unsigned bytes, 3 dimensions: count×rows×cols
	IDXLabelsMagic = 0x00000801 // unsigned bytes, 1 dimension: count
)

// MaxIDXEntries bounds the number of pixels (count·rows·cols) or labels an
// IDX header may announce: 2²⁸ entries, 2 GiB once stored as float64. A
// header beyond it is refused before anything is allocated. Full MNIST
// training images need 60000·784 ≈ 4.7·10⁷.
const MaxIDXEntries = 1 << 28

// ReadIDXImages reads an IDX image file (magic 0x00000803: count×rows×cols
// unsigned bytes, big-endian header) from r, raw or gzip-compressed (detected
// by the gzip magic bytes 1f 8b). It returns the count×(rows·cols) matrix
// whose row i is image i in row-major order, with pixel values 0..255 as
// float64 (use Dataset.Scaled(1.0/255) for [0, 1], or Normalized for unit
// rows), and the image shape.
//
// It returns an error, and never panics, for a bad magic number, a zero
// dimension, a header announcing more than MaxIDXEntries pixels, a truncated
// file (saying how many bytes were expected and found), bytes after the last
// image, or a corrupt gzip stream. Memory grows with the bytes actually
// read, so a lying header cannot force a large allocation.
func ReadIDXImages(r io.Reader) (X *mat.Dense, rows, cols int, err error) {
	rd, closer, err := idxReader(r)
	if err != nil {
		return nil, 0, 0, err
	}
	defer closer()
	dims, err := readIDXHeader(rd, IDXImagesMagic, "images")
	if err != nil {
		return nil, 0, 0, err
	}
	count, h, w := dims[0], dims[1], dims[2]
	if h*w > MaxIDXEntries || count > MaxIDXEntries/(h*w) {
		return nil, 0, 0, fmt.Errorf("data: IDX images header announces %d images of %d×%d = %d pixels, more than the limit of %d (2 GiB as float64); the header is corrupt or the file is not meant for this loader", count, h, w, count*h*w, MaxIDXEntries)
	}
	raw, err := readIDXBody(rd, count*h*w, 16, fmt.Sprintf("%d images of %d×%d", count, h, w))
	if err != nil {
		return nil, 0, 0, err
	}
	pix := make([]float64, len(raw))
	for k, b := range raw {
		pix[k] = float64(b)
	}
	return mat.NewDense(int(count), int(h*w), pix), int(h), int(w), nil
}

// ReadIDXLabels reads an IDX label file (magic 0x00000801: count unsigned
// bytes) from r, raw or gzip-compressed, and returns the labels 0..255. The
// errors are those of ReadIDXImages.
func ReadIDXLabels(r io.Reader) ([]int, error) {
	rd, closer, err := idxReader(r)
	if err != nil {
		return nil, err
	}
	defer closer()
	dims, err := readIDXHeader(rd, IDXLabelsMagic, "labels")
	if err != nil {
		return nil, err
	}
	count := dims[0]
	if count > MaxIDXEntries {
		return nil, fmt.Errorf("data: IDX labels header announces %d labels, more than the limit of %d; the header is corrupt", count, MaxIDXEntries)
	}
	raw, err := readIDXBody(rd, count, 8, fmt.Sprintf("%d labels", count))
	if err != nil {
		return nil, err
	}
	labels := make([]int, len(raw))
	for i, b := range raw {
		labels[i] = int(b)
	}
	return labels, nil
}

// idxReader returns a reader of the decompressed stream: r itself, or a gzip
// reader when r starts with the gzip magic bytes 1f 8b. (An IDX file starts
// with two zero bytes, so the two cannot be confused.)
func idxReader(r io.Reader) (io.Reader, func(), error) {
	if r == nil {
		return nil, nil, errors.New("data: IDX reader is nil; pass an open IDX file")
	}
	br := bufio.NewReader(r)
	head, err := br.Peek(2)
	if err == nil && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("data: IDX: corrupt gzip header: %w", err)
		}
		return zr, func() { zr.Close() }, nil
	}
	return br, func() {}, nil
}

// readIDXHeader reads and checks the magic number, then reads the
// dimensions it announces; every dimension must be positive.
func readIDXHeader(r io.Reader, magic uint32, kind string) ([]uint64, error) {
	var m [4]byte
	if k, err := io.ReadFull(r, m[:]); err != nil {
		return nil, fmt.Errorf("data: IDX %s file truncated: expected a 4-byte magic number, found %d bytes", kind, k)
	}
	got := binary.BigEndian.Uint32(m[:])
	switch {
	case m[0] != 0 || m[1] != 0:
		return nil, fmt.Errorf("data: not an IDX %s file: magic number 0x%08x, want 0x%08x", kind, got, magic)
	case m[2] != 0x08:
		return nil, fmt.Errorf("data: IDX %s file has data type 0x%02x (magic 0x%08x); only unsigned bytes (0x08, magic 0x%08x) are supported", kind, m[2], got, magic)
	case got != magic:
		return nil, fmt.Errorf("data: IDX %s file has %d dimensions (magic 0x%08x), want %d (magic 0x%08x); are the images and labels files swapped?", kind, m[3], got, magic&0xff, magic)
	}
	ndim := int(m[3])
	buf := make([]byte, 4*ndim)
	if k, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("data: IDX %s file truncated: expected a %d-byte header, found %d bytes", kind, 4+4*ndim, 4+k)
	}
	dims := make([]uint64, ndim)
	for i := range dims {
		dims[i] = uint64(binary.BigEndian.Uint32(buf[4*i:]))
		if dims[i] == 0 {
			return nil, fmt.Errorf("data: IDX %s file: dimension %d of the header is 0; every dimension must be positive", kind, i)
		}
	}
	return dims, nil
}

// readIDXBody reads exactly need bytes after a header of headerLen bytes
// and checks that nothing follows. Memory grows with the bytes read, not with
// need.
func readIDXBody(r io.Reader, need uint64, headerLen int, what string) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r, int64(need)))
	if uint64(len(body)) < need {
		msg := fmt.Sprintf("data: IDX file truncated: the header announces %s, so %d bytes are expected (%d data bytes after the %d-byte header), but only %d were found (%d data bytes)",
			what, uint64(headerLen)+need, need, headerLen, headerLen+len(body), len(body))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", msg, err)
		}
		return nil, errors.New(msg)
	}
	if err != nil {
		return nil, fmt.Errorf("data: IDX file: reading %s: %w", what, err)
	}
	var extra [1]byte
	switch k, err := io.ReadFull(r, extra[:]); {
	case k > 0:
		return nil, fmt.Errorf("data: IDX file has bytes after the %s its header announces (%d bytes expected); the header or the file is wrong", what, uint64(headerLen)+need)
	case err != io.EOF:
		return nil, fmt.Errorf("data: IDX file: after %s: %w", what, err)
	}
	return body, nil
}

// LoadIDX reads an IDX images file and the matching labels file (each raw or
// gzip-compressed; MNIST and Fashion-MNIST use this format) into a Dataset:
// X holds the pixels 0..255 as float64, one flattened image per row; Labels
// the classes and Y[i] = float64(Labels[i]). The two files must hold the same
// number of samples. Errors name the file at fault.
func LoadIDX(imagesPath, labelsPath string) (*Dataset, error) {
	var X *mat.Dense
	err := withFile(imagesPath, func(r io.Reader) (err error) {
		X, _, _, err = ReadIDXImages(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	var labels []int
	err = withFile(labelsPath, func(r io.Reader) (err error) {
		labels, err = ReadIDXLabels(r)
		return err
	})
	if err != nil {
		return nil, err
	}
	n, _ := X.Dims()
	if len(labels) != n {
		return nil, fmt.Errorf("data: %s holds %d images but %s holds %d labels; the counts must be equal", imagesPath, n, labelsPath, len(labels))
	}
	y := make([]float64, n)
	for i, l := range labels {
		y[i] = float64(l)
	}
	return &Dataset{Name: filepath.Base(imagesPath), X: X, Y: y, Labels: labels}, nil
}

// withFile opens path and applies read to it, naming path in errors.
func withFile(path string, read func(io.Reader) error) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("data: cannot open IDX file (check the path): %w", err)
	}
	defer f.Close()
	if err := read(f); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// idxNames lists the file names tried by LoadIDXDir for a split prefix
// ("train" or "t10k") and a kind ("images" or "labels"), in order.
func idxNames(prefix, kind string) []string {
	nd := "idx3"
	if kind == "labels" {
		nd = "idx1"
	}
	var names []string
	for _, base := range []string{prefix + "-" + kind + "-" + nd + "-ubyte", prefix + "-" + kind + "." + nd + "-ubyte"} {
		names = append(names, base+".gz", base)
	}
	return names
}

// splitPrefix maps a split name to the file prefix of the MNIST layout.
func splitPrefix(split string) (string, error) {
	switch split {
	case "train":
		return "train", nil
	case "test", "t10k":
		return "t10k", nil
	}
	return "", fmt.Errorf("data: split %q; want \"train\" or \"test\"", split)
}

// findIDX returns the first existing file of names in dir.
func findIDX(dir string, names []string) (string, error) {
	for _, name := range names {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p, nil
		}
	}
	return "", fmt.Errorf("data: IDX file not found in %s: looked for %s", dir, strings.Join(names, ", "))
}

// LoadIDXDir loads the "train" or "test" split of a directory laid out as
// MNIST is distributed: train-images-idx3-ubyte and train-labels-idx1-ubyte,
// or t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte, each optionally
// ending in .gz (the variant spelling train-images.idx3-ubyte is accepted
// too). It works for MNIST and Fashion-MNIST; see LoadIDX for the result.
func LoadIDXDir(dir, split string) (*Dataset, error) {
	prefix, err := splitPrefix(split)
	if err != nil {
		return nil, err
	}
	images, err := findIDX(dir, idxNames(prefix, "images"))
	if err != nil {
		return nil, err
	}
	labels, err := findIDX(dir, idxNames(prefix, "labels"))
	if err != nil {
		return nil, err
	}
	return LoadIDX(images, labels)
}
