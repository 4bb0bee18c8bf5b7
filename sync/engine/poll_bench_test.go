package engine

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// The first-sync benchmarks poll one page from the fake Graph API, which
// answers every call after a fixed latency, into a real bbolt file. Each
// conversation has 3 to 8 messages, and one in a hundred has 60. They
// report wall time, Graph calls by endpoint, the floors to compare with,
// the bytes a list call returns, and the process's CPU per stored message
// (the fake's JSON included: an upper bound for the app's own).
//
//	go test ./sync/engine -run '^$' -bench 'FirstSync|ResumedSync|NestedSize' -benchtime 1x

const benchConcurrency = 4

func BenchmarkFirstSync(b *testing.B) {
	for _, c := range []struct {
		convs   int
		latency time.Duration
	}{{2000, 20 * time.Millisecond}, {2000, 100 * time.Millisecond}, {20000, 100 * time.Millisecond}} {
		b.Run(fmt.Sprintf("convs=%d/latency=%s", c.convs, c.latency), func(b *testing.B) {
			for range b.N {
				f, counts := benchPage(b, c.convs, c.latency)
				r := benchPoll(b, f, context.Background(), nil, nil)
				r.report(b, c.latency, counts)
			}
		})
	}
}

// BenchmarkNestedSize is the first sync of 2,000 conversations with the
// list call nesting none, 5, 10 or 25 messages per conversation, and 25
// or 50 conversations per list call: what the defaults were chosen by.
func BenchmarkNestedSize(b *testing.B) {
	for _, latency := range []time.Duration{20 * time.Millisecond, 100 * time.Millisecond} {
		for _, limit := range []int{25, 50} {
			for _, nested := range []int{-1, 5, 10, 25} {
				b.Run(fmt.Sprintf("latency=%s/limit=%d/nested=%d", latency, limit, max(nested, 0)), func(b *testing.B) {
					for range b.N {
						f, counts := benchPage(b, 2000, latency)
						r := benchPoll(b, f, context.Background(), nil, func(o *PollerOptions) {
							o.PageSize, o.NestedMessages = limit, nested
						})
						r.report(b, latency, counts)
					}
				})
			}
		}
	}
}

// BenchmarkResumedSync interrupts a first sync once half the conversations
// are stored, then polls again with a new Poller over the same store file,
// as after a restart; it reports the second poll.
func BenchmarkResumedSync(b *testing.B) {
	const convs, latency = 20000, 100 * time.Millisecond
	b.Run(fmt.Sprintf("convs=%d/latency=%s", convs, latency), func(b *testing.B) {
		for range b.N {
			f, counts := benchPage(b, convs, latency)
			ctx, cancel := context.WithCancel(context.Background())
			first := benchPoll(b, f, ctx, func(e Event) {
				if e.Kind == PollProgress && e.Progress.Conversations >= convs/2 {
					cancel()
				}
			}, nil)
			cancel()
			b.ReportMetric(first.wall.Seconds(), "interrupted-wall-s")
			b.ReportMetric(float64(first.calls), "interrupted-calls")
			r := benchPoll(b, f, context.Background(), nil, nil)
			r.report(b, latency, counts)
		}
	})
}

// benchPage gives the fake one page of n conversations and returns each
// one's number of messages.
func benchPage(b *testing.B, n int, latency time.Duration) (*fixture, []int) {
	b.Helper()
	f := newFixture(b)
	f.addPage(b, "100", "Shop One")
	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, n)
	for i := range n {
		counts[i] = 3 + rng.IntN(6)
		if i%100 == 99 {
			counts[i] = 60
		}
		psid := fmt.Sprint(100000 + i)
		last := t0.Add(-time.Duration(i) * time.Minute)
		for j := range counts[i] {
			f.fb.AddMessage("100", psid, "Customer "+psid, facebooktest.FakeMessage{
				ID: fmt.Sprintf("m_%d_%d", i, j), Text: "message text of a typical length, about a product and its size",
				At: last.Add(-time.Duration(counts[i]-1-j) * time.Second), FromPage: j%2 == 1,
			})
		}
	}
	f.fb.SetLatency(latency)
	return f, counts
}

type benchRun struct {
	wall, cpu          time.Duration
	calls, list, msgs  int
	listBytes          int64
	stored             int
	concurrency, limit int
	nested, msgLimit   int
}

