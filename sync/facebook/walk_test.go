package facebook_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// numbersOf names conversations by their customer's number: psid6 is 6.
func numbersOf(convs []facebook.Conversation) string {
	var out []string
	for _, c := range convs {
		for i := range 20 {
			if c.ID == facebooktest.ConversationID(pageID, fmt.Sprintf("psid%d", i)) {
				out = append(out, fmt.Sprint(i))
			}
		}
	}
	return strings.Join(out, " ")
}

// TestConversationWalkSkims: a walk reads pages in full, skims (ids and
// times only, in larger pages) when told, and after Unskim reads the
// skimmed page's position again in full.
func TestConversationWalkSkims(t *testing.T) {
	fake, c, _ := setup(t, 12) // psid11 is the newest
	w := c.WalkConversations(pageID, pageToken, facebook.ConversationQuery{PageSize: 2, SkimSize: 4})
	steps := []struct {
		do        func()
		want      string
		skimmed   bool
		wantLimit string
	}{
		{nil, "11 10", false, "2"},
		{w.Skim, "9 8 7 6", true, "4"},
		{w.Unskim, "9 8", false, "2"}, // the skimmed page's start, in full
		{w.Skim, "7 6 5 4", true, "4"},
		{nil, "3 2 1 0", true, "4"},
	}
	for i, st := range steps {
		if st.do != nil {
			st.do()
		}
		if !w.More() {
			t.Fatalf("step %d: walk over early", i)
		}
		convs, err := w.Next(t.Context())
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := numbersOf(convs); got != st.want {
			t.Errorf("step %d: conversations %q, want %q", i, got, st.want)
		}
		r := fake.Requests()[i]
		fields := r.Query.Get("fields")
		if skim := fields == "id,updated_time"; skim != st.skimmed || r.Query.Get("limit") != st.wantLimit {
			t.Errorf("step %d: fields %q limit %q, want skimmed %v limit %s", i, fields, r.Query.Get("limit"), st.skimmed, st.wantLimit)
		}
		if st.skimmed && (convs[0].Snippet != "" || convs[0].Participants != nil || convs[0].UpdatedTime.IsZero()) {
			t.Errorf("step %d: skimmed conversation %+v, want id and time only", i, convs[0])
		}
		if !st.skimmed && (convs[0].Snippet == "" || len(convs[0].Participants) != 2) {
			t.Errorf("step %d: full conversation %+v", i, convs[0])
		}
	}
	if w.More() {
		t.Error("walk not over after the last page")
	}
}

// TestConversationWalkRetriesTheSamePage: after an error, Next reads the
// page that failed again, not the first one.
func TestConversationWalkRetriesTheSamePage(t *testing.T) {
	fake, c, clk := setup(t, 5)
	w := c.WalkConversations(pageID, pageToken, facebook.ConversationQuery{PageSize: 2})
	if convs, err := w.Next(t.Context()); err != nil || numbersOf(convs) != "4 3" {
		t.Fatalf("page 1: %v %v", numbersOf(convs), err)
	}
	fake.FailNext("/"+pageID+"/conversations", 0, 80001, 0, bucHeader(0, 100))
	_, err := w.Next(t.Context())
	rl, ok := errors.AsType[*facebook.RateLimitError](err)
	if !ok {
		t.Fatalf("page 2: err %v, want a rate limit", err)
	}
	clk.Advance(rl.RetryAfter)
	if convs, err := w.Next(t.Context()); err != nil || numbersOf(convs) != "2 1" {
		t.Fatalf("page 2 again: %q %v, want 2 1", numbersOf(convs), err)
	}
	reqs := fake.Requests()
	if reqs[1].Query.Get("after") == "" || reqs[2].Query.Get("after") != reqs[1].Query.Get("after") {
		t.Errorf("retry asked after=%q, the failed call after=%q: want the same", reqs[2].Query.Get("after"), reqs[1].Query.Get("after"))
	}
}

func TestConversationByID(t *testing.T) {
	fake, c, _ := setup(t, 3)
	id := facebooktest.ConversationID(pageID, "psid1")
	conv, err := c.Conversation(t.Context(), id, pageToken)
	if err != nil {
		t.Fatal(err)
	}
	if conv.ID != id || conv.Snippet != "hello 1" || !conv.UpdatedTime.Equal(t0.Add(time.Minute)) || len(conv.Participants) != 2 {
		t.Errorf("conversation %+v", conv)
	}
	if r := fake.Requests()[0]; r.Path != "/v25.0/"+id || r.TokenIn != "header" {
		t.Errorf("request %+v", r)
	}
	if _, err := c.Conversation(t.Context(), "t_missing", pageToken); err == nil {
		t.Error("a missing conversation read without error")
	}
}
