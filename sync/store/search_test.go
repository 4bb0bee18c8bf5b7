package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"
)

// hitIDs names hits as "mid" for a message and "@page/psid" for a name.
func hitIDs(hits []SearchHit) []string {
	ids := []string{}
	for _, h := range hits {
		if h.Message != nil {
			ids = append(ids, h.Message.ID)
		} else {
			ids = append(ids, "@"+h.Conversation.PageID+"/"+h.Conversation.PSID)
		}
	}
	return ids
}

func search(t testing.TB, s *Store, q SearchQuery) SearchResult {
	t.Helper()
	r, err := s.Search(context.Background(), q)
	if err != nil {
		t.Fatalf("Search(%+v): %v", q, err)
	}
	return r
}

// searchAll follows Next to the end.
func searchAll(t testing.TB, s *Store, q SearchQuery) []string {
	t.Helper()
	var all []string
	for range 10_000 {
		r := search(t, s, q)
		all = append(all, hitIDs(r.Hits)...)
		if r.Next == "" {
			return all
		}
		q.After = r.Next
	}
	t.Fatal("Search never ended")
	return nil
}

// searchFixture is a small inbox: names and texts in several spellings,
// two pages, incoming and outgoing.
func searchFixture(t testing.TB, s *Store) {
	t.Helper()
	at := func(minutes int) time.Time { return t0.Add(time.Duration(minutes) * time.Minute) }
	msg := func(id, page, psid string, dir Direction, minutes int, text string) Message {
		return Message{ID: id, PageID: page, PSID: psid, Direction: dir, CreatedAt: at(minutes), Text: text}
	}
	apply(t, s, Changes{
		Conversations: []Conversation{
			{PageID: "p1", PSID: "anne", CustomerName: "Anne Dupont", UpdatedAt: at(1)},
			{PageID: "p1", PSID: "zoe", CustomerName: "Zoë Café", UpdatedAt: at(2)},
			{PageID: "p2", PSID: "bob", CustomerName: "Bob", UpdatedAt: at(3)},
		},
		Messages: []Message{
			msg("a1", "p1", "anne", Incoming, 10, "Un café au lait, s'il vous plaît"),
			msg("a2", "p1", "anne", Outgoing, 11, "Bien sûr! Our CAFÉ opens at 9"),
			msg("a3", "p1", "anne", Incoming, 12, "merci"),
			msg("z1", "p1", "zoe", Incoming, 20, "Is the cafeteria open?"),
			msg("b1", "p2", "bob", Incoming, 30, "cafe\u0301 or tea?"),
			msg("b2", "p2", "bob", Outgoing, 31, "Tea. Size M is sold out."),
		},
	})
}

