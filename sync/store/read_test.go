package store

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"
)

func convIDs(cs []Conversation) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.PageID + "/" + c.PSID
	}
	return out
}

func TestConversationsNewestFirst(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	conv := func(page, psid string, minutes int) Conversation {
		return Conversation{PageID: page, PSID: psid, UpdatedAt: t0.Add(time.Duration(minutes) * time.Minute)}
	}
	apply(t, s, Changes{Conversations: []Conversation{
		conv("p1", "a", 1), conv("p1", "b", 5), conv("p1", "c", 3),
		conv("p2", "x", 4), conv("p2", "y", 2), conv("p2", "z", 6),
	}})
	// A new message moves p1/a to the top; its old index entry must go.
	apply(t, s, Changes{Messages: []Message{{ID: "m", PageID: "p1", PSID: "a", CreatedAt: t0.Add(10 * time.Minute)}}})
	apply(t, s, Changes{Pages: []Page{{ID: "p3"}}}) // a page without conversations

	for _, tc := range []struct {
		page  string
		limit int
		want  []string
	}{
		{"", 0, []string{"p1/a", "p2/z", "p1/b", "p2/x", "p1/c", "p2/y"}},
		{"", 3, []string{"p1/a", "p2/z", "p1/b"}},
		{"", 100, []string{"p1/a", "p2/z", "p1/b", "p2/x", "p1/c", "p2/y"}},
		{"p1", 0, []string{"p1/a", "p1/b", "p1/c"}},
		{"p1", 2, []string{"p1/a", "p1/b"}},
		{"p2", 1, []string{"p2/z"}},
		{"p3", 5, []string{}},
	} {
		got, err := s.Conversations(ctx, tc.page, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if ids := convIDs(got); !slices.Equal(ids, tc.want) {
			t.Errorf("Conversations(%q, %d) = %v, want %v", tc.page, tc.limit, ids, tc.want)
		}
	}
	if n := len(dumpBucket(t, s, bucketRecent)); n != 6 {
		t.Errorf("recency index holds %d entries, want 6 (one per conversation)", n)
	}
	if _, err := s.Conversations(ctx, "nope", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Conversations(unknown page) err = %v, want ErrNotFound", err)
	}
}

func TestMessagesOrderAndLatest(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	msg := func(id, psid string, seconds int) Message {
		return Message{ID: id, PageID: "p", PSID: psid, CreatedAt: t0.Add(time.Duration(seconds) * time.Second), Text: id}
	}
	// Out of order, split over two Applies, with neighbours whose keys
	// share a prefix ("u" / "u1") that must not leak into the range.
	apply(t, s, Changes{Messages: []Message{msg("c", "u", 30), msg("a", "u", 10), msg("x", "u1", 15)}})
	apply(t, s, Changes{Messages: []Message{msg("d", "u", 40), msg("b", "u", 20), msg("y", "u1", 50)}})
	apply(t, s, Changes{Conversations: []Conversation{{PageID: "p", PSID: "empty"}}})

	for _, tc := range []struct {
		psid  string
		limit int
		want  []string
	}{
		{"u", 0, []string{"a", "b", "c", "d"}},
		{"u", 2, []string{"c", "d"}},
		{"u", 1, []string{"d"}},
		{"u", 10, []string{"a", "b", "c", "d"}},
		{"u1", 0, []string{"x", "y"}},
		{"u1", 1, []string{"y"}},
		{"empty", 5, nil},
	} {
		got, err := s.Messages(ctx, "p", tc.psid, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, m := range got {
			ids = append(ids, m.ID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("Messages(%q, %d) = %v, want %v", tc.psid, tc.limit, ids, tc.want)
		}
	}
	if _, err := s.Messages(ctx, "p", "nobody", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("Messages(unknown conversation) err = %v, want ErrNotFound", err)
	}
}

func TestFindConversation(t *testing.T) {
	s := openTemp(t)
	ctx := context.Background()
	apply(t, s, Changes{Conversations: []Conversation{
		{PageID: "p1", PSID: "111", ID: "t_aaa"},
		{PageID: "p1", PSID: "222"},
		{PageID: "p2", PSID: "222", ID: "t_bbb"},
	}})
	for _, tc := range []struct {
		ref     string
		want    string
		wantErr error
	}{
		{"t_aaa", "p1/111", nil},
		{"t_bbb", "p2/222", nil},
		{"111", "p1/111", nil},
		{"222", "", ErrAmbiguous},
		{"333", "", ErrNotFound},
		{"t_zzz", "", ErrNotFound},
		{"", "", ErrNotFound},
	} {
		c, err := s.FindConversation(ctx, tc.ref)
		if tc.wantErr != nil {
			if !errors.Is(err, tc.wantErr) {
				t.Errorf("FindConversation(%q) err = %v, want %v", tc.ref, err, tc.wantErr)
			}
			continue
		}
		if err != nil || c.PageID+"/"+c.PSID != tc.want {
			t.Errorf("FindConversation(%q) = %s/%s, %v; want %s", tc.ref, c.PageID, c.PSID, err, tc.want)
		}
	}
}
