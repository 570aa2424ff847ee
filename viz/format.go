package viz

import (
	"math"
	"strconv"
	"strings"
)

// FormatNumber prints v compactly, the way chart axes and tooltips print it:
// four significant digits for 1e-3 ≤ |v| < 1e5 (0.30000000000000004 prints as
// 0.3, 12345.6 as 12350), and otherwise three significant digits in
// exponential form without padding (0.00001 prints as 1e-5, 2.5e-7 as 2.5e-7,
// 123456 as 1.23e5). NaN and infinities print as NaN, +Inf and -Inf.
func FormatNumber(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	case v == 0:
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e5 || a < 1e-3 {
		r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', 2, 64), 64)
		s := strconv.FormatFloat(r, 'e', -1, 64) // e.g. "1.5e-05", "1e+06"
		mant, exp, _ := strings.Cut(s, "e")
		e, _ := strconv.Atoi(exp)
		return mant + "e" + strconv.Itoa(e)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(v, 'e', 3, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

// Labels formats xs with FormatNumber, for use as bar chart categories: it
// avoids category labels such as -0.2999999999999998.
func Labels(xs []float64) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = FormatNumber(x)
	}
	return out
}

// jsFormat is the JavaScript twin of FormatNumber, used as the axis label,
// tooltip and colour scale formatter. Embedded code must not contain double
// quotes, backslashes or "//" comments: go-echarts carries functions inside
// JSON strings.
const jsFormat = `function(v){if(v==null)return 'n/a';if(typeof v!=='number'||!isFinite(v))return String(v);if(v===0)return '0';var a=Math.abs(v);if(a>=1e5||a<1e-3)return Number(v.toPrecision(3)).toExponential().replace('e+','e');return String(Number(v.toPrecision(4)))}`
