package tunnel

import (
	"testing"
	"time"
)

func TestBackoff(t *testing.T) {
	const s = time.Second
	tests := []struct {
		n      int
		lo, hi time.Duration
		base   time.Duration
	}{
		{0, s, time.Minute, s},
		{1, s, time.Minute, 2 * s},
		{5, s, time.Minute, 32 * s},
		{6, s, time.Minute, time.Minute},
		{1000, s, time.Minute, time.Minute}, // no overflow however long the outage
		{3, s, s, s},                        // lo == hi: constant
	}
	for _, tt := range tests {
		seen := map[time.Duration]bool{}
		for range 200 {
			d := backoff(tt.n, tt.lo, tt.hi)
			checkJittered(t, "backoff", d, tt.base)
			seen[d] = true
		}
		if len(seen) < 2 {
			t.Errorf("backoff(%d, %v, %v) gave one value 200 times: no jitter", tt.n, tt.lo, tt.hi)
		}
	}
}
