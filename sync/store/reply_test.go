package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

func lastIncoming(t *testing.T, s *Store, psid string) time.Time {
	t.Helper()
	c, err := s.Conversation(context.Background(), "p", psid)
	if err != nil {
		t.Fatal(err)
	}
	return c.LastIncomingAt
}

// TestLastIncomingAt: every write path (a webhook's message, a poll's
// copy, the app's own send) goes through Apply; only the customer's
// messages move the window, in any order, and only forward.
func TestLastIncomingAt(t *testing.T) {
	s := openTemp(t)
	in := func(id string, at time.Duration) Message {
		return Message{ID: id, PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0.Add(at), Text: id}
	}
	out := func(id string, at time.Duration) Message {
		return Message{ID: id, PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(at), Text: id}
	}
	steps := []struct {
		name string
		msg  Message
		want time.Duration // -1: zero
	}{
		{"the page wrote first", out("o1", 0), -1},
		{"a webhook's message", in("i1", time.Minute), time.Minute},
		{"the app's reply", out("o2", 2*time.Minute), time.Minute},
		{"a poll brings an older one", in("i0", -time.Hour), time.Minute},
		{"a poll brings a newer one", in("i2", time.Hour), time.Hour},
		{"the same one again, a second earlier (Graph's seconds)", in("i2", time.Hour-time.Second), time.Hour},
	}
	for _, st := range steps {
		apply(t, s, Changes{Messages: []Message{st.msg}})
		got := lastIncoming(t, s, "u")
		want := time.Time{}
		if st.want >= 0 {
			want = t0.Add(st.want)
		}
		if !got.Equal(want) {
			t.Fatalf("%s: LastIncomingAt = %v, want %v", st.name, got, want)
		}
	}
	// A direction learnt later (a reaction-only stub has none) counts.
	apply(t, s, Changes{Messages: []Message{{ID: "x", PageID: "p", PSID: "v", CreatedAt: t0}}})
	apply(t, s, Changes{Messages: []Message{{ID: "x", PageID: "p", PSID: "v", Direction: Incoming, CreatedAt: t0}}})
	if got := lastIncoming(t, s, "v"); !got.Equal(t0) {
		t.Errorf("direction filled in later: LastIncomingAt = %v", got)
	}
}

// TestSentCardMergesWithItsCopies: the app stores its card with Meta's
// mid; the echo webhook and the next poll bring the same mid as a
// template attachment. One message, the card kept, the snippet its title.
func TestSentCardMergesWithItsCopies(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	apply(t, s, Changes{Messages: []Message{{ID: "m_in", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0, Text: "Do you have mugs?"}}})
	card := &Card{Title: "Blue Mug", Subtitle: "EUR 12.50", ImageURL: "https://cdn.example/m.jpg", URL: "https://shop.example/p/mug", Button: "View"}
	sent := Message{ID: "m_sent", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(time.Minute + 250*time.Millisecond), Card: card}
	apply(t, s, Changes{Messages: []Message{sent}})
	before, err := s.Conversation(ctx, "p", "u")
	if err != nil {
		t.Fatal(err)
	}
	if before.Snippet != "Blue Mug" || before.LastDirection != Outgoing {
		t.Fatalf("after send: snippet %q, direction %q", before.Snippet, before.LastDirection)
	}
	echo := Message{ID: "m_sent", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(time.Minute + 300*time.Millisecond),
		Attachments: []Attachment{{Type: "template"}}}
	poll := Message{ID: "m_sent", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(time.Minute),
		Attachments: []Attachment{{Type: "template", Name: "Blue Mug", URL: card.URL}}}
	for _, m := range []Message{echo, poll} {
		res, err := s.Apply(ctx, Changes{Messages: []Message{m}})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.New) != 0 {
			t.Fatalf("a copy was stored as new: %+v", res.New)
		}
	}
	msgs, err := s.Messages(ctx, "p", "u", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("%d messages, want 2", len(msgs))
	}
	got := msgs[len(msgs)-1]
	if got.ID != "m_sent" || got.Card == nil || *got.Card != *card || len(got.Attachments) != 0 || got.Direction != Outgoing ||
		!got.CreatedAt.Equal(sent.CreatedAt) {
		t.Fatalf("merged = %+v", got)
	}
	after, err := s.Conversation(ctx, "p", "u")
	if err != nil {
		t.Fatal(err)
	}
	if after.Snippet != before.Snippet || !after.LastIncomingAt.Equal(t0) {
		t.Errorf("after copies: %+v", after)
	}
	checkStats(t, s, countRecords(t, s))

	// The echo may arrive before the app stores its own copy.
	echoFirst := Message{ID: "m_card2", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(2 * time.Minute),
		Attachments: []Attachment{{Type: "template"}}}
	apply(t, s, Changes{Messages: []Message{echoFirst}})
	own := echoFirst
	own.Attachments, own.Card = nil, card
	apply(t, s, Changes{Messages: []Message{own}})
	m, err := s.Message(ctx, "m_card2")
	if err != nil || m.Card == nil || len(m.Attachments) != 0 {
		t.Errorf("card stored after its echo: %+v, %v", m, err)
	}
}

