package store

import (
	"fmt"
	"maps"
	"slices"
	"testing"
	"time"

	bbolt "go.etcd.io/bbolt"
)

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
