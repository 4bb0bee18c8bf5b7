package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// AddPage records a page (when the merchant connects it) and reports
// whether it was new. An existing page is left untouched.
func (s *Store) AddPage(ctx context.Context, id string) (created bool, err error) {
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("store: add page: %w", err)
	}
	if err := checkID("pages", 0, "ID", id); err != nil {
		return false, fmt.Errorf("store: add page: %w", err)
	}
	err = s.write(func(t *txn) error {
		// Assigned on every run: a batched run can be rolled back and
		// repeated, and only the last one counts.
		created = t.pages.Get([]byte(id)) == nil
		return t.ensurePage(id)
	})
	if err != nil {
		return false, fmt.Errorf("store: add page %s: %w", id, err)
	}
	return created, nil
}

// SetNeedsLogin marks or clears a page's dead-token flag. It is separate
// from Apply so that no poll or webhook can clear the flag by accident;
// only storing a new token (or Meta reporting the token dead) does.
func (s *Store) SetNeedsLogin(ctx context.Context, pageID string, needs bool) error {
	return s.setPageFlag(ctx, pageID, "needs-login", func(pg *Page) { pg.NeedsLogin = needs })
}

// SetDisconnected marks or clears a page's disconnected flag. Like
// SetNeedsLogin it is separate from Apply, so that no webhook or poll can
// reconnect a page the merchant disconnected; only connecting it again does.
func (s *Store) SetDisconnected(ctx context.Context, pageID string, disconnected bool) error {
	return s.setPageFlag(ctx, pageID, "disconnected", func(pg *Page) { pg.Disconnected = disconnected })
}

// setPageFlag changes one flag of a stored page with set; ErrNotFound for
// a page that is not stored.
func (s *Store) setPageFlag(ctx context.Context, pageID, flag string, set func(*Page)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: set %s: %w", flag, err)
	}
	err := s.write(func(t *txn) error {
		var pg Page
		ok, err := getJSON(t.pages, []byte(pageID), &pg)
		if err != nil {
			return err
		}
		if !ok {
			return ErrNotFound
		}
		set(&pg)
		return putIfChanged(t.pages, []byte(pageID), pg)
	})
	if err != nil {
		return fmt.Errorf("store: set %s for page %s: %w", flag, pageID, err)
	}
	return nil
}

// PutSyncState replaces what the poller remembers about st.PageID.
func (s *Store) PutSyncState(ctx context.Context, st SyncState) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: put sync state: %w", err)
	}
	if err := checkID("sync", 0, "PageID", st.PageID); err != nil {
		return fmt.Errorf("store: put sync state: %w", err)
	}
	st.LastSuccess = st.LastSuccess.UTC()
	st.LastAttempt = st.LastAttempt.UTC()
	if cp := st.Checkpoint; cp != nil {
		c := *cp // the caller's copy stays as it was
		c.Started, c.Through, c.Until = c.Started.UTC(), c.Through.UTC(), c.Until.UTC()
		c.Retry = slices.Clone(c.Retry)
		for i, r := range c.Retry {
			if err := checkID("sync", i, "Retry.ConversationID", r.ConversationID); err != nil {
				return fmt.Errorf("store: put sync state: %w", err)
			}
			c.Retry[i].Since = r.Since.UTC()
		}
		st.Checkpoint = &c
	}
	err := s.write(func(t *txn) error {
		return putIfChanged(t.sync, []byte(st.PageID), st)
	})
	if err != nil {
		return fmt.Errorf("store: put sync state for page %s: %w", st.PageID, err)
	}
	return nil
}

// SetLastFullPoll records when the last poll of all pages started, so the
// scheduler can tell after a restart whether one is due.
func (s *Store) SetLastFullPoll(ctx context.Context, at time.Time) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: set last full poll: %w", err)
	}
	at = at.UTC()
	err := s.write(func(t *txn) error {
		return putIfChanged(t.meta, []byte(metaLastFullPoll), at)
	})
	if err != nil {
		return fmt.Errorf("store: set last full poll: %w", err)
	}
	return nil
}
