package ntk

import (
	"archive/zip"
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sbinet/npyio/npy"
	"gonum.org/v1/gonum/mat"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// checkpointFormat is the version of the checkpoint layout.
const checkpointFormat = 1

// Checkpoint is the saved state of a training run after Step steps, as
// written by Train with TrainOptions.CheckpointPath and read by
// LoadCheckpoint. Resume continues the run from it.
type Checkpoint struct {
	Step    int      // steps taken
	Eta     float64  // the run's step size
	Method  Method   // the trainer that ran: Dense or Sparse
	Network *Network // θ(Step)
	History *History // the states t = 0..Step

	origin *origin // θ(0) and the firing record, for the statistics
	data   []byte  // SHA-256 fingerprint of the training data
}

// A checkpoint file is a NumPy .npz archive (numpy.load reads it) of the
// arrays
//
//	format           int64 scalar, the layout version (1)
//	step, method     int64 scalars; eta float64 scalar
//	W, bias, a       the network at Step (float64, m×d, m, m)
//	w0, b0           the parameters when the run started (m×d, m)
//	n                int64 scalar, the number of samples
//	fired0, flipped  int64 arrays of m·⌈n/64⌉ words: bit i of word
//	                 r·⌈n/64⌉ + i/64 is set when neuron r fired on sample i
//	                 at t = 0, respectively has flipped since
//	data             the SHA-256 of the training data, as 4 int64
//	history_*        the History, as History.SaveNPZ writes it
//	checksum         SHA-256 of every other entry (name and bytes, in name
//	                 order), as 4 int64
//
// Every entry also carries the CRC-32 of the zip format.

// save writes cp to path atomically.
func (cp *Checkpoint) save(path string) error {
	o := cp.origin
	net := cp.Network
	entries := []npzEntry{
		{"format", int64(checkpointFormat)},
		{"step", int64(cp.Step)}, {"eta", cp.Eta}, {"method", int64(cp.Method)},
		{"W", net.W}, {"bias", net.Bias}, {"a", net.A},
		{"w0", mat.NewDense(o.m, o.d, o.w0)}, {"b0", o.b0},
		{"n", int64(o.n)},
		{"fired0", wordsAsInts(o.fired0)}, {"flipped", wordsAsInts(o.flipped)},
		{"data", bytesAsInts(cp.data)},
	}
	entries = append(entries, cp.History.entries("history_")...)
	slices.SortFunc(entries, func(a, b npzEntry) int { return strings.Compare(a.name, b.name) })
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if checkpointWriteHook != nil {
			w = &hookedWriter{w: w, path: path}
		}
		if err := writeChecksummedNPZ(w, entries); err != nil {
			return fmt.Errorf("ntk: writing the checkpoint %q: %w", path, err)
		}
		return nil
	})
}

// writeChecksummedNPZ writes the entries, in their order, as a .npz archive
// (stored, as numpy.savez does) followed by the "checksum" entry: the
// SHA-256 of every entry's name and .npy bytes.
func writeChecksummedNPZ(w io.Writer, entries []npzEntry) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	zw := zip.NewWriter(bw)
	sum := sha256.New()
	for _, e := range entries {
		fw, err := zw.CreateHeader(&zip.FileHeader{Name: e.name + ".npy", Method: zip.Store})
		if err != nil {
			return err
		}
		sum.Write([]byte(e.name + ".npy"))
		if err := npy.Write(io.MultiWriter(fw, sum), e.v); err != nil {
			return fmt.Errorf("array %s: %w", e.name, err)
		}
	}
	fw, err := zw.CreateHeader(&zip.FileHeader{Name: "checksum.npy", Method: zip.Store})
	if err != nil {
		return err
	}
	if err := npy.Write(fw, bytesAsInts(sum.Sum(nil))); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

