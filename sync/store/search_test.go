package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
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

// TestSearchFollowsWrites: the index changes with the text of a message
// seen again, with a customer's name, and with a conversation's activity,
// and leaves no stale postings.
func TestSearchFollowsWrites(t *testing.T) {
	s := openTemp(t)
	find := func(text string) []string { return hitIDs(search(t, s, SearchQuery{Text: text}).Hits) }
	// A webhook without text, the poll's copy with it.
	apply(t, s, Changes{Messages: []Message{{ID: "m1", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0, Attachments: []Attachment{{Type: "image"}}}}})
	if got := find("blue"); len(got) != 0 {
		t.Fatalf("found %v before any text", got)
	}
	apply(t, s, Changes{Messages: []Message{{ID: "m1", PageID: "p", PSID: "u", CreatedAt: t0, Text: "blue dress"}}})
	// A sibling in the same second with a word m1 will lose.
	apply(t, s, Changes{Messages: []Message{{ID: "m2", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0.Add(300 * time.Millisecond), Text: "dress please"}}})
	if got := find("blue dress"); !slices.Equal(got, []string{"m1"}) {
		t.Errorf("blue dress: %v", got)
	}
	apply(t, s, Changes{Messages: []Message{{ID: "m1", PageID: "p", PSID: "u", CreatedAt: t0, Text: "red skirt"}}})
	for _, tc := range []struct {
		q    string
		want []string
	}{{"blue", nil}, {"red skirt", []string{"m1"}}, {"dress", []string{"m2"}}} {
		if got := find(tc.q); !slices.Equal(got, tc.want) && (len(got) > 0 || len(tc.want) > 0) {
			t.Errorf("after the text changed, %q: %v, want %v", tc.q, got, tc.want)
		}
	}

	poll := func(name string, at time.Time) Changes {
		return Changes{Conversations: []Conversation{{PageID: "p", PSID: "u", ID: "t_u", CustomerName: name, UpdatedAt: at}}}
	}
	apply(t, s, poll("Jane Doe", t0))
	apply(t, s, Changes{Messages: []Message{{ID: "m3", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0.Add(time.Hour), Text: "hello"}}})
	if got := find("jane"); !slices.Equal(got, []string{"@p/u"}) {
		t.Errorf("jane: %v", got)
	}
	apply(t, s, poll("Janet Doe", t0.Add(2*time.Hour)))
	for _, tc := range []struct {
		q    string
		want []string
	}{{"jane ", nil}, {"janet", []string{"@p/u"}}, {"jan", []string{"@p/u"}}, {"doe", []string{"@p/u"}}} {
		if got := find(tc.q); !slices.Equal(got, tc.want) && (len(got) > 0 || len(tc.want) > 0) {
			t.Errorf("after the name changed, %q: %v, want %v", tc.q, got, tc.want)
		}
	}
	// Exactly one posting per word of the current name and text: the
	// moves and renames left nothing behind.
	if n := len(dumpBucket(t, s, bucketSearchNames)); n != 2 {
		t.Errorf("%d name postings, want 2 (janet, doe)", n)
	}
	if n := len(dumpBucket(t, s, bucketSearchMsgs)); n != 5 {
		t.Errorf("%d message postings, want 5 (red, skirt, dress, please, hello)", n)
	}
	checkIndex(t, s)
}

