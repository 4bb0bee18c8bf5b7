package store

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"
)

// t0 is a fixed base time for test data.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

func TestMessageDedupe(t *testing.T) {
	// The same message as a webhook (millisecond timestamp, no
	// attachment URL yet) and as a poll (second-precision time).
	webhook := Message{ID: "m_1", PageID: "p", PSID: "u", Direction: Incoming,
		CreatedAt: t0.Add(123 * time.Millisecond), Text: "photo?"}
	poll := Message{ID: "m_1", PageID: "p", PSID: "u",
		CreatedAt: t0, Text: "photo?", Attachments: []Attachment{{Type: "image/jpeg", URL: "https://x/1.jpg"}}}

	for _, tc := range []struct {
		name        string
		first, then Message
	}{
		{"webhook then poll", webhook, poll},
		{"poll then webhook", poll, webhook},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			ctx := context.Background()
			apply(t, s, Changes{Messages: []Message{tc.first}})
			apply(t, s, Changes{Messages: []Message{tc.then}})

			msgs, err := s.Messages(ctx, "p", "u", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(msgs) != 1 {
				t.Fatalf("stored %d messages, want 1: %+v", len(msgs), msgs)
			}
			m := msgs[0]
			if !m.CreatedAt.Equal(tc.first.CreatedAt) {
				t.Errorf("CreatedAt = %v, want the first sighting's %v", m.CreatedAt, tc.first.CreatedAt)
			}
			if m.Direction != Incoming || m.Text != "photo?" || len(m.Attachments) != 1 {
				t.Errorf("merged message = %+v", m)
			}
			checkStats(t, s, Stats{Pages: 1, Conversations: 1, Messages: 1})
		})
	}
}

func TestApplyReportsOnlyNewMessages(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	a := Message{ID: "m_a", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0, Text: "a"}
	b := Message{ID: "m_b", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(time.Second), Text: "b"}
	for _, step := range []struct {
		name string
		in   []Message
		want []string
	}{
		{"first delivery", []Message{a}, []string{"m_a"}},
		{"redelivery", []Message{a}, nil},
		{"one old, one new", []Message{a, b}, []string{"m_b"}},
		{"same message twice in one write", []Message{{ID: "m_c", PageID: "p", PSID: "u", CreatedAt: t0}, {ID: "m_c", PageID: "p", PSID: "u", CreatedAt: t0}}, []string{"m_c"}},
	} {
		got, err := s.Apply(ctx, Changes{Messages: step.in})
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		var ids []string
		for _, m := range got.New {
			ids = append(ids, m.ID)
		}
		if fmt.Sprint(ids) != fmt.Sprint(step.want) {
			t.Errorf("%s: new = %v, want %v", step.name, ids, step.want)
		}
	}
}

func TestMessageMergeRules(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	apply(t, s, Changes{
		Messages:  []Message{{ID: "m", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0, Text: "a", ReplyTo: "m0"}},
		Reactions: []Reaction{{MessageID: "m", Emoji: "👍", At: t0}},
	})
	// An empty-content, opposite-direction resighting changes nothing
	// but fills what was empty.
	apply(t, s, Changes{Messages: []Message{{ID: "m", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0, Postback: "BUY"}}})
	m, err := s.Message(ctx, "m")
	if err != nil {
		t.Fatal(err)
	}
	want := Message{ID: "m", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0, Text: "a",
		Postback: "BUY", ReplyTo: "m0", Reaction: "👍", ReactionAt: t0}
	if fmt.Sprint(m) != fmt.Sprint(want) {
		t.Errorf("Message = %+v\nwant      %+v", m, want)
	}
	if _, err := s.Message(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Message(unknown) err = %v, want ErrNotFound", err)
	}
}