// LoadCheckpoint reads a checkpoint written by Train (TrainOptions.
// CheckpointPath). A damaged file, truncated or altered anywhere, is refused:
// every entry's CRC-32 and the SHA-256 over all entries are verified, and the
// arrays must fit together as a run of Train leaves them.
func LoadCheckpoint(path string) (*Checkpoint, error) {
	return loadNPZ(path, "checkpoint", ReadCheckpoint)
}

// ReadCheckpoint reads a checkpoint of size bytes from r; see LoadCheckpoint.
// No input makes it panic or allocate more than MaxKernelBytes.
func ReadCheckpoint(r io.ReaderAt, size int64) (*Checkpoint, error) {
	a, err := readNPZ(r, size, "checkpoint", MaxKernelBytes)
	if err != nil {
		return nil, err
	}
	if _, ok := a.entries["step.npy"]; !ok {
		return nil, fmt.Errorf("ntk: the file is not a checkpoint (it has no array \"step\"); pass a file written by Train with TrainOptions.CheckpointPath")
	}
	if err := a.verifyChecksum(); err != nil {
		return nil, err
	}
	return decodeCheckpoint(a)
}

// decodeCheckpoint reads the arrays of a checkpoint archive whose checksum
// has been verified, and checks that they fit together.
func decodeCheckpoint(a *npzArchive) (*Checkpoint, error) {
	if err := a.format(checkpointFormat); err != nil {
		return nil, err
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ntk: the checkpoint is inconsistent: %s; it was not written by Train, or is damaged", fmt.Sprintf(format, args...))
	}
	scalar := func(name string, kind byte) (*npyArray, error) { return a.array(name, kind, 0) }
	step, err := scalar("step", 'i')
	if err != nil {
		return nil, err
	}
	eta, err := scalar("eta", 'f')
	if err != nil {
		return nil, err
	}
	method, err := scalar("method", 'i')
	if err != nil {
		return nil, err
	}
	nArr, err := scalar("n", 'i')
	if err != nil {
		return nil, err
	}
	cp := &Checkpoint{Eta: eta.f[0], Method: Method(method.i[0])}
	switch {
	case step.i[0] < 0 || step.i[0] > math.MaxInt32:
		return nil, bad("step = %d", step.i[0])
	case !(cp.Eta > 0) || math.IsInf(cp.Eta, 0):
		return nil, bad("eta = %v", cp.Eta)
	case cp.Method != Dense && cp.Method != Sparse:
		return nil, bad("method = %d", method.i[0])
	case nArr.i[0] < 1 || nArr.i[0] > math.MaxInt32:
		return nil, bad("n = %d samples", nArr.i[0])
	}
	cp.Step = int(step.i[0])
	n := int(nArr.i[0])

	net, err := readNetworkArrays(a)
	if err != nil {
		return nil, err
	}
	cp.Network = net
	m, d := net.W.Dims()
	o := &origin{m: m, n: n, d: d}
	w0, err := a.array("w0", 'f', 2)
	if err != nil {
		return nil, err
	}
	b0, err := a.array("b0", 'f', 1)
	if err != nil {
		return nil, err
	}
	if w0.shape[0] != m || w0.shape[1] != d || b0.shape[0] != m {
		return nil, bad("w0 has shape %v and b0 %v, want [%d %d] and [%d] like W", w0.shape, b0.shape, m, d, m)
	}
	for _, v := range append(w0.f, b0.f...) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, bad("w0 or b0 holds %v", v)
		}
	}
	o.w0, o.b0 = w0.f, b0.f
	for _, bs := range []struct {
		name string
		dst  *[]uint64
	}{{"fired0", &o.fired0}, {"flipped", &o.flipped}} {
		arr, err := a.array(bs.name, 'i', 1)
		if err != nil {
			return nil, err
		}
		if int64(arr.len()) != int64(m)*int64(o.words()) {
			return nil, bad("%s has %d words, want m·⌈n/64⌉ = %d", bs.name, arr.len(), int64(m)*int64(o.words()))
		}
		*bs.dst = intsAsWords(arr.i)
		// Bits past sample n−1 in each neuron's last word must be clear.
		if rest := n % 64; rest != 0 {
			for r := 0; r < m; r++ {
				if (*bs.dst)[(r+1)*o.words()-1]>>rest != 0 {
					return nil, bad("%s marks samples beyond n = %d", bs.name, n)
				}
			}
		}
	}
	cp.origin = o
	data, err := a.array("data", 'i', 1)
	if err != nil {
		return nil, err
	}
	if data.len() != 4 {
		return nil, bad("data has %d entries, want 4", data.len())
	}
	cp.data = intsAsBytes(data.i)
	h, err := readHistoryArrays(a, "history_", "the checkpoint's history")
	if err != nil {
		return nil, err
	}
	if h.Method != cp.Method || len(h.Stats) != cp.Step+1 || h.Stats[cp.Step].Step != cp.Step {
		return nil, bad("its history holds %d states of method %v, want the states 0..%d of method %v", len(h.Stats), h.Method, cp.Step, cp.Method)
	}
	cp.History = h
	return cp, nil
}

