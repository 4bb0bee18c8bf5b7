package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// The first-sync benchmarks poll one page from the fake Graph API, which
// answers every call after a fixed latency, into a real bbolt file. Each
// conversation has 3 to 8 messages, and one in a hundred has 60. They
// report wall time, Graph calls by endpoint, the floors the issues name,
// and the process's CPU per stored message (the fake's JSON included: an
// upper bound for the app's own).
//
//	go test ./sync/engine -run '^$' -bench 'FirstSync|ResumedSync' -benchtime 1x

const benchConcurrency = 4

func BenchmarkFirstSync(b *testing.B) {
	for _, c := range []struct {
		convs   int
		latency time.Duration
	}{{2000, 20 * time.Millisecond}, {2000, 100 * time.Millisecond}, {20000, 100 * time.Millisecond}} {
		b.Run(fmt.Sprintf("convs=%d/latency=%s", c.convs, c.latency), func(b *testing.B) {
			for range b.N {
				f, counts := benchPage(b, c.convs, c.latency)
				r := benchPoll(b, f, context.Background(), nil)
				r.report(b, c.latency, counts)
			}
		})
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
			})
			cancel()
			b.ReportMetric(first.wall.Seconds(), "interrupted-wall-s")
			b.ReportMetric(float64(first.calls), "interrupted-calls")
			r := benchPoll(b, f, context.Background(), nil)
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
	stored             int
	concurrency, limit int
}

// benchPoll runs one poll of page 100 with the real clock.
func benchPoll(b *testing.B, f *fixture, ctx context.Context, notify func(Event)) benchRun {
	b.Helper()
	graph := facebook.NewClient(facebook.Options{BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: testAppSecret})
	p := NewPoller(PollerOptions{Store: f.st, Graph: graph, Tokens: f.tokens, Notify: notify, Concurrency: benchConcurrency})
	before := len(f.fb.Requests())
	statsBefore := f.stats(b)
	cpu, start := processCPU(), time.Now()
	rep, err := p.Poll(ctx, "100")
	r := benchRun{wall: time.Since(start), cpu: processCPU() - cpu, concurrency: p.o.Concurrency, limit: p.o.PageSize}
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
	r.stored = f.stats(b).Messages - statsBefore.Messages
	return r
}

// report writes the run's figures. floor is the issue's: calls made x
// latency / concurrency. serial-floor is the least time the calls that
// cannot overlap take: the list pages, one after another.
func (r benchRun) report(b *testing.B, latency time.Duration, counts []int) {
	listPages := (len(counts) + r.limit - 1) / r.limit
	floor := time.Duration(r.calls) * latency / time.Duration(r.concurrency)
	serial := time.Duration(listPages) * latency
	b.ReportMetric(r.wall.Seconds(), "wall-s")
	b.ReportMetric(float64(r.calls), "calls")
	b.ReportMetric(float64(r.list), "list-calls")
	b.ReportMetric(float64(r.msgs), "message-calls")
	b.ReportMetric(float64(r.calls-r.list-r.msgs), "other-calls")
	b.ReportMetric(floor.Seconds(), "floor-s")
	b.ReportMetric(r.wall.Seconds()/floor.Seconds(), "wall/floor")
	b.ReportMetric(serial.Seconds(), "serial-floor-s")
	b.ReportMetric(float64(r.stored), "stored")
	if r.stored > 0 {
		b.ReportMetric(float64(r.cpu.Microseconds())/float64(r.stored), "cpu-µs/msg")
	}
}
