package ntk

import (
	"bufio"
	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"gonum.org/v1/gonum/mat"
)

// sameTrajectory reports whether two histories agree in every bit but
// Elapsed.
func sameTrajectory(a, b *History) bool {
	strip := func(h *History) *History {
		c := &History{Method: h.Method, Loss: h.Loss, Stats: slices.Clone(h.Stats)}
		for k := range c.Stats {
			c.Stats[k].Elapsed = 0
		}
		return c
	}
	return sameHistory(strip(a), strip(b))
}

// firstDifference describes where two histories first differ (but Elapsed).
func firstDifference(a, b *History) string {
	if len(a.Stats) != len(b.Stats) {
		return fmt.Sprintf("%d states against %d", len(a.Stats), len(b.Stats))
	}
	for k := range a.Stats {
		x, y := a.Stats[k], b.Stats[k]
		x.Elapsed, y.Elapsed = 0, 0
		if x != y {
			return fmt.Sprintf("state %d:\n%+v\n%+v", k, x, y)
		}
	}
	return "none"
}

// checkpointedRun trains a clone of net with checkpoints every `every` steps
// to dir/run.ckpt and keeps a copy of each checkpoint as dir/ckpt-<step>. It
// returns the trained network and the history.
func checkpointedRun(t *testing.T, net *Network, X *mat.Dense, y []float64, opt TrainOptions, every int, dir string) (*Network, *History) {
	t.Helper()
	path := filepath.Join(dir, "run.ckpt")
	opt.CheckpointPath, opt.CheckpointEvery = path, every
	keep := func(step int) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("checkpoint of step %d: %v", step, err)
		}
		if err := os.WriteFile(filepath.Join(dir, "ckpt-"+strconv.Itoa(step)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// Observe runs before the checkpoint of its own step: at step s the file
	// holds the checkpoint of step s − 1.
	opt.Observe = func(st Stats) error {
		if st.Step > 1 && (st.Step-1)%every == 0 {
			keep(st.Step - 1)
		}
		return nil
	}
	trained := net.Clone()
	h, err := Train(trained, X, y, opt)
	if err != nil {
		t.Fatal(err)
	}
	if opt.Steps%every == 0 {
		keep(opt.Steps)
	}
	return trained, h
}

// TestResumeIsBitIdentical trains with checkpoints, resumes from every
// checkpoint, and compares every bit of the parameters and of the history
// (but Elapsed) with the uninterrupted run, for both trainers, with the
// sparse trainer's neurons moved explicitly and through the Gram matrix. The
// set-up leaves the kernel regime (weights move far, pairs flip, neurons
// stop firing), so that the origin stored in a checkpoint matters.
func TestResumeIsBitIdentical(t *testing.T) {
	const n, d, m = 200, 5, 60
	steps, every := 150, 40
	if testing.Short() {
		steps, every = 60, 20
	}
	X, y, net := trainProblem(t, n, d, Init{Width: m, Dim: d, B: 1}, 191)
	eta := stableEta(t, net, X, 1.8)
	cases := []struct {
		name   string
		method Method
		mode   int // sparseForceMode
	}{{"dense", Dense, 0}, {"sparse", Sparse, 1}, {"sparse-gram", Sparse, 2}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			withHooks(c.mode, -1, false, func() {
				opt := TrainOptions{Eta: eta, Steps: steps, Method: c.method, DivergenceWindow: -1}
				plain := net.Clone()
				plainHist, err := Train(plain, X, y, opt)
				if err != nil {
					t.Fatal(err)
				}
				dir := t.TempDir()
				ref, refHist := checkpointedRun(t, net, X, y, opt, every, dir)
				if c.method == Dense && (!sameNetwork(ref, plain) || !sameTrajectory(refHist, plainHist)) {
					t.Fatalf("writing checkpoints changed the dense run: %s", firstDifference(refHist, plainHist))
				}
				// Sparse restarts at each checkpoint: the same trajectory up to
				// rounding, with the same firing record.
				for k := range plainHist.Stats {
					a, b := plainHist.Stats[k], refHist.Stats[k]
					if relDiff(a.Loss, b.Loss, 1e-300) > 1e-10 || a.Flips != b.Flips || a.Flipped != b.Flipped || a.ActiveMean != b.ActiveMean {
						t.Fatalf("step %d: with checkpoints %+v, without %+v", k, b, a)
					}
				}
				for step := every; step <= steps; step += every {
					cp, err := LoadCheckpoint(filepath.Join(dir, "ckpt-"+strconv.Itoa(step)))
					if err != nil {
						t.Fatal(err)
					}
					if cp.Step != step || cp.Method != c.method || cp.Eta != eta || !sameTrajectory(cp.History, &History{Method: c.method, Loss: refHist.Loss[:step+1], Stats: refHist.Stats[:step+1]}) {
						t.Fatalf("checkpoint of step %d holds step %d, method %v, η %v", step, cp.Step, cp.Method, cp.Eta)
					}
					if step == every {
						requireLeftKernelRegime(t, cp, X)
					}
					opt.Eta = 0 // take the checkpoint's
					opt.CheckpointPath, opt.CheckpointEvery = filepath.Join(dir, "resumed.ckpt"), every
					got, gotHist, err := Resume(filepath.Join(dir, "ckpt-"+strconv.Itoa(step)), X, y, opt)
					if err != nil {
						t.Fatalf("resume from step %d: %v", step, err)
					}
					if !sameNetwork(got, ref) || !sameTrajectory(gotHist, refHist) {
						t.Fatalf("resumed from step %d: the run differs from the uninterrupted one: %s", step, firstDifference(gotHist, refHist))
					}
					if e := gotHist.Stats[steps].Elapsed; e < cp.History.Stats[step].Elapsed {
						t.Errorf("resumed from step %d: Elapsed %v does not go on from the checkpoint's %v", step, e, cp.History.Stats[step].Elapsed)
					}
				}
			})
		})
	}
}