// verifyChecksum compares the "checksum" entry with the SHA-256 of the other
// entries.
func (a *npzArchive) verifyChecksum() error {
	want, err := a.array("checksum", 'i', 1)
	if err != nil {
		return err
	}
	names := make([]string, 0, len(a.entries))
	for name := range a.entries {
		if name != "checksum.npy" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	sum := sha256.New()
	for _, name := range names {
		sum.Write([]byte(name))
		sum.Write(a.entries[name])
	}
	if want.len() != 4 || !bytes.Equal(intsAsBytes(want.i), sum.Sum(nil)) {
		return fmt.Errorf("ntk: the %s fails its SHA-256 checksum: it is damaged; use an earlier copy or restart the run", a.what)
	}
	return nil
}

// Resume continues the training run saved in the checkpoint at path, on the
// same data X, y, until opt.Steps steps in total (counted from the start of
// the run) or until opt.Tol, opt.Observe or divergence stop it, exactly as
// Train would have continued; it returns the network and the whole history
// (t = 0 onwards: the checkpoint's states and the new ones; Elapsed goes on
// from the checkpoint's).
//
// opt.Eta must be 0 (use the checkpoint's) or the run's step size, and
// opt.Method Auto or the method that ran. opt.CheckpointPath and
// CheckpointEvery may continue checkpointing (to the same file or another).
//
// Resuming repeats the run bit for bit: the parameters, losses and every
// statistic but Elapsed equal those of a run that was never interrupted and
// had the same checkpoint options. For Dense, writing checkpoints changes
// nothing, so that is any run with the same options. The sparse trainer
// restarts its candidate sets from each checkpoint it writes, as Resume
// does, so its runs with and without checkpoints agree to rounding (as Dense
// and Sparse do), not bit for bit.
//
// A run killed while writing a checkpoint leaves the previous checkpoint at
// path intact, and the partial one in a temporary file ".name.tmp-*" beside
// it, which is never read; Resume deletes such files once it has loaded the
// checkpoint (so no other process may be writing checkpoints to path).
func Resume(path string, X *mat.Dense, y []float64, opt TrainOptions) (*Network, *History, error) {
	start := time.Now()
	cp, err := LoadCheckpoint(path)
	if err != nil {
		return nil, nil, err
	}
	escape := strings.NewReplacer(`\`, `\\`, "*", `\*`, "?", `\?`, "[", `\[`)
	pattern := filepath.Join(escape.Replace(filepath.Dir(path)), "."+escape.Replace(filepath.Base(path))+".tmp-*")
	if partial, err := filepath.Glob(pattern); err == nil {
		for _, p := range partial {
			os.Remove(p)
		}
	}
	net := cp.Network
	if err := checkInputs(X, net.Dim()); err != nil {
		return nil, nil, err
	}
	n, _ := X.Dims()
	if err := checkTargets(y, n); err != nil {
		return nil, nil, err
	}
	if n != cp.origin.n || !bytes.Equal(dataFingerprint(X, y), cp.data) {
		return nil, nil, fmt.Errorf("ntk: the checkpoint %q was written for other data (X with %d rows, or other values of X or y); resume with the X and y the run was trained on", path, cp.origin.n)
	}
	switch {
	case opt.Eta == 0:
		opt.Eta = cp.Eta
	case opt.Eta != cp.Eta:
		return nil, nil, fmt.Errorf("ntk: TrainOptions.Eta = %v but the checkpointed run used η = %v; pass 0 or that value to continue it (to train on with another step size, call Train on the checkpoint's Network)", opt.Eta, cp.Eta)
	}
	switch opt.Method {
	case Auto:
		opt.Method = cp.Method
	case cp.Method:
	default:
		return nil, nil, fmt.Errorf("ntk: TrainOptions.Method = %v but the checkpointed run used %v; pass ntk.Auto or %v to continue it", opt.Method, cp.Method, cp.Method)
	}
	if err := opt.check(); err != nil {
		return nil, nil, err
	}
	if err := opt.checkCheckpointDir(); err != nil {
		return nil, nil, err
	}
	if opt.Steps < cp.Step {
		return nil, nil, fmt.Errorf("ntk: TrainOptions.Steps = %d but the checkpoint is at step %d; Steps counts from the start of the run, so ask for at least %d", opt.Steps, cp.Step, cp.Step)
	}
	hist := cp.History
	r := &run{net: net, X: X, y: y, opt: opt, method: cp.Method, hist: hist, data: cp.data,
		start: start.Add(-hist.Stats[cp.Step].Elapsed)}
	if cp.Step == opt.Steps || (opt.Tol > 0 && hist.Loss[cp.Step] <= opt.Tol) {
		return net, hist, nil
	}
	if err := r.newTrainer(cp.origin); err != nil {
		return nil, nil, err
	}
	err = r.loop(cp.Step)
	return net, r.hist, err
}

// dataFingerprint returns the SHA-256 of the shape and bits of X and y.
func dataFingerprint(X *mat.Dense, y []float64) []byte {
	n, d := X.Dims()
	sum := sha256.New()
	var buf [8]byte
	put := func(v uint64) {
		binary.LittleEndian.PutUint64(buf[:], v)
		sum.Write(buf[:])
	}
	put(uint64(n))
	put(uint64(d))
	for i := 0; i < n; i++ {
		for _, v := range X.RawRowView(i) {
			put(math.Float64bits(v))
		}
	}
	for _, v := range y {
		put(math.Float64bits(v))
	}
	return sum.Sum(nil)
}

func wordsAsInts(w []uint64) []int64 {
	v := make([]int64, len(w))
	for k, x := range w {
		v[k] = int64(x)
	}
	return v
}

func intsAsWords(v []int64) []uint64 {
	w := make([]uint64, len(v))
	for k, x := range v {
		w[k] = uint64(x)
	}
	return w
}

// bytesAsInts packs 32 bytes into 4 little-endian int64.
func bytesAsInts(b []byte) []int64 {
	v := make([]int64, len(b)/8)
	for k := range v {
		v[k] = int64(binary.LittleEndian.Uint64(b[8*k:]))
	}
	return v
}

func intsAsBytes(v []int64) []byte {
	b := make([]byte, 8*len(v))
	for k, x := range v {
		binary.LittleEndian.PutUint64(b[8*k:], uint64(x))
	}
	return b
}

// checkpointWriteHook, if not nil, is called after every write to a
// checkpoint's temporary file with the bytes written so far (a test hook: the
// tests use it to kill a process in the middle of a write).
var checkpointWriteHook func(path string, written int64)

type hookedWriter struct {
	w       io.Writer
	path    string
	written int64
}

func (h *hookedWriter) Write(p []byte) (int, error) {
	k, err := h.w.Write(p)
	h.written += int64(k)
	checkpointWriteHook(h.path, h.written)
	return k, err
}
