package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Fixture size: a merchant far past what the app is built for, so the
// benchmarks show that reads do not grow with the database.
const (
	fixturePages = 4
	fixtureConvs = 100_000
	fixtureMsgs  = 1_000_000
	// hotConv is the conversation MessagesLatest50 reads. It has
	// hotMsgs messages; conversations 1..emptyConvs have none, so the
	// total stays fixtureMsgs with 10 in every other conversation.
	hotConv    = 0
	hotMsgs    = 5_000
	emptyConvs = 499
)

// fixture is built at most once per test binary, and only if a benchmark
// asks for it; TestMain removes it.
var fixture struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// benchSeq makes the IDs written by the write benchmarks unique across
// their repeated runs against the same file.
var benchSeq atomic.Int64

func TestMain(m *testing.M) {
	code := m.Run()
	if fixture.dir != "" {
		os.RemoveAll(fixture.dir)
	}
	os.Exit(code)
}

// fixtureConv names conversation i. Consecutive conversations share a
// page, so the build appends to one key range at a time: bbolt holds a
// transaction's dirty nodes unsplit until commit, and inserting in the
// middle of one that grew huge would make the build quadratic.
func fixtureConv(i int) (pageID, psid string) {
	return fmt.Sprintf("1000000000%d", i/(fixtureConvs/fixturePages)), fmt.Sprintf("2%015d", i)
}

func fixtureMsgCount(i int) int {
	switch {
	case i == hotConv:
		return hotMsgs
	case i <= emptyConvs:
		return 0
	}
	return (fixtureMsgs - hotMsgs) / (fixtureConvs - 1 - emptyConvs)
}

// openFixture opens the shared large database with real fsync.
func openFixture(b *testing.B) *Store {
	b.Helper()
	fixture.once.Do(func() {
		fixture.dir, fixture.err = os.MkdirTemp("", "store-bench-")
		if fixture.err == nil {
			fixture.path = filepath.Join(fixture.dir, "inbox.db")
			fixture.err = buildFixture(fixture.path)
		}
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	s, err := Open(fixture.path, Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

func buildFixture(path string) error {
	start := time.Now()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	// Conversations (~20k messages) per transaction: enough to amortise
	// the commits, few enough that the unsplit dirty nodes stay small.
	const perApply = 2_000
	var total int
	for lo := 0; lo < fixtureConvs; lo += perApply {
		var ch Changes
		for i := lo; i < min(lo+perApply, fixtureConvs); i++ {
			page, psid := fixtureConv(i)
			// Scatter activity times so the recency index is not in
			// insertion order.
			updated := base.Add(time.Duration(i*7919%fixtureConvs) * time.Minute)
			ch.Conversations = append(ch.Conversations, Conversation{PageID: page, PSID: psid,
				ID: fmt.Sprintf("t_%d", 9e15+i), CustomerName: "Customer " + psid, UpdatedAt: updated,
				MessageCount: fixtureMsgCount(i)})
			n := fixtureMsgCount(i)
			for j := range n {
				dir := Incoming
				if j%2 == 1 {
					dir = Outgoing
				}
				ch.Messages = append(ch.Messages, Message{ID: fmt.Sprintf("m_%x", uint64(i*hotMsgs+j)*0x9E3779B97F4A7C15),
					PageID: page, PSID: psid, Direction: dir, CreatedAt: updated.Add(time.Duration(j-n) * time.Second),
					Text: "Hello, is this still available? Size M please."})
			}
			total += n
		}
		if _, err := s.Apply(ctx, ch); err != nil {
			return err
		}
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	if st.Conversations != fixtureConvs || st.Messages != fixtureMsgs || total != fixtureMsgs {
		return fmt.Errorf("fixture has %+v (generated %d messages)", st, total)
	}
	fmt.Fprintf(os.Stderr, "built fixture: %d conversations, %d messages in %v\n", st.Conversations, st.Messages, time.Since(start).Round(time.Millisecond))
	return nil
}

func BenchmarkConversationsRecent50(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		cs, err := s.Conversations(ctx, "", 50)
		if err != nil || len(cs) != 50 {
			b.Fatal(len(cs), err)
		}
	}
}

func BenchmarkMessagesLatest50(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	page, psid := fixtureConv(hotConv)
	b.ReportAllocs()
	for b.Loop() {
		ms, err := s.Messages(ctx, page, psid, 50)
		if err != nil || len(ms) != 50 {
			b.Fatal(len(ms), err)
		}
	}
}

func BenchmarkFindConversation(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	for _, by := range []string{"graphID", "psid"} {
		b.Run(by, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				i = (i + 7919) % fixtureConvs
				_, ref := fixtureConv(i)
				if by == "graphID" {
					ref = fmt.Sprintf("t_%d", 9e15+i)
				}
				if _, err := s.FindConversation(ctx, ref); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchMessage is a new message in an existing fixture conversation.
func benchMessage() Changes {
	n := int(benchSeq.Add(1))
	page, psid := fixtureConv(n % fixtureConvs)
	return Changes{Messages: []Message{{ID: fmt.Sprintf("m_bench_%d", n), PageID: page, PSID: psid,
		Direction: Incoming, CreatedAt: time.Now(), Text: "new message"}}}
}

// BenchmarkApplyMessage is one webhook message per Apply, one caller:
// a commit and an fsync each.
func BenchmarkApplyMessage(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Apply(ctx, benchMessage()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkApplyParallel is a burst of webhook POSTs, 64 concurrent
// callers: group commit folds them into shared transactions, so ns/op falls well
// below one fsync.
func BenchmarkApplyParallel(b *testing.B) {
	s := openFixture(b)
	ctx := context.Background()
	b.SetParallelism(64)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := s.Apply(ctx, benchMessage()); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
