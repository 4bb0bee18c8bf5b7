package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Fixture size: a merchant far past what the app is built for, so the
// benchmarks show that reads do not grow with the database.
const (
	fixturePages = 4
	fixtureConvs = 100_000
	fixtureMsgs  = 1_000_000
	// hotConv is the conversation the thread benchmarks read. It has
	// hotMsgs messages; conversations 1..emptyConvs have none, so the
	// total stays fixtureMsgs with 10 in every other conversation.
	hotConv    = 0
	hotMsgs    = 5_000
	emptyConvs = 499
	// fixtureSeed makes the fixture's text (see corpus).
	fixtureSeed = 1
)

// fixtureEnv names a file to keep the fixture in between runs: building
// it takes minutes. Unset, it lives in a temporary directory for one run.
const fixtureEnv = "MERCHANT_INBOX_BENCH_DB"

// fixture is built at most once per test binary, and only if a benchmark
// asks for it; TestMain removes it unless fixtureEnv keeps it.
var fixture struct {
	once sync.Once
	dir  string // temporary, removed at the end
	path string
	err  error
}

// benchSeq and benchRun make the IDs written by the write benchmarks
// unique across their repeated runs, and across test binaries that reuse
// a kept fixture: a known ID would measure a redelivery instead.
var (
	benchSeq atomic.Int64
	benchRun = strconv.FormatInt(time.Now().UnixNano(), 36)
)

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
	s, err := Open(fixturePath(b), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// fixturePath builds the shared large database, or checks the kept one,
// once per test binary, and returns its path; the file is not open.
func fixturePath(b *testing.B) string {
	b.Helper()
	fixture.once.Do(func() {
		fixture.path = os.Getenv(fixtureEnv)
		if fixture.path == "" {
			fixture.dir, fixture.err = os.MkdirTemp("", "store-bench-")
			fixture.path = filepath.Join(fixture.dir, "inbox.db")
		}
		if fixture.err == nil {
			fixture.err = ensureFixture(fixture.path)
		}
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.path
}

// ensureFixture builds the fixture at path, or checks the one there.
func ensureFixture(path string) error {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return buildFixture(path)
	}
	s, err := Open(path, Options{})
	if err != nil {
		return err
	}
	defer s.Close()
	st, err := s.Stats(context.Background())
	if err != nil {
		return err
	}
	if st.Conversations != fixtureConvs || st.Messages < fixtureMsgs || s.indexing.Load() {
		return fmt.Errorf("%s holds %+v (index being built: %v), not the fixture; remove it", path, st, s.indexing.Load())
	}
	return nil
}

func buildFixture(path string) error {
	start := time.Now()
	s, err := Open(path, Options{NoSync: true})
	if err != nil {
		return err
	}
	defer s.Close()
	ctx := context.Background()
	text := newCorpus(fixtureSeed)
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
				ID: fmt.Sprintf("t_%d", 9e15+i), CustomerName: text.name(), UpdatedAt: updated,
				MessageCount: fixtureMsgCount(i)})
			n := fixtureMsgCount(i)
			for j := range n {
				dir := Incoming
				if j%2 == 1 {
					dir = Outgoing
				}
				ch.Messages = append(ch.Messages, Message{ID: fmt.Sprintf("m_%x", uint64(i*hotMsgs+j)*0x9E3779B97F4A7C15),
					PageID: page, PSID: psid, Direction: dir, CreatedAt: updated.Add(time.Duration(j-n) * time.Second),
					Text: text.text()})
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
	took := time.Since(start)
	fmt.Fprintf(os.Stderr, "built fixture: %d conversations, %d messages in %v\n", st.Conversations, st.Messages, took.Round(time.Millisecond))
	return reportSizes(s)
}

// reportSizes prints the file's size and the search index's share.
func reportSizes(s *Store) error {
	fi, err := os.Stat(s.Path())
	if err != nil {
		return err
	}
	return s.view(func(b buckets) error {
		msgs, names := b.searchMsgs.Stats(), b.searchNames.Stats()
		alloc := func(st bbolt.BucketStats) float64 { return float64(st.BranchAlloc+st.LeafAlloc) / 1e6 }
		fmt.Fprintf(os.Stderr, "fixture file %.0f MB; search index: %d message postings in %.0f MB, %d name postings in %.1f MB\n",
			float64(fi.Size())/1e6, msgs.KeyN, alloc(msgs), names.KeyN, alloc(names))
		return nil
	})
}
