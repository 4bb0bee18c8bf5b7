package store

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"time"
)

// Draft is what the merchant has not sent yet in one conversation: the
// text in the reply box, and the replies that failed to send, kept so
// that switching conversations, a failure or a restart loses nothing.
type Draft struct {
	PageID string `json:"page_id"`
	PSID   string `json:"psid"`
	Text   string `json:"text,omitempty"`
	// Failed are the sends that failed, oldest first, each to be retried
	// or deleted by the merchant.
	Failed    []FailedSend `json:"failed,omitempty"`
	UpdatedAt time.Time    `json:"updated_at,omitzero"`
}

// FailedSend is a reply Meta did not take (or that was refused before
// any call), with the reason the merchant was shown.
type FailedSend struct {
	// ID is a local id ("local_..."), never a Meta mid: the message
	// was not sent.
	ID         string    `json:"id"`
	Text       string    `json:"text,omitempty"`
	Card       *Card     `json:"card,omitempty"`
	HumanAgent bool      `json:"human_agent,omitempty"`
	Reason     string    `json:"reason"`
	At         time.Time `json:"at"`
}

// IsEmpty reports whether the draft holds nothing to keep.
func (d Draft) IsEmpty() bool { return d.Text == "" && len(d.Failed) == 0 }

// maxDraftText bounds a draft's text. A reply is at most 2,000
// characters, but the box may hold more while the merchant trims a paste.
const maxDraftText = 256 << 10

// Draft returns the conversation's draft: an empty one (PageID and PSID
// set) when there is none, which is not an error.
func (s *Store) Draft(ctx context.Context, pageID, psid string) (Draft, error) {
	if err := ctx.Err(); err != nil {
		return Draft{}, fmt.Errorf("store: draft %s/%s: %w", pageID, psid, err)
	}
	d := Draft{PageID: pageID, PSID: psid}
	err := s.view(func(b buckets) error {
		_, err := getJSON(b.drafts, convKey(pageID, psid), &d)
		return err
	})
	if err != nil {
		return Draft{}, fmt.Errorf("store: draft %s/%s: %w", pageID, psid, err)
	}
	return d, nil
}

// PutDraft replaces the conversation's draft whole; an empty one deletes
// it. The window saving the reply box should call SetDraftText instead,
// which cannot drop a failure the engine records meanwhile.
func (s *Store) PutDraft(ctx context.Context, d Draft) error {
	if err := checkDraft(d.PageID, d.PSID, d.Text); err != nil {
		return fmt.Errorf("store: put draft: %w", err)
	}
	d.Failed = slices.Clone(d.Failed)
	for i := range d.Failed {
		if d.Failed[i].ID == "" {
			d.Failed[i].ID = localID()
		}
		d.Failed[i].At = d.Failed[i].At.UTC()
	}
	return s.updateDraft(ctx, d.PageID, d.PSID, func(cur *Draft) {
		*cur = Draft{PageID: d.PageID, PSID: d.PSID, Text: d.Text, Failed: d.Failed, UpdatedAt: cur.UpdatedAt}
	})
}

// SetDraftText sets the text of the conversation's draft, keeping its
// failed sends; "" clears it.
func (s *Store) SetDraftText(ctx context.Context, pageID, psid, text string) error {
	if err := checkDraft(pageID, psid, text); err != nil {
		return fmt.Errorf("store: set draft text: %w", err)
	}
	return s.updateDraft(ctx, pageID, psid, func(d *Draft) { d.Text = text })
}

// AddFailedSend records a send that failed and returns it as stored: an
// empty ID is given a local one, and At defaults to now.
func (s *Store) AddFailedSend(ctx context.Context, pageID, psid string, f FailedSend) (FailedSend, error) {
	if err := checkDraft(pageID, psid, f.Text); err != nil {
		return FailedSend{}, fmt.Errorf("store: add failed send: %w", err)
	}
	if f.ID == "" {
		f.ID = localID()
	}
	if f.At.IsZero() {
		f.At = time.Now()
	}
	f.At = f.At.UTC()
	err := s.updateDraft(ctx, pageID, psid, func(d *Draft) {
		d.Failed = slices.DeleteFunc(d.Failed, func(x FailedSend) bool { return x.ID == f.ID })
		d.Failed = append(d.Failed, f)
	})
	if err != nil {
		return FailedSend{}, err
	}
	return f, nil
}

// RemoveFailedSend drops one failed send (it was retried, or the merchant
// deleted it) and returns it; ok is false when there was none by that id.
func (s *Store) RemoveFailedSend(ctx context.Context, pageID, psid, id string) (f FailedSend, ok bool, err error) {
	if err := checkIDs("drafts", 0, pageID, psid); err != nil {
		return FailedSend{}, false, fmt.Errorf("store: remove failed send: %w", err)
	}
	err = s.updateDraft(ctx, pageID, psid, func(d *Draft) {
		f, ok = FailedSend{}, false // a batched run may repeat
		if i := slices.IndexFunc(d.Failed, func(x FailedSend) bool { return x.ID == id }); i >= 0 {
			f, ok = d.Failed[i], true
			d.Failed = slices.Delete(slices.Clone(d.Failed), i, i+1)
		}
	})
	return f, ok, err
}

// DeleteDraft drops the conversation's draft, text and failures.
func (s *Store) DeleteDraft(ctx context.Context, pageID, psid string) error {
	if err := checkIDs("drafts", 0, pageID, psid); err != nil {
		return fmt.Errorf("store: delete draft: %w", err)
	}
	return s.updateDraft(ctx, pageID, psid, func(d *Draft) { *d = Draft{} })
}

// updateDraft reads, changes and writes back one draft in a write
// transaction; a draft left empty is deleted.
func (s *Store) updateDraft(ctx context.Context, pageID, psid string, change func(*Draft)) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("store: draft %s/%s: %w", pageID, psid, err)
	}
	err := s.write(func(t *txn) error {
		key := convKey(pageID, psid)
		d := Draft{PageID: pageID, PSID: psid}
		if _, err := getJSON(t.drafts, key, &d); err != nil {
			return err
		}
		change(&d)
		if d.IsEmpty() {
			return t.drafts.Delete(key)
		}
		d.PageID, d.PSID, d.UpdatedAt = pageID, psid, time.Now().UTC()
		return putJSON(t.drafts, key, d)
	})
	if err != nil {
		return fmt.Errorf("store: draft %s/%s: %w", pageID, psid, err)
	}
	return nil
}

func checkDraft(pageID, psid, text string) error {
	if err := checkIDs("drafts", 0, pageID, psid); err != nil {
		return err
	}
	if len(text) > maxDraftText {
		return fmt.Errorf("%w: draft text of %d bytes (at most %d)", ErrInvalid, len(text), maxDraftText)
	}
	return nil
}

// localID names a failed send: random, so two windows never collide.
func localID() string { return "local_" + rand.Text() }
