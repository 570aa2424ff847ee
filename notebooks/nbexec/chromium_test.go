package nbexec

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestCheckChartsInChromium loads a page whose charts draw late (after a
// timer, as when waiting for a library) or never, and one whose script throws.
func TestCheckChartsInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Chromium")
	}
	r := NewRunner(t.TempDir(), t.TempDir())
	if _, err := exec.LookPath(r.Chromium); err != nil {
		t.Skipf("%s is not installed (./run setup installs it): %v", r.Chromium, err)
	}
	page := `<!DOCTYPE html><html><body>
<div class="sparsentk-chart" id="a"></div>
<div class="sparsentk-chart" id="b"></div>
<div class="sparsentk-chart" id="c"></div>
<script>
setTimeout(function() { document.getElementById("a").setAttribute("data-drawn", "true"); }, 3000);
document.getElementById("c").setAttribute("data-error", "TypeError: bad option");
</script>
<script>missing();</script>
</body></html>`
	res := &Result{HTML: filepath.Join(r.HTMLDir, "p.html")}
	if err := os.WriteFile(res.HTML, []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := r.CheckCharts(context.Background(), res); err != nil {
		t.Fatal(err)
	}
	c := res.Charts
	if c.Total != 3 || c.Drawn != 1 || !reflect.DeepEqual(c.Errors, []string{"TypeError: bad option"}) ||
		len(c.PageErrors) != 1 || !strings.Contains(c.PageErrors[0], "Uncaught ReferenceError: missing is not defined") {
		t.Errorf("Charts = %+v, want 3 charts, 1 drawn (after 3 s of virtual time), 1 error, 1 page error", c)
	}

	// With less virtual time than the timer, the late chart is not drawn.
	r.Budget = time.Second
	if err := r.CheckCharts(context.Background(), res); err != nil {
		t.Fatal(err)
	}
	if res.Charts.Drawn != 0 {
		t.Errorf("with a 1 s budget: %d charts drawn, want 0", res.Charts.Drawn)
	}
}
