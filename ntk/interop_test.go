package ntk

import (
	"bytes"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// sameBits reports whether a and b hold the same float64 bits.
func sameBits(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// sameSpectrum reports whether a and b hold the same bits in every field.
func sameSpectrum(a, b *Spectrum) bool {
	return sameBits([]float64{a.Min, a.Max, a.MinResidual, a.MaxResidual, a.Cond, a.Tol},
		[]float64{b.Min, b.Max, b.MinResidual, b.MaxResidual, b.Cond, b.Tol}) &&
		a.PD == b.PD && a.PSD == b.PSD &&
		sameBits(a.MinVector, b.MinVector) && sameBits(a.MaxVector, b.MaxVector) &&
		sameBits(a.Values, b.Values) && (a.Values == nil) == (b.Values == nil) &&
		(a.MinVector == nil) == (b.MinVector == nil)
}

// sameHistory reports whether a and b record the same run, bit for bit.
func sameHistory(a, b *History) bool {
	if a.Method != b.Method || len(a.Stats) != len(b.Stats) || !sameBits(a.Loss, b.Loss) {
		return false
	}
	for t := range a.Stats {
		x, y := a.Stats[t], b.Stats[t]
		if !sameBits([]float64{x.Loss, x.ActiveMean, x.MoveW, x.MoveB}, []float64{y.Loss, y.ActiveMean, y.MoveW, y.MoveB}) {
			return false
		}
		x.Loss, x.ActiveMean, x.MoveW, x.MoveB = 0, 0, 0, 0
		y.Loss, y.ActiveMean, y.MoveW, y.MoveB = 0, 0, 0, 0
		if x != y {
			return false
		}
	}
	return true
}

// trainedHistory returns the history of a short dense training run.
func trainedHistory(t *testing.T) *History {
	t.Helper()
	X, y, net := trainProblem(t, 12, 4, Init{Width: 64, Dim: 4, B: 0.5}, 81)
	h, err := Train(net, X, y, TrainOptions{Eta: 0.5, Steps: 20, Method: Dense})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// handHistory returns a history with every field set to a distinct value,
// including the NaN and +Inf of a diverging run.
func handHistory() *History {
	h := &History{Method: Sparse}
	for t := 0; t < 4; t++ {
		s := Stats{Step: 3 * t, Loss: 1.0 / float64(t+3), ActiveMin: t, ActiveMax: 2*t + 1, ActiveMean: float64(t) + 0.1,
			Flips: int64(5 * t), Flipped: int64(7 * t), MoveW: 0.3 * float64(t), MoveB: 1e-300 * float64(t),
			Pairs: 1 << 40, Candidates: int64(11 * t), Rebuilds: t, Elapsed: time.Duration(1_000_000_007 * int64(t))}
		h.Stats = append(h.Stats, s)
	}
	h.Stats[2].Loss = math.Inf(1)
	h.Stats[3].Loss = math.NaN()
	h.Stats[3].MoveW = math.NaN()
	for _, s := range h.Stats {
		h.Loss = append(h.Loss, s.Loss)
	}
	return h
}

func TestHistoryColumnsCoverStats(t *testing.T) {
	// Every field of Stats must be saved: a new field must get a column.
	if got, want := len(historyColumns), reflect.TypeOf(Stats{}).NumField(); got != want {
		t.Fatalf("historyColumns has %d columns but Stats has %d fields; add the new field to historyColumns", got, want)
	}
	var s Stats
	seen := map[uintptr]string{}
	base := reflect.ValueOf(&s).Pointer()
	for _, c := range historyColumns {
		var p uintptr
		switch {
		case c.f != nil:
			p = reflect.ValueOf(c.f(&s)).Pointer()
		case c.i != nil:
			p = reflect.ValueOf(c.i(&s)).Pointer()
		default:
			p = reflect.ValueOf(c.n(&s)).Pointer()
		}
		if other, dup := seen[p-base]; dup {
			t.Errorf("columns %s and %s store the same field", other, c.name)
		}
		seen[p-base] = c.name
	}
}

func TestHistoryRoundTrips(t *testing.T) {
	dir := t.TempDir()
	for name, h := range map[string]*History{"trained": trainedHistory(t), "by hand": handHistory()} {
		npz := filepath.Join(dir, "h.npz")
		if err := h.SaveNPZ(npz); err != nil {
			t.Fatalf("%s: SaveNPZ: %v", name, err)
		}
		got, err := LoadHistory(npz)
		if err != nil {
			t.Fatalf("%s: LoadHistory(.npz): %v", name, err)
		}
		if !sameHistory(got, h) {
			t.Errorf("%s: the .npz round trip changed the history:\n%+v\n%+v", name, got.Stats, h.Stats)
		}
		csvPath := filepath.Join(dir, "h.csv")
		if err := h.SaveCSV(csvPath); err != nil {
			t.Fatalf("%s: SaveCSV: %v", name, err)
		}
		got, err = LoadHistory(csvPath)
		if err != nil {
			t.Fatalf("%s: LoadHistory(.csv): %v", name, err)
		}
		if !sameHistory(got, h) {
			t.Errorf("%s: the CSV round trip changed the history:\n%+v\n%+v", name, got.Stats, h.Stats)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		t.Errorf("the directory holds %d entries, want h.npz and h.csv only (no temporary files)", len(entries))
	}
}

func TestHistoryCSVText(t *testing.T) {
	var b bytes.Buffer
	if err := handHistory().WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	want := []string{
		"step,loss,active_min,active_mean,active_max,flips,flipped,move_w,move_b,pairs,candidates,rebuilds,elapsed_s,method",
		"0,0.3333333333333333,0,0.1,1,0,0,0,0,1099511627776,0,0,0.000000000,sparse",
		"3,0.25,1,1.1,3,5,7,0.3,1e-300,1099511627776,11,1,1.000000007,sparse",
		"6,+Inf,2,2.1,5,10,14,0.6,2e-300,1099511627776,22,2,2.000000014,sparse",
		"9,NaN,3,3.1,7,15,21,NaN,3e-300,1099511627776,33,3,3.000000021,sparse",
	}
	if len(lines) != len(want) {
		t.Fatalf("CSV has %d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i := range want {
		if lines[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i+1, lines[i], want[i])
		}
	}
}

func TestMatrixKernelSpectrumRoundTrips(t *testing.T) {
	dir := t.TempDir()
	X := unitRows(30, 5, 84)
	H, err := KernelInf(X, 1)
	if err != nil {
		t.Fatal(err)
	}
	// A matrix with every kind of value, including the non-finite ones a
	// plain .npy may hold.
	M := mat.NewDense(3, 4, []float64{1, -2, 3.5, 1e-310, math.Inf(1), math.Inf(-1), math.NaN(), 0, -0.0, 5, 6, 7})
	p := filepath.Join(dir, "m.npy")
	if err := SaveMatrix(p, M); err != nil {
		t.Fatal(err)
	}
	got, err := LoadMatrix(p)
	if err != nil {
		t.Fatal(err)
	}
	if r, c := got.Dims(); r != 3 || c != 4 || !sameBits(got.RawMatrix().Data, M.RawMatrix().Data) {
		t.Errorf("LoadMatrix returned %v, want %v", mat.Formatted(got), mat.Formatted(M))
	}
	// A transposed view is saved as the matrix it shows.
	if err := SaveMatrix(p, M.T()); err != nil {
		t.Fatal(err)
	}
	if got, err = LoadMatrix(p); err != nil || got.At(3, 0) != M.At(0, 3) || got.At(1, 2) != M.At(2, 1) {
		t.Errorf("transposed: %v, %v", err, got)
	}

	kp := filepath.Join(dir, "k.npz")
	if err := SaveKernel(kp, H); err != nil {
		t.Fatal(err)
	}
	K, err := LoadKernel(kp)
	if err != nil {
		t.Fatal(err)
	}
	if !sameBits(K.RawSymmetric().Data, symmetricData(H)) {
		t.Error("the kernel changed in the .npz round trip")
	}

	for name, f := range map[string]func(mat.Symmetric) (*Spectrum, error){"Extremes": Extremes, "Eigenvalues": Eigenvalues} {
		sp, err := f(H)
		if err != nil {
			t.Fatal(err)
		}
		sp2, err := f(mat.NewSymDense(3, []float64{1, 2, 0, 2, 1, 0, 0, 0, -1})) // indefinite: PD false
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range []*Spectrum{sp, sp2} {
			sp := filepath.Join(dir, "s.npz")
			if err := SaveSpectrum(sp, s); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			got, err := LoadSpectrum(sp)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !sameSpectrum(got, s) {
				t.Errorf("%s: the spectrum changed in the round trip:\n%+v\n%+v", name, got, s)
			}
		}
	}
}

// symmetricData returns the full row-major n×n data of H.
func symmetricData(H *mat.SymDense) []float64 {
	n := H.SymmetricDim()
	v := make([]float64, 0, n*n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			v = append(v, H.At(i, j))
		}
	}
	return v
}

// TestLoadersRefuseDamage injects faults into every kind of saved file:
// truncation at every length, and a flip of every byte. Each load must fail
// or return exactly what was saved (a flip in a zip timestamp is harmless),
// never something else.
func TestLoadersRefuseDamage(t *testing.T) {
	dir := t.TempDir()
	X := unitRows(6, 3, 85)
	H, _ := KernelInf(X, 1)
	sp, _ := Eigenvalues(H)
	net, _ := New(Init{Width: 8, Dim: 3, B: 1, Seed: 86})
	h := handHistory()
	type loaded struct {
		save func(string) error
		// same reads the bytes of a file and reports whether they hold
		// what was saved.
		same func([]byte) (bool, error)
		// checksum: damage anywhere must be refused or harmless.
		checksum bool
	}
	at := func(p []byte) (*bytes.Reader, int64) { return bytes.NewReader(p), int64(len(p)) }
	cases := map[string]loaded{
		"network.npz": {net.Save, func(p []byte) (bool, error) {
			got, err := ReadNetwork(at(p))
			return err == nil && sameNetwork(got, net), err
		}, true},
		"kernel.npz": {func(p string) error { return SaveKernel(p, H) }, func(p []byte) (bool, error) {
			got, err := ReadKernel(at(p))
			return err == nil && sameBits(symmetricData(got), symmetricData(H)), err
		}, true},
		"spectrum.npz": {func(p string) error { return SaveSpectrum(p, sp) }, func(p []byte) (bool, error) {
			got, err := ReadSpectrum(at(p))
			return err == nil && sameSpectrum(got, sp), err
		}, true},
		"history.npz": {h.SaveNPZ, func(p []byte) (bool, error) {
			got, err := readHistoryBytes(p)
			return err == nil && sameHistory(got, h), err
		}, true},
		"history.csv": {h.SaveCSV, func(p []byte) (bool, error) {
			got, err := readHistoryBytes(p)
			return err == nil && sameHistory(got, h), err
		}, false},
		"matrix.npy": {func(p string) error { return SaveMatrix(p, X) }, func(p []byte) (bool, error) {
			got, err := ReadMatrix(bytes.NewReader(p))
			return err == nil && mat.Equal(got, X), err
		}, false},
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for name, c := range cases {
		path := filepath.Join(dir, name)
		if err := c.save(path); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		whole, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := c.same(whole); !ok {
			t.Fatalf("%s: the intact file does not load back: %v", name, err)
		}
		truncRefused, flipsRefused, flipsSilent := 0, 0, 0
		for k := 0; k < len(whole); k += step {
			if _, err := c.same(whole[:k]); err != nil {
				truncRefused++
				continue
			}
			// A CSV cut at the end of a row is a shorter history, which is
			// what the file then holds.
			if name != "history.csv" || !(whole[k-1] == '\n' || whole[k] == '\n') {
				t.Errorf("%s truncated to %d of %d bytes: loaded without error", name, k, len(whole))
			}
		}
		damaged := append([]byte(nil), whole...)
		for k := 0; k < len(whole); k += step {
			damaged[k] ^= 0x5a
			ok, err := c.same(damaged)
			damaged[k] ^= 0x5a
			switch {
			case err != nil:
				flipsRefused++
			case !ok:
				flipsSilent++
				if c.checksum {
					t.Errorf("%s: byte %d flipped: loaded a different value without error", name, k)
				}
			}
		}
		tried := (len(whole) + step - 1) / step
		t.Logf("%s (%d bytes): of %d truncations and %d single-byte flips, %d and %d refused, %d flips loaded a different value",
			name, len(whole), tried, tried, truncRefused, flipsRefused, flipsSilent)
		if c.checksum && flipsRefused < tried/2 {
			t.Errorf("%s: only %d of %d byte flips were refused", name, flipsRefused, tried)
		}
	}
}

// TestSavesAreAtomic injects write failures: a save that cannot complete
// must return an error, leave an existing file as it was, and leave no
// temporary file behind.
func TestSavesAreAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k.npz")
	H := mat.NewSymDense(2, []float64{2, 1, 1, 2})
	if err := SaveKernel(path, H); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	// A kernel with a NaN is refused before anything is written.
	if err := SaveKernel(path, mat.NewSymDense(2, []float64{2, math.NaN(), math.NaN(), 2})); err == nil || !strings.Contains(err.Error(), "H[0][1]") {
		t.Errorf("SaveKernel with a NaN entry: %v, want an error naming H[0][1]", err)
	}
	// A destination that is a directory: the rename fails.
	sub := filepath.Join(dir, "sub")
	os.Mkdir(sub, 0o755)
	if err := SaveKernel(sub, H); err == nil {
		t.Error("SaveKernel over a directory succeeded")
	}
	// A destination in a missing directory.
	if err := handHistory().SaveCSV(filepath.Join(dir, "missing", "h.csv")); err == nil {
		t.Error("SaveCSV into a missing directory succeeded")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("a failed save changed the existing file")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 2 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %v, want k.npz and sub only (no temporary files)", names)
	}
	// A writer that fails part-way through: WriteCSV returns its error.
	w := &failingWriter{left: 100}
	if err := handHistory().WriteCSV(w); !errors.Is(err, errDiskFull) {
		t.Errorf("WriteCSV to a writer that fails after 100 bytes: %v, want the writer's error", err)
	}
}

var errDiskFull = errors.New("no space left on device (injected)")

// failingWriter accepts left bytes, then fails.
type failingWriter struct{ left int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errDiskFull
	}
	w.left -= len(p)
	return len(p), nil
}

// python returns a Python 3 interpreter that has NumPy, or skips the test.
func python(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(p); err == nil && exec.Command(path, "-c", "import numpy").Run() == nil {
			return path
		}
	}
	t.Skip("no Python 3 with NumPy (Debian: apt-get install python3-numpy)")
	return ""
}

// TestNumPyReadsWhatGoWrites saves every kind of file from Go and checks,
// in Python, the values NumPy loads: the three lines of the README.
func TestNumPyReadsWhatGoWrites(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	net, _ := New(Init{Width: 5, Dim: 3, B: 1.25, Seed: 87})
	X := unitRows(4, 3, 88)
	H, _ := KernelInf(X, 1)
	sp, _ := Eigenvalues(H)
	h := handHistory()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(net.Save(filepath.Join(dir, "net.npz")))
	must(SaveKernel(filepath.Join(dir, "kernel.npz"), H))
	must(SaveMatrix(filepath.Join(dir, "X.npy"), X))
	must(SaveSpectrum(filepath.Join(dir, "spectrum.npz"), sp))
	must(h.SaveNPZ(filepath.Join(dir, "history.npz")))
	must(h.SaveCSV(filepath.Join(dir, "history.csv")))
	ckNet := net.Clone()
	ckHist, err := Train(ckNet, X, []float64{1, -1, 1, -1}, TrainOptions{Eta: 0.05, Steps: 2, Method: Dense,
		CheckpointPath: filepath.Join(dir, "run.ckpt"), CheckpointEvery: 2})
	must(err)
	script := `
import numpy as np, sys, os
os.chdir(sys.argv[1])
net = np.load("net.npz"); K = np.load("kernel.npz")["K"]; X = np.load("X.npy")
s = np.load("spectrum.npz"); h = np.load("history.npz")
c = np.genfromtxt("history.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
print(net["W"].shape, net["bias"][0].hex(), net["a"].tolist(), int(net["format"]))
print(K.shape, K[0, 1].hex(), X.dtype, X[2, 1].hex())
print(float(s["max"]).hex(), s["values"].tolist() == sorted(s["values"].tolist()), bool(s["pd"]))
print(h["loss"].tolist()[:3], h["elapsed_ns"][1] / 1e9, int(h["method"]), c["loss"][1], c["elapsed_s"][3], c["method"][0])
k = np.load("run.ckpt")
print(int(k["step"]), k["W"].shape, k["W"][4, 2].hex(), k["w0"][4, 2].hex(), k["history_loss"][2].hex(), k["fired0"].shape)
`
	out, err := exec.Command(py, "-c", script, dir).CombinedOutput()
	if err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	want := strings.Join([]string{
		"(5, 3) " + pyHex(1.25) + " " + pyList(net.A) + " 1",
		"(4, 4) " + pyHex(H.At(0, 1)) + " float64 " + pyHex(X.At(2, 1)),
		pyHex(sp.Max) + " True True",
		"[0.3333333333333333, 0.25, inf] 1.000000007 2 0.25 3.000000021 sparse",
		"2 (5, 3) " + pyHex(ckNet.W.At(4, 2)) + " " + pyHex(net.W.At(4, 2)) + " " + pyHex(ckHist.Loss[2]) + " (5,)",
	}, "\n")
	if got := strings.TrimSpace(string(out)); got != want {
		t.Errorf("NumPy read:\n%s\nwant:\n%s", got, want)
	}
}

// TestGoReadsWhatNumPyWrites loads files written by numpy.save, numpy.savez
// and numpy.savez_compressed, including a Fortran-ordered array.
func TestGoReadsWhatNumPyWrites(t *testing.T) {
	py := python(t)
	dir := t.TempDir()
	script := `
import numpy as np, sys, os
os.chdir(sys.argv[1])
M = np.arange(12, dtype=np.float64).reshape(3, 4) / 7
np.save("c.npy", M); np.save("f.npy", np.asfortranarray(M)); np.save("v.npy", M[0])
np.save("i.npy", np.arange(3))
K = M[:, :3].T @ M[:, :3] + np.eye(3)
np.savez("k.npz", K=K, format=np.int64(1)); np.savez_compressed("kc.npz", K=K, format=np.int64(1))
W = np.array([[1.0, -2.0], [0.5, 0.25], [3.0, 1.0]])
np.savez_compressed("net.npz", W=np.asfortranarray(W), bias=np.array([1.0, 1.5, -0.5]), a=np.array([1.0, -1.0, 1.0]), format=np.int64(1))
`
	if out, err := exec.Command(py, "-c", script, dir).CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
	M := mat.NewDense(3, 4, nil)
	for i := 0; i < 3; i++ {
		for j := 0; j < 4; j++ {
			M.Set(i, j, float64(4*i+j)/7)
		}
	}
	for _, name := range []string{"c.npy", "f.npy"} {
		got, err := LoadMatrix(filepath.Join(dir, name))
		if err != nil || !mat.Equal(got, M) {
			t.Errorf("%s: %v\n%v", name, err, mat.Formatted(got))
		}
	}
	if got, err := LoadMatrix(filepath.Join(dir, "v.npy")); err != nil || got.RawMatrix().Rows != 4 || got.At(3, 0) != M.At(0, 3) {
		t.Errorf("1-D array: %v, %v", err, got)
	}
	if _, err := LoadMatrix(filepath.Join(dir, "i.npy")); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Errorf("integer array: %v, want an error asking for float64", err)
	}
	var Ks []*mat.SymDense
	for _, name := range []string{"k.npz", "kc.npz"} {
		K, err := LoadKernel(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		Ks = append(Ks, K)
	}
	if !mat.Equal(Ks[0], Ks[1]) || Ks[0].At(1, 1) <= 1 {
		t.Errorf("kernels differ: %v %v", mat.Formatted(Ks[0]), mat.Formatted(Ks[1]))
	}
	net, err := Load(filepath.Join(dir, "net.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if net.W.At(0, 1) != -2 || net.W.At(2, 0) != 3 || net.Bias[2] != -0.5 || net.A[1] != -1 {
		t.Errorf("network from NumPy: W %v, bias %v, a %v", mat.Formatted(net.W), net.Bias, net.A)
	}
}

// pyHex formats v as Python's float.hex does.
func pyHex(v float64) string { return floatHex(v) }

// floatHex returns Python's float.hex(v) for a normal v.
func floatHex(v float64) string {
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	if v == 0 {
		return sign + "0x0.0p+0"
	}
	frac, exp := math.Frexp(v) // v = frac·2^exp, frac in [0.5, 1)
	bits := math.Float64bits(math.Ldexp(frac, 1)) & (1<<52 - 1)
	e := exp - 1
	es := "+"
	if e < 0 {
		es, e = "-", -e
	}
	return sign + "0x1." + padHex(bits) + "p" + es + itoa(e)
}

func padHex(b uint64) string {
	const digits = "0123456789abcdef"
	s := make([]byte, 13)
	for i := 12; i >= 0; i-- {
		s[i] = digits[b&15]
		b >>= 4
	}
	return string(s)
}

func itoa(e int) string {
	if e == 0 {
		return "0"
	}
	var s []byte
	for ; e > 0; e /= 10 {
		s = append([]byte{byte('0' + e%10)}, s...)
	}
	return string(s)
}

// pyList formats ±1 values as a Python list of floats.
func pyList(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = "1.0"
		if x < 0 {
			parts[i] = "-1.0"
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