// requireLeftKernelRegime fails the test unless the checkpoint's run has
// flipped pairs and silenced neurons that fired at t = 0.
func requireLeftKernelRegime(t *testing.T, cp *Checkpoint, X *mat.Dense) {
	t.Helper()
	o := cp.origin
	act, err := cp.Network.Active(X)
	if err != nil {
		t.Fatal(err)
	}
	fires := make([]bool, o.m)
	for _, row := range act {
		for _, r := range row {
			fires[r] = true
		}
	}
	dead := 0
	for r := 0; r < o.m; r++ {
		if !fires[r] && anyBit(o.neuronBits(o.fired0, r)) {
			dead++
		}
	}
	last := cp.History.Stats[cp.Step]
	if dead == 0 || last.Flips == 0 || last.Flipped <= last.Flips {
		t.Fatalf("test set-up: at step %d want silenced neurons and pairs that flipped back; got %d silenced, %d flips, %d flipped",
			cp.Step, dead, last.Flips, last.Flipped)
	}
}

// TestResumeRefusesMismatches: a checkpoint continues only its own run.
func TestResumeRefusesMismatches(t *testing.T) {
	X := unitRows(30, 4, 201)
	y := randomTargets(30, 202)
	net, _ := New(Init{Width: 40, Dim: 4, B: 0.5, Seed: 203})
	dir := t.TempDir()
	path := filepath.Join(dir, "run.ckpt")
	opt := TrainOptions{Eta: 0.5, Steps: 10, Method: Dense, CheckpointPath: path, CheckpointEvery: 5}
	if _, err := Train(net.Clone(), X, y, opt); err != nil {
		t.Fatal(err)
	}
	otherY := slices.Clone(y)
	otherY[7] = math.Nextafter(otherY[7], 2)
	otherX := mat.DenseCopyOf(X)
	otherX.Set(3, 2, -otherX.At(3, 2))
	netFile := filepath.Join(dir, "net.npz")
	if err := net.Save(netFile); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, path string
		X          *mat.Dense
		y          []float64
		edit       func(*TrainOptions)
		want       string
	}{
		{"other targets", path, X, otherY, nil, "other data"},
		{"other inputs", path, otherX, y, nil, "other data"},
		{"fewer samples", path, mat.DenseCopyOf(X.Slice(0, 29, 0, 4)), y[:29], nil, "other data"},
		{"other dimension", path, unitRows(30, 3, 201), y, nil, "dimension"},
		{"other step size", path, X, y, func(o *TrainOptions) { o.Eta = 0.25 }, "TrainOptions.Eta"},
		{"other method", path, X, y, func(o *TrainOptions) { o.Method = Sparse }, "TrainOptions.Method"},
		{"fewer steps", path, X, y, func(o *TrainOptions) { o.Steps = 9 }, "TrainOptions.Steps"},
		{"missing file", filepath.Join(dir, "absent.ckpt"), X, y, nil, "absent.ckpt"},
		{"network file", netFile, X, y, nil, "not a checkpoint"},
		{"negative every", path, X, y, func(o *TrainOptions) { o.CheckpointEvery = -1 }, "CheckpointEvery"},
	}
	for _, c := range cases {
		o := opt
		o.Steps = 20
		if c.edit != nil {
			c.edit(&o)
		}
		_, _, err := Resume(c.path, c.X, c.y, o)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: Resume returned %v, want an error mentioning %q", c.name, err, c.want)
		}
	}
	for _, o := range []TrainOptions{
		{Eta: 1, Steps: 3, CheckpointPath: path},
		{Eta: 1, Steps: 3, CheckpointEvery: 2},
	} {
		if _, err := Train(net.Clone(), X, y, o); err == nil || !strings.Contains(err.Error(), "CheckpointEvery") {
			t.Errorf("Train with %+v: %v, want an error naming CheckpointEvery", o, err)
		}
	}
	// A resumed run that is already complete returns the checkpoint's state.
	got, h, err := Resume(path, X, y, TrainOptions{Steps: 10})
	if err != nil || len(h.Stats) != 11 || got.Width() != 40 {
		t.Errorf("Resume of a complete run: %v, %d states", err, len(h.Stats))
	}
}

