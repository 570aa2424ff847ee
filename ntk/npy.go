package ntk

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/sbinet/npyio/npy"
	"github.com/sbinet/npyio/npz"
)

// This file reads and writes the NumPy formats behind Save, SaveMatrix,
// SaveKernel, SaveSpectrum and History.SaveNPZ. Writing goes through
// github.com/sbinet/npyio. Reading uses the strict parser below instead of
// npyio's reader, which panics on some malformed headers (a header without
// its final newline, a truncated dictionary) and allocates whatever a header's
// shape announces: here every header is checked against the bytes actually
// present before anything is allocated, and no input makes the reader panic.

// npyArray is one decoded NumPy array of the kinds this package writes:
// float64 ('<f8'), int64 ('<i8') or bool ('|b1'), of at most 2 dimensions,
// stored in row-major order whatever its fortran_order.
type npyArray struct {
	kind  byte  // 'f', 'i' or 'b'
	shape []int // nil for a scalar
	f     []float64
	i     []int64
	b     []bool
}

// len returns the number of elements.
func (a *npyArray) len() int {
	n := 1
	for _, d := range a.shape {
		n *= d
	}
	return n
}

// npyMaxHeader bounds the header dictionary; NumPy's own headers are far
// shorter (it pads them to a multiple of 64 bytes).
const npyMaxHeader = 1 << 16

// parseNPY decodes the .npy file held in p. name is used in errors.
func parseNPY(name string, p []byte) (*npyArray, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...))
	}
	if len(p) < 10 || string(p[:6]) != "\x93NUMPY" {
		return nil, fail("not a NumPy .npy array (no \\x93NUMPY magic); pass an array written by numpy.save or ntk.SaveMatrix")
	}
	var hlen, start int
	switch p[6] {
	case 1:
		hlen, start = int(binary.LittleEndian.Uint16(p[8:10])), 10
	case 2, 3:
		if len(p) < 12 {
			return nil, fail("truncated .npy header")
		}
		h := binary.LittleEndian.Uint32(p[8:12])
		if h > npyMaxHeader {
			return nil, fail(".npy header of %d bytes is longer than the limit of %d", h, npyMaxHeader)
		}
		hlen, start = int(h), 12
	default:
		return nil, fail(".npy format version %d.%d is not supported (want 1.0, 2.0 or 3.0)", p[6], p[7])
	}
	if len(p) < start+hlen {
		return nil, fail("truncated .npy header: %d bytes announced, %d present", hlen, len(p)-start)
	}
	h, err := parseNPYHeader(string(p[start : start+hlen]))
	if err != nil {
		return nil, fail("malformed .npy header: %v", err)
	}
	a := &npyArray{shape: h.shape}
	var size int
	var order binary.ByteOrder = binary.LittleEndian
	switch h.descr {
	case "<f8", "=f8":
		a.kind, size = 'f', 8
	case ">f8":
		a.kind, size, order = 'f', 8, binary.BigEndian
	case "<i8", "=i8":
		a.kind, size = 'i', 8
	case ">i8":
		a.kind, size, order = 'i', 8, binary.BigEndian
	case "|b1":
		a.kind, size = 'b', 1
	default:
		return nil, fail("dtype %q is not supported; save float64 ('<f8'), int64 ('<i8') or bool arrays", h.descr)
	}
	data := p[start+hlen:]
	count := 1
	for _, d := range h.shape {
		if d > len(data) { // also bounds the product below
			return nil, fail("shape %v announces more data than the %d bytes present", h.shape, len(data))
		}
		count *= d
		if count > len(data) {
			return nil, fail("shape %v announces more data than the %d bytes present", h.shape, len(data))
		}
	}
	if count*size != len(data) {
		return nil, fail("shape %v of dtype %s needs %d data bytes, but the array holds %d (truncated or damaged)", h.shape, h.descr, count*size, len(data))
	}
	switch a.kind {
	case 'f':
		a.f = make([]float64, count)
		for k := range a.f {
			a.f[k] = math.Float64frombits(order.Uint64(data[8*k:]))
		}
	case 'i':
		a.i = make([]int64, count)
		for k := range a.i {
			a.i[k] = int64(order.Uint64(data[8*k:]))
		}
	case 'b':
		a.b = make([]bool, count)
		for k, v := range data {
			if v > 1 {
				return nil, fail("bool entry %d holds byte %d; NumPy bools are 0 or 1", k, v)
			}
			a.b[k] = v == 1
		}
	}
	if h.fortran && len(h.shape) == 2 {
		a.transposeFortran()
	}
	return a, nil
}

