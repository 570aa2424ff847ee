package ntk

import (
	"bytes"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// Fuzz targets. Their seed corpora are committed under testdata/fuzz/; `go
// test` runs the seeds, and scripts/fuzz-short.sh fuzzes each target for a
// few seconds.

// orthantTol is the relative accuracy Orthant promises (1e-13) with room for
// the comparisons below, plus an absolute slack below its underflow range.
const orthantTol = 2e-13

// FuzzOrthant checks invariants of the orthant probability for arbitrary
// arguments: NaN exactly for NaN arguments or |ρ| > 1; otherwise the
// Fréchet range max(0, Q(h) + Q(k) − 1) ≤ L ≤ min(Q(h), Q(k)), symmetry in
// (h, k), and monotonicity: L decreases in h and k and increases in ρ.
func FuzzOrthant(f *testing.F) {
	f.Fuzz(func(t *testing.T, h, k, rho, dh, drho float64) {
		L := Orthant(h, k, rho)
		if math.IsNaN(h) || math.IsNaN(k) || math.IsNaN(rho) || rho > 1 || rho < -1 {
			if !math.IsNaN(L) {
				t.Fatalf("Orthant(%v, %v, %v) = %v, want NaN", h, k, rho, L)
			}
			return
		}
		if math.IsNaN(L) || L < 0 || L > 1 {
			t.Fatalf("Orthant(%v, %v, %v) = %v, outside [0, 1]", h, k, rho, L)
		}
		near := func(a, b float64) bool { return math.Abs(a-b) <= orthantTol*math.Max(math.Abs(a), math.Abs(b))+1e-300 }
		le := func(a, b float64) bool { return a <= b || near(a, b) }
		qh, qk := Q(h), Q(k)
		// qh + qk − 1 carries an absolute rounding error up to 2ε.
		if !le(L, math.Min(qh, qk)) || !le(qh+qk-1-0x1p-51, L) {
			t.Fatalf("Orthant(%v, %v, %v) = %v outside the Fréchet range [%v, %v]", h, k, rho, L, qh+qk-1, math.Min(qh, qk))
		}
		if S := Orthant(k, h, rho); !near(L, S) {
			t.Fatalf("Orthant(%v, %v, %v) = %v but Orthant(%v, %v, %v) = %v", h, k, rho, L, k, h, rho, S)
		}
		if !math.IsNaN(dh) && !math.IsInf(dh, 0) {
			h2 := h + math.Abs(dh)
			if L2 := Orthant(h2, k, rho); !le(L2, L) {
				t.Fatalf("not decreasing in h: Orthant(%v, %v, %v) = %v > Orthant(%v, ...) = %v", h2, k, rho, L2, h, L)
			}
		}
		if !math.IsNaN(drho) {
			rho2 := math.Min(1, rho+math.Abs(math.Mod(drho, 2)))
			if L2 := Orthant(h, k, rho2); !le(L, L2) {
				t.Fatalf("not increasing in ρ: Orthant(%v, %v, %v) = %v < Orthant(..., %v) = %v", h, k, rho2, L2, rho, L)
			}
		}
	})
}

// FuzzReadNetwork feeds arbitrary bytes to the network loader: it must
// return an error or a valid network that saves and reads back the same.
func FuzzReadNetwork(f *testing.F) {
	f.Fuzz(func(t *testing.T, p []byte) {
		net, err := ReadNetwork(bytes.NewReader(p), int64(len(p)))
		if err != nil {
			return
		}
		if err := net.Validate(); err != nil {
			t.Fatalf("ReadNetwork returned an invalid network: %v", err)
		}
		path := filepath.Join(t.TempDir(), "n.npz")
		if err := net.Save(path); err != nil {
			t.Fatal(err)
		}
		again, err := Load(path)
		if err != nil || !sameNetwork(again, net) {
			t.Fatalf("a loaded network does not survive Save and Load: %v", err)
		}
	})
}

// FuzzReadCheckpoint feeds arbitrary bytes to the checkpoint reader, seeded
// with a real checkpoint: each input must be refused, or load as a checkpoint
// whose parts fit together and that resumes (here: on data it was not
// written for, which Resume must refuse with an error, not a panic).
func FuzzReadCheckpoint(f *testing.F) {
	whole := smallCheckpoint(f)
	f.Add(whole)
	f.Add(whole[:len(whole)/2])
	f.Fuzz(func(t *testing.T, p []byte) {
		// Past the SHA-256, which almost every mutation fails, the arrays'
		// consistency checks must hold on their own.
		if a, err := readNPZ(bytes.NewReader(p), int64(len(p)), "checkpoint", MaxKernelBytes); err == nil {
			if cp, err := decodeCheckpoint(a); err == nil {
				checkCheckpointParts(t, cp)
			}
		}
		cp, err := ReadCheckpoint(bytes.NewReader(p), int64(len(p)))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "ntk: ") {
				t.Fatalf("error %q does not come from ntk", err)
			}
			return
		}
		checkCheckpointParts(t, cp)
		o := cp.origin
		path := filepath.Join(t.TempDir(), "c.ckpt")
		if err := os.WriteFile(path, p, 0o644); err != nil {
			t.Fatal(err)
		}
		X := mat.NewDense(o.n, o.d, nil)
		if _, _, err := Resume(path, X, make([]float64, o.n), TrainOptions{Steps: cp.Step + 1}); err == nil {
			t.Fatal("Resume accepted data the checkpoint was not written for")
		}
	})
}