func TestApplyTwiceEqualsOnce(t *testing.T) {
	ch := Changes{
		Pages: []Page{{ID: "p", Name: "Shop", UpdatedAt: t0}},
		Conversations: []Conversation{{PageID: "p", PSID: "u", ID: "t_1", CustomerName: "Ann",
			UpdatedAt: t0, Snippet: "graph snippet", MessageCount: 3, UnreadCount: 1}},
		Messages: []Message{
			{ID: "m1", PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: t0.Add(-2 * time.Minute), Text: "one"},
			{ID: "m2", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0.Add(time.Minute), Text: "two"},
			{ID: "m3", PageID: "p", PSID: "v", Direction: Incoming, CreatedAt: t0, Attachments: []Attachment{{Type: "image"}}},
		},
		Reactions: []Reaction{
			{PageID: "p", PSID: "u", MessageID: "m1", Emoji: "❤", At: t0},
			{PageID: "p", PSID: "u", MessageID: "m9", Emoji: "😮", At: t0},
		},
		Receipts: []Receipt{{PageID: "p", PSID: "u", Read: true, Watermark: t0}, {PageID: "p", PSID: "w", Watermark: t0}},
	}
	s := openTemp(t)
	apply(t, s, ch)
	once := dump(t, s)
	apply(t, s, ch)
	if twice := dump(t, s); !maps.Equal(once, twice) {
		t.Errorf("second Apply changed the file:\nonce  %q\ntwice %q", once, twice)
	}
	checkStats(t, s, Stats{Pages: 1, Conversations: 3, Messages: 3})

	c, err := s.Conversation(context.Background(), "p", "u")
	if err != nil {
		t.Fatal(err)
	}
	// UpdatedAt follows the newest message; the snippet its text.
	if !c.UpdatedAt.Equal(t0.Add(time.Minute)) || c.Snippet != "two" || c.ID != "t_1" || c.MessageCount != 3 {
		t.Errorf("Conversation = %+v", c)
	}
}

func TestSnippetFollowsNewestMessage(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	msg := func(id string, at time.Time, text string) Message {
		return Message{ID: id, PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: at, Text: text}
	}
	apply(t, s, Changes{Messages: []Message{msg("new", t0, "newest")}})
	// A poll bringing an older message must not take over the snippet.
	apply(t, s, Changes{Messages: []Message{msg("old", t0.Add(-time.Hour), "older")}})
	c, err := s.Conversation(ctx, "p", "u")
	if err != nil {
		t.Fatal(err)
	}
	if c.Snippet != "newest" || !c.UpdatedAt.Equal(t0) {
		t.Errorf("after older message: Snippet %q UpdatedAt %v", c.Snippet, c.UpdatedAt)
	}
	apply(t, s, Changes{Messages: []Message{{ID: "att", PageID: "p", PSID: "u", CreatedAt: t0.Add(time.Second),
		Attachments: []Attachment{{Type: "image"}}}}})
	if c, _ = s.Conversation(ctx, "p", "u"); c.Snippet != "[attachment]" {
		t.Errorf("after attachment: Snippet %q", c.Snippet)
	}
}

func TestReactions(t *testing.T) {
	msg := Message{ID: "m", PageID: "p", PSID: "u", Direction: Outgoing, CreatedAt: t0, Text: "hello"}
	react := func(emoji string, at time.Duration) Changes {
		return Changes{Reactions: []Reaction{{PageID: "p", PSID: "u", MessageID: "m", Emoji: emoji, At: t0.Add(at)}}}
	}
	msgCh := Changes{Messages: []Message{msg}}
	for _, tc := range []struct {
		name  string
		steps []Changes
		want  string
	}{
		{"message then reaction", []Changes{msgCh, react("👍", 1)}, "👍"},
		{"reaction before message", []Changes{react("👍", 1), msgCh}, "👍"},
		{"later reaction wins", []Changes{msgCh, react("❤", 2), react("👍", 1)}, "❤"},
		{"later pending reaction wins", []Changes{react("❤", 2), react("👍", 1), msgCh}, "❤"},
		{"removal", []Changes{msgCh, react("👍", 1), react("", 2)}, ""},
		{"removal before message", []Changes{react("👍", 1), react("", 2), msgCh}, ""},
		{"stale removal ignored", []Changes{react("👍", 2), msgCh, react("", 1)}, "👍"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			for _, ch := range tc.steps {
				apply(t, s, ch)
			}
			m, err := s.Message(context.Background(), "m")
			if err != nil {
				t.Fatal(err)
			}
			if m.Reaction != tc.want {
				t.Errorf("Reaction = %q, want %q", m.Reaction, tc.want)
			}
			if n := len(dumpBucket(t, s, bucketReactions)); n != 0 {
				t.Errorf("%d reactions still pending after their message arrived", n)
			}
			checkStats(t, s, Stats{Pages: 1, Conversations: 1, Messages: 1})
		})
	}
}

func dumpBucket(t *testing.T, s *Store, name string) map[string]string {
	out := map[string]string{}
	for k, v := range dump(t, s) {
		if len(k) > len(name) && k[:len(name)+1] == name+"/" {
			out[k] = v
		}
	}
	return out
}