// benchPoll runs one poll of page 100 with the real clock; adjust, when
// set, changes the Poller's options.
func benchPoll(b *testing.B, f *fixture, ctx context.Context, notify func(Event), adjust func(*PollerOptions)) benchRun {
	b.Helper()
	counter := &countingTransport{next: f.fb.Client().Transport}
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: &http.Client{Transport: counter}, AppSecret: testAppSecret})
	o := PollerOptions{Store: f.st, Graph: graph, Tokens: f.tokens, Notify: notify, Concurrency: benchConcurrency}
	if adjust != nil {
		adjust(&o)
	}
	p := NewPoller(o)
	before := len(f.fb.Requests())
	statsBefore := f.stats(b)
	cpu, start := processCPU(), time.Now()
	rep, err := p.Poll(ctx, "100")
	r := benchRun{wall: time.Since(start), cpu: processCPU() - cpu, concurrency: p.o.Concurrency,
		limit: p.o.PageSize, nested: p.o.NestedMessages, msgLimit: p.o.PageSize}
	if err != nil && ctx.Err() == nil {
		b.Fatal(err)
	}
	if err := rep.Err(); err != nil && ctx.Err() == nil {
		b.Fatal(err)
	}
	for _, req := range f.fb.Requests()[before:] {
		r.calls++
		switch {
		case strings.HasSuffix(req.Path, "/conversations"):
			r.list++
		case strings.HasSuffix(req.Path, "/messages"):
			r.msgs++
		}
	}
	r.listBytes = counter.bytes("/conversations")
	r.stored = f.stats(b).Messages - statsBefore.Messages
	return r
}

// report writes the run's figures:
//
//   - floor-s: the calls made x latency / concurrency;
//   - least-calls: the list pages, plus for each conversation
//     longer than the nested page the calls for the rest of it, plus the
//     page's details; wall/least compares the wall time with that many
//     calls one after another;
//   - wall/list-floor compares it with the calls that cannot overlap at
//     all: the page's details, then the list pages, each of which needs
//     the previous one's cursor.
func (r benchRun) report(b *testing.B, latency time.Duration, counts []int) {
	listPages := (len(counts) + r.limit - 1) / r.limit
	least := 1 + listPages
	for _, n := range counts {
		if rest := n - r.nested; rest > 0 || r.nested == 0 {
			least += max(1, (rest+r.msgLimit-1)/r.msgLimit)
		}
	}
	floor := time.Duration(r.calls) * latency / time.Duration(r.concurrency)
	leastTime := time.Duration(least) * latency
	b.ReportMetric(r.wall.Seconds(), "wall-s")
	b.ReportMetric(float64(r.calls), "calls")
	b.ReportMetric(float64(r.list), "list-calls")
	b.ReportMetric(float64(r.msgs), "message-calls")
	b.ReportMetric(float64(r.calls-r.list-r.msgs), "other-calls")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(r.wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(float64(least), "least-calls")
	b.ReportMetric(float64(r.calls)/float64(least), "calls/least")
	b.ReportMetric(r.wall.Seconds()/leastTime.Seconds(), "wall/least")
	b.ReportMetric(r.wall.Seconds()/(time.Duration(1+listPages)*latency).Seconds(), "wall/list-floor")
	if r.list > 0 {
		b.ReportMetric(float64(r.listBytes)/float64(r.list)/1024, "KiB/list-call")
	}
	b.ReportMetric(float64(r.stored), "stored")
	if r.stored > 0 {
		b.ReportMetric(float64(r.cpu.Microseconds())/float64(r.stored), "cpu-µs/msg")
	}
}

// countingTransport counts response bytes by request path suffix.
type countingTransport struct {
	next http.RoundTripper
	mu   sync.Mutex
	by   map[string]int64 // by last path element
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := c.next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	key := req.URL.Path[strings.LastIndexByte(req.URL.Path, '/'):]
	resp.Body = &countingBody{ReadCloser: resp.Body, add: func(n int) {
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.by == nil {
			c.by = map[string]int64{}
		}
		c.by[key] += int64(n)
	}}
	return resp, nil
}

func (c *countingTransport) bytes(suffix string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.by[suffix]
}

type countingBody struct {
	io.ReadCloser
	add func(int)
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	b.add(n)
	return n, err
}
