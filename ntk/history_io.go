package ntk

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/sparsentk/sparsentk/internal/atomicfile"
)

// historyFormat is the version of the .npz layout written by History.SaveNPZ.
const historyFormat = 1

// historyColumn is one field of Stats as an array of the saved history:
// float64 columns read and write f, int64 columns i.
type historyColumn struct {
	name string
	f    func(*Stats) *float64
	i    func(*Stats) *int64
	n    func(*Stats) *int // int fields, stored as int64
}

// historyColumns lists every field of Stats in the order of the CSV columns.
// Elapsed is stored as integer nanoseconds (elapsed_ns) in the .npz archive
// and as decimal seconds (elapsed_s, exact to the nanosecond) in CSV.
var historyColumns = []historyColumn{
	{name: "step", n: func(s *Stats) *int { return &s.Step }},
	{name: "loss", f: func(s *Stats) *float64 { return &s.Loss }},
	{name: "active_min", n: func(s *Stats) *int { return &s.ActiveMin }},
	{name: "active_mean", f: func(s *Stats) *float64 { return &s.ActiveMean }},
	{name: "active_max", n: func(s *Stats) *int { return &s.ActiveMax }},
	{name: "flips", i: func(s *Stats) *int64 { return &s.Flips }},
	{name: "flipped", i: func(s *Stats) *int64 { return &s.Flipped }},
	{name: "move_w", f: func(s *Stats) *float64 { return &s.MoveW }},
	{name: "move_b", f: func(s *Stats) *float64 { return &s.MoveB }},
	{name: "pairs", i: func(s *Stats) *int64 { return &s.Pairs }},
	{name: "candidates", i: func(s *Stats) *int64 { return &s.Candidates }},
	{name: "rebuilds", n: func(s *Stats) *int { return &s.Rebuilds }},
	{name: "elapsed_ns", i: func(s *Stats) *int64 { return (*int64)(&s.Elapsed) }},
}

// SaveNPZ writes the history to path as a NumPy .npz archive, atomically:
// one array per field of Stats, each with one entry per recorded state
// (t = 0, 1, ...),
//
//	step, active_min, active_max, flips, flipped, pairs, candidates,
//	rebuilds, elapsed_ns                      int64
//	loss, active_mean, move_w, move_b         float64
//	method  int64 scalar: 1 = Dense, 2 = Sparse (ntk.Method)
//	format  int64 scalar, the layout version (1)
//
// In Python: h = numpy.load(path); h["loss"], h["elapsed_ns"] / 1e9, ...
// A diverged run's NaN or infinite loss is saved as it is.
func (h *History) SaveNPZ(path string) error {
	if err := h.check("History.SaveNPZ"); err != nil {
		return err
	}
	entries := append(h.entries(""), npzEntry{"format", int64(historyFormat)})
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		if err := writeNPZ(w, entries); err != nil {
			return fmt.Errorf("ntk: History.SaveNPZ: writing %q: %w", path, err)
		}
		return nil
	})
}

// entries returns the arrays of SaveNPZ but the format, with names prefixed
// by prefix.
func (h *History) entries(prefix string) []npzEntry {
	entries := make([]npzEntry, 0, len(historyColumns)+1)
	for _, c := range historyColumns {
		if c.f != nil {
			v := make([]float64, len(h.Stats))
			for t := range h.Stats {
				v[t] = *c.f(&h.Stats[t])
			}
			entries = append(entries, npzEntry{prefix + c.name, v})
			continue
		}
		v := make([]int64, len(h.Stats))
		for t := range h.Stats {
			v[t] = c.int(&h.Stats[t])
		}
		entries = append(entries, npzEntry{prefix + c.name, v})
	}
	return append(entries, npzEntry{prefix + "method", int64(h.Method)})
}

// int returns an integer column's value.
func (c historyColumn) int(s *Stats) int64 {
	if c.n != nil {
		return int64(*c.n(s))
	}
	return *c.i(s)
}

// setInt stores an integer column's value, refusing one that does not fit.
func (c historyColumn) setInt(s *Stats, v int64) error {
	if c.n != nil {
		if int64(int(v)) != v {
			return fmt.Errorf("%s = %d does not fit an int", c.name, v)
		}
		*c.n(s) = int(v)
		return nil
	}
	*c.i(s) = v
	return nil
}

