package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// walkConversations pages through ConversationsPage until Next is empty
// and checks that every page but the last is full.
func walkConversations(t *testing.T, s *Store, page string, limit int) []string {
	t.Helper()
	var all []string
	after := ""
	for range 1000 {
		got, err := s.ConversationsPage(context.Background(), ConversationQuery{PageID: page, After: after, Limit: limit})
		if err != nil {
			t.Fatalf("ConversationsPage(%q, after %q, %d): %v", page, after, limit, err)
		}
		all = append(all, convIDs(got.Items)...)
		if got.Next == "" {
			return all
		}
		if len(got.Items) != limit {
			t.Fatalf("ConversationsPage(%q, %d) returned %d items and a Next", page, limit, len(got.Items))
		}
		after = got.Next
	}
	t.Fatal("ConversationsPage never ended")
	return nil
}

func TestConversationsPageWalksWholeOrder(t *testing.T) {
	s := openTemp(t)
	// 3 pages × 7 conversations on 3 distinct times: ties in time within
	// a page and across pages, so the tie order decides page boundaries.
	// Page "p10" sorts between "p1" and "p2" as bytes, as well.
	type row struct {
		page, psid string
		at         time.Time
	}
	var rows []row
	var ch Changes
	for _, page := range []string{"p1", "p10", "p2"} {
		for i := range 7 {
			r := row{page, fmt.Sprintf("u%d", i), t0.Add(time.Duration(i%3) * time.Minute)}
			rows = append(rows, r)
			ch.Conversations = append(ch.Conversations, Conversation{PageID: r.page, PSID: r.psid, UpdatedAt: r.at})
		}
	}
	apply(t, s, ch)
	apply(t, s, Changes{Pages: []Page{{ID: "p3"}}}) // a page without conversations

	// The documented order, computed here independently of the store.
	want := func(page string) []string {
		var rs []row
		for _, r := range rows {
			if page == "" || r.page == page {
				rs = append(rs, r)
			}
		}
		slices.SortFunc(rs, func(a, b row) int {
			return cmp.Or(b.at.Compare(a.at), strings.Compare(b.page, a.page), strings.Compare(b.psid, a.psid))
		})
		ids := []string{}
		for _, r := range rs {
			ids = append(ids, r.page+"/"+r.psid)
		}
		return ids
	}
	for _, page := range []string{"", "p1", "p10", "p2", "p3"} {
		for _, limit := range []int{1, 2, 3, 6, 7, 8, 21, 22, 100} {
			t.Run(fmt.Sprintf("page=%q/limit=%d", page, limit), func(t *testing.T) {
				got := walkConversations(t, s, page, limit)
				if got == nil {
					got = []string{}
				}
				if w := want(page); !slices.Equal(got, w) {
					t.Errorf("walk = %v\nwant   %v", got, w)
				}
			})
		}
	}
}