// checkCheckpointParts fails unless the parts of cp fit together.
func checkCheckpointParts(t *testing.T, cp *Checkpoint) {
	o := cp.origin
	if err := cp.Network.Validate(); err != nil || cp.History.check("fuzz") != nil || len(cp.History.Stats) != cp.Step+1 ||
		len(o.w0) != o.m*o.d || len(o.b0) != o.m || len(o.fired0) != o.m*o.words() || len(o.flipped) != o.m*o.words() ||
		cp.Network.Width() != o.m || cp.Network.Dim() != o.d || !(cp.Eta > 0) || len(cp.data) != 32 {
		t.Fatalf("a checkpoint with inconsistent parts was accepted: %+v", cp)
	}
}

// FuzzReadHistory feeds arbitrary bytes to the history loaders (.npz and
// CSV): each must return an error or a valid history that writes back to
// the same bytes in CSV.
func FuzzReadHistory(f *testing.F) {
	f.Fuzz(func(t *testing.T, p []byte) {
		for _, read := range []func([]byte) (*History, error){
			func(p []byte) (*History, error) { return ReadHistory(bytes.NewReader(p), int64(len(p))) },
			func(p []byte) (*History, error) { return ReadHistoryCSV(bytes.NewReader(p)) },
		} {
			h, err := read(p)
			if err != nil {
				continue
			}
			if err := h.check("fuzz"); err != nil {
				t.Fatalf("a loaded history is invalid: %v", err)
			}
			var b bytes.Buffer
			if err := h.WriteCSV(&b); err != nil {
				t.Fatal(err)
			}
			again, err := ReadHistoryCSV(&b)
			if err != nil || !sameHistory(again, h) {
				t.Fatalf("a loaded history does not survive WriteCSV and ReadHistoryCSV: %v", err)
			}
		}
	})
}

// FuzzReadMatrix feeds arbitrary bytes to the .npy parser: it must return
// an error or a non-empty matrix of exactly the announced shape.
func FuzzReadMatrix(f *testing.F) {
	f.Fuzz(func(t *testing.T, p []byte) {
		M, err := ReadMatrix(bytes.NewReader(p))
		if err != nil {
			return
		}
		r, c := M.Dims()
		if r == 0 || c == 0 || len(p) < 8*r*c {
			t.Fatalf("ReadMatrix returned a %d×%d matrix from %d bytes", r, c, len(p))
		}
		var b bytes.Buffer
		if err := writeNPY(&b, M); err != nil {
			t.Fatal(err)
		}
		again, err := ReadMatrix(&b)
		if err != nil || !sameBits(again.RawMatrix().Data, M.RawMatrix().Data) {
			t.Fatalf("a loaded matrix does not survive a round trip: %v", err)
		}
	})
}

// TestWriteFuzzSeeds regenerates the committed seed corpora of the loaders'
// fuzz targets from files written by this package when SPARSENTK_FUZZ_SEEDS
// is set; otherwise it checks that they exist.
func TestWriteFuzzSeeds(t *testing.T) {
	seeds := map[string][][]byte{}
	dir := t.TempDir()
	file := func(save func(string) error) []byte {
		p := filepath.Join(dir, "f")
		if err := save(p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	net, _ := New(Init{Width: 3, Dim: 2, B: 1, Seed: 1})
	h := handHistory()
	seeds["FuzzReadNetwork"] = [][]byte{file(net.Save), []byte("PK\x03\x04")}
	seeds["FuzzReadHistory"] = [][]byte{file(h.SaveNPZ), file(h.SaveCSV)}
	seeds["FuzzReadMatrix"] = [][]byte{
		file(func(p string) error { return SaveMatrix(p, mat.NewDense(2, 3, []float64{1, 2, 3, 4, math.NaN(), 6})) }),
		[]byte("\x93NUMPY\x01\x00\x46\x00{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }          \n\x00\x00\x00\x00\x00\x00\xf0\x3f\x00\x00\x00\x00\x00\x00\x00\x40"),
	}
	write := os.Getenv("SPARSENTK_FUZZ_SEEDS") != ""
	for target, list := range seeds {
		for i, b := range list {
			p := filepath.Join("testdata", "fuzz", target, "seed-"+string(rune('a'+i)))
			text := "go test fuzz v1\n[]byte(" + goQuote(b) + ")\n"
			if write {
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
					t.Fatal(err)
				}
			} else if _, err := os.Stat(p); err != nil {
				t.Errorf("seed %s is missing (regenerate with SPARSENTK_FUZZ_SEEDS=1 go test ./ntk -run TestWriteFuzzSeeds): %v", p, err)
			}
		}
	}
}

// goQuote quotes b as a Go string literal.
func goQuote(b []byte) string {
	const hex = "0123456789abcdef"
	out := []byte{'"'}
	for _, c := range b {
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c >= 0x20 && c < 0x7f:
			out = append(out, c)
		default:
			out = append(out, '\\', 'x', hex[c>>4], hex[c&15])
		}
	}
	return string(append(out, '"'))
}