// WriteCSV writes the history as CSV: a header row naming the columns
//
//	step,loss,active_min,active_mean,active_max,flips,flipped,move_w,move_b,pairs,candidates,rebuilds,elapsed_s,method
//
// then one row per recorded state. Floats are written in the shortest form
// that reads back to the same bits (NaN, +Inf and -Inf as such), elapsed_s
// in seconds to the nanosecond, method as "dense" or "sparse". In Python:
// pandas.read_csv(path), or numpy.genfromtxt(path, delimiter=",", names=True).
func (h *History) WriteCSV(w io.Writer) error {
	if err := h.check("History.WriteCSV"); err != nil {
		return err
	}
	if w == nil {
		return errors.New("ntk: History.WriteCSV: the writer is nil; pass an open file or a buffer")
	}
	bw := bufio.NewWriter(w)
	cw := csv.NewWriter(bw)
	if err := cw.Write(csvHeader()); err != nil {
		return err
	}
	row := make([]string, len(historyColumns)+1)
	for t := range h.Stats {
		s := &h.Stats[t]
		for k, c := range historyColumns {
			switch {
			case c.f != nil:
				row[k] = strconv.FormatFloat(*c.f(s), 'g', -1, 64)
			case c.name == "elapsed_ns":
				ns := int64(s.Elapsed)
				row[k] = fmt.Sprintf("%d.%09d", ns/1e9, ns%1e9)
			default:
				row[k] = strconv.FormatInt(c.int(s), 10)
			}
		}
		row[len(historyColumns)] = h.Method.String()
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("ntk: History.WriteCSV: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("ntk: History.WriteCSV: %w", err)
	}
	return nil
}

// csvHeader returns the CSV column names.
func csvHeader() []string {
	names := make([]string, 0, len(historyColumns)+1)
	for _, c := range historyColumns {
		if c.name == "elapsed_ns" {
			names = append(names, "elapsed_s")
		} else {
			names = append(names, c.name)
		}
	}
	return append(names, "method")
}

// SaveCSV writes the history to path as CSV (see WriteCSV), atomically.
func (h *History) SaveCSV(path string) error {
	if err := h.check("History.SaveCSV"); err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, h.WriteCSV)
}

// LoadHistory reads a history written by History.SaveNPZ or History.SaveCSV
// (recognized by its content: a .npz archive starts with "PK"). It verifies
// the archive's checksums, that every column is present with one entry per
// state, and that the values are possible (see History.SaveNPZ); the loss of
// a diverged run may be NaN or infinite.
func LoadHistory(path string) (*History, error) {
	p, err := readWhole(path, "history file")
	if err != nil {
		return nil, err
	}
	h, err := readHistoryBytes(p)
	if err != nil {
		return nil, fmt.Errorf("%w (file %q)", err, path)
	}
	return h, nil
}

// readHistoryBytes reads a history from a .npz archive or CSV text.
func readHistoryBytes(p []byte) (*History, error) {
	if bytes.HasPrefix(p, []byte("PK")) {
		return ReadHistory(bytes.NewReader(p), int64(len(p)))
	}
	return ReadHistoryCSV(bytes.NewReader(p))
}

// ReadHistory reads a history archive (.npz) of size bytes from r; see
// LoadHistory.
func ReadHistory(r io.ReaderAt, size int64) (*History, error) {
	a, err := readNPZ(r, size, "history file", MaxKernelBytes)
	if err != nil {
		return nil, err
	}
	if err := a.format(historyFormat); err != nil {
		return nil, err
	}
	return readHistoryArrays(a, "", "the history file")
}

// readHistoryArrays reads the arrays written by History.entries(prefix)
// from a and checks the history; what names it in errors.
func readHistoryArrays(a *npzArchive, prefix, what string) (*History, error) {
	m, err := a.array(prefix+"method", 'i', 0)
	if err != nil {
		return nil, err
	}
	h := &History{Method: Method(m.i[0])}
	for _, c := range historyColumns {
		kind := byte('i')
		if c.f != nil {
			kind = 'f'
		}
		arr, err := a.array(prefix+c.name, kind, 1)
		if err != nil {
			return nil, err
		}
		if h.Stats == nil {
			h.Stats = make([]Stats, arr.len())
		}
		if arr.len() != len(h.Stats) {
			return nil, fmt.Errorf("ntk: %s: array %q has %d entries but %q has %d; every column needs one entry per state",
				what, prefix+c.name, arr.len(), prefix+historyColumns[0].name, len(h.Stats))
		}
		for t := range h.Stats {
			if c.f != nil {
				*c.f(&h.Stats[t]) = arr.f[t]
			} else if err := c.setInt(&h.Stats[t], arr.i[t]); err != nil {
				return nil, fmt.Errorf("ntk: %s: state %d: %v", what, t, err)
			}
		}
	}
	return h.finishLoad(what)
}

