package ntk

import (
	"encoding/csv"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"testing"
)

// orthantGoldenRow is one row of testdata/orthant_golden.csv: L(h,k;ρ) to 25 digits.
type orthantGoldenRow struct {
	h, k, rho float64
	want      *big.Float
	text      string
}

func readOrthantGolden(t *testing.T) []orthantGoldenRow {
	t.Helper()
	f, err := os.Open("testdata/orthant_golden.csv")
	if err != nil {
		t.Fatalf("golden table missing (regenerate with testdata/gen_orthant_golden.py): %v", err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) < 2 || strings.Join(recs[0], ",") != "h,k,rho,L" {
		t.Fatalf("golden table: want header h,k,rho,L and rows, got %d records", len(recs))
	}
	rows := make([]orthantGoldenRow, 0, len(recs)-1)
	for i, r := range recs[1:] {
		var v [3]float64
		for j := range v {
			if v[j], err = strconv.ParseFloat(r[j], 64); err != nil {
				t.Fatalf("golden row %d: %v", i+2, err)
			}
		}
		want, _, err := big.ParseFloat(r[3], 10, 128, big.ToNearestEven)
		if err != nil || want.Sign() <= 0 {
			t.Fatalf("golden row %d: bad value %q (%v)", i+2, r[3], err)
		}
		rows = append(rows, orthantGoldenRow{v[0], v[1], v[2], want, r[3]})
	}
	return rows
}

// relErrBig returns |got − want|/want computed in 128-bit precision.
func relErrBig(got float64, want *big.Float) float64 {
	if math.IsNaN(got) || math.IsInf(got, 0) {
		return math.Inf(1)
	}
	d := new(big.Float).SetPrec(128).SetFloat64(got)
	d.Sub(d, want).Quo(d, want)
	e, _ := d.Float64()
	return math.Abs(e)
}

// relErr returns |got/want − 1| (Inf when got is NaN or want is 0 and got is not).
func relErr(got, want float64) float64 {
	if got == want {
		return 0
	}
	e := math.Abs(got/want - 1)
	if math.IsNaN(e) {
		return math.Inf(1)
	}
	return e
}

const orthantBar = 1e-13 // the accuracy promise of Orthant and OrthantCurve.At

// TestOrthantGolden compares Orthant, in both argument orders, and
// OrthantCurve.At on the equal-threshold rows, with the 50-digit values of
// testdata/orthant_golden.csv (every row has L ≥ 1e-300).
func TestOrthantGolden(t *testing.T) {
	rows := readOrthantGolden(t)
	curves := map[float64]*OrthantCurve{}
	var worst, worstCurve float64
	var at, atCurve orthantGoldenRow
	nCurve := 0
	for _, r := range rows {
		for _, got := range []float64{Orthant(r.h, r.k, r.rho), Orthant(r.k, r.h, r.rho)} {
			if e := relErrBig(got, r.want); e > worst {
				worst, at = e, r
			}
		}
		if r.h != r.k {
			continue
		}
		c := curves[r.h]
		if c == nil {
			var err error
			if c, err = NewOrthantCurve(r.h); err != nil {
				t.Fatal(err)
			}
			curves[r.h] = c
		}
		nCurve++
		if e := relErrBig(c.At(r.rho), r.want); e > worstCurve {
			worstCurve, atCurve = e, r
		}
	}
	t.Logf("Orthant: %d rows, worst relative error %.2g at h=%v k=%v rho=%v (L=%s)", len(rows), worst, at.h, at.k, at.rho, at.text)
	t.Logf("OrthantCurve.At: %d equal-threshold rows, worst relative error %.2g at h=%v rho=%v (L=%s)", nCurve, worstCurve, atCurve.h, atCurve.rho, atCurve.text)
	if worst > orthantBar {
		t.Errorf("Orthant: worst relative error %.3g > %g at h=%v k=%v rho=%v: got %.17g, want %s",
			worst, orthantBar, at.h, at.k, at.rho, Orthant(at.h, at.k, at.rho), at.text)
	}
	if worstCurve > orthantBar {
		c := curves[atCurve.h]
		t.Errorf("OrthantCurve.At: worst relative error %.3g > %g at h=%v rho=%v: got %.17g, want %s",
			worstCurve, orthantBar, atCurve.h, atCurve.rho, c.At(atCurve.rho), atCurve.text)
	}
	if len(rows) < 2000 || nCurve < 200 {
		t.Errorf("golden table too small: %d rows, %d with h = k", len(rows), nCurve)
	}
}

// TestOrthantPaperTable reproduces the pair probabilities of paper.md §6.1
// (P[Z1 ≥ B, Z2 ≥ B; ρ]) to the digits printed there.
func TestOrthantPaperTable(t *testing.T) {
	rhos := []float64{-0.5, 0, 0.3, 0.9}
	table := map[float64][]string{
		0:   {"0.1666667", "0.25", "0.2984933", "0.4282169"},
		0.5: {"0.0362982", "0.0951954", "0.1341792", "0.2453259"},
		1:   {"3.78230e-3", "0.0251715", "0.0454578", "0.1154903"},
		2:   {"3.24397e-6", "5.17569e-4", "2.04127e-3", "0.0133613"},
	}
	for B, row := range table {
		for j, text := range row {
			printed, _ := strconv.ParseFloat(text, 64)
			got := Orthant(B, B, rhos[j])
			if math.Abs(got-printed) > 0.5*lastPlace(text)*(1+1e-9) {
				t.Errorf("Orthant(%v, %v, %v) = %.10g, paper table prints %s", B, B, rhos[j], got, text)
			}
		}
	}
}

// lastPlace returns the value of one unit in the last printed digit of a decimal string.
func lastPlace(s string) float64 {
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		exp, _ = strconv.Atoi(s[i+1:])
	}
	decimals := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		decimals = len(mant) - i - 1
	}
	return math.Pow(10, float64(exp-decimals))
}

