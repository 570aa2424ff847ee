package data

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// idxBytes encodes an IDX file by hand: magic, big-endian dimensions, body.
func idxBytes(magic uint32, dims []uint32, body []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, magic)
	for _, d := range dims {
		binary.Write(&b, binary.BigEndian, d)
	}
	b.Write(body)
	return b.Bytes()
}

func gzipBytes(p []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(p)
	w.Close()
	return b.Bytes()
}

// testImages returns 3 images of 2×4 pixels with distinct values, and labels.
func testImages() (images, labels []byte) {
	pix := make([]byte, 3*2*4)
	for k := range pix {
		pix[k] = byte(k*10 + 5) // 5 .. 235
	}
	pix[7] = 255
	pix[8] = 0
	return idxBytes(IDXImagesMagic, []uint32{3, 2, 4}, pix), idxBytes(IDXLabelsMagic, []uint32{3}, []byte{9, 0, 4})
}

func writeFile(t *testing.T, dir, name string, p []byte) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, p, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestIDXRoundTrip(t *testing.T) {
	images, labels := testImages()
	dir := t.TempDir()
	for _, compress := range []bool{false, true} {
		im, lb := images, labels
		suffix := ""
		if compress {
			im, lb, suffix = gzipBytes(images), gzipBytes(labels), ".gz"
		}
		ip := writeFile(t, dir, "train-images-idx3-ubyte"+suffix, im)
		lp := writeFile(t, dir, "train-labels-idx1-ubyte"+suffix, lb)
		ds, err := LoadIDX(ip, lp)
		if err != nil {
			t.Fatalf("gzip=%v: %v", compress, err)
		}
		if err := ds.Validate(); err != nil {
			t.Fatal(err)
		}
		if ds.Len() != 3 || ds.Dim() != 8 {
			t.Fatalf("gzip=%v: %d×%d, want 3×8", compress, ds.Len(), ds.Dim())
		}
		body := images[16:]
		for i := 0; i < 3; i++ {
			for j := 0; j < 8; j++ {
				if ds.X.At(i, j) != float64(body[i*8+j]) {
					t.Fatalf("gzip=%v: X[%d][%d] = %v, want %d", compress, i, j, ds.X.At(i, j), body[i*8+j])
				}
			}
		}
		for i, want := range []int{9, 0, 4} {
			if ds.Labels[i] != want || ds.Y[i] != float64(want) {
				t.Fatalf("gzip=%v: label %d = %d (Y %v), want %d", compress, i, ds.Labels[i], ds.Y[i], want)
			}
		}
		if ds.X.At(0, 7) != 255 || ds.X.At(1, 0) != 0 {
			t.Fatal("pixel range 0..255 not preserved")
		}
		os.Remove(ip)
		os.Remove(lp)
	}
	X, rows, cols, err := ReadIDXImages(bytes.NewReader(images))
	if err != nil || rows != 2 || cols != 4 {
		t.Fatalf("ReadIDXImages: shape %d×%d, err %v", rows, cols, err)
	}
	if r, c := X.Dims(); r != 3 || c != 8 {
		t.Fatalf("ReadIDXImages: X is %d×%d", r, c)
	}
}

func TestLoadIDXDir(t *testing.T) {
	images, labels := testImages()
	dir := t.TempDir()
	writeFile(t, dir, "t10k-images-idx3-ubyte.gz", gzipBytes(images))
	writeFile(t, dir, "t10k-labels.idx1-ubyte", labels) // variant spelling, raw
	ds, err := LoadIDXDir(dir, "test")
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 3 || ds.Labels[0] != 9 {
		t.Fatalf("LoadIDXDir: %d samples, first label %d", ds.Len(), ds.Labels[0])
	}
	_, err = LoadIDXDir(dir, "train")
	wantErr(t, err, "train-images-idx3-ubyte", "not found")
	_, err = LoadIDXDir(dir, "validation")
	wantErr(t, err, `split "validation"`)
}