// indexOf lists both index buckets by (term, conversation, second),
// naming conversations by key so numbering does not matter.
func indexOf(t testing.TB, s *Store) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	err := s.view(func(b buckets) error {
		for name, bk := range map[string]*bbolt.Bucket{"msg": b.searchMsgs, "name": b.searchNames} {
			err := bk.ForEach(func(k, _ []byte) error {
				d, ok := postingDoc(k)
				if !ok {
					return fmt.Errorf("bad posting %q", k)
				}
				conv := b.convKeys.Get(convNoKey(d.conv))
				out[fmt.Sprintf("%s %s %q %d", name, postingTerm(k), conv, d.sec)] = true
				return nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// checkIndex compares the index with one built from scratch from the
// records, the definition the incremental writes must agree with.
func checkIndex(t testing.TB, s *Store) {
	t.Helper()
	want := map[string]bool{}
	err := s.view(func(b buckets) error {
		err := b.convs.ForEach(func(k, v []byte) error {
			var c Conversation
			if err := decode(k, v, &c); err != nil {
				return err
			}
			for _, term := range termSet(c.CustomerName) {
				want[fmt.Sprintf("name %s %q %d", term, k, seconds(c.UpdatedAt))] = true
			}
			return nil
		})
		if err != nil {
			return err
		}
		return b.msgs.ForEach(func(k, v []byte) error {
			var m Message
			if err := decode(k, v, &m); err != nil {
				return err
			}
			for _, term := range termSet(m.Text) {
				want[fmt.Sprintf("msg %s %q %d", term, convKey(m.PageID, m.PSID), seconds(m.CreatedAt))] = true
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := indexOf(t, s); !maps.Equal(got, want) {
		for k := range got {
			if !want[k] {
				t.Errorf("index has stale %s", k)
			}
		}
		for k := range want {
			if !got[k] {
				t.Errorf("index lacks %s", k)
			}
		}
	}
}

// dropIndex makes s's file look like one written before the index
// existed.
func dropIndex(t testing.TB, s *Store) {
	t.Helper()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range []string{bucketSearchMsgs, bucketSearchNames, bucketConvNos, bucketConvKeys} {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return err
			}
		}
		return tx.Bucket([]byte(bucketMeta)).Delete([]byte(metaSearch))
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestSearchIndexRebuilt(t *testing.T) {
	queries := []string{"cafe", "café ", "cafe au", "caf op", "zoe", "m", "sold out size"}
	results := func(s *Store) map[string][]string {
		out := map[string][]string{}
		for _, q := range queries {
			out[q] = searchAll(t, s, SearchQuery{Text: q, Limit: 2})
		}
		return out
	}
	s := openTemp(t)
	searchFixture(t, s)
	want := results(s)
	checkIndex(t, s)

	t.Run("restart keeps it", func(t *testing.T) {
		s := reopen(t, s)
		if got := results(s); !maps.EqualFunc(got, want, slices.Equal) {
			t.Errorf("after restart %v, want %v", got, want)
		}
	})
	for _, tc := range []struct {
		name    string
		corrupt func(t testing.TB, s *Store)
	}{
		{"written without an index", dropIndex},
		{"made by another tokenizer", func(t testing.TB, s *Store) {
			err := s.db.Update(func(tx *bbolt.Tx) error {
				// A stale posting that must not survive the rebuild.
				if err := tx.Bucket([]byte(bucketSearchMsgs)).Put(postingKey("stale", docKey{1, 1}), nil); err != nil {
					return err
				}
				return putJSON(tx.Bucket([]byte(bucketMeta)), []byte(metaSearch), searchState{Version: searchVersion - 1, Done: true})
			})
			if err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			searchFixture(t, s)
			tc.corrupt(t, s)
			s = reopen(t, s)
			s.bg.Wait()
			r := search(t, s, SearchQuery{Text: "cafe"})
			if r.Partial {
				t.Error("Partial after the build finished")
			}
			if got := results(s); !maps.EqualFunc(got, want, slices.Equal) {
				t.Errorf("after rebuild %v\nwant %v", got, want)
			}
			checkIndex(t, s)
		})
	}
}

// TestSearchIndexBuildResumes drives the build a few records at a time,
// with writes and a restart in between.
func TestSearchIndexBuildResumes(t *testing.T) {
	s := openTemp(t)
	searchFixture(t, s)
	dropIndex(t, s)
	if err := s.db.Update(initSchema); err != nil {
		t.Fatal(err)
	}
	if _, err := prepareIndex(s.db); err != nil {
		t.Fatal(err)
	}
	step := func() bool {
		var done bool
		err := s.write(func(t *txn) (err error) {
			done, err = t.indexBatch(2)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return done
	}
	var states []searchState
	for i := 0; !step(); i++ {
		var st searchState
		if err := s.view(func(b buckets) error { _, err := getJSON(b.meta, []byte(metaSearch), &st); return err }); err != nil {
			t.Fatal(err)
		}
		states = append(states, st)
		if i == 2 {
			// A write while the build is half way: a new message, a
			// renamed customer, a text seen again.
			apply(t, s, Changes{
				Conversations: []Conversation{{PageID: "p1", PSID: "anne", CustomerName: "Anne-Marie Dupont"}},
				Messages:      []Message{{ID: "n1", PageID: "p2", PSID: "bob", CreatedAt: t0.Add(time.Hour), Text: "café noir"}},
			})
		}
		if i > 100 {
			t.Fatal("the build does not end")
		}
	}
	// 3 conversations and 6 (+1) messages, two per write: names in two
	// writes, then messages.
	if len(states) < 5 || !states[1].Names || states[0].Names || states[len(states)-1].Done {
		t.Errorf("build states %+v", states)
	}
	checkIndex(t, s)
	if got := hitIDs(search(t, s, SearchQuery{Text: "cafe"}).Hits); !slices.Equal(got, []string{"n1", "b1", "@p1/zoe", "z1", "a2", "a1"}) {
		t.Errorf("cafe after the build: %v", got)
	}
	if got := hitIDs(search(t, s, SearchQuery{Text: "marie"}).Hits); !slices.Equal(got, []string{"@p1/anne"}) {
		t.Errorf("marie after the build: %v", got)
	}
}

// TestSearchIndexBuildStoppedByClose: Close during a build stops it, and
// the next Open finishes it.
func TestSearchIndexBuildStoppedByClose(t *testing.T) {
	s := openTemp(t)
	var ch Changes
	want := 0
	for i := range 3 * indexBuildBatch {
		ch.Messages = append(ch.Messages, Message{ID: fmt.Sprint("m", i), PageID: "p", PSID: fmt.Sprint("u", i%50), CreatedAt: t0.Add(time.Duration(i) * time.Second), Text: fmt.Sprint("word", i%7)})
		if i%7 == 3 {
			want++
		}
	}
	apply(t, s, ch)
	dropIndex(t, s)
	s = reopen(t, s) // starts the build
	s = reopen(t, s) // stops it wherever it was, and resumes it
	s.bg.Wait()
	checkIndex(t, s)
	if got := searchAll(t, s, SearchQuery{Text: "word3", Limit: 1000}); len(got) != want {
		t.Errorf("word3: %d hits, want %d", len(got), want)
	}
}