// transposeFortran turns column-major data of a 2-D array into row-major.
func (a *npyArray) transposeFortran() {
	r, c := a.shape[0], a.shape[1]
	switch a.kind {
	case 'f':
		a.f = transposed(a.f, r, c)
	case 'i':
		a.i = transposed(a.i, r, c)
	case 'b':
		a.b = transposed(a.b, r, c)
	}
}

// transposed returns the row-major r×c matrix whose column-major data is v.
func transposed[T any](v []T, r, c int) []T {
	out := make([]T, len(v))
	for j := 0; j < c; j++ {
		for i := 0; i < r; i++ {
			out[i*c+j] = v[j*r+i]
		}
	}
	return out
}

// npyHeader is the dictionary of a .npy header.
type npyHeader struct {
	descr   string
	fortran bool
	shape   []int
}

// parseNPYHeader parses the Python dictionary literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }, followed by
// spaces and a newline. It needs exactly the three keys NumPy writes.
func parseNPYHeader(s string) (npyHeader, error) {
	var h npyHeader
	s = strings.TrimRight(s, " \t\n\x00")
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return h, errors.New("not a dictionary")
	}
	sc := &literalScanner{s: s[1 : len(s)-1]}
	seen := map[string]bool{}
	for {
		sc.space()
		if sc.done() {
			break
		}
		key, err := sc.str()
		if err != nil {
			return h, err
		}
		if seen[key] {
			return h, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		sc.space()
		if !sc.eat(':') {
			return h, fmt.Errorf("no ':' after key %q", key)
		}
		sc.space()
		switch key {
		case "descr":
			if h.descr, err = sc.str(); err != nil {
				return h, err
			}
		case "fortran_order":
			switch {
			case sc.word("True"):
				h.fortran = true
			case sc.word("False"):
			default:
				return h, errors.New("fortran_order is neither True nor False")
			}
		case "shape":
			if h.shape, err = sc.tuple(); err != nil {
				return h, err
			}
		default:
			return h, fmt.Errorf("unknown key %q", key)
		}
		sc.space()
		if !sc.eat(',') {
			sc.space()
			if !sc.done() {
				return h, errors.New("missing ',' between items")
			}
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return h, fmt.Errorf("key %q is missing", k)
		}
	}
	if len(h.shape) > 2 {
		return h, fmt.Errorf("shape %v has %d dimensions; at most 2 are supported", h.shape, len(h.shape))
	}
	return h, nil
}

// literalScanner reads the Python literals of a .npy header.
type literalScanner struct {
	s   string
	pos int
}

func (sc *literalScanner) done() bool { return sc.pos >= len(sc.s) }

func (sc *literalScanner) space() {
	for sc.pos < len(sc.s) && (sc.s[sc.pos] == ' ' || sc.s[sc.pos] == '\t' || sc.s[sc.pos] == '\n') {
		sc.pos++
	}
}

func (sc *literalScanner) eat(c byte) bool {
	if sc.pos < len(sc.s) && sc.s[sc.pos] == c {
		sc.pos++
		return true
	}
	return false
}

func (sc *literalScanner) word(w string) bool {
	if strings.HasPrefix(sc.s[sc.pos:], w) {
		sc.pos += len(w)
		return true
	}
	return false
}

// str reads a quoted string without escapes.
func (sc *literalScanner) str() (string, error) {
	if sc.done() || (sc.s[sc.pos] != '\'' && sc.s[sc.pos] != '"') {
		return "", errors.New("expected a quoted string")
	}
	q := sc.s[sc.pos]
	end := strings.IndexByte(sc.s[sc.pos+1:], q)
	if end < 0 {
		return "", errors.New("unterminated string")
	}
	v := sc.s[sc.pos+1 : sc.pos+1+end]
	sc.pos += end + 2
	return v, nil
}

// tuple reads a tuple of non-negative integers: (), (3,), (3, 4).
func (sc *literalScanner) tuple() ([]int, error) {
	if !sc.eat('(') {
		return nil, errors.New("shape is not a tuple")
	}
	var dims []int
	for {
		sc.space()
		if sc.eat(')') {
			return dims, nil
		}
		if len(dims) > 2 {
			return nil, errors.New("shape has more than 2 dimensions")
		}
		start := sc.pos
		for sc.pos < len(sc.s) && sc.s[sc.pos] >= '0' && sc.s[sc.pos] <= '9' {
			sc.pos++
		}
		d, err := strconv.Atoi(sc.s[start:sc.pos])
		if err != nil || d < 0 || start == sc.pos || sc.pos-start > 12 {
			return nil, fmt.Errorf("shape entry %q is not a size", sc.s[start:min(sc.pos+1, len(sc.s))])
		}
		dims = append(dims, d)
		sc.space()
		if !sc.eat(',') {
			sc.space()
			if !sc.eat(')') {
				return nil, errors.New("shape tuple is not closed")
			}
			return dims, nil
		}
	}
}

