package engine

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jonboulle/clockwork"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

const testAppSecret = "test-app-secret"

// t0 is "now" when a fixture starts; messages in tests are placed around it.
var t0 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

// clock is clockwork's fake clock, shared by the Graph client, the fake
// Graph API and the poller, whose Sleep advances it instead of waiting and
// records how long was asked for.
type clock struct {
	*clockwork.FakeClock
	mu     sync.Mutex
	sleeps []time.Duration
}

func newClock() *clock { return &clock{FakeClock: clockwork.NewFakeClockAt(t0)} }

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	c.mu.Lock()
	c.sleeps = append(c.sleeps, d)
	c.mu.Unlock()
	c.Advance(d)
	return ctx.Err()
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.sleeps...)
}

// fixture is an engine over a real bbolt file, an in-memory keychain and
// the fake Graph API.
type fixture struct {
	fb     *facebooktest.Server
	st     *store.Store
	tokens *secrets.Store
	clock  *clock
	poller *Poller
	events chan Event
	polled *eventLog // what the poller published
	dbPath string
}

// eventLog records events; a poll publishes too many to buffer in a
// channel nobody reads.
type eventLog struct {
	mu  sync.Mutex
	evs []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.evs = append(l.evs, e)
}

// take returns the events recorded since the last take.
func (l *eventLog) take() []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	evs := l.evs
	l.evs = nil
	return evs
}

// ofKind keeps the events of one kind.
func ofKind(evs []Event, k EventKind) []Event {
	var out []Event
	for _, e := range evs {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{
		fb:     facebooktest.NewServer(t),
		tokens: secrets.New("engine-test", secrets.WithBackend(secrets.NewMemoryBackend())),
		clock:  newClock(),
		events: make(chan Event, 10000),
		polled: &eventLog{},
		dbPath: filepath.Join(t.TempDir(), "inbox.db"),
	}
	f.fb.RequireAppSecretProof(testAppSecret)
	var err error
	f.st, err = store.Open(f.dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.st.Close() })
	f.poller = f.newPoller(nil)
	return f
}

// newPoller is a Poller over the fixture's store, with a Graph client of
// its own; adjust, when set, changes its options first.
func (f *fixture) newPoller(adjust func(*PollerOptions)) *Poller {
	graph := facebook.NewClient(facebook.Options{
		BaseURL: f.fb.URL, HTTPClient: f.fb.Client(), AppSecret: testAppSecret, Now: f.clock.Now,
	})
	o := PollerOptions{
		Store: f.st, Graph: graph, Tokens: f.tokens,
		Notify:   f.polled.add,
		PageSize: 10, Now: f.clock.Now, Sleep: f.clock.Sleep,
	}
	if adjust != nil {
		adjust(&o)
	}
	return NewPoller(o)
}

// restart closes the store and opens the same file again, with a new
// Poller, as a restart of the app does.
func (f *fixture) restart(t testing.TB, adjust func(*PollerOptions)) {
	t.Helper()
	if err := f.st.Close(); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(f.dbPath, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.st = st
	f.poller = f.newPoller(adjust)
}

// addPage adds a page to the fake, its token to the keychain and the page
// to the store, as `secrets set facebook-page-token:ID` does.
func (f *fixture) addPage(t testing.TB, id, name string) {
	t.Helper()
	token := "token-" + id
	f.fb.AddPage(id, name, "Shopping & retail", token)
	if err := f.tokens.Set(t.Context(), secrets.PageToken(id), token); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.AddPage(t.Context(), id); err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) poll(t *testing.T, pages ...string) Report {
	t.Helper()
	rep, err := f.poller.Poll(t.Context(), pages...)
	if err != nil {
		t.Fatalf("Poll: %v", err)
	}
	return rep
}

// requests counts the fake's requests whose path ends with suffix.
func (f *fixture) requests(suffix string) int {
	n := 0
	for _, r := range f.fb.Requests() {
		if len(r.Path) >= len(suffix) && r.Path[len(r.Path)-len(suffix):] == suffix {
			n++
		}
	}
	return n
}

func (f *fixture) messages(t *testing.T, pageID, psid string) []store.Message {
	t.Helper()
	msgs, err := f.st.Messages(t.Context(), pageID, psid, 0)
	if err != nil {
		t.Fatal(err)
	}
	return msgs
}

func (f *fixture) stats(t testing.TB) store.Stats {
	t.Helper()
	s, err := f.st.Stats(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return s
}
