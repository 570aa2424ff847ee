package viz

import (
	"strings"
	"testing"
	"time"
)

// fakeClock is a settable time source for Live.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLiveThrottlesAndShowsFinalState(t *testing.T) {
	rec := useRecorder(t, true)
	clock := &fakeClock{t: time.Unix(1000, 0)}
	live := NewLive(0)
	live.now = clock.now
	step := func(title string, d time.Duration) {
		t.Helper()
		clock.advance(d)
		if err := live.Update(smallLine(title)); err != nil {
			t.Fatal(err)
		}
	}
	step("state 1", 0) // first update: drawn
	step("state 2", 100*time.Millisecond)
	step("state 3", 100*time.Millisecond) // 200 ms after the last redraw: kept
	if len(rec.updates) != 1 || !rec.updateContains("state 1") {
		t.Fatalf("after 3 quick updates: %d redraws, want only the first", len(rec.updates))
	}
	step("state 4", 60*time.Millisecond) // 260 ms: drawn
	if len(rec.updates) != 2 || !rec.updateContains("state 4") {
		t.Fatalf("after 260 ms: %d redraws (last %q…), want 2 showing state 4", len(rec.updates), rec.lastUpdate().html[:40])
	}
	id := rec.updates[0].id
	if rec.updates[1].id != id {
		t.Error("redraws go to different output blocks")
	}
	step("state 5", 10*time.Millisecond) // kept, then shown by Done
	if err := live.Done(); err != nil {
		t.Fatal(err)
	}
	if last := rec.lastUpdate(); last.id != id || last.html != "" {
		t.Error("Done did not clear the live block")
	}
	if len(rec.displays) != 1 || !rec.contains("state 5") || rec.syncs != 1 {
		t.Errorf("Done: %d displays, %d syncs; want the final state 5 displayed once and synced", len(rec.displays), rec.syncs)
	}
}

func TestLiveDoneAfterDrawnState(t *testing.T) {
	rec := useRecorder(t, true)
	live := NewLive(time.Hour)
	if err := live.Update(smallLine("only")); err != nil {
		t.Fatal(err)
	}
	if err := live.Done(); err != nil {
		t.Fatal(err)
	}
	if len(rec.displays) != 1 || !rec.contains("only") {
		t.Error("Done did not display the last drawn state")
	}
}

func TestLiveOutsideNotebook(t *testing.T) {
	rec := useRecorder(t, false)
	live := NewLive(0)
	if err := live.Update(Line("bad")); err != nil {
		t.Errorf("Update outside a notebook rendered the chart: %v", err)
	}
	err := live.Done()
	if err == nil || !strings.Contains(err.Error(), "no series") {
		t.Errorf("Done outside a notebook: error %v, want the final chart's input error", err)
	}
	if rec.calls() != 0 {
		t.Errorf("%d display calls outside a notebook", rec.calls())
	}
	if err := NewLive(0).Done(); err != nil {
		t.Errorf("Done without updates: %v", err)
	}
}

func TestLiveRenderError(t *testing.T) {
	useRecorder(t, true)
	if err := NewLive(0).Update(Line("bad")); err == nil {
		t.Error("Update of a bad chart in a notebook returned no error")
	}
}