func TestSearch(t *testing.T) {
	s := openTemp(t)
	searchFixture(t, s)
	// Newest first: a name sorts by its conversation's last activity
	// (zoe: minute 20, anne: 12, bob: 31).
	for _, tc := range []struct {
		text, page string
		want       []string
	}{
		{"cafe", "", []string{"b1", "@p1/zoe", "z1", "a2", "a1"}},
		{"café ", "", []string{"b1", "@p1/zoe", "a2", "a1"}},
		{"CAFE", "p1", []string{"@p1/zoe", "z1", "a2", "a1"}},
		{"CAFÉ", "p2", []string{"b1"}},
		{"cafe au", "", []string{"a1"}},
		{"au cafe", "", []string{"a1"}},
		{"our caf", "", []string{"a2"}},
		{"caf op", "", []string{}}, // only the last word is a prefix
		{"open caf", "", []string{"z1"}},
		{"zoe", "", []string{"@p1/zoe"}},
		{"dupont anne", "", []string{"@p1/anne"}},
		{"anne merci", "", []string{}}, // a name and a text do not combine
		{"m", "", []string{"b2", "a3"}},
		{"sold out size", "", []string{"b2"}},
		{"s", "", []string{"b2", "a2", "a1"}}, // size, sûr, s'il; not "is": words, not substrings
		{"nothing", "", []string{}},
		{"", "", []string{}},
		{"  ", "", []string{}},
	} {
		t.Run(fmt.Sprintf("%q in %q", tc.text, tc.page), func(t *testing.T) {
			r := search(t, s, SearchQuery{Text: tc.text, PageID: tc.page})
			if got := hitIDs(r.Hits); !slices.Equal(got, tc.want) || r.Next != "" || r.Partial {
				t.Errorf("hits %v (Next %q, Partial %v), want %v and no Next", got, r.Next, r.Partial, tc.want)
			}
		})
	}
	r := search(t, s, SearchQuery{Text: "cafe au"})
	h := r.Hits[0]
	if h.Message == nil || h.Message.Text != "Un café au lait, s'il vous plaît" || h.Conversation.CustomerName != "Anne Dupont" {
		t.Errorf("hit = %+v, want the message with its conversation", h)
	}
	for _, tc := range []struct {
		name string
		q    SearchQuery
		want error
	}{
		{"unknown page", SearchQuery{Text: "cafe", PageID: "nope"}, ErrNotFound},
		{"garbage cursor", SearchQuery{Text: "cafe", After: "~~"}, ErrBadCursor},
		{"conversation cursor", SearchQuery{Text: "cafe", After: convPos{ts: 1, pageID: "p1", psid: "anne"}.cursor()}, ErrBadCursor},
		{"short cursor", SearchQuery{Text: "cafe", After: encodeCursor([]byte{cursorSearch, 1, 2})}, ErrBadCursor},
	} {
		if _, err := s.Search(context.Background(), tc.q); !errors.Is(err, tc.want) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestSearchPaging walks every limit over hits that tie in time: several
// messages of one conversation in one second, several conversations in
// one second, and names among them.
func TestSearchPaging(t *testing.T) {
	s := openTemp(t)
	var ch Changes
	var want []string
	for c := range 4 {
		psid := fmt.Sprintf("u%d", c)
		ch.Conversations = append(ch.Conversations, Conversation{PageID: "p", PSID: psid, CustomerName: "Order Desk"})
		want = append(want, "@p/"+psid)
		for i := range 6 {
			id := fmt.Sprintf("m%d_%d", c, i)
			// Three seconds; two messages per second per conversation,
			// a millisecond apart.
			at := t0.Add(time.Duration(i/2)*time.Second + time.Duration(i%2)*time.Millisecond)
			ch.Messages = append(ch.Messages, Message{ID: id, PageID: "p", PSID: psid, Direction: Incoming, CreatedAt: at, Text: "order " + id})
			want = append(want, id)
		}
		ch.Messages = append(ch.Messages, Message{ID: fmt.Sprintf("x%d", c), PageID: "p", PSID: psid, CreatedAt: t0, Text: "no match"})
	}
	apply(t, s, ch)

	full := search(t, s, SearchQuery{Text: "order", Limit: 1000})
	all := hitIDs(full.Hits)
	if !sameSet(all, want) || full.Next != "" {
		t.Fatalf("all hits %v (Next %q), want the set %v", all, full.Next, want)
	}
	checkNewestFirst(t, full.Hits)
	for limit := 1; limit <= len(want)+1; limit++ {
		if got := searchAll(t, s, SearchQuery{Text: "order", Limit: limit}); !slices.Equal(got, all) {
			t.Errorf("limit %d: pages join to %v\nwant %v", limit, got, all)
		}
	}
	// A cursor is a position: a new match above it does not shift the
	// pages below. (The new message is in a conversation without a
	// name: a name hit moves up with its conversation's activity, and
	// one below the cursor would be missed by this pass.)
	first := search(t, s, SearchQuery{Text: "order", Limit: 5})
	apply(t, s, Changes{Messages: []Message{{ID: "new", PageID: "p", PSID: "v", CreatedAt: t0.Add(time.Hour), Text: "order new"}}})
	rest := searchAll(t, s, SearchQuery{Text: "order", Limit: 5, After: first.Next})
	if got := append(hitIDs(first.Hits), rest...); !slices.Equal(got, all) {
		t.Errorf("paging across a new message: %v\nwant %v", got, all)
	}
}

func sameSet(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// checkNewestFirst: message hits by CreatedAt, names by UpdatedAt, to the
// second (the index's precision).
func checkNewestFirst(t *testing.T, hits []SearchHit) {
	t.Helper()
	when := func(h SearchHit) uint32 {
		if h.Message != nil {
			return seconds(h.Message.CreatedAt)
		}
		return seconds(h.Conversation.UpdatedAt)
	}
	for i := 1; i < len(hits); i++ {
		if when(hits[i]) > when(hits[i-1]) {
			t.Errorf("hit %d (%v) is newer than hit %d (%v)", i, hitIDs(hits[i:i+1]), i-1, hitIDs(hits[i-1:i]))
		}
	}
}

// TestSearchBudget: a query whose one match lies behind more candidates
// than one call verifies comes back in several calls, none of them
// unbounded, and loses nothing.
func TestSearchBudget(t *testing.T) {
	s := openTemp(t)
	var ch Changes
	// "a" stands for more words than join an intersection, so "zz a"
	// checks every "zz" message for a word starting with "a".
	for i := range maxUnionWords + 1 {
		ch.Messages = append(ch.Messages, Message{ID: fmt.Sprint("w", i), PageID: "p", PSID: "words", CreatedAt: t0, Text: fmt.Sprint("a", i)})
	}
	ch.Messages = append(ch.Messages, Message{ID: "match", PageID: "p", PSID: "u", CreatedAt: t0, Text: "zz apple"})
	for i := range searchBudget + 10 {
		ch.Messages = append(ch.Messages, Message{ID: fmt.Sprint("zz", i), PageID: "p", PSID: "u", CreatedAt: t0.Add(time.Duration(i+1) * time.Second), Text: "zz"})
	}
	apply(t, s, ch)

	r := search(t, s, SearchQuery{Text: "zz a"})
	if len(r.Hits) != 0 || r.Next == "" {
		t.Fatalf("first call: %v, Next %q; want no hits yet and a Next", hitIDs(r.Hits), r.Next)
	}
	if got := searchAll(t, s, SearchQuery{Text: "zz a"}); !slices.Equal(got, []string{"match"}) {
		t.Errorf("all calls: %v, want [match]", got)
	}
	if got := searchAll(t, s, SearchQuery{Text: "zz app"}); !slices.Equal(got, []string{"match"}) {
		t.Errorf("narrow prefix: %v, want [match]", got)
	}
}
