package nbexec

import (
	"reflect"
	"testing"
)

func TestCheckDOM(t *testing.T) {
	dom := `<html><head><style>.sparsentk-chart{}</style></head><body>
<div class="sparsentk-chart" id="a" style="width: 640px;" data-drawn="true"><canvas></canvas></div>
<div id=b class='box sparsentk-chart wide' data-drawn="false"></div>
<div class="sparsentk-chart" data-error="TypeError: x is &quot;undefined&quot;"></div>
<div class="sparsentk-chart-legend" data-drawn="true"></div>
<script>var s = '<div class="sparsentk-chart" data-drawn="true">';</script>
<!-- <div class="sparsentk-chart"> -->
<SPAN CLASS="sparsentk-chart" DATA-DRAWN="true"/>
</body></html>`
	log := `[1:1:1127/052315.888082:INFO:CONSOLE:1] "hello", source: file:///x.html (1)
[1:1:1127/052315.888147:INFO:CONSOLE:1] "Uncaught ReferenceError: f is not defined", source: file:///x.html (7)
[1:1:1127/052310.508175:ERROR:dbus/bus.cc:405] Failed to connect to the bus`
	got := CheckDOM(dom, log)
	want := Charts{
		Total:      4,
		Drawn:      2,
		Errors:     []string{`TypeError: x is "undefined"`},
		PageErrors: []string{"Uncaught ReferenceError: f is not defined at file:///x.html (7)"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("CheckDOM = %+v, want %+v", got, want)
	}
	if got.OK() {
		t.Error("OK() with undrawn charts")
	}
}

func TestChartsOK(t *testing.T) {
	for _, tc := range []struct {
		c    Charts
		want bool
	}{
		{Charts{}, true},
		{Charts{Total: 2, Drawn: 2}, true},
		{Charts{Total: 2, Drawn: 1}, false},
		{Charts{Total: 1, Drawn: 1, Errors: []string{"e"}}, false},
		{Charts{Total: 1, Drawn: 1, PageErrors: []string{"Uncaught e"}}, false},
	} {
		if got := tc.c.OK(); got != tc.want {
			t.Errorf("%+v.OK() = %v, want %v", tc.c, got, tc.want)
		}
	}
}
