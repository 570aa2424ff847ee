package viz

import (
	"errors"
	"html"

	"github.com/janpfeifer/gonb/gonbui"
)

// frontEnd is where display calls go: the GoNB notebook, or a recorder in
// tests.
type frontEnd interface {
	isNotebook() bool
	displayHTML(html string)
	updateHTML(id, html string)
	sync()
}

type gonb struct{}

func (gonb) isNotebook() bool        { return gonbui.IsNotebook }
func (gonb) displayHTML(h string)    { gonbui.DisplayHTML(h) }
func (gonb) updateHTML(id, h string) { gonbui.UpdateHTML(id, h) }
func (gonb) sync()                   { gonbui.Sync() }

// front is the display target; tests replace it.
var front frontEnd = gonb{}

// Setup makes the ECharts library available to every chart of the notebook.
// Call it once in the notebook's first code cell; it displays nothing
// visible. The library (about 1 MB) is carried by that cell's output, so an
// exported notebook (nbconvert HTML) shows its charts offline; on a page that
// already has the library (Setup run twice) it does nothing. When the offline
// copy is missing (see LibraryPath), Setup loads the library from the public
// CDN instead and displays a note saying so. Outside a notebook Setup does
// nothing.
func Setup() error {
	if !front.isNotebook() {
		return nil
	}
	script, note, err := libraryScript()
	if err != nil {
		return err
	}
	if note != "" {
		script += `<div style="color:#a60;font-size:12px;font-family:sans-serif">` + html.EscapeString(note) + `</div>`
	}
	front.displayHTML(script)
	front.sync() // large outputs are lost if the cell's program exits first
	return nil
}

// Show displays a chart in the current notebook cell: its element, the
// script that draws it once window.echarts is defined (see Setup), and its
// static fallback. Outside a notebook it only checks the chart's input and
// returns the error Render would.
func Show(c Chart) error {
	if c == nil {
		return errors.New("viz: Show(nil): pass a chart made by Line, Scatter, Bar or Heatmap")
	}
	s, err := c.Render()
	if err != nil {
		return err
	}
	if !front.isNotebook() {
		return nil
	}
	front.displayHTML(s.HTML())
	front.sync()
	return nil
}