func TestConversationsPageDefaultsAndErrors(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var ch Changes
	for i := range maxPageSize + 1 {
		ch.Conversations = append(ch.Conversations, Conversation{PageID: "p", PSID: fmt.Sprintf("u%04d", i), UpdatedAt: t0.Add(time.Duration(i) * time.Second)})
	}
	apply(t, s, ch)
	msgCur, err := s.MessagesPage(ctx, "p", "u0000", "", 1)
	if err != nil {
		t.Fatal(err)
	}
	apply(t, s, Changes{Messages: []Message{{ID: "m1", PageID: "p", PSID: "u0000", CreatedAt: t0}, {ID: "m2", PageID: "p", PSID: "u0000", CreatedAt: t0}}})
	if msgCur, err = s.MessagesPage(ctx, "p", "u0000", "", 1); err != nil || msgCur.Older == "" {
		t.Fatalf("MessagesPage = %+v, %v; want an Older cursor", msgCur, err)
	}

	for _, tc := range []struct {
		limit, want int
	}{{0, defaultPageSize}, {-5, defaultPageSize}, {10, 10}, {maxPageSize + 500, maxPageSize}} {
		got, err := s.ConversationsPage(ctx, ConversationQuery{Limit: tc.limit})
		if err != nil || len(got.Items) != tc.want || got.Next == "" {
			t.Errorf("Limit %d: %d items, Next %q, err %v; want %d and a Next", tc.limit, len(got.Items), got.Next, err, tc.want)
		}
	}
	for _, tc := range []struct {
		name string
		q    ConversationQuery
		want error
	}{
		{"unknown page", ConversationQuery{PageID: "nope"}, ErrNotFound},
		{"not base64", ConversationQuery{After: "%%%"}, ErrBadCursor},
		{"empty body", ConversationQuery{After: "Yw"}, ErrBadCursor},
		{"a message cursor", ConversationQuery{After: msgCur.Older}, ErrBadCursor},
		{"cut short", ConversationQuery{After: convPos{ts: 1, pageID: "p", psid: "u"}.cursor()[:8]}, ErrBadCursor},
		{"no psid", ConversationQuery{After: convPos{ts: 1, pageID: "p"}.cursor()}, ErrBadCursor},
	} {
		if _, err := s.ConversationsPage(ctx, tc.q); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestConversationsPageWhileConversationsMove pages a list while
// conversations gain messages: none is listed twice, one that moves up
// from below the cursor is missed by this pass, and the first page read
// again has both movers on top.
func TestConversationsPageWhileConversationsMove(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	var ch Changes
	for i := range 10 { // u9 newest, u0 oldest
		ch.Conversations = append(ch.Conversations, Conversation{PageID: "p", PSID: fmt.Sprintf("u%d", i), UpdatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	apply(t, s, ch)

	first, err := s.ConversationsPage(ctx, ConversationQuery{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := convIDs(first.Items); !slices.Equal(got, []string{"p/u9", "p/u8", "p/u7"}) {
		t.Fatalf("first page = %v", got)
	}
	// u8 was listed; u2 is still below the cursor. Both get a message.
	apply(t, s, Changes{Messages: []Message{
		{ID: "m8", PageID: "p", PSID: "u8", CreatedAt: t0.Add(time.Hour)},
		{ID: "m2", PageID: "p", PSID: "u2", CreatedAt: t0.Add(time.Hour + time.Second)},
	}})
	seen := convIDs(first.Items)
	for after := first.Next; after != ""; {
		got, err := s.ConversationsPage(ctx, ConversationQuery{After: after, Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, convIDs(got.Items)...)
		after = got.Next
	}
	if want := []string{"p/u9", "p/u8", "p/u7", "p/u6", "p/u5", "p/u4", "p/u3", "p/u1", "p/u0"}; !slices.Equal(seen, want) {
		t.Errorf("pass = %v\nwant   %v", seen, want)
	}
	top, err := s.ConversationsPage(ctx, ConversationQuery{Limit: 3})
	if err != nil {
		t.Fatal(err)
	}
	if got := convIDs(top.Items); !slices.Equal(got, []string{"p/u2", "p/u8", "p/u9"}) {
		t.Errorf("reloaded first page = %v, want the two movers on top", got)
	}
}

func TestMessagesPage(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	// Nine messages on four times: ties in time are ordered by mid, and
	// a neighbour conversation ("u1") shares the key prefix.
	var ch Changes
	var want []string
	for i := range 9 {
		id := fmt.Sprintf("m%d", i)
		ch.Messages = append(ch.Messages, Message{ID: id, PageID: "p", PSID: "u", CreatedAt: t0.Add(time.Duration(i/3) * time.Second), Text: id})
		want = append(want, id)
	}
	ch.Messages = append(ch.Messages, Message{ID: "x", PageID: "p", PSID: "u1", CreatedAt: t0.Add(time.Hour)})
	ch.Conversations = []Conversation{{PageID: "p", PSID: "empty"}}
	apply(t, s, ch)

	for _, limit := range []int{1, 2, 3, 4, 8, 9, 10} {
		t.Run(fmt.Sprint("limit=", limit), func(t *testing.T) {
			var pages [][]string
			before := ""
			for {
				got, err := s.MessagesPage(ctx, "p", "u", before, limit)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, m := range got.Items {
					ids = append(ids, m.ID)
				}
				pages = append(pages, ids)
				if got.Older == "" {
					break
				}
				if len(ids) != limit {
					t.Fatalf("page %d has %d messages and an Older cursor", len(pages), len(ids))
				}
				before = got.Older
			}
			// Pages come newest first, each oldest first inside.
			var all []string
			for _, p := range slices.Backward(pages) {
				all = append(all, p...)
			}
			if !slices.Equal(all, want) {
				t.Errorf("pages %v join to %v, want %v", pages, all, want)
			}
			if n := (len(want) + limit - 1) / limit; len(pages) != n {
				t.Errorf("%d pages, want %d", len(pages), n)
			}
		})
	}

	t.Run("cursor survives new and older messages", func(t *testing.T) {
		s := openTemp(t)
		apply(t, s, ch)
		latest, err := s.MessagesPage(ctx, "p", "u", "", 3)
		if err != nil {
			t.Fatal(err)
		}
		apply(t, s, Changes{Messages: []Message{
			{ID: "new", PageID: "p", PSID: "u", CreatedAt: t0.Add(time.Hour)},
			{ID: "ancient", PageID: "p", PSID: "u", CreatedAt: t0.Add(-time.Hour)},
		}})
		older, err := s.MessagesPage(ctx, "p", "u", latest.Older, 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range older.Items {
			ids = append(ids, m.ID)
		}
		if w := []string{"ancient", "m0", "m1", "m2", "m3", "m4", "m5"}; !slices.Equal(ids, w) || older.Older != "" {
			t.Errorf("older page = %v (Older %q), want %v and no more", ids, older.Older, w)
		}
	})

	empty, err := s.MessagesPage(ctx, "p", "empty", "", 10)
	if err != nil || len(empty.Items) != 0 || empty.Older != "" {
		t.Errorf("empty conversation: %+v, %v", empty, err)
	}
	convCur, err := s.ConversationsPage(ctx, ConversationQuery{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, psid, before string
		want               error
	}{
		{"unknown conversation", "nobody", "", ErrNotFound},
		{"garbage cursor", "u", "!!", ErrBadCursor},
		{"conversation cursor", "u", convCur.Next, ErrBadCursor},
		{"no mid", "u", msgCursor(make([]byte, stampLen)), ErrBadCursor},
	} {
		if _, err := s.MessagesPage(ctx, "p", tc.psid, tc.before, 5); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestLastDirectionFollowsSnippet(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	msg := func(id string, dir Direction, sec int, text string) Changes {
		return Changes{Messages: []Message{{ID: id, PageID: "p", PSID: "u", Direction: dir, CreatedAt: t0.Add(time.Duration(sec) * time.Second), Text: text}}}
	}
	for _, step := range []struct {
		name    string
		ch      Changes
		snippet string
		dir     Direction
	}{
		{"poll copy, no messages", Changes{Conversations: []Conversation{{PageID: "p", PSID: "u", UpdatedAt: t0, Snippet: "graph"}}}, "graph", ""},
		{"customer writes", msg("a", Incoming, 1, "hi"), "hi", Incoming},
		{"merchant answers", msg("b", Outgoing, 2, "hello"), "hello", Outgoing},
		{"older history", msg("c", Incoming, -60, "old"), "hello", Outgoing},
		{"no preview", msg("d", Incoming, 3, ""), "hello", Outgoing},
		{"customer again", msg("e", Incoming, 4, "thanks"), "thanks", Incoming},
	} {
		apply(t, s, step.ch)
		c, err := s.Conversation(ctx, "p", "u")
		if err != nil {
			t.Fatal(err)
		}
		if c.Snippet != step.snippet || c.LastDirection != step.dir {
			t.Errorf("%s: Snippet %q LastDirection %q, want %q %q", step.name, c.Snippet, c.LastDirection, step.snippet, step.dir)
		}
	}
}
