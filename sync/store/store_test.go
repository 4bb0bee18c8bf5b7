package store

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// openTemp opens a fresh store in the test's temp dir and closes it at the
// end of the test.
func openTemp(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "inbox.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return s
}

func apply(t testing.TB, s *Store, ch Changes) {
	t.Helper()
	if _, err := s.Apply(context.Background(), ch); err != nil {
		t.Fatal(err)
	}
}

// dump returns every key and value in the file, so tests can assert that
// an operation changed nothing at all.
func dump(t testing.TB, s *Store) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, b *bbolt.Bucket) error {
			return b.ForEach(func(k, v []byte) error {
				out[string(name)+"/"+string(k)] = string(v)
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// countRecords walks the buckets the Stats counters stand for.
func countRecords(t testing.TB, s *Store) Stats {
	t.Helper()
	var st Stats
	err := s.db.View(func(tx *bbolt.Tx) error {
		st.Pages = tx.Bucket([]byte(bucketPages)).Stats().KeyN
		st.Conversations = tx.Bucket([]byte(bucketConvs)).Stats().KeyN
		st.Messages = tx.Bucket([]byte(bucketMsgs)).Stats().KeyN
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// checkStats asserts the O(1) counters match the walked counts and want.
func checkStats(t testing.TB, s *Store, want Stats) {
	t.Helper()
	got, err := s.Stats(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
	if walked := countRecords(t, s); walked != got {
		t.Errorf("Stats = %+v, but the buckets hold %+v", got, walked)
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "inbox.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode = %v, want 0600", perm)
	}
	var v int
	err = s.db.View(func(tx *bbolt.Tx) error {
		_, err := getJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSchema), &v)
		return err
	})
	if err != nil || v != schemaVersion {
		t.Errorf("schema version = %d, %v; want %d", v, err, schemaVersion)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s := openTemp(t)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		return putJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSchema), schemaVersion+1)
	})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s2, err := Open(s.Path(), Options{}); err == nil {
		s2.Close()
		t.Fatal("Open of a newer schema succeeded")
	}
}

func TestOpenLocked(t *testing.T) {
	s := openTemp(t)
	start := time.Now()
	s2, err := Open(s.Path(), Options{Timeout: 100 * time.Millisecond})
	if err == nil {
		s2.Close()
		t.Fatal("second Open succeeded")
	}
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("err = %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "already running") {
		t.Errorf("message %q does not say the app is already running", err)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Open took %v to give up", d)
	}
}

func TestReopenKeepsData(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inbox.db")
	ctx := context.Background()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	apply(t, s, Changes{Messages: []Message{{ID: "m1", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: at, Text: "hi"}}})
	if err := s.SetLastFullPoll(ctx, at); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m, err := s.Message(ctx, "m1")
	if err != nil || m.Text != "hi" || !m.CreatedAt.Equal(at) {
		t.Errorf("Message after reopen = %+v, %v", m, err)
	}
	if got, err := s.LastFullPoll(ctx); err != nil || !got.Equal(at) {
		t.Errorf("LastFullPoll after reopen = %v, %v; want %v", got, err, at)
	}
	checkStats(t, s, Stats{Pages: 1, Conversations: 1, Messages: 1})
}

func TestPagesAndNeedsLogin(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	for _, tc := range []struct {
		id      string
		created bool
	}{{"p2", true}, {"p1", true}, {"p2", false}} {
		created, err := s.AddPage(ctx, tc.id)
		if err != nil || created != tc.created {
			t.Errorf("AddPage(%s) = %v, %v; want %v", tc.id, created, err, tc.created)
		}
	}
	if _, err := s.AddPage(ctx, ""); !errors.Is(err, ErrInvalid) {
		t.Errorf("AddPage(\"\") err = %v, want ErrInvalid", err)
	}
	if err := s.SetNeedsLogin(ctx, "nope", true); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetNeedsLogin(unknown) err = %v, want ErrNotFound", err)
	}
	if err := s.SetNeedsLogin(ctx, "p1", true); err != nil {
		t.Fatal(err)
	}
	// Apply updates name and time but must not clear the flag.
	at := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	apply(t, s, Changes{Pages: []Page{{ID: "p1", Name: "Shop", UpdatedAt: at}}})
	apply(t, s, Changes{Pages: []Page{{ID: "p1", Category: "Retail", UpdatedAt: at.Add(-time.Hour)}}})

	pages, err := s.Pages(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []Page{{ID: "p1", Name: "Shop", Category: "Retail", NeedsLogin: true, UpdatedAt: at}, {ID: "p2"}}
	if len(pages) != len(want) {
		t.Fatalf("Pages = %+v, want %+v", pages, want)
	}
	for i := range want {
		if pages[i].ID != want[i].ID || pages[i].Name != want[i].Name || pages[i].Category != want[i].Category ||
			pages[i].NeedsLogin != want[i].NeedsLogin || !pages[i].UpdatedAt.Equal(want[i].UpdatedAt) {
			t.Errorf("Pages[%d] = %+v, want %+v", i, pages[i], want[i])
		}
	}
	if _, err := s.Page(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Page(unknown) err = %v, want ErrNotFound", err)
	}
	checkStats(t, s, Stats{Pages: 2})
}

func TestSyncStateRoundTrip(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	st, err := s.SyncState(ctx, "p1")
	if err != nil || st != (SyncState{PageID: "p1"}) {
		t.Errorf("SyncState(never synced) = %+v, %v", st, err)
	}
	if at, err := s.LastFullPoll(ctx); err != nil || !at.IsZero() {
		t.Errorf("LastFullPoll(never) = %v, %v", at, err)
	}
	zone := time.FixedZone("X", 3600)
	want := SyncState{
		PageID:      "p1",
		LastSuccess: time.Date(2025, 5, 1, 12, 0, 0, 5, zone),
		LastAttempt: time.Date(2025, 5, 1, 13, 0, 0, 0, zone),
		LastError:   "boom",
	}
	if err := s.PutSyncState(ctx, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.SyncState(ctx, "p1")
	if err != nil {
		t.Fatal(err)
	}
	if got.PageID != want.PageID || got.LastError != want.LastError ||
		!got.LastSuccess.Equal(want.LastSuccess) || !got.LastAttempt.Equal(want.LastAttempt) {
		t.Errorf("SyncState = %+v, want %+v", got, want)
	}
	if got.LastSuccess.Location() != time.UTC {
		t.Errorf("SyncState times stored in %v, want UTC", got.LastSuccess.Location())
	}
	if err := s.PutSyncState(ctx, SyncState{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("PutSyncState without PageID err = %v, want ErrInvalid", err)
	}
}

func TestCanceledContext(t *testing.T) {
	s := openTemp(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := s.Apply(ctx, Changes{Pages: []Page{{ID: "p"}}})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Apply(canceled) err = %v", err)
	}
	if _, err := s.Pages(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Pages(canceled) err = %v", err)
	}
	checkStats(t, s, Stats{})
}
