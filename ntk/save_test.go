package ntk

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestSaveLoadRoundTrip(t *testing.T) {
	net, err := New(Init{Width: 33, Dim: 5, B: 1.5, Seed: 71})
	if err != nil {
		t.Fatal(err)
	}
	net.Bias[3] = -0.25 // trained biases need not stay at B
	dir := t.TempDir()
	path := filepath.Join(dir, "net.npz")
	if err := net.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(got.W, net.W) {
		t.Error("W changed in the round trip")
	}
	for r := range net.Bias {
		if got.Bias[r] != net.Bias[r] || got.A[r] != net.A[r] {
			t.Fatalf("neuron %d: bias %v→%v, a %v→%v", r, net.Bias[r], got.Bias[r], net.A[r], got.A[r])
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the directory holds %d entries after Save, want only net.npz (no temporary files)", len(entries))
	}
}

func TestLoadRefusesDamagedFiles(t *testing.T) {
	net, _ := New(Init{Width: 8, Dim: 3, B: 1, Seed: 72})
	dir := t.TempDir()
	path := filepath.Join(dir, "net.npz")
	if err := net.Save(path); err != nil {
		t.Fatal(err)
	}
	whole, _ := os.ReadFile(path)
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for name, p := range map[string]string{
		"missing":   filepath.Join(dir, "absent.npz"),
		"truncated": write("trunc.npz", whole[:len(whole)/2]),
		"empty":     write("empty.npz", nil),
		"not npz":   write("text.npz", []byte("W = [[1,2],[3,4]]\n")),
	} {
		if _, err := Load(p); err == nil || !strings.Contains(err.Error(), "ntk:") {
			t.Errorf("%s file: Load returned %v, want an ntk error", name, err)
		}
	}
	// Flip every byte in turn: Load must refuse the file or return exactly the
	// saved network (a flip in, say, a timestamp is harmless), never a
	// silently different one.
	refused := 0
	for k := range whole {
		damaged := append([]byte(nil), whole...)
		damaged[k] ^= 0x5a
		got, err := Load(write("damaged.npz", damaged))
		if err != nil {
			refused++
			continue
		}
		if !sameNetwork(got, net) {
			t.Fatalf("byte %d flipped: Load returned a different network without error", k)
		}
	}
	if refused < len(whole)/2 {
		t.Errorf("only %d of %d single-byte corruptions were refused", refused, len(whole))
	}
	// Saving over an existing file replaces it whole.
	other, _ := New(Init{Width: 4, Dim: 2, B: 0, Seed: 73})
	if err := other.Save(path); err != nil {
		t.Fatal(err)
	}
	if got, err := Load(path); err != nil || got.Width() != 4 {
		t.Errorf("after overwriting: %v, width %v", err, got)
	}
}

// sameNetwork reports whether a and b hold identical parameters.
func sameNetwork(a, b *Network) bool {
	if !mat.Equal(a.W, b.W) || len(a.Bias) != len(b.Bias) || len(a.A) != len(b.A) {
		return false
	}
	for r := range a.Bias {
		if a.Bias[r] != b.Bias[r] || a.A[r] != b.A[r] {
			return false
		}
	}
	return true
}
