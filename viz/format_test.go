package viz

import (
	"math"
	"slices"
	"testing"
)

func TestFormatNumber(t *testing.T) {
	cases := []struct {
		v    float64
		want string
	}{
		{0, "0"},
		{1, "1"},
		{0.1 + 0.2, "0.3"},
		{-0.2999999999999998, "-0.3"},
		{0.001, "0.001"},
		{0.0009999, "1e-3"},
		{1e-5, "1e-5"},
		{2.5e-7, "2.5e-7"},
		{-3.14159e-9, "-3.14e-9"},
		{12345.6, "12350"},
		{99999, "100000"}, // rounds to 4 digits first, as the JavaScript twin does
		{123456, "1.23e5"},
		{1e6, "1e6"},
		{2.0 / 3, "0.6667"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "+Inf"},
		{math.Inf(-1), "-Inf"},
	}
	for _, c := range cases {
		if got := FormatNumber(c.v); got != c.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

func TestLabels(t *testing.T) {
	xs := []float64{-0.3 - 1e-16, 0, 0.1 + 0.2, 1e-5}
	want := []string{"-0.3", "0", "0.3", "1e-5"}
	if got := Labels(xs); !slices.Equal(got, want) {
		t.Errorf("Labels(%v) = %q, want %q", xs, got, want)
	}
}

func TestSafeInScript(t *testing.T) {
	in := `a="</script><b>";b="</SCRIPT>";c="<!-- x"`
	want := `a="<\/script><b>";b="<\/SCRIPT>";c="<\!-- x"`
	if got := safeInScript(in); got != want {
		t.Errorf("safeInScript(%q) = %q, want %q", in, got, want)
	}
}