// TestOrthantSpecialValues checks NaN, ±Inf, ρ = ±1 and the float64 limits.
func TestOrthantSpecialValues(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, c := range [][3]float64{{nan, 0, 0}, {0, nan, 0}, {0, 0, nan}, {0, 0, 1.0000000000000002}, {1, 1, -1.5}, {inf, 0, 2}} {
		if got := Orthant(c[0], c[1], c[2]); !math.IsNaN(got) {
			t.Errorf("Orthant(%v, %v, %v) = %v, want NaN", c[0], c[1], c[2], got)
		}
	}
	cases := []struct {
		h, k, rho, want float64
	}{
		{inf, -inf, 0.3, 0},
		{-3, inf, 0.3, 0},
		{-inf, 2, -0.7, Q(2)},
		{1.5, -inf, 0.9, Q(1.5)},
		{-inf, -inf, 0.2, 1},
		{-inf, inf, 0.2, 0},
		{50, -2, 0.5, 0},              // L ≤ Q(50) underflows
		{3, -60, -0.5, Q(3)},          // P(Z2 ≥ −60) = 1 to 1e-700
		{-60, -70, 0.1, 1},            // both certain
		{2, 2, -1, 0},                 // Z2 = −Z1
		{0, 0, -1, 0},                 // P(Z1 ≥ 0, Z1 ≤ 0) = 0
		{-1, -2, -1, 1 - Q(1) - Q(2)}, // P(−1 ≤ Z ≤ 2)
		{3, 1, 1, Q(3)},
		{-2, 0.5, 1, Q(0.5)},
		{0, 0, 0, 0.25},
		{0, 0, 1, 0.5},
	}
	for _, c := range cases {
		got := Orthant(c.h, c.k, c.rho)
		if relErr(got, c.want) > 1e-15 {
			t.Errorf("Orthant(%v, %v, %v) = %.17g, want %.17g", c.h, c.k, c.rho, got, c.want)
		}
	}
}