// npzArchive is an opened .npz archive whose entries have all been read and
// checked against their CRC-32.
type npzArchive struct {
	what    string // "network file", ... for errors
	entries map[string][]byte
}

// readNPZ reads every entry of the .npz archive r (size bytes), verifying
// each entry's CRC-32 by reading it to its end. An archive whose entries
// would decompress to more than limit bytes in total is refused before they
// are read. what names the archive in errors.
func readNPZ(r io.ReaderAt, size int64, what string, limit int64) (*npzArchive, error) {
	if r == nil {
		return nil, fmt.Errorf("ntk: the %s reader is nil; pass an open file and its size", what)
	}
	if size < 0 {
		return nil, fmt.Errorf("ntk: %s size %d is negative; pass the size in bytes", what, size)
	}
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("ntk: the %s is not a readable .npz archive (it must be written by this package or numpy.savez): %w", what, err)
	}
	var total uint64
	for _, f := range zr.File {
		total += f.UncompressedSize64
		if total > uint64(limit) || f.UncompressedSize64 > uint64(limit) {
			return nil, fmt.Errorf("ntk: the %s announces %d bytes of arrays, above the limit of %d bytes (ntk.MaxKernelBytes); "+
				"the archive is damaged, or raise ntk.MaxKernelBytes", what, total, limit)
		}
	}
	a := &npzArchive{what: what, entries: map[string][]byte{}}
	for _, f := range zr.File {
		if _, dup := a.entries[f.Name]; dup {
			return nil, fmt.Errorf("ntk: the %s holds two entries named %q; it is damaged", what, f.Name)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("ntk: the %s is damaged (entry %s): %w", what, f.Name, err)
		}
		var buf bytes.Buffer
		_, err = io.Copy(&buf, io.LimitReader(rc, int64(f.UncompressedSize64)+1))
		if err == nil {
			// Read to the end, so that zip checks the CRC-32 and the size.
			_, err = io.Copy(io.Discard, io.LimitReader(rc, 1))
		}
		rc.Close()
		if err == nil && uint64(buf.Len()) != f.UncompressedSize64 {
			err = fmt.Errorf("entry holds %d bytes, its header says %d", buf.Len(), f.UncompressedSize64)
		}
		if err != nil {
			return nil, fmt.Errorf("ntk: the %s is damaged (entry %s): %w", what, f.Name, err)
		}
		a.entries[f.Name] = buf.Bytes()
	}
	return a, nil
}

// array returns the entry name+".npy" decoded, of the given kind ('f', 'i'
// or 'b') and number of dimensions (0 for a scalar).
func (a *npzArchive) array(name string, kind byte, dims int) (*npyArray, error) {
	p, ok := a.entries[name+".npy"]
	if !ok {
		return nil, fmt.Errorf("ntk: the %s has no array %q; it was not written by this package, or is damaged", a.what, name)
	}
	arr, err := parseNPY(name+".npy", p)
	if err != nil {
		return nil, fmt.Errorf("ntk: the %s: %w", a.what, err)
	}
	kinds := map[byte]string{'f': "float64", 'i': "int64", 'b': "bool"}
	if arr.kind != kind || len(arr.shape) != dims {
		return nil, fmt.Errorf("ntk: the %s: array %q is a %d-dimensional %s array, want a %d-dimensional %s array",
			a.what, name, len(arr.shape), kinds[arr.kind], dims, kinds[kind])
	}
	return arr, nil
}

// format checks the layout version stored in the "format" entry.
func (a *npzArchive) format(want int64) error {
	arr, err := a.array("format", 'i', 0)
	if err != nil {
		return err
	}
	if arr.i[0] != want {
		return fmt.Errorf("ntk: the %s has layout version %d; this version of ntk reads version %d", a.what, arr.i[0], want)
	}
	return nil
}

// npzEntry is one array to write into a .npz archive.
type npzEntry struct {
	name string // without .npy
	v    any    // a value npyio writes: float64, int64, bool, []float64, []int64, []bool, *mat.Dense
}

// writeNPZ writes the entries as a .npz archive to w.
func writeNPZ(w io.Writer, entries []npzEntry) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	zw := npz.NewWriter(bw)
	for _, e := range entries {
		if err := zw.Write(e.name+".npy", e.v); err != nil {
			return fmt.Errorf("ntk: writing array %s: %w", e.name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// writeNPY writes v as a .npy file to w.
func writeNPY(w io.Writer, v any) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if err := npy.Write(bw, v); err != nil {
		return err
	}
	return bw.Flush()
}
