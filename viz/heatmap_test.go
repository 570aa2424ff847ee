package viz

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestBlockAverageClosedForm checks block means on m[i][j] = i + 1000·j,
// whose mean over rows a..e and columns p..q is (a+e)/2 + 1000·(p+q)/2
// exactly, for the general mat.Matrix path and the raw *mat.Dense path.
func TestBlockAverageClosedForm(t *testing.T) {
	const rows, cols = 7, 5
	d := mat.NewDense(rows, cols, nil)
	for i := 0; i < rows; i++ {
		for j := 0; j < cols; j++ {
			d.Set(i, j, float64(i)+1000*float64(j))
		}
	}
	for name, m := range map[string]mat.Matrix{"dense": d, "transpose of transpose": d.T().T(), "generic": mat.Matrix(struct{ mat.Matrix }{d})} {
		b := blockAverage(m, 3) // blocks of 3 rows (0–2, 3–5, 6) and 2 columns (0–1, 2–3, 4)
		if b.br != 3 || b.bc != 2 || len(b.cells) != 3 || len(b.cells[0]) != 3 {
			t.Fatalf("%s: blocks %d×%d, %d×%d cells; want 3×2 blocks, 3×3 cells", name, b.br, b.bc, len(b.cells), len(b.cells[0]))
		}
		rowsOf := [][2]int{{0, 2}, {3, 5}, {6, 6}}
		colsOf := [][2]int{{0, 1}, {2, 3}, {4, 4}}
		for I, r := range rowsOf {
			for J, c := range colsOf {
				want := float64(r[0]+r[1])/2 + 1000*float64(c[0]+c[1])/2
				if got := b.cells[I][J]; got != want {
					t.Errorf("%s: cell (%d,%d) = %v, want %v", name, I, J, got, want)
				}
			}
		}
	}
}

func TestBlockAverageSkipsNaN(t *testing.T) {
	m := mat.NewDense(4, 4, []float64{
		1, math.NaN(), 5, 5,
		3, math.Inf(1), 5, 5,
		math.NaN(), math.NaN(), 2, 2,
		math.NaN(), math.NaN(), 2, 4,
	})
	b := blockAverage(m, 2)
	if b.nonFinite != 6 {
		t.Errorf("nonFinite = %d, want 6", b.nonFinite)
	}
	if b.cells[0][0] != 2 || b.cells[0][1] != 5 || !math.IsNaN(b.cells[1][0]) || b.cells[1][1] != 2.5 {
		t.Errorf("cells = %v, want [[2 5] [NaN 2.5]]", b.cells)
	}
}

// heatData extracts the flat cell array from the heatmap's data function.
func heatData(t *testing.T, o map[string]any) (width int, vals []string) {
	t.Helper()
	d, _ := list(t, o, "series")[0]["data"].(string)
	m := regexp.MustCompile(`\}\)\((\d+),\[(.*)\]\)`).FindStringSubmatch(d)
	if m == nil {
		t.Fatalf("heatmap data is not the expected function call: %.200s", d)
	}
	w, _ := strconv.Atoi(m[1])
	return w, strings.Split(m[2], ",")
}

func TestHeatmapAggregatesLargeMatrices(t *testing.T) {
	n := 1000
	if testing.Short() {
		n = 400
	}
	k := mat.NewSymDense(n, nil)
	for i := 0; i < n; i++ {
		for j := i; j < n; j++ {
			k.SetSym(i, j, math.Exp(-math.Abs(float64(i-j))/50))
		}
	}
	c := Heatmap("K", k)
	ch, fb, notes, err := c.build(newID())
	if err != nil {
		t.Fatal(err)
	}
	o := optionOf(t, ch)
	b := (n + DefaultMaxCells - 1) / DefaultMaxCells
	cells := (n + b - 1) / b
	w, vals := heatData(t, o)
	if w != cells || len(vals) != cells*cells {
		t.Errorf("data: width %d, %d values; want %d, %d", w, len(vals), cells, cells*cells)
	}
	if cells > DefaultMaxCells {
		t.Errorf("%d cells per side, more than %d", cells, DefaultMaxCells)
	}
	sub := obj(t, o, "title")["subtext"].(string)
	want := strconv.Itoa(n) + "×" + strconv.Itoa(n) + " matrix, block means of " + strconv.Itoa(b) + "×" + strconv.Itoa(b) +
		" entries → " + strconv.Itoa(cells) + "×" + strconv.Itoa(cells) + " cells"
	if sub != want {
		t.Errorf("subtitle %q, want %q", sub, want)
	}
	// Cell (0,0) is the mean of exp(-|i-j|/50) over a b×b block.
	sum := 0.0
	for i := 0; i < b; i++ {
		for j := 0; j < b; j++ {
			sum += math.Exp(-math.Abs(float64(i-j)) / 50)
		}
	}
	if got, want := vals[0], strconv.FormatFloat(sum/float64(b*b), 'g', 4, 64); got != want {
		t.Errorf("cell (0,0) = %v, want %v (4 significant digits)", got, want)
	}
	// The largest cell is a diagonal block, the same mean as cell (0,0).
	maxCell := sum / float64(b*b)
	vm := list(t, o, "visualMap")[0]
	if math.Abs(vm["max"].(float64)-maxCell) > 1e-12 || vm["min"].(float64) <= 0 {
		t.Errorf("colour scale [%v, %v], want (0, %v] for this positive kernel", vm["min"], vm["max"], maxCell)
	}
	if !strings.Contains(vm["formatter"].(string), jsFormat) {
		t.Error("colour scale labels are not formatted")
	}
	if len(notes) != 0 {
		t.Errorf("notes %q", notes)
	}
	for _, want := range []string{"<rect", ">" + strconv.Itoa(n) + "×" + strconv.Itoa(n) + "<", ">" + FormatNumber(maxCell) + "<"} { // size and max
		if !strings.Contains(fb, want) {
			t.Errorf("fallback lacks %q", want)
		}
	}
	if strings.Count(fb, "<rect") > 24*24 {
		t.Errorf("fallback sketch has %d cells, more than 24×24", strings.Count(fb, "<rect"))
	}
}