// TestOrthantClosedForms checks the general algorithm against closed forms
// it does not use: the first-order expansion around ρ = 0, the B = 0 kernel
// identity and Sheppard's formula, and continuity at ρ → ±1.
func TestOrthantClosedForms(t *testing.T) {
	ths := []float64{-5, -2, -0.5, 0, 0.3, 1, 2.5, 4, 7, 12}
	for _, h := range ths {
		for _, k := range ths {
			// L(h,k;ρ) = Q(h)Q(k) + ρφ(h)φ(k) + ρ²hkφ(h)φ(k)/2 + …: at ρ = ±1e-10 the ρ² term
			// is below 2e-16·L for |h|, |k| ≤ 12.
			for _, rho := range []float64{1e-10, -1e-10} {
				want := upperTail(h)*upperTail(k) + rho*normalDensity(h)*normalDensity(k)
				if got := Orthant(h, k, rho); relErr(got, want) > 1e-14 {
					t.Errorf("Orthant(%v, %v, %v) = %.17g, first-order expansion %.17g", h, k, rho, got, want)
				}
			}
			// Continuity at ρ = 1 for |h − k| ≥ 0.2 and at ρ = −1 for h + k ≥ 0.2 (empty
			// interval): at ε = 1e-6 the gap is of order Q(0.2/√(2ε)) < 1e-1000.
			for _, rho := range []float64{1, -1} {
				if rho == 1 && math.Abs(h-k) < 0.2 || rho == -1 && h+k < 0.2 {
					continue
				}
				near := rho * (1 - 1e-6)
				got, want := Orthant(h, k, near), Orthant(h, k, rho)
				if want > 1e-300 && relErr(got, want) > 1e-14 || want == 0 && got > 1e-300 {
					t.Errorf("Orthant(%v, %v, %v) = %.17g, limit at rho=%v is %.17g", h, k, near, got, rho, want)
				}
			}
		}
	}
	for _, rho := range []float64{-0.99, -0.7, -0.3, 0.1, 0.5, 0.9, 0.99} {
		got := Orthant(0, 0, rho)
		kernel := (math.Pi - math.Acos(rho)) / (2 * math.Pi) // B = 0 kernel identity (paper §6)
		sheppard := 0.25 + math.Asin(rho)/(2*math.Pi)
		if relErr(got, kernel) > 1e-14 || relErr(got, sheppard) > 1e-14 {
			t.Errorf("Orthant(0, 0, %v) = %.17g, want (π − arccos ρ)/(2π) = %.17g = 1/4 + arcsin(ρ)/(2π) = %.17g", rho, got, kernel, sheppard)
		}
	}
	// Equal thresholds at ρ = 1 − ε: Q(h) − L(h,h;1−ε) = ∫_{1−ε}^1 φ2(h,h;r) dr
	// = e^{−h²/2} √(2ε)/(2π) (1 + O(h²ε)), so the gaps at ε = 1e-8 and 1e-10 differ by a factor 10.
	for _, h := range []float64{0.5, 2, 6} {
		d1 := upperTail(h) - Orthant(h, h, 1-1e-8)
		d2 := upperTail(h) - Orthant(h, h, 1-1e-10)
		if r := d1 / d2; math.Abs(r-10) > 1e-4 {
			t.Errorf("h=%v: (Q(h) − L(1−1e-8))/(Q(h) − L(1−1e-10)) = %v, want 10 (√ε behaviour)", h, r)
		}
	}
}

// TestOrthantProperties checks bounds, symmetry and monotonicity in ρ on a dense scan.
func TestOrthantProperties(t *testing.T) {
	ths := []float64{-8, -3, -1, -0.2, 0, 0.2, 1, 2, 3.5, 5, 9, 20, 37}
	n := 4000
	if testing.Short() {
		n = 400
	}
	for _, h := range ths {
		for _, k := range ths {
			bound := math.Min(upperTail(h), upperTail(k)) * (1 + 1e-15)
			prev := -1.0
			for i := 0; i <= n; i++ {
				rho := math.Cos(math.Pi * float64(n-i) / float64(n)) // −1 … 1, dense near ±1
				l := Orthant(h, k, rho)
				if !(l >= 0 && l <= bound) {
					t.Fatalf("Orthant(%v, %v, %v) = %v outside [0, min(Q(h),Q(k))] = [0, %v]", h, k, rho, l, bound)
				}
				if l2 := Orthant(k, h, rho); l2 != l {
					t.Fatalf("Orthant(%v, %v, %v) = %v but Orthant(%v, %v, %v) = %v", h, k, rho, l, k, h, rho, l2)
				}
				if l < prev*(1-2e-14) {
					t.Fatalf("not monotone in rho: Orthant(%v, %v, %v) = %.17g < %.17g at the previous rho", h, k, rho, l, prev)
				}
				prev = l
			}
		}
	}
}