func TestReceiptsAreMax(t *testing.T) {
	s := openTemp(t)
	rc := func(read bool, at time.Duration) Receipt {
		return Receipt{PageID: "p", PSID: "u", Read: read, Watermark: t0.Add(at)}
	}
	apply(t, s, Changes{Receipts: []Receipt{rc(false, 5), rc(true, 3)}})
	apply(t, s, Changes{Receipts: []Receipt{rc(false, 1), rc(true, 2)}})                      // stale
	apply(t, s, Changes{Conversations: []Conversation{{PageID: "p", PSID: "u", ReadAt: t0}}}) // stale poll
	c, err := s.Conversation(context.Background(), "p", "u")
	if err != nil {
		t.Fatal(err)
	}
	if !c.DeliveredAt.Equal(t0.Add(5)) || !c.ReadAt.Equal(t0.Add(3)) {
		t.Errorf("DeliveredAt %v ReadAt %v, want %v %v", c.DeliveredAt, c.ReadAt, t0.Add(5), t0.Add(3))
	}
	checkStats(t, s, Stats{Pages: 1, Conversations: 1})
}

func TestInvalidMessageRejected(t *testing.T) {
	good := Message{ID: "m", PageID: "p", PSID: "u", CreatedAt: t0, Text: "ok"}
	for _, tc := range []struct {
		name string
		bad  func(*Message)
	}{
		{"empty ID", func(m *Message) { m.ID = "" }},
		{"empty PageID", func(m *Message) { m.PageID = "" }},
		{"empty PSID", func(m *Message) { m.PSID = "" }},
		{"NUL in ID", func(m *Message) { m.ID = "m\x00x" }},
		{"NUL in PageID", func(m *Message) { m.PageID = "p\x00" }},
		{"NUL in PSID", func(m *Message) { m.PSID = "\x00u" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			apply(t, s, Changes{Pages: []Page{{ID: "p"}}})
			before := dump(t, s)
			bad := good
			bad.ID = "m2"
			tc.bad(&bad)
			_, err := s.Apply(context.Background(), Changes{Messages: []Message{good, bad}})
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Apply err = %v, want ErrInvalid", err)
			}
			if after := dump(t, s); !maps.Equal(before, after) {
				t.Errorf("rejected Apply wrote to the file")
			}
		})
	}
}

