package viz

import (
	"errors"
	"time"
)

// DefaultLiveInterval is the shortest time between two redraws of a Live
// chart made with NewLive(0): at most four redraws per second.
const DefaultLiveInterval = 250 * time.Millisecond

// Live is a chart that a long computation redraws in place, e.g. a training
// loss curve that doubles as a progress display:
//
//	live := viz.NewLive(0)
//	for step := range steps {
//		… train, append to xs and losses …
//		live.Update(viz.Line("Training loss").XLabel("step").LogY().Series("loss", xs, losses))
//	}
//	live.Done()
//
// Build a fresh chart for each Update: charts copy their data, so this is
// cheap, and only the charts that get displayed are rendered. Updates are
// throttled: an Update that comes sooner than the interval after the last
// redraw is kept, and a later Update or Done draws the newest state, so the
// final state is always shown. In a notebook the redraws replace one output
// block; Done replaces that block by a permanent output holding the final
// chart. Outside a notebook Update does nothing and Done only checks the
// final chart's input.
type Live struct {
	id      string
	every   time.Duration
	now     func() time.Time // time source, replaced by tests
	last    time.Time        // time of the last redraw
	drawn   bool             // whether anything has been drawn
	current Chart            // the chart drawn last
	pending Chart            // the newest chart not yet drawn
}

// NewLive returns a Live chart redrawn at most once per interval
// (DefaultLiveInterval if interval ≤ 0).
func NewLive(interval time.Duration) *Live {
	if interval <= 0 {
		interval = DefaultLiveInterval
	}
	return &Live{id: "viz_live_" + newID(), every: interval, now: time.Now}
}

// Update offers the chart's newest state. It is drawn now if this is the
// first Update or the interval has passed since the last redraw; otherwise it
// is kept for a later Update or Done. The error is the chart's Render error
// when it is drawn.
func (l *Live) Update(c Chart) error {
	if c == nil {
		return errors.New("viz: Live.Update(nil): pass the chart's newest state")
	}
	l.pending = c
	if !front.isNotebook() {
		return nil
	}
	t := l.now()
	if l.drawn && t.Sub(l.last) < l.every {
		return nil
	}
	return l.draw(t)
}

// draw renders and displays the pending chart in the live block.
func (l *Live) draw(t time.Time) error {
	c := l.pending
	l.pending = nil
	s, err := c.Render()
	if err != nil {
		return err
	}
	front.updateHTML(l.id, s.HTML())
	l.last, l.drawn, l.current = t, true, c
	return nil
}

// Done shows the final state: the newest chart given to Update, as a
// permanent output that replaces the live block, and waits until GoNB has it.
// Done without any Update does nothing.
func (l *Live) Done() error {
	final := l.pending
	if final == nil {
		final = l.current
	}
	l.pending = nil
	if final == nil {
		return nil
	}
	s, err := final.Render()
	if err != nil {
		return err
	}
	if !front.isNotebook() {
		return nil
	}
	if l.drawn {
		front.updateHTML(l.id, "")
	}
	front.displayHTML(s.HTML())
	front.sync()
	l.current, l.drawn = final, false
	return nil
}