// TestOrthantAsymptotic checks L ≈ (1+ρ)^{3/2} e^{−h²/(1+ρ)} / (2π h² √(1−ρ)) for
// large equal thresholds; the ratio is 1 − 1/w0² − 1/E0 + O(h⁻⁴) with
// w0² = h²(1−ρ)/(1+ρ) and E0 = h²/(1+ρ). (At h = 40 every L(h,h;ρ) is below
// Q(40) ≈ 4e-350 and underflows float64, so the largest h checked is 35.)
func TestOrthantAsymptotic(t *testing.T) {
	for _, rho := range []float64{-0.9, -0.5, 0, 0.5, 0.8} {
		prevGap := math.Inf(1)
		for _, h := range []float64{10, 20, 30, 35} {
			e0 := h * h / (1 + rho)
			asym := math.Pow(1+rho, 1.5) * math.Exp(-e0) / (2 * math.Pi * h * h * math.Sqrt(1-rho))
			l := Orthant(h, h, rho)
			if l < 1e-300 {
				continue
			}
			ratio := l / asym
			w02 := h * h * (1 - rho) / (1 + rho)
			first := 1/w02 + 1/e0
			if gap := math.Abs(ratio - 1); gap > 1.1*first || gap >= prevGap {
				t.Errorf("rho=%v h=%v: L/asymptotic = %.15g, want 1 within %.3g and closer than at the previous h", rho, h, ratio, 1.1*first)
			} else {
				prevGap = gap
			}
			if second := math.Abs(ratio - (1 - first)); second > 4*first*first {
				t.Errorf("rho=%v h=%v: L/asymptotic − (1 − 1/w0² − 1/E0) = %.3g, want O(h⁻⁴) ≤ %.3g", rho, h, second, 4*first*first)
			}
		}
	}
}

// TestOrthantNearUnitCorrelation sweeps ρ = ±(1 − 10^−j) and thresholds that
// make L tiny, comparing with the reflection L(h,k;ρ) = Q(h) − L(h,−k;−ρ)
// wherever that identity does not cancel (L ≥ Q(h)/2).
func TestOrthantNearUnitCorrelation(t *testing.T) {
	for _, h := range []float64{-2, 0, 0.7, 3, 8} {
		for _, k := range []float64{-3, -0.7, 0, 0.7, 3, 8} {
			for j := 1; j <= 16; j++ {
				for _, sign := range []float64{1, -1} {
					rho := sign * (1 - math.Pow(10, -float64(j)))
					l := Orthant(h, k, rho)
					if l < 0.5*Q(h) || l < 1e-300 {
						continue
					}
					want := Q(h) - Orthant(h, -k, -rho)
					if relErr(l, want) > 1e-14 {
						t.Errorf("Orthant(%v, %v, %v) = %.17g, Q(h) − Orthant(h, −k, −ρ) = %.17g", h, k, rho, l, want)
					}
				}
			}
		}
	}
}

