package store

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Reads run in bbolt read transactions: they see one consistent snapshot
// and never block writers or each other. Each checks ctx once up front;
// none of them walks more than the entries it returns (plus, for the
// all-pages views, the handful of pages).

// view runs fn in a read transaction.
func (s *Store) view(fn func(b buckets) error) error {
	return s.db.View(func(tx *bbolt.Tx) error {
		b, err := bucketsOf(tx)
		if err != nil {
			return err
		}
		return fn(b)
	})
}

// Page returns one page, or ErrNotFound.
func (s *Store) Page(ctx context.Context, id string) (Page, error) {
	if err := ctx.Err(); err != nil {
		return Page{}, fmt.Errorf("store: page %s: %w", id, err)
	}
	var pg Page
	err := s.view(func(b buckets) error {
		return getOrNotFound(b.pages, []byte(id), &pg)
	})
	if err != nil {
		return Page{}, fmt.Errorf("store: page %s: %w", id, err)
	}
	return pg, nil
}

// Pages returns every page, sorted by ID.
func (s *Store) Pages(ctx context.Context) ([]Page, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("store: pages: %w", err)
	}
	var pages []Page
	err := s.view(func(b buckets) error {
		return b.pages.ForEach(func(k, v []byte) error {
			var pg Page
			if err := decode(k, v, &pg); err != nil {
				return err
			}
			pages = append(pages, pg)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("store: pages: %w", err)
	}
	return pages, nil
}

// Message returns one message by mid, or ErrNotFound.
func (s *Store) Message(ctx context.Context, mid string) (Message, error) {
	if err := ctx.Err(); err != nil {
		return Message{}, fmt.Errorf("store: message %s: %w", mid, err)
	}
	var m Message
	err := s.view(func(b buckets) error {
		key := b.mids.Get([]byte(mid))
		if key == nil {
			return ErrNotFound
		}
		return getOrNotFound(b.msgs, key, &m)
	})
	if err != nil {
		return Message{}, fmt.Errorf("store: message %s: %w", mid, err)
	}
	return m, nil
}

// SyncState returns what the poller remembers about a page: the zero state
// (with PageID set) if the page was never polled, which is not an error.
func (s *Store) SyncState(ctx context.Context, pageID string) (SyncState, error) {
	if err := ctx.Err(); err != nil {
		return SyncState{}, fmt.Errorf("store: sync state of %s: %w", pageID, err)
	}
	st := SyncState{PageID: pageID}
	err := s.view(func(b buckets) error {
		_, err := getJSON(b.sync, []byte(pageID), &st)
		return err
	})
	if err != nil {
		return SyncState{}, fmt.Errorf("store: sync state of %s: %w", pageID, err)
	}
	return st, nil
}

// LastFullPoll returns when the last poll of all pages started, or the
// zero time if there never was one.
func (s *Store) LastFullPoll(ctx context.Context) (time.Time, error) {
	if err := ctx.Err(); err != nil {
		return time.Time{}, fmt.Errorf("store: last full poll: %w", err)
	}
	var at time.Time
	err := s.view(func(b buckets) error {
		_, err := getJSON(b.meta, []byte(metaLastFullPoll), &at)
		return err
	})
	if err != nil {
		return time.Time{}, fmt.Errorf("store: last full poll: %w", err)
	}
	return at, nil
}

// Stats returns the record counts. They are counters kept by the writes
// themselves, so this is one key read however large the database is.
func (s *Store) Stats(ctx context.Context) (Stats, error) {
	if err := ctx.Err(); err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	var st Stats
	err := s.view(func(b buckets) error {
		_, err := getJSON(b.meta, []byte(metaStats), &st)
		return err
	})
	if err != nil {
		return Stats{}, fmt.Errorf("store: stats: %w", err)
	}
	return st, nil
}

// getOrNotFound is getJSON for records the caller asked for by key.
func getOrNotFound(b *bbolt.Bucket, key []byte, v any) error {
	ok, err := getJSON(b, key, v)
	if err == nil && !ok {
		return ErrNotFound
	}
	return err
}

// decode is getJSON for a value a cursor already holds.
func decode(k, v []byte, dst any) error {
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("decode %q: %w", k, err)
	}
	return nil
}

// lastWithPrefix positions c on the last key starting with prefix, and
// returns nil if there is none. Seeking just past the range and stepping
// back costs one tree descent, however long the range is.
func lastWithPrefix(c *bbolt.Cursor, prefix []byte) (k, v []byte) {
	return lastBefore(c, prefix, prefixEnd(prefix))
}

// lastBefore positions c on the last key starting with prefix that sorts
// before bound, and returns nil if there is none: where a backwards walk
// resumes from a cursor.
func lastBefore(c *bbolt.Cursor, prefix, bound []byte) (k, v []byte) {
	k, v = c.Seek(bound)
	if k == nil {
		k, v = c.Last()
	} else {
		k, v = c.Prev()
	}
	if k == nil || !bytes.HasPrefix(k, prefix) {
		return nil, nil
	}
	return k, v
}
