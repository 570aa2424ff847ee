package ntk

import (
	"math"
	"testing"
)

// TestQMatchesArbitraryPrecision compares Q with erfc(x/√2)/2 evaluated by
// mpmath at 40 digits (/usr/bin/python3 with python3-mpmath).
func TestQMatchesArbitraryPrecision(t *testing.T) {
	for _, c := range []struct{ x, want float64 }{
		{-3, 0.9986501019683699054733482},
		{0, 0.5},
		{0.5, 0.3085375387259868963622954},
		{1, 0.1586552539314570514147675},
		{2, 0.02275013194817920720028264},
		{3.5, 0.0002326290790355250363499259},
		{5, 0.0000002866515718791939116737523},
		{8.5, 9.47953482220331835415105e-18},
		{10, 7.619853024160526065973343e-24},
		{20, 2.753624118606233695075623e-89},
		{30, 4.906713927148187059533809e-198},
		{36.75, 5.813144815533061802738367e-296},
	} {
		if got := Q(c.x); math.Abs(got-c.want) > 1e-14*c.want {
			t.Errorf("Q(%v) = %.17g, want %.17g (relative error %.2g)", c.x, got, c.want, math.Abs(got-c.want)/c.want)
		}
		if got := NormalCDF(-c.x); math.Abs(got-c.want) > 1e-14*c.want {
			t.Errorf("NormalCDF(%v) = %.17g, want %.17g", -c.x, got, c.want)
		}
	}
	// Past x ≈ 38.5 the value is subnormal; past 40 it underflows to 0.
	if got, want := Q(38), 2.88542836006878430835097e-316; math.Abs(got-want) > 1e-6*want {
		t.Errorf("Q(38) = %g, want %g to the precision of a subnormal", got, want)
	}
	if Q(math.Inf(1)) != 0 || Q(math.Inf(-1)) != 1 || !math.IsNaN(Q(math.NaN())) {
		t.Errorf("Q(±Inf, NaN) = %v, %v, %v; want 0, 1, NaN", Q(math.Inf(1)), Q(math.Inf(-1)), Q(math.NaN()))
	}
}