// writeV2 turns a fresh file into what schema 2 wrote: no LastIncomingAt,
// no product search index, no drafts bucket.
func writeV2(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		convs := tx.Bucket([]byte(bucketConvs))
		var rewrite []Conversation
		err := convs.ForEach(func(k, v []byte) error {
			var c Conversation
			if err := decode(k, v, &c); err != nil {
				return err
			}
			c.LastIncomingAt = time.Time{}
			rewrite = append(rewrite, c)
			return nil
		})
		if err != nil {
			return err
		}
		for _, c := range rewrite {
			if err := putJSON(convs, convKey(c.PageID, c.PSID), c); err != nil {
				return err
			}
		}
		for _, b := range []string{bucketDrafts, bucketProductSearch} {
			if err := tx.DeleteBucket([]byte(b)); err != nil {
				return err
			}
		}
		return putJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSchema), 2)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateV2(t *testing.T) {
	n := migrateBatch + 3
	s := openTemp(t)
	var ch Changes
	for i := range n {
		psid := fmt.Sprintf("u%05d", i)
		// in at i s, then 1 to 3 outgoing after it; every 5th never wrote.
		if i%5 != 0 {
			ch.Messages = append(ch.Messages, Message{ID: psid + "in", PageID: "p", PSID: psid, Direction: Incoming, CreatedAt: t0.Add(time.Duration(i) * time.Second), Text: "q"})
		}
		for j := range 1 + i%3 {
			ch.Messages = append(ch.Messages, Message{ID: fmt.Sprintf("%sout%d", psid, j), PageID: "p", PSID: psid, Direction: Outgoing,
				CreatedAt: t0.Add(time.Duration(i)*time.Second + time.Duration(j+1)*time.Minute), Text: "a"})
		}
	}
	apply(t, s, ch)
	upsert(t, s, Product{ID: "1", Title: "Café Mug", Vendor: "Potter", Status: "ACTIVE", UpdatedAt: t0})
	writeV2(t, s)
	s = reopen(t, s)
	checkSchema(t, s)
	for i := range n {
		want := time.Time{}
		if i%5 != 0 {
			want = t0.Add(time.Duration(i) * time.Second)
		}
		if got := lastIncoming(t, s, fmt.Sprintf("u%05d", i)); !got.Equal(want) {
			t.Fatalf("conversation %d: LastIncomingAt %v, want %v", i, got, want)
		}
	}
	if got := searchIDs(t, s, "potter cafe"); len(got) != 1 || got[0] != "1" {
		t.Errorf("search after migration: %v", got)
	}
	if err := s.SetDraftText(context.Background(), "p", "u00001", "x"); err != nil {
		t.Errorf("drafts after migration: %v", err)
	}
}