func TestHeatmapSmallAndNaN(t *testing.T) {
	m := mat.NewDense(2, 3, []float64{1, math.NaN(), 3, 4, 5, 6})
	ch, fb, notes, err := Heatmap("small", m).XLabel("j").YLabel("i").build(newID())
	if err != nil {
		t.Fatal(err)
	}
	o := optionOf(t, ch)
	w, vals := heatData(t, o)
	if w != 3 || strings.Join(vals, ",") != "1,null,3,4,5,6" {
		t.Errorf("data width %d values %v, want 3 and 1,null,3,4,5,6", w, vals)
	}
	if sub := obj(t, o, "title")["subtext"]; sub != "2×3 matrix" {
		t.Errorf("subtitle %q", sub)
	}
	y := list(t, o, "yAxis")[0]
	if y["inverse"] != true || y["name"] != "i" {
		t.Errorf("y axis inverse %v name %v; want row 0 at the top, named i", y["inverse"], y["name"])
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "left 1 NaN or infinite entries of 6") {
		t.Errorf("notes %q", notes)
	}
	if !strings.Contains(fb, ">2×3<") || !strings.Contains(fb, ">6<") {
		t.Error("fallback lacks the size or the max")
	}
}

func TestHeatmapColourScale(t *testing.T) {
	cases := []struct {
		name   string
		c      *HeatmapChart
		lo, hi float64
		colors []string
	}{
		{"positive", Heatmap("p", mat.NewDense(1, 2, []float64{1, 3})), 1, 3, sequential},
		{"mixed signs", Heatmap("m", mat.NewDense(1, 2, []float64{-1, 3})), -3, 3, diverging},
		{"fixed", Heatmap("f", mat.NewDense(1, 2, []float64{-1, 3})).Range(0, 10), 0, 10, sequential},
		{"constant", Heatmap("c", mat.NewDense(1, 2, []float64{2, 2})), 1, 3, sequential},
	}
	for _, c := range cases {
		lo, hi, colors := c.c.colourScale(blockAverage(c.c.m, 200))
		if lo != c.lo || hi != c.hi || colors[0] != c.colors[0] {
			t.Errorf("%s: scale [%v, %v] from %s, want [%v, %v] from %s", c.name, lo, hi, colors[0], c.lo, c.hi, c.colors[0])
		}
	}
	if got := colourAt(sequential, 0); got != sequential[0] {
		t.Errorf("colourAt(0) = %s, want %s", got, sequential[0])
	}
	if got := colourAt(sequential, 1); got != sequential[len(sequential)-1] {
		t.Errorf("colourAt(1) = %s", got)
	}
	if got := colourAt([]string{"#000000", "#ffffff"}, 0.5); got != "#808080" {
		t.Errorf("colourAt(0.5) between black and white = %s, want #808080", got)
	}
}

func TestHeatmapInputErrors(t *testing.T) {
	cases := []struct {
		name string
		c    *HeatmapChart
		want string
	}{
		{"nil", Heatmap("T", nil), "the matrix is nil"},
		{"empty", Heatmap("T", &mat.Dense{}), "the matrix is empty"},
		{"max cells", Heatmap("T", mat.NewDense(1, 1, nil)).MaxCells(1), "MaxCells(1)"},
		{"range", Heatmap("T", mat.NewDense(1, 1, nil)).Range(2, 1), "Range(2, 1)"},
		{"range nan", Heatmap("T", mat.NewDense(1, 1, nil)).Range(math.NaN(), 1), "Range(NaN, 1)"},
	}
	for _, c := range cases {
		if _, err := c.c.Render(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

func TestNiceStep(t *testing.T) {
	for _, c := range []struct {
		x    float64
		want int
	}{{0.3, 1}, {1, 1}, {1.5, 2}, {3, 5}, {50, 50}, {51, 100}, {170, 200}} {
		if got := niceStep(c.x); got != c.want {
			t.Errorf("niceStep(%v) = %d, want %d", c.x, got, c.want)
		}
	}
}