func TestIDXErrors(t *testing.T) {
	images, labels := testImages()
	readImages := func(p []byte) error {
		_, _, _, err := ReadIDXImages(bytes.NewReader(p))
		return err
	}
	readLabels := func(p []byte) error {
		_, err := ReadIDXLabels(bytes.NewReader(p))
		return err
	}
	cases := []struct {
		name string
		err  error
		want []string
	}{
		{"empty", readImages(nil), []string{"truncated", "found 0 bytes"}},
		{"short magic", readImages(images[:3]), []string{"4-byte magic", "found 3 bytes"}},
		{"short header", readImages(images[:10]), []string{"16-byte header", "found 10 bytes"}},
		{"truncated body", readImages(images[:30]), []string{"truncated", "40 bytes are expected", "only 30 were found"}},
		{"truncated body gzip", readImages(gzipBytes(images[:30])), []string{"40 bytes are expected", "only 30 were found"}},
		{"truncated gzip stream", readImages(gzipBytes(images)[:30]), []string{"truncated"}},
		{"trailing bytes", readImages(append(append([]byte(nil), images...), 1, 2)), []string{"bytes after"}},
		{"bad magic", readImages(idxBytes(0x12345678, nil, nil)), []string{"not an IDX images file", "0x12345678"}},
		{"float type", readImages(idxBytes(0x00000D03, []uint32{1, 1, 1}, make([]byte, 4))), []string{"data type 0x0d", "unsigned bytes"}},
		{"labels as images", readImages(labels), []string{"1 dimensions", "swapped"}},
		{"images as labels", readLabels(images), []string{"3 dimensions", "swapped"}},
		{"zero rows", readImages(idxBytes(IDXImagesMagic, []uint32{3, 0, 4}, nil)), []string{"dimension 1", "is 0"}},
		{"zero count", readLabels(idxBytes(IDXLabelsMagic, []uint32{0}, nil)), []string{"dimension 0", "is 0"}},
		{"oversized header", readImages(idxBytes(IDXImagesMagic, []uint32{1 << 31, 1 << 16, 1 << 16}, nil)), []string{"more than the limit"}},
		{"oversized labels", readLabels(idxBytes(IDXLabelsMagic, []uint32{1 << 30}, nil)), []string{"more than the limit"}},
		{"truncated labels", readLabels(labels[:10]), []string{"11 bytes are expected", "only 10 were found"}},
		{"not gzip after magic", readImages([]byte{0x1f, 0x8b, 0, 0}), []string{"gzip"}},
	}
	for _, c := range cases {
		if c.err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(c.err.Error(), w) {
				t.Errorf("%s: error %q does not mention %q", c.name, c.err, w)
			}
		}
	}
	// A corrupt gzip body (flipped byte) must be caught by the CRC or the
	// decompressor, not returned as data.
	z := gzipBytes(images)
	z[len(z)-6] ^= 0xff // inside the CRC-32 trailer
	if err := readImages(z); err == nil {
		t.Error("corrupt gzip CRC: no error")
	}
	_, _, _, err := ReadIDXImages(nil)
	wantErr(t, err, "nil")
}

// TestIDXLyingHeaderAllocatesLittle checks that a header announcing the
// maximum allowed size with a tiny body fails without allocating the
// announced 2 GiB.
func TestIDXLyingHeaderAllocatesLittle(t *testing.T) {
	p := idxBytes(IDXImagesMagic, []uint32{1 << 12, 1 << 8, 1 << 8}, make([]byte, 100)) // 2^28 pixels announced
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, _, _, err := ReadIDXImages(bytes.NewReader(p))
	runtime.ReadMemStats(&after)
	wantErr(t, err, "268435456 data bytes", "only 116 were found")
	if grew := after.TotalAlloc - before.TotalAlloc; grew > 1<<20 {
		t.Errorf("a lying header made the reader allocate %d bytes", grew)
	}
}

func TestLoadIDXErrors(t *testing.T) {
	images, labels := testImages()
	dir := t.TempDir()
	ip := writeFile(t, dir, "im", images)
	lp := writeFile(t, dir, "lb", labels)
	four := writeFile(t, dir, "lb4", idxBytes(IDXLabelsMagic, []uint32{4}, []byte{1, 2, 3, 4}))
	_, err := LoadIDX(ip, four)
	wantErr(t, err, "3 images", "4 labels", "must be equal")
	_, err = LoadIDX(filepath.Join(dir, "missing"), lp)
	wantErr(t, err, "cannot open", "missing")
	bad := writeFile(t, dir, "bad", images[:20])
	_, err = LoadIDX(bad, lp)
	wantErr(t, err, "bad", "truncated")
	_, err = LoadIDX(ip, ip)
	wantErr(t, err, "im", "swapped")
}

