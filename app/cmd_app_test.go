package app

import (
	"strings"
	"testing"
)

func TestAppWithoutADisplaySaysSoAndPointsAtServe(t *testing.T) {
	h := newHarness(t)
	for _, args := range [][]string{nil, {"app"}, {"--no-tunnel"}} {
		r := h.run("", args...)
		if r.code != ExitFailure || !strings.Contains(r.stderr, "no display") || !strings.Contains(r.stderr, "merchant-inbox serve") {
			t.Errorf("%q without a display: exit %d, stderr %q; want 1 and a pointer to serve", args, r.code, r.stderr)
		}
		if n := strings.Count(strings.TrimSpace(r.stderr), "\n"); n != 0 {
			t.Errorf("%q without a display: %d lines, want one:\n%s", args, n+1, r.stderr)
		}
	}
}

func TestAppWhileServeHoldsTheDataExits3(t *testing.T) {
	h := newHarness(t)
	_, stop, _ := h.startServe()
	defer stop()
	h.env["DISPLAY"] = ":99" // the app would open a window here; it must not get that far
	r := h.run("")
	if r.code != ExitRunning || !strings.Contains(r.stderr, "serve is already running") {
		t.Errorf("app while serve runs: exit %d, stderr %q; want 3 and the running serve named", r.code, r.stderr)
	}
}
