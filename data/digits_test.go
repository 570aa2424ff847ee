package data

import (
	"bytes"
	"compress/gzip"
	"encoding/csv"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"
)

// csvClassCounts counts the labels of the shipped CSV with encoding/csv,
// independently of the package's parser.
func csvClassCounts(t *testing.T) (counts map[int]int, rows int) {
	t.Helper()
	f, err := os.Open("optdigits/digits.csv.gz")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(zr).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	counts = map[int]int{}
	for _, r := range recs {
		l, err := strconv.Atoi(r[len(r)-1])
		if err != nil {
			t.Fatal(err)
		}
		counts[l]++
	}
	return counts, len(recs)
}

func TestDigits(t *testing.T) {
	ds, err := Digits()
	if err != nil {
		t.Fatal(err)
	}
	if err := ds.Validate(); err != nil {
		t.Fatal(err)
	}
	if ds.Len() != DigitsLen || ds.Dim() != DigitsDim {
		t.Fatalf("Digits is %d×%d, want 1797×64", ds.Len(), ds.Dim())
	}
	if !strings.Contains(ds.Name, "E. Alpaydin and C. Kaynak (1998), UCI Machine Learning Repository, CC BY 4.0") {
		t.Errorf("Name %q lacks the required credit", ds.Name)
	}
	counts := map[int]int{}
	for i, l := range ds.Labels {
		if l < 0 || l > 9 || ds.Y[i] != float64(l) {
			t.Fatalf("sample %d: label %d, Y %v", i, l, ds.Y[i])
		}
		counts[l]++
		for j := 0; j < DigitsDim; j++ {
			v := ds.X.At(i, j)
			if v < 0 || v > 16 || v != math.Trunc(v) {
				t.Fatalf("pixel X[%d][%d] = %v is not an integer in 0..16", i, j, v)
			}
		}
	}
	want, rows := csvClassCounts(t)
	if rows != DigitsLen {
		t.Fatalf("the CSV has %d rows", rows)
	}
	for c := 0; c < 10; c++ {
		if counts[c] != want[c] {
			t.Errorf("class %d: %d samples, the CSV has %d", c, counts[c], want[c])
		}
	}
	// The UCI description of optdigits.tes lists these class sizes.
	uci := []int{178, 182, 177, 183, 181, 182, 181, 179, 174, 180}
	for c, n := range uci {
		if counts[c] != n {
			t.Errorf("class %d: %d samples, UCI lists %d", c, counts[c], n)
		}
	}
	// The first row of the CSV is a 0.
	if ds.Labels[0] != 0 || ds.X.At(0, 2) != 5 || ds.X.At(0, 3) != 13 {
		t.Errorf("first sample: label %d, pixels %v %v; want 0, 5, 13", ds.Labels[0], ds.X.At(0, 2), ds.X.At(0, 3))
	}
}

func TestDigitsReturnsCopies(t *testing.T) {
	a, _ := Digits()
	a.X.Set(0, 0, 99)
	a.Y[0] = 99
	a.Labels[0] = 99
	b, _ := Digits()
	if b.X.At(0, 0) == 99 || b.Y[0] == 99 || b.Labels[0] == 99 {
		t.Fatal("modifying a result of Digits corrupted the cache")
	}
}

func gz(s string) *bytes.Reader {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write([]byte(s))
	w.Close()
	return bytes.NewReader(buf.Bytes())
}

func TestParseDigitsErrors(t *testing.T) {
	row := strings.Repeat("1,", 64)
	cases := []struct {
		in   string
		want string
	}{
		{row + "3\n" + strings.Repeat("1,", 63) + "3\n", "line 2: 64 fields"},
		{strings.Replace(row, "1,", "x,", 1) + "3\n", "field 1: \"x\" is not an integer"},
		{strings.Replace(row, "1,", "17,", 1) + "3\n", "pixel 0 = 17"},
		{row + "10\n", "label 10"},
		{"\n\n", "no samples"},
	}
	for _, c := range cases {
		_, err := parseDigits(gz(c.in))
		wantErr(t, err, c.want)
	}
	_, err := parseDigits(strings.NewReader("not gzip"))
	wantErr(t, err, "not gzip")
	ds, err := parseDigits(gz(row + "3\n\n" + row + "4\n"))
	if err != nil || ds.Len() != 2 || ds.Labels[1] != 4 {
		t.Fatalf("two valid lines with a blank between: %v, %v", ds, err)
	}
}

func TestPair(t *testing.T) {
	ds, _ := Digits()
	p, err := ds.Pair(3, 8)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 183+174 {
		t.Fatalf("3 vs 8 has %d samples, want %d", p.Len(), 183+174)
	}
	k := 0
	for i, l := range ds.Labels {
		if l != 3 && l != 8 {
			continue
		}
		if p.Labels[k] != l || p.X.At(k, 20) != ds.X.At(i, 20) {
			t.Fatalf("row %d of the pair is not row %d of Digits", k, i)
		}
		want := -1.0
		if l == 3 {
			want = 1
		}
		if p.Y[k] != want {
			t.Fatalf("label %d got target %v, want %v", l, p.Y[k], want)
		}
		k++
	}
	if !strings.Contains(p.Name, "CC BY 4.0") {
		t.Errorf("derived Name %q lost the credit", p.Name)
	}
	_, err = ds.Pair(3, 3)
	wantErr(t, err, "must differ")
	_, err = ds.Pair(3, 11)
	wantErr(t, err, "no sample with label 11")
	_, err = ds.Pair(-1, 3)
	wantErr(t, err, "no sample with label -1")
	_, err = small().Pair(7, 8)
	if err != nil {
		t.Fatal(err)
	}
	s := small()
	s.Labels = nil
	_, err = s.Pair(7, 8)
	wantErr(t, err, "no class labels")
}

func TestEvenOdd(t *testing.T) {
	ds, _ := Digits()
	e, err := ds.EvenOdd()
	if err != nil {
		t.Fatal(err)
	}
	pos := 0
	for i, l := range e.Labels {
		if (l%2 == 0) != (e.Y[i] == 1) || math.Abs(e.Y[i]) != 1 {
			t.Fatalf("label %d got target %v", l, e.Y[i])
		}
		if e.Y[i] == 1 {
			pos++
		}
	}
	if want := 178 + 177 + 181 + 181 + 174; pos != want {
		t.Errorf("%d even digits, want %d", pos, want)
	}
	if ds.Y[1] != float64(ds.Labels[1]) {
		t.Fatal("EvenOdd modified the receiver")
	}
	s := small()
	s.Labels = nil
	_, err = s.EvenOdd()
	wantErr(t, err, "no class labels")
}

func TestDigitsNormalized(t *testing.T) {
	ds, _ := Digits()
	u, err := ds.Normalized()
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < u.Len(); i++ {
		if e := math.Abs(rowNorm(u.X, i) - 1); e > 1e-12 {
			t.Fatalf("row %d has norm 1%+g", i, e)
		}
	}
	ds.X.SetRow(5, make([]float64, DigitsDim))
	_, err = ds.Normalized()
	wantErr(t, err, "row 5", "zero")
}
