// Package viz draws the project's measurements as interactive ECharts charts
// (zoom, hover values, legend toggles): inline in GoNB notebook cells, updated
// in place during long computations, and as self-contained offline HTML pages.
// It plots plain slices and gonum matrices and depends on no other package of
// the project.
//
// # Charts
//
// Four builders cover what the notebooks need; each returns a value that
// implements [Chart] and whose setters chain:
//
//	viz.Line("Loss vs step").XLabel("step").YLabel("loss").LogY().
//		Series("B=0", xs, ys).Bound("(1−ηλ/4)^t", xs, bs).Show()
//	viz.Scatter("Predicted vs true").LogX().LogY().Series("test", xs, ys)
//	viz.Bar("Sparsity").Categories("B=0", "B=1").Series("active", v).Bound("Q(B)", q)
//	viz.Heatmap("NTK Gram matrix", k) // k is any mat.Matrix
//
// [XY.Bound] draws a dashed line in the colour of the series added just before
// it, so a measurement and its bound read as a pair; [XY.Band] draws a mean
// with a shaded min–max band. Axes and tooltips print compact numbers
// (FormatNumber: 0.30000000000000004 prints as 0.3, 0.00001 as 1e-5), bar
// categories are strings (Labels formats numbers for them), and every chart
// shares one colour-blind-safe palette, a legend that toggles series,
// tooltips, and data zoom (mouse wheel, slider, box zoom in the toolbox).
//
// # Bad input
//
// Setters never panic: a structural mistake (mismatched slice lengths, an
// empty series, a bad argument) is remembered and returned by Render, Show and
// Page.WriteHTML, naming the series and the fix. Bad values are not errors:
// points with a NaN or infinite coordinate, and non-positive values on a log
// axis, are dropped, and the chart says so in a note printed under it and in
// its static fallback. A heatmap averages the finite entries of each block and
// leaves a block with none blank.
//
// # Notebooks
//
// In GoNB, call [Setup] once in the notebook's first code cell, after the
// line that makes the notebook use this module (see the toolchain notes):
//
//	!*go mod edit -replace "github.com/sparsentk/sparsentk=${GONB_DIR}/.." -require "github.com/sparsentk/sparsentk@v0.0.0-00010101000000-000000000000"
//	import "github.com/sparsentk/sparsentk/viz"
//	%%
//	if err := viz.Setup(); err != nil { panic(err) }
//
// Setup displays
// the ECharts 5 library (from the npm package installed by the project's
// set-up step, see [LibraryPath]) wrapped so that require.js, which the
// classic Notebook and nbconvert's HTML load, cannot hide it. Every GoNB cell
// is a fresh process, so "once" is detected on the page: the library defines
// window.echarts only if it is absent. Later cells' charts carry only their
// own element, option and a small script that waits for window.echarts; if
// it never appears (Setup was skipped, or the Setup output was cleared) the
// script injects the library itself after two seconds, first from the local
// file and then from the public CDN, and says so under the chart.
//
// Each displayed chart carries a static fallback in the same output: an SVG
// sketch and a compact table of every series (name, number of points, first
// and last point, range). Without JavaScript (an untrusted notebook, a viewer
// that strips scripts) the fallback is what the reader sees; with JavaScript
// the script hides the sketch and folds the table under a "data" toggle.
// All display functions are no-ops outside a notebook (gonbui.IsNotebook is
// false, as under go test), though they still check their input.
//
// [Live] redraws one chart in place during a long computation (a training
// loss curve as a progress display), at most a few times per second, and
// leaves the final state as a permanent output.
//
// # Pages
//
// [NewPage] collects charts into one self-contained HTML file with the library
// inlined (or, when the library is missing, loaded from the CDN with a visible
// note), written atomically.
package viz