// TestUpperTail checks the corrected tail against 22-digit values of
// erfc(x/√2)/2 (mpmath), and against ntk.Q to the x²·2e-16 by which Q's
// rounded argument x/√2 may shift it.
func TestUpperTail(t *testing.T) {
	ref := []struct {
		x    float64
		want string
	}{
		{1, "0.1586552539314570514148"},
		{2.5, "0.006209665325776135166978"},
		{5, "2.866515718791939116738e-7"},
		{8.25, "7.919726314642477340961e-17"},
		{10, "7.619853024160526065973e-24"},
		{15.5, "1.73446079179387005134e-54"},
		{20, "2.753624118606233695076e-89"},
		{27.625, "2.787143735391121928608e-168"},
		{30, "4.906713927148187059534e-198"},
		{33.125, "6.488677953802375995192e-241"},
		{36.75, "5.813144815533061802738e-296"},
	}
	for _, r := range ref {
		want, _, _ := big.ParseFloat(r.want, 10, 128, big.ToNearestEven)
		if e := relErrBig(upperTail(r.x), want); e > 3e-16 {
			t.Errorf("upperTail(%v) = %.17g, want %s (relative error %.2g)", r.x, upperTail(r.x), r.want, e)
		}
	}
	for x := -8.0; x <= 37.5; x += 0.125 { // normal (not subnormal) values
		u, q := upperTail(x), Q(x)
		if relErr(u, q) > 2e-16*(4+x*x) {
			t.Errorf("upperTail(%v) = %.17g, Q = %.17g", x, u, q)
		}
		if x >= 3 {
			phi := normalDensity(x)
			if lo, hi := (1/x-1/(x*x*x))*phi, phi/x; u < lo || u > hi {
				t.Errorf("upperTail(%v) = %v outside the Mills bounds [%v, %v]", x, u, lo, hi)
			}
		}
	}
	if u := upperTail(math.Inf(1)); u != 0 {
		t.Errorf("upperTail(+Inf) = %v, want 0", u)
	}
}

// TestNormalInterval checks P(a ≤ Z ≤ b) against symmetric closed forms and short intervals.
func TestNormalInterval(t *testing.T) {
	cases := []struct{ a, b, want float64 }{
		{-1, 1, math.Erf(1 / math.Sqrt2)},
		{0, math.Inf(1), 0.5},
		{3, 3, 0},
		{3, 2, 0},
	}
	for _, c := range cases {
		if got := normalInterval(c.a, c.b); relErr(got, c.want) > 1e-15 {
			t.Errorf("normalInterval(%v, %v) = %.17g, want %.17g", c.a, c.b, got, c.want)
		}
	}
	// Short intervals (endpoints exact in float64): φ(m)·d·(1 + (m²−1)d²/24) to O(d⁴m⁴).
	for _, m := range []float64{-30, -5, 0.0009765625, 1, 8, 30} {
		d := 0x1p-14
		if math.Abs(m) >= 8 {
			d = 0x1p-20
		}
		want := normalDensity(m) * d * (1 + (m*m-1)*d*d/24)
		if got := normalInterval(m-d/2, m+d/2); relErr(got, want) > 1e-13 {
			t.Errorf("normalInterval(%v ± %v) = %.17g, want %.17g", m, d/2, got, want)
		}
	}
}

// TestOrthantRules checks the generated quadrature tables: moments that each rule must integrate exactly.
func TestOrthantRules(t *testing.T) {
	for _, r := range []struct {
		name string
		r    rule
	}{{"legendre12", gaussLegendre12}} {
		n := len(r.r.x)
		for p := 0; p < 2*n; p++ { // ∫_{−1}^{1} x^p dx
			want := 0.0
			if p%2 == 0 {
				want = 2 / float64(p+1)
			}
			got := 0.0
			for i, x := range r.r.x {
				got += r.r.w[i] * math.Pow(x, float64(p))
			}
			if math.Abs(got-want) > 1e-15 {
				t.Errorf("%s: ∫x^%d = %.17g, want %.17g", r.name, p, got, want)
			}
		}
	}
	for _, r := range []struct {
		name string
		r    rule
	}{{"laguerre12", gaussLaguerre12}, {"laguerre16", gaussLaguerre16}, {"laguerre20", gaussLaguerre20},
		{"laguerre24", gaussLaguerre24}, {"laguerre32", gaussLaguerre32}, {"laguerre40", gaussLaguerre40}} {
		fact := 1.0
		for p := 0; p <= 2*len(r.r.x)-1 && p <= 16; p++ { // ∫_0^∞ e^{−u} u^p du = p!
			if p > 0 {
				fact *= float64(p)
			}
			got := 0.0
			for i, u := range r.r.x {
				got += r.r.w[i] * math.Pow(u, float64(p))
			}
			if relErr(got, fact) > 1e-14 {
				t.Errorf("%s: ∫e^{−u}u^%d = %.17g, want %v", r.name, p, got, fact)
			}
		}
	}
}

