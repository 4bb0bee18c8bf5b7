package tunnel

import (
	"math/rand/v2"
	"time"
)

const (
	defaultMinBackoff = time.Second
	defaultMaxBackoff = time.Minute
)

// backoff returns how long to wait before retry n, counted from 0 since the
// last stable connection: lo·2ⁿ capped at hi, less up to a fifth at random
// so that retries do not fall into step with whatever else is retrying
// against the same edge. The wait never exceeds hi and, below it, still
// grows from one retry to the next.
func backoff(n int, lo, hi time.Duration) time.Duration {
	d := lo
	for i := 0; i < n && d < hi; i++ {
		d *= 2 // lo ≤ hi, so d stays below 2·hi: no overflow for any sane hi
	}
	d = min(d, hi)
	return d - time.Duration(rand.Int64N(int64(d)/5+1))
}