// ReadHistoryCSV reads a history written by History.WriteCSV from r.
func ReadHistoryCSV(r io.Reader) (*History, error) {
	if r == nil {
		return nil, errors.New("ntk: ReadHistoryCSV: the reader is nil; pass an open CSV file")
	}
	cr := csv.NewReader(io.LimitReader(r, MaxKernelBytes))
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("ntk: the history CSV has no readable header row (pass a file written by History.WriteCSV): %w", err)
	}
	want := csvHeader()
	if strings.Join(head, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("ntk: the history CSV header is %q; want %q (written by History.WriteCSV)", strings.Join(head, ","), strings.Join(want, ","))
	}
	h := &History{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("ntk: the history CSV: %w", err)
		}
		var s Stats
		for k, c := range historyColumns {
			field := rec[k]
			switch {
			case c.f != nil:
				v, err := strconv.ParseFloat(field, 64)
				if err != nil {
					return nil, fmt.Errorf("ntk: the history CSV, line %d: %s = %q is not a number", line, c.name, field)
				}
				*c.f(&s) = v
			case c.name == "elapsed_ns":
				d, err := parseSeconds(field)
				if err != nil {
					return nil, fmt.Errorf("ntk: the history CSV, line %d: elapsed_s = %q: %v", line, field, err)
				}
				s.Elapsed = d
			default:
				v, err := strconv.ParseInt(field, 10, 64)
				if err == nil {
					err = c.setInt(&s, v)
				}
				if err != nil {
					return nil, fmt.Errorf("ntk: the history CSV, line %d: %s = %q is not an integer", line, c.name, field)
				}
			}
		}
		var m Method
		switch rec[len(historyColumns)] {
		case "dense":
			m = Dense
		case "sparse":
			m = Sparse
		default:
			return nil, fmt.Errorf("ntk: the history CSV, line %d: method %q; want dense or sparse", line, rec[len(historyColumns)])
		}
		if len(h.Stats) > 0 && m != h.Method {
			return nil, fmt.Errorf("ntk: the history CSV, line %d: method %s differs from the earlier rows' %s", line, m, h.Method)
		}
		h.Method = m
		h.Stats = append(h.Stats, s)
	}
	return h.finishLoad("the history CSV")
}

// parseSeconds parses the decimal seconds written by WriteCSV ("12.000345678")
// to a Duration, exactly.
func parseSeconds(s string) (time.Duration, error) {
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > 9 || strings.HasPrefix(whole, "-") || strings.HasPrefix(whole, "+") {
		return 0, errors.New("want non-negative decimal seconds with at most 9 decimals")
	}
	sec, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || sec > math.MaxInt64/1_000_000_000-1 {
		return 0, errors.New("want non-negative decimal seconds with at most 9 decimals")
	}
	ns := int64(0)
	if frac != "" {
		for len(frac) < 9 {
			frac += "0"
		}
		if ns, err = strconv.ParseInt(frac, 10, 64); err != nil || ns < 0 || strings.ContainsAny(frac, "+-") {
			return 0, errors.New("want non-negative decimal seconds with at most 9 decimals")
		}
	}
	return time.Duration(sec*1e9 + ns), nil
}

// finishLoad fills Loss from Stats and checks the loaded history.
func (h *History) finishLoad(what string) (*History, error) {
	h.Loss = make([]float64, len(h.Stats))
	for t := range h.Stats {
		h.Loss[t] = h.Stats[t].Loss
	}
	if err := h.check(what); err != nil {
		return nil, err
	}
	return h, nil
}

// check reports whether the history is one that Train can produce: at least
// one state, Loss[t] = Stats[t].Loss, steps increasing from ≥ 0, counts ≥ 0,
// ActiveMin ≤ ActiveMax, Method Dense or Sparse, and no negative or −Inf
// loss or movement (NaN and +Inf, which a diverging run records, pass).
func (h *History) check(fn string) error {
	if h == nil {
		return fmt.Errorf("ntk: %s: the history is nil; use the History returned by Train", fn)
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("ntk: %s: %s; use the History returned by Train", fn, fmt.Sprintf(format, args...))
	}
	if len(h.Stats) == 0 {
		return bad("the history holds no state (len(History.Stats) = 0)")
	}
	if len(h.Loss) != len(h.Stats) {
		return bad("len(History.Loss) = %d but len(History.Stats) = %d", len(h.Loss), len(h.Stats))
	}
	if h.Method != Dense && h.Method != Sparse {
		return bad("History.Method = %v; it must be ntk.Dense or ntk.Sparse", h.Method)
	}
	for t := range h.Stats {
		s := &h.Stats[t]
		l := h.Loss[t]
		switch {
		case math.Float64bits(l) != math.Float64bits(s.Loss) && !(math.IsNaN(l) && math.IsNaN(s.Loss)):
			return bad("History.Loss[%d] = %v but History.Stats[%d].Loss = %v", t, l, t, s.Loss)
		case s.Step < 0 || (t > 0 && s.Step <= h.Stats[t-1].Step):
			return bad("History.Stats[%d].Step = %d; steps must be ≥ 0 and increasing", t, s.Step)
		case s.ActiveMin < 0 || s.ActiveMax < s.ActiveMin:
			return bad("History.Stats[%d]: ActiveMin = %d, ActiveMax = %d; want 0 ≤ ActiveMin ≤ ActiveMax", t, s.ActiveMin, s.ActiveMax)
		case s.Flips < 0 || s.Flipped < 0 || s.Pairs < 0 || s.Candidates < 0 || s.Rebuilds < 0 || s.Elapsed < 0:
			return bad("History.Stats[%d] has a negative count or time", t)
		case s.Loss < 0 || s.ActiveMean < 0 || s.MoveW < 0 || s.MoveB < 0:
			return bad("History.Stats[%d] has a negative loss, mean or movement", t)
		}
	}
	return nil
}