// TestOrthantCurveMatchesOrthant compares At with Orthant on random ρ
// (uniform, and log-uniformly close to ±1) for several thresholds.
func TestOrthantCurveMatchesOrthant(t *testing.T) {
	n := 100000
	if testing.Short() {
		n = 5000
	}
	for _, h := range []float64{0, 0.5, 1, 2, 3, 5, 1e-12, 1e-6, 1e-3, 0.1, 8, 15, 30, -0.7, -2.5} {
		c, err := NewOrthantCurve(h)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(uint64(math.Float64bits(h)), 7))
		worst, at := 0.0, 0.0
		for i := range n {
			rho := 2*r.Float64() - 1
			switch i % 3 {
			case 1:
				rho = 1 - math.Pow(10, -16*r.Float64())
			case 2:
				rho = -1 + math.Pow(10, -16*r.Float64())
			}
			want := Orthant(h, h, rho)
			got := c.At(rho)
			if want < 1e-300 {
				if got > 1e-300 {
					t.Errorf("h=%v rho=%v: At = %v, Orthant = %v", h, rho, got, want)
				}
				continue
			}
			if e := relErr(got, want); e > worst {
				worst, at = e, rho
			}
		}
		t.Logf("h=%v: worst relative difference At vs Orthant over %d rho: %.2g at rho=%v", h, n, worst, at)
		if worst > orthantBar {
			t.Errorf("h=%v: At(%v) = %.17g, Orthant = %.17g: relative difference %.3g > %g", h, at, c.At(at), Orthant(h, h, at), worst, orthantBar)
		}
	}
}

// TestOrthantCurveSpecialValues checks At at ρ = ±1, out of range and NaN, and the constructor's errors.
func TestOrthantCurveSpecialValues(t *testing.T) {
	for _, h := range []float64{-50, -3, -0.2, 0, 1e-9, 0.4, 2, 38, 39.5, 100} {
		c, err := NewOrthantCurve(h)
		if err != nil {
			t.Fatalf("NewOrthantCurve(%v): %v", h, err)
		}
		for _, rho := range []float64{-1, -0.999999, -0.3, 0, 0.6, 0.999999, 1} {
			got, want := c.At(rho), Orthant(h, h, rho)
			if !(relErr(got, want) <= orthantBar || want < 1e-300 && got < 1e-300) {
				t.Errorf("NewOrthantCurve(%v).At(%v) = %.17g, Orthant = %.17g", h, rho, got, want)
			}
		}
		for _, rho := range []float64{math.NaN(), 1.0000000000000002, -1.5, math.Inf(-1)} {
			if got := c.At(rho); !math.IsNaN(got) {
				t.Errorf("NewOrthantCurve(%v).At(%v) = %v, want NaN", h, rho, got)
			}
		}
	}
	for _, h := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		c, err := NewOrthantCurve(h)
		if err == nil || c != nil {
			t.Errorf("NewOrthantCurve(%v) = %v, %v; want an error", h, c, err)
			continue
		}
		if name := fmt.Sprint(h); !strings.Contains(err.Error(), name) {
			t.Errorf("NewOrthantCurve(%v): error %q does not name the value %s", h, err, name)
		}
	}
}

// TestOrthantCurvePieces checks that the interpolant converges everywhere
// (no piece left to direct evaluation) for thresholds down to 1e-12, with a
// bounded number of pieces.
func TestOrthantCurvePieces(t *testing.T) {
	for _, h := range []float64{1e-12, 1e-8, 1e-4, 0.01, 0.3, 1, 2.5, 4, 10, 25, 38.9, -1.5} {
		c, err := NewOrthantCurve(h)
		if err != nil {
			t.Fatal(err)
		}
		direct := 0
		for _, cf := range append(c.near.coef, c.far.coef...) {
			if cf == nil {
				direct++
			}
		}
		n := len(c.near.coef) + len(c.far.coef)
		t.Logf("h=%v: %d pieces (%d in w0 < 2.5, %d beyond)", h, n, len(c.near.coef), len(c.far.coef))
		if direct > 0 || n > 120 {
			t.Errorf("h=%v: %d of %d pieces fall back to direct evaluation (want 0 of at most 120)", h, direct, n)
		}
	}
}
