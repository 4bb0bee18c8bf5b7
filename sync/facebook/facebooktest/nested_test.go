package facebooktest_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

type nestedConv struct {
	ID       string `json:"id"`
	Messages *struct {
		Data   []map[string]any `json:"data"`
		Paging *struct {
			Cursors struct{ Before, After string } `json:"cursors"`
			Next    string                         `json:"next"`
		} `json:"paging"`
	} `json:"messages"`
}

func messageIDs(data []map[string]any) string {
	var ids []string
	for _, m := range data {
		ids = append(ids, fmt.Sprint(m["id"]))
	}
	return strings.Join(ids, " ")
}

// TestNestedMessagesPageLikeTheEdge: the conversation list nests each
// conversation's newest messages as Graph nests an edge: its own data and
// paging, with cursors and, when the nested page is full, an absolute next
// that is the edge's own URL (with the fields, the limit and the token)
// and pages on from there.
func TestNestedMessagesPageLikeTheEdge(t *testing.T) {
	s := newFake(t, 0)
	for i := range 5 {
		s.AddMessage(pageID, "long", "Long", facebooktest.FakeMessage{ID: fmt.Sprintf("m_l%d", i), Text: fmt.Sprint("long ", i), At: t0.Add(time.Duration(i) * time.Minute)})
	}
	s.AddMessage(pageID, "short", "Short", facebooktest.FakeMessage{ID: "m_s0", Text: "short", At: t0.Add(-time.Hour)})

	var page struct {
		Data []nestedConv `json:"data"`
	}
	q := url.Values{"fields": {"id,updated_time,messages.limit(2){id,created_time,message}"}}
	if resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations?"+q.Encode(), token, &page); resp.StatusCode != http.StatusOK {
		t.Fatalf("HTTP %d %+v", resp.StatusCode, page)
	}
	if len(page.Data) != 2 || page.Data[0].Messages == nil || page.Data[1].Messages == nil {
		t.Fatalf("list %+v, want two conversations with nested messages", page.Data)
	}
	long, short := page.Data[0].Messages, page.Data[1].Messages
	if got := messageIDs(long.Data); got != "m_l4 m_l3" {
		t.Errorf("nested messages %q, want the newest two", got)
	}
	if m := long.Data[0]; m["message"] != "long 4" || m["created_time"] == nil || m["from"] != nil {
		t.Errorf("nested message %v, want exactly the asked fields", m)
	}
	if messageIDs(short.Data) != "m_s0" || (short.Paging != nil && short.Paging.Next != "") {
		t.Errorf("short conversation %+v, want its one message and no next", short)
	}
	p := long.Paging
	if p == nil || p.Cursors.Before == "" || p.Cursors.After == "" || p.Next == "" {
		t.Fatalf("nested paging %+v, want cursors and a next", p)
	}
	next, err := url.Parse(p.Next)
	if err != nil || next.Scheme != "http" || next.Host != strings.TrimPrefix(s.URL, "http://") ||
		next.Path != "/v25.0/"+facebooktest.ConversationID(pageID, "long")+"/messages" {
		t.Fatalf("next %q, want the messages edge's absolute URL", p.Next)
	}
	if nq := next.Query(); nq.Get("limit") != "2" || nq.Get("fields") != "id,created_time,message" || nq.Get("access_token") != token || nq.Get("after") != p.Cursors.After {
		t.Errorf("next query %v, want the nested fields, limit, token and the after cursor", nq)
	}

	// Following next (token in the URL, as Graph's links carry it) pages on.
	var rest []string
	for link := p.Next; link != ""; {
		var pg graphPage
		if resp := get(t, link, "", &pg); resp.StatusCode != http.StatusOK {
			t.Fatalf("following next: HTTP %d", resp.StatusCode)
		}
		rest = append(rest, messageIDs(pg.Data))
		link = ""
		if pg.Paging != nil {
			link = pg.Paging.Next
		}
	}
	if got := strings.Join(rest, " | "); got != "m_l2 m_l1 | m_l0" {
		t.Errorf("pages after the nested one: %q", got)
	}

	// A conversation read by its id nests them the same way.
	var one nestedConv
	u := s.URL + "/v25.0/" + facebooktest.ConversationID(pageID, "long") + "?" + url.Values{"fields": {"messages.limit(3){message}"}}.Encode()
	if resp := get(t, u, token, &one); resp.StatusCode != http.StatusOK || one.Messages == nil || len(one.Messages.Data) != 3 ||
		one.Messages.Data[0]["message"] != "long 4" || one.Messages.Data[0]["id"] != nil || one.Messages.Paging == nil || one.Messages.Paging.Next == "" {
		t.Errorf("conversation by id: HTTP %d %+v", resp.StatusCode, one.Messages)
	}
}

func TestNestedFieldsAreChecked(t *testing.T) {
	s := newFake(t, 1)
	for _, fields := range []string{
		"id,messages.order(reverse_chronological){id}", // a modifier the fake does not honour
		"id,messages.limit(x){id}",
		"id,messages.limit(2){id,bogus}",
		"id,messages.limit(2){id",
		"id,participants.limit(2)", // only messages are served nested
	} {
		var e graphErr
		resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations?"+url.Values{"fields": {fields}}.Encode(), token, &e)
		if resp.StatusCode != http.StatusBadRequest || e.Error.Code != 100 {
			t.Errorf("fields=%s: HTTP %d %+v, want code 100", fields, resp.StatusCode, e.Error)
		}
	}
}
