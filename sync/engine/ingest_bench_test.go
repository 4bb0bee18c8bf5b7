package engine

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// BenchmarkWebhookIngest posts signed one-message deliveries over loopback
// to the real webhook handler, which commits each to a real bbolt file
// (fsync on) before answering. Every 200 is a durable event. Reported:
// events/s and p50/p99 latency seen by the sender, for several numbers of
// concurrent senders (Meta delivers in parallel).
func BenchmarkWebhookIngest(b *testing.B) {
	for _, senders := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprintf("senders=%d", senders), func(b *testing.B) {
			benchIngest(b, senders)
		})
	}
}

func benchIngest(b *testing.B, senders int) {
	st, err := store.Open(filepath.Join(b.TempDir(), "inbox.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.AddPage(b.Context(), "100"); err != nil {
		b.Fatal(err)
	}
	h := facebook.NewWebhookHandler(facebook.HandlerOptions{
		AppSecret: testAppSecret, Sink: NewIngester(IngesterOptions{Store: st}),
	})
	srv := httptest.NewServer(h)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: senders, MaxConnsPerHost: senders}}

	var (
		next      atomic.Int64
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, b.N)
		wg        sync.WaitGroup
	)
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for w := range senders {
		wg.Go(func() {
			local := make([]time.Duration, 0, b.N/senders+1)
			for {
				i := next.Add(1)
				if i > int64(b.N) {
					break
				}
				body := fmt.Appendf(nil, `{"object":"page","entry":[{"id":"100","time":%[1]d,"messaging":[{"sender":{"id":"%[2]d"},"recipient":{"id":"100"},"timestamp":%[1]d,"message":{"mid":"m_bench_%[3]d","text":"is this still available in blue?"}}]}]}`,
					1763892000000+i, 5000+w, i)
				t := time.Now()
				if code := deliver(client, srv.URL, body); code != http.StatusOK {
					b.Errorf("status %d", code)
					return
				}
				local = append(local, time.Since(t))
			}
			mu.Lock()
			latencies = append(latencies, local...)
			mu.Unlock()
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	s, err := st.Stats(b.Context())
	if err != nil || s.Messages != b.N {
		b.Fatalf("stored %d messages (%v), want %d", s.Messages, err, b.N)
	}
	slices.Sort(latencies)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "events/s")
	b.ReportMetric(float64(percentile(latencies, 50).Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(percentile(latencies, 99).Microseconds())/1000, "p99-ms")
}

func deliver(c *http.Client, url string, body []byte) int {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0
	}
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody(body, testAppSecret))
	resp, err := c.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[(len(sorted)-1)*p/100]
}