// sameCheckpoint reports whether a and b hold the same state.
func sameCheckpoint(a, b *Checkpoint) bool {
	oa, ob := a.origin, b.origin
	return a.Step == b.Step && a.Eta == b.Eta && a.Method == b.Method && sameNetwork(a.Network, b.Network) &&
		sameHistory(a.History, b.History) && bytes.Equal(a.data, b.data) &&
		oa.m == ob.m && oa.n == ob.n && oa.d == ob.d && sameBits(oa.w0, ob.w0) && sameBits(oa.b0, ob.b0) &&
		slices.Equal(oa.fired0, ob.fired0) && slices.Equal(oa.flipped, ob.flipped)
}

// smallCheckpoint returns the bytes of a checkpoint of a short run.
func smallCheckpoint(t testing.TB) []byte {
	X := unitRows(12, 3, 211)
	y := randomTargets(12, 212)
	net, _ := New(Init{Width: 30, Dim: 3, B: 0.5, Seed: 213})
	path := filepath.Join(t.TempDir(), "small.ckpt")
	_, err := Train(net, X, y, TrainOptions{Eta: 1, Steps: 4, Method: Dense, CheckpointPath: path, CheckpointEvery: 4})
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestCheckpointRefusesDamage truncates a checkpoint at every length and
// flips every byte in turn: each damaged file is refused, or (a flip in zip
// metadata that no reader uses) loads the identical state.
func TestCheckpointRefusesDamage(t *testing.T) {
	whole := smallCheckpoint(t)
	intact, err := ReadCheckpoint(bytes.NewReader(whole), int64(len(whole)))
	if err != nil {
		t.Fatal(err)
	}
	step := 1
	if testing.Short() {
		step = 13
	}
	truncRefused, flipRefused, flipHarmless := 0, 0, 0
	for k := 0; k < len(whole); k += step {
		if _, err := ReadCheckpoint(bytes.NewReader(whole[:k]), int64(k)); err == nil {
			t.Fatalf("truncated to %d of %d bytes: loaded without error", k, len(whole))
		} else if !strings.HasPrefix(err.Error(), "ntk: ") {
			t.Fatalf("truncated to %d bytes: error %q does not come from ntk", k, err)
		}
		truncRefused++
	}
	damaged := slices.Clone(whole)
	for k := 0; k < len(whole); k += step {
		damaged[k] ^= 0x5a
		got, err := ReadCheckpoint(bytes.NewReader(damaged), int64(len(damaged)))
		damaged[k] ^= 0x5a
		switch {
		case err != nil:
			flipRefused++
		case sameCheckpoint(got, intact):
			flipHarmless++
		default:
			t.Fatalf("byte %d flipped: loaded a different checkpoint without error", k)
		}
	}
	t.Logf("checkpoint of %d bytes: %d truncations refused; of %d single-byte flips %d refused, %d harmless (zip metadata)",
		len(whole), truncRefused, flipRefused+flipHarmless, flipRefused, flipHarmless)
	// The small archive has 30 entries, each with a local header and a
	// central record of which the reader uses only part: about a fifth of
	// the bytes are metadata whose damage is harmless.
	if flipRefused < 3*(flipRefused+flipHarmless)/4 {
		t.Errorf("only %d of %d byte flips were refused", flipRefused, flipRefused+flipHarmless)
	}
	// An entry rewritten with a valid CRC-32 but other contents is caught
	// by the SHA-256.
	a, _ := readNPZ(bytes.NewReader(whole), int64(len(whole)), "checkpoint", MaxKernelBytes)
	a.entries["eta.npy"] = slices.Clone(a.entries["eta.npy"])
	a.entries["eta.npy"][len(a.entries["eta.npy"])-1] ^= 1
	if err := a.verifyChecksum(); err == nil || !strings.Contains(err.Error(), "SHA-256") {
		t.Errorf("an altered entry passed the checksum: %v", err)
	}
}

// The kill test runs this test binary as a child process that trains with
// checkpoints and stops in the middle of writing its second checkpoint; the
// parent kills it there (SIGKILL) and resumes the run.
const killChildEnv = "NTK_CHECKPOINT_KILL_CHILD"

// killRun is the run of the kill test, in the parent and in the child.
func killRun(method Method, path string) (*Network, *mat.Dense, []float64, TrainOptions) {
	X := unitRows(60, 8, 221)
	y := randomTargets(60, 222)
	net, _ := New(Init{Width: 3000, Dim: 8, B: 1.5, Seed: 223})
	// m·d·8 = 192 kB each for W and w0: several 64 kB writes per checkpoint.
	return net, X, y, TrainOptions{Eta: 2, Steps: 30, Method: method, CheckpointPath: path, CheckpointEvery: 10}
}

func TestCheckpointKillChild(t *testing.T) {
	spec := os.Getenv(killChildEnv)
	if spec == "" {
		t.Skip("the child process of TestCheckpointSurvivesKill")
	}
	method, path, _ := strings.Cut(spec, ":")
	m, _ := strconv.Atoi(method)
	checkpointWriteHook = func(p string, written int64) {
		// The first checkpoint completes; the second stops after 64 kB.
		if _, err := os.Stat(p); err == nil && written >= 64<<10 {
			fmt.Println("MID-WRITE")
			os.Stdout.Sync()
			time.Sleep(time.Hour)
		}
	}
	net, X, y, opt := killRun(Method(m), path)
	Train(net, X, y, opt)
	fmt.Println("FINISHED")
}

// TestCheckpointSurvivesKill kills a training run in the middle of writing a
// checkpoint: the file at the checkpoint path is still the previous complete
// checkpoint, the half-written temporary file is refused, and resuming from
// the checkpoint gives the uninterrupted run bit for bit.
func TestCheckpointSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("runs child processes")
	}
	for _, method := range []Method{Dense, Sparse} {
		t.Run(method.String(), func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "run.ckpt")
			cmd := exec.Command(os.Args[0], "-test.run=^TestCheckpointKillChild$")
			cmd.Env = append(os.Environ(), fmt.Sprintf("%s=%d:%s", killChildEnv, int(method), path))
			out, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			sc := bufio.NewScanner(out)
			mid := false
			for sc.Scan() {
				if sc.Text() == "MID-WRITE" {
					mid = true
					break
				}
			}
			cmd.Process.Kill()
			cmd.Wait()
			if !mid {
				t.Fatal("the child never reached the middle of its second checkpoint")
			}
			// The temporary file holds the first 64 kB of the second
			// checkpoint and is refused.
			temps, _ := filepath.Glob(filepath.Join(dir, ".run.ckpt.tmp-*"))
			if len(temps) != 1 {
				t.Fatalf("want one half-written temporary file, found %v", temps)
			}
			if _, err := LoadCheckpoint(temps[0]); err == nil {
				t.Error("the half-written checkpoint loaded without error")
			} else {
				t.Logf("half-written checkpoint: %v", err)
			}
			cp, err := LoadCheckpoint(path)
			if err != nil || cp.Step != 10 {
				t.Fatalf("the checkpoint after the kill: %v (step %v), want the complete checkpoint of step 10", err, cp)
			}
			net, X, y, opt := killRun(method, filepath.Join(dir, "ref.ckpt"))
			ref := net.Clone()
			refHist, err := Train(ref, X, y, opt)
			if err != nil {
				t.Fatal(err)
			}
			opt.CheckpointPath = path
			got, gotHist, err := Resume(path, X, y, opt)
			if err != nil {
				t.Fatal(err)
			}
			if !sameNetwork(got, ref) || !sameTrajectory(gotHist, refHist) {
				t.Fatalf("the resumed run differs from the uninterrupted one: %s", firstDifference(gotHist, refHist))
			}
			if cp, err := LoadCheckpoint(path); err != nil || cp.Step != 30 {
				t.Errorf("after resuming, the checkpoint: %v, want step 30", err)
			}
			if temps, _ := filepath.Glob(filepath.Join(dir, ".run.ckpt.tmp-*")); len(temps) != 0 {
				t.Errorf("Resume left the partial checkpoints %v", temps)
			}
		})
	}
}
