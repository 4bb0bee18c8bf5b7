package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// writeV1 turns a fresh file into what schema 1 wrote: no read markers,
// Graph's unread count as UnreadCount, no LastDirection.
func writeV1(t *testing.T, s *Store, graphUnread map[string]int) {
	t.Helper()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		convs := tx.Bucket([]byte(bucketConvs))
		var rewrite []Conversation
		err := convs.ForEach(func(k, v []byte) error {
			var c Conversation
			if err := decode(k, v, &c); err != nil {
				return err
			}
			c.SeenAt, c.SeenID, c.Polled, c.LastDirection = time.Time{}, "", false, ""
			c.UnreadCount = graphUnread[c.PSID]
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
		return putJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSchema), 1)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestMigrateV1(t *testing.T) {
	// More conversations than one migration transaction takes.
	n := migrateBatch + 7
	build := func(t *testing.T) (*Store, map[string]int) {
		s := openTemp(t)
		var ch Changes
		graph := map[string]int{}
		for i := range n {
			psid := fmt.Sprintf("u%05d", i)
			// in, out, in, in: Graph counts i%4 of them unread; odd
			// conversations were never polled (schema 1 stored 0).
			for j, dir := range []Direction{Incoming, Outgoing, Incoming, Incoming} {
				ch.Messages = append(ch.Messages, Message{ID: fmt.Sprintf("m%d_%d", i, j), PageID: "p", PSID: psid,
					Direction: dir, CreatedAt: t0.Add(time.Duration(j) * time.Minute), Text: "x"})
			}
			if i%2 == 0 {
				graph[psid] = i % 4
				ch.Conversations = append(ch.Conversations, Conversation{PageID: "p", PSID: psid, ID: "t_" + psid})
			}
		}
		apply(t, s, ch)
		writeV1(t, s, graph)
		return s, graph
	}
	// Read backwards the messages are in, in, out, in: Graph's 2 put
	// the marker on the outgoing one; 0 (and never polled) on the newest.
	wantUnread := map[int]int{0: 0, 2: 2}

	t.Run("whole", func(t *testing.T) {
		s, _ := build(t)
		s = reopen(t, s)
		for i := range n {
			c, err := s.Conversation(context.Background(), "p", fmt.Sprintf("u%05d", i))
			if err != nil {
				t.Fatal(err)
			}
			want := wantUnread[i%4]
			if c.UnreadCount != want || c.LastDirection != Incoming || c.Polled != (i%2 == 0) {
				t.Fatalf("conversation %d: UnreadCount %d LastDirection %q Polled %v; want %d, %q, %v",
					i, c.UnreadCount, c.LastDirection, c.Polled, want, Incoming, i%2 == 0)
			}
		}
		checkUnread(t, s)
		checkSchema(t, s)
		// The file now works like any other.
		apply(t, s, Changes{Messages: []Message{{ID: "new", PageID: "p", PSID: "u00002", Direction: Incoming, CreatedAt: t0.Add(time.Hour)}}})
		if got := unreadOf(t, s, "u00002"); got != 3 {
			t.Errorf("after a new message: %d unread, want 3", got)
		}
	})

	t.Run("resumed", func(t *testing.T) {
		s, _ := build(t)
		// A migration interrupted after the first conversation, which it
		// had already rewritten (here: marked with a count no rule gives).
		first := Conversation{PageID: "p", PSID: "u00000", ID: "t_u00000", UpdatedAt: t0.Add(3 * time.Minute), UnreadCount: 7, Polled: true}
		err := s.db.Update(func(tx *bbolt.Tx) error {
			if err := putJSON(tx.Bucket([]byte(bucketConvs)), convKey("p", "u00000"), first); err != nil {
				return err
			}
			return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaMigrateFrom), convKey("p", "u00000"))
		})
		if err != nil {
			t.Fatal(err)
		}
		s = reopen(t, s)
		if got := unreadOf(t, s, "u00000"); got != 7 {
			t.Errorf("the conversation done before the interruption was migrated again: %d unread", got)
		}
		if got := unreadOf(t, s, "u00002"); got != 2 {
			t.Errorf("a conversation after the interruption: %d unread, want 2", got)
		}
		checkSchema(t, s)
	})
}

// checkSchema asserts the file is at the current schema with no
// migration left under way.
func checkSchema(t *testing.T, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket([]byte(bucketMeta))
		var v int
		if _, err := getJSON(meta, []byte(metaSchema), &v); err != nil {
			return err
		}
		if v != schemaVersion || meta.Get([]byte(metaMigrateFrom)) != nil {
			t.Errorf("schema %d (want %d), migration marker %q", v, schemaVersion, meta.Get([]byte(metaMigrateFrom)))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
