package app

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/engine"
)

// TestSyncStderrWithoutTerminal: stderr that is not a terminal gets the
// throttle lines and one final line, not a stream of progress; --quiet
// silences them all. A throttle longer than a sync waits fails the page at
// once with the local time the block ends.
func TestSyncStderrWithoutTerminal(t *testing.T) {
	h := newHarness(t)
	h.seed()
	h.mustRun(pageToken, "secrets", "set", "facebook-page-token:100")

	r := h.mustRun("", "sync")
	if strings.Contains(r.stderr, "page 1 of 1") {
		t.Errorf("progress streamed to a stderr that is not a terminal:\n%s", r.stderr)
	}
	if !strings.Contains(r.stderr, "facebook sync done: 1 pages, 2 conversations, 4 messages fetched") {
		t.Errorf("no final line on stderr:\n%s", r.stderr)
	}

	// Meta refuses one call, saying the block is over: a short wait, said
	// at once, then the sync goes on.
	h.fb.ThrottleCalls("100", 80001, 1)
	r = h.mustRun("", "sync")
	if !strings.Contains(r.stderr, "Meta rate-limits Shop One (100): it waits until ") {
		t.Errorf("no throttle line:\n%s", r.stderr)
	}

	// A block of an hour: the page fails with the block's end, local time.
	h.fb.Throttle("100", 80001, time.Hour)
	end := h.fb.ThrottledUntil("100").Local().Format("15:04")
	r = h.run("", "sync")
	if r.code != ExitFailure {
		t.Fatalf("sync during an hour's block: exit %d, want %d\n%s", r.code, ExitFailure, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stderr), "\n")
	var throttle []string
	for _, l := range lines {
		if strings.HasPrefix(l, "Meta rate-limits") {
			throttle = append(throttle, l)
		}
	}
	if len(throttle) != 1 || !strings.Contains(throttle[0], "longer than a sync waits") || !strings.Contains(throttle[0], end) {
		t.Errorf("throttle lines %q, want one saying the page waits until %s, longer than a sync waits", throttle, end)
	}
	if !strings.Contains(r.stdout, "Shop One (100): failed: ") || !strings.Contains(r.stdout, "Meta rate-limits this page until") {
		t.Errorf("report does not say why the page failed:\n%s", r.stdout)
	}
	if !strings.Contains(r.stderr, "facebook sync finished with errors") {
		t.Errorf("no final line:\n%s", r.stderr)
	}

	r = h.run("", "sync", "--quiet")
	for l := range strings.Lines(r.stderr) {
		if strings.HasPrefix(l, "Meta rate-limits") || strings.HasPrefix(l, "facebook sync") {
			t.Errorf("--quiet printed progress: %s", l)
		}
	}
}

// TestProgressPrinter feeds the printer a poll's events as a terminal and
// as a file would get them.
func TestProgressPrinter(t *testing.T) {
	at := time.Date(2026, 11, 23, 9, 0, 0, 0, time.Local)
	clock := at
	progress := func(page, convs, msgs int) engine.Event {
		ids := []string{"", "100", "200"}
		names := []string{"", "Shop One", "Shop Two"}
		return engine.Event{Kind: engine.PollProgress, At: clock, Progress: engine.Progress{
			Page: page, Pages: 2, PageID: ids[page], PageName: names[page], Conversations: convs, Messages: msgs}}
	}
	type step struct {
		ev      engine.Event
		advance time.Duration // of the printer's clock before the event
	}
	steps := []step{
		{ev: engine.Event{Kind: engine.PollStarted, At: at, Progress: engine.Progress{Pages: 2}}},
		{ev: progress(1, 0, 0)},
		{ev: progress(1, 10, 40), advance: 300 * time.Millisecond}, // too soon after the last line
		{ev: progress(1, 25, 90), advance: 800 * time.Millisecond},
		{ev: engine.Event{Kind: engine.RateLimitWait, PageID: "100", Scope: "100", Until: at.Add(5 * time.Minute)}},
		{ev: progress(2, 25, 90)}, // a new page always prints
		{ev: engine.Event{Kind: engine.RateLimitWait, PageID: "200", Scope: engine.AppScope, Until: at.Add(6 * time.Minute)}},
		{ev: engine.Event{Kind: engine.RateLimitWait, PageID: "200", Scope: "200", Until: at.Add(2 * time.Hour), Err: errors.New("too long")}},
		{ev: engine.Event{Kind: engine.PollFinished, At: at.Add(90 * time.Second), Progress: engine.Progress{Page: 2, Pages: 2, Conversations: 30, Messages: 99}, Err: errors.New("page 200 failed")}},
	}
	want := map[bool]string{
		true: `page 1 of 2, Shop One (100): 0 conversations, 0 messages fetched
page 1 of 2, Shop One (100): 25 conversations, 90 messages fetched
Meta rate-limits Shop One (100): it waits until 09:05:00
page 2 of 2, Shop Two (200): 25 conversations, 90 messages fetched
Meta rate-limits this app: every page waits until 09:06:00
Meta rate-limits Shop Two (200) until 11:00:00, longer than a sync waits: it is left for the next sync
facebook sync finished with errors: 2 pages, 30 conversations, 99 messages fetched in 1m30s
`,
		false: `Meta rate-limits Shop One (100): it waits until 09:05:00
Meta rate-limits this app: every page waits until 09:06:00
Meta rate-limits Shop Two (200) until 11:00:00, longer than a sync waits: it is left for the next sync
facebook sync finished with errors: 2 pages, 30 conversations, 99 messages fetched in 1m30s
`,
	}
	for _, stream := range []bool{true, false} {
		var out bytes.Buffer
		pp := newProgressPrinter(&out, stream)
		clock = at
		pp.now = func() time.Time { return clock }
		for _, s := range steps {
			clock = clock.Add(s.advance)
			pp.event(s.ev)
		}
		if out.String() != want[stream] {
			t.Errorf("stream %v:\n%s\nwant:\n%s", stream, out.String(), want[stream])
		}
	}
}