func TestConcurrentApply(t *testing.T) {
	const n = 50
	s := openTemp(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, n+5)
	for i := range n {
		wg.Go(func() {
			// Ten customers on two pages, so goroutines also race on
			// the same conversations and pages.
			_, err := s.Apply(ctx, Changes{
				Messages: []Message{{ID: fmt.Sprintf("m%02d", i), PageID: fmt.Sprintf("p%d", i%2), PSID: fmt.Sprintf("u%d", i%10),
					Direction: Incoming, CreatedAt: t0.Add(time.Duration(i) * time.Second), Text: "hi"}},
				Receipts: []Receipt{{PageID: fmt.Sprintf("p%d", i%2), PSID: fmt.Sprintf("u%d", i%10), Watermark: t0}},
			})
			errs <- err
		})
	}
	// Writes failing inside the shared transaction make bbolt roll the
	// batch back and run the other callers' functions again; the
	// counters and records must still come out exactly once.
	for range 5 {
		wg.Go(func() {
			if err := s.SetNeedsLogin(ctx, "no-such-page", true); !errors.Is(err, ErrNotFound) {
				errs <- fmt.Errorf("SetNeedsLogin(unknown) err = %v, want ErrNotFound", err)
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	for i := range n {
		if _, err := s.Message(ctx, fmt.Sprintf("m%02d", i)); err != nil {
			t.Error(err)
		}
	}
	checkStats(t, s, Stats{Pages: 2, Conversations: 10, Messages: n})
	convs, err := s.Conversations(ctx, "", 0)
	if err != nil || len(convs) != 10 {
		t.Errorf("Conversations = %d, %v; want 10", len(convs), err)
	}
}

// TestPollCopyNeverMovesConversationBack replays a poll that read a
// conversation from Graph, then lost the race to a webhook (or a later
// poll) that stored something newer before the poll's Apply ran.
func TestPollCopyNeverMovesConversationBack(t *testing.T) {
	msg := func(id string, at time.Time, text string) Message {
		return Message{ID: id, PageID: "p", PSID: "u", Direction: Incoming, CreatedAt: at, Text: text}
	}
	// Graph reports whole seconds, webhooks milliseconds.
	webhookAt := t0.Add(time.Minute + 250*time.Millisecond)
	webhook := Changes{Messages: []Message{msg("m2", webhookAt, "B")}}
	poll := func(at time.Time, snip string, count, unread int, msgs ...Message) Changes {
		return Changes{
			Conversations: []Conversation{{PageID: "p", PSID: "u", ID: "t_u", UpdatedAt: at,
				Snippet: snip, MessageCount: count, UnreadCount: unread}},
			Messages: msgs,
		}
	}
	m1 := msg("m1", t0, "A")
	// Read before the webhook: m1 is the newest message.
	before := poll(t0, "A", 1, 1, m1)
	// Read after the webhook, in the same second as m2.
	after := poll(t0.Add(time.Minute), "B", 2, 2, msg("m2", t0.Add(time.Minute), "B"), m1)
	// Read before the webhook but in its second: it passes for current,
	// yet must not take the snippet back.
	sameSecond := poll(t0.Add(time.Minute), "A", 1, 1, msg("m1", t0.Add(time.Minute), "A"))
	// Read after a third message.
	newer := poll(t0.Add(2*time.Minute), "C", 3, 3, msg("m3", t0.Add(2*time.Minute), "C"))

	for _, tc := range []struct {
		name          string
		steps         []Changes
		snippet       string
		count, unread int
		updated       time.Time
		messages      int
	}{
		// Unread counts are local (see TestUnread*): here, the incoming
		// messages stored after a marker that the first poll placed
		// from Graph's count, messages newer than Graph's copy unread.
		{"stale poll after webhook", []Changes{webhook, before}, "B", 0, 2, webhookAt, 2},
		{"stale poll after fresher poll", []Changes{webhook, after, before}, "B", 2, 2, webhookAt, 2},
		{"poll in the webhook's second", []Changes{webhook, after}, "B", 2, 2, webhookAt, 2},
		{"stale poll in the webhook's second", []Changes{webhook, sameSecond}, "B", 1, 1, webhookAt, 2},
		{"newer poll", []Changes{before, webhook, newer}, "C", 3, 3, t0.Add(2 * time.Minute), 3},
		{"newer poll without messages", []Changes{poll(t0.Add(2*time.Minute), "C", 3, 3)}, "C", 3, 0, t0.Add(2 * time.Minute), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			ctx := context.Background()
			// A second conversation whose activity falls between the
			// two sightings of u, so a move in the listing shows.
			apply(t, s, Changes{Messages: []Message{{ID: "v1", PageID: "p", PSID: "v", CreatedAt: t0.Add(30 * time.Second), Text: "v"}}})
			for _, ch := range tc.steps {
				apply(t, s, ch)
			}
			c, err := s.Conversation(ctx, "p", "u")
			if err != nil {
				t.Fatal(err)
			}
			if c.Snippet != tc.snippet || c.MessageCount != tc.count || c.UnreadCount != tc.unread || !c.UpdatedAt.Equal(tc.updated) {
				t.Errorf("Conversation = %+v\nwant Snippet %q MessageCount %d UnreadCount %d UpdatedAt %v",
					c, tc.snippet, tc.count, tc.unread, tc.updated)
			}
			convs, err := s.Conversations(ctx, "p", 0)
			if err != nil {
				t.Fatal(err)
			}
			if len(convs) != 2 || convs[0].PSID != "u" || !convs[0].UpdatedAt.Equal(tc.updated) || convs[1].PSID != "v" {
				t.Errorf("Conversations = %+v, want u (at %v) then v", convs, tc.updated)
			}
			if n := len(dumpBucket(t, s, bucketRecent)); n != 2 {
				t.Errorf("recency index holds %d entries, want 2", n)
			}
			checkStats(t, s, Stats{Pages: 1, Conversations: 2, Messages: tc.messages + 1})
		})
	}
}

// TestPageCopyNeverMovesBack: a page's name from a copy older than the
// stored one (a late webhook re-delivery) does not overwrite it (it only
// fills a missing one); a copy without a time still does.
func TestPageCopyNeverMovesBack(t *testing.T) {
	page := func(name string, at time.Duration) Changes {
		p := Page{ID: "p", Name: name}
		if at >= 0 {
			p.UpdatedAt = t0.Add(at)
		}
		return Changes{Pages: []Page{p}}
	}
	for _, tc := range []struct {
		name  string
		steps []Changes
		want  string
	}{
		{"newer wins", []Changes{page("A", time.Minute), page("B", 2*time.Minute)}, "B"},
		{"older is ignored", []Changes{page("A", 2*time.Minute), page("B", time.Minute)}, "A"},
		{"same time wins", []Changes{page("A", time.Minute), page("B", time.Minute)}, "B"},
		{"no time overwrites", []Changes{page("A", 2*time.Minute), page("B", -1)}, "B"},
		{"older fills a missing name", []Changes{page("", 2*time.Minute), page("B", time.Minute)}, "B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := openTemp(t)
			for _, ch := range tc.steps {
				apply(t, s, ch)
			}
			p, err := s.Page(context.Background(), "p")
			if err != nil || p.Name != tc.want {
				t.Errorf("Page = %+v, %v; want name %q", p, err, tc.want)
			}
		})
	}
}