func TestFindFashionMNIST(t *testing.T) {
	images, labels := testImages()
	dir := t.TempDir()
	writeFile(t, dir, "t10k-images-idx3-ubyte.gz", gzipBytes(images))
	writeFile(t, dir, "t10k-labels-idx1-ubyte.gz", gzipBytes(labels))

	t.Setenv(FashionMNISTEnv, dir)
	got, err := FindFashionMNIST()
	if err != nil || got != dir {
		t.Fatalf("FindFashionMNIST with %s set: %q, %v", FashionMNISTEnv, got, err)
	}
	ds, err := FashionMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 3 || !strings.Contains(ds.Name, "Zalando") {
		t.Fatalf("FashionMNIST from the override: %d samples, name %q", ds.Len(), ds.Name)
	}
	_, err = FashionMNIST("train")
	wantErr(t, err, "train-images-idx3-ubyte")
	_, err = FashionMNIST("dev")
	wantErr(t, err, `split "dev"`)

	t.Setenv(FashionMNISTEnv, t.TempDir())
	_, err = FindFashionMNIST()
	wantErr(t, err, FashionMNISTEnv, "no Fashion-MNIST IDX files")

	t.Setenv(FashionMNISTEnv, "")
	saved := fashionDirs
	defer func() { fashionDirs = saved }()
	fashionDirs = []string{t.TempDir()}
	_, err = FindFashionMNIST()
	wantErr(t, err, "apt-get install dataset-fashion-mnist", FashionMNISTEnv)
	_, err = FashionMNIST("test")
	wantErr(t, err, "apt-get install dataset-fashion-mnist")
	fashionDirs = []string{dir}
	if got, err := FindFashionMNIST(); err != nil || got != dir {
		t.Fatalf("FindFashionMNIST in the default location: %q, %v", got, err)
	}
}

// TestFashionMNISTInstalled reads the real files when Debian's
// dataset-fashion-mnist is installed; it skips otherwise.
func TestFashionMNISTInstalled(t *testing.T) {
	t.Setenv(FashionMNISTEnv, "")
	if _, err := FindFashionMNIST(); err != nil {
		t.Skipf("Fashion-MNIST not installed: %v", err)
	}
	ds, err := FashionMNIST("test")
	if err != nil {
		t.Fatal(err)
	}
	if ds.Len() != 10000 || ds.Dim() != 784 {
		t.Fatalf("Fashion-MNIST test is %d×%d, want 10000×784", ds.Len(), ds.Dim())
	}
	counts := make([]int, 10)
	for _, l := range ds.Labels {
		counts[l]++
	}
	for c, n := range counts {
		if n != 1000 {
			t.Errorf("class %d (%s): %d samples, want 1000", c, FashionMNISTClasses[c], n)
		}
	}
	lo, hi := 255.0, 0.0
	for _, v := range ds.X.RawMatrix().Data {
		lo, hi = min(lo, v), max(hi, v)
	}
	if lo != 0 || hi != 255 {
		t.Errorf("pixel range [%v, %v], want [0, 255]", lo, hi)
	}
	if testing.Short() {
		return
	}
	train, err := FashionMNIST("train")
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 60000 || train.Dim() != 784 {
		t.Fatalf("Fashion-MNIST train is %d×%d, want 60000×784", train.Len(), train.Dim())
	}
}

// FuzzReadIDX feeds arbitrary bytes to both readers: they must return an
// error or a consistent result, never panic.
func FuzzReadIDX(f *testing.F) {
	images, labels := testImages()
	f.Add(images)
	f.Add(labels)
	f.Add(gzipBytes(images))
	f.Add(images[:20])
	f.Fuzz(func(t *testing.T, p []byte) {
		if X, rows, cols, err := ReadIDXImages(bytes.NewReader(p)); err == nil {
			if n, d := X.Dims(); n == 0 || d != rows*cols {
				t.Fatalf("inconsistent result %d×%d for %d×%d images", n, d, rows, cols)
			}
		}
		if l, err := ReadIDXLabels(bytes.NewReader(p)); err == nil && len(l) == 0 {
			t.Fatal("no labels and no error")
		}
	})
}
