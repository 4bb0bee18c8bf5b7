package facebook_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

func TestPage(t *testing.T) {
	fake, c, _ := setup(t, 0)
	p, err := c.Page(t.Context(), pageID, pageToken)
	if err != nil {
		t.Fatal(err)
	}
	if want := (facebook.Page{ID: pageID, Name: "Shop", Category: "Shopping & retail"}); p != want {
		t.Errorf("Page = %+v, want %+v", p, want)
	}
	r := fake.Requests()[0]
	if r.Path != "/v25.0/"+pageID || r.Query.Get("fields") != "id,name,category" {
		t.Errorf("request = %+v", r)
	}
}

func TestConversationsFollowsPagingAcrossThreePages(t *testing.T) {
	fake, c, _ := setup(t, 7)
	convs, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 3))
	if err != nil {
		t.Fatal(err)
	}
	var snippets []string
	for _, cv := range convs {
		snippets = append(snippets, cv.Snippet)
	}
	want := "[hello 6 hello 5 hello 4 hello 3 hello 2 hello 1 hello 0]"
	if fmt.Sprint(snippets) != want {
		t.Fatalf("snippets = %v, want %s", snippets, want)
	}
	first := convs[0]
	if first.ID != facebooktest.ConversationID(pageID, "psid6") || !first.UpdatedTime.Equal(t0.Add(6*time.Minute)) ||
		first.MessageCount != 1 || first.UnreadCount != 1 {
		t.Errorf("first conversation = %+v", first)
	}
	wantParts := []facebook.Participant{
		{ID: "psid6", Name: "Customer 6", Email: "psid6@facebook.com"},
		{ID: pageID, Name: "Shop", Email: pageID + "@facebook.com"},
	}
	if fmt.Sprint(first.Participants) != fmt.Sprint(wantParts) {
		t.Errorf("participants = %+v", first.Participants)
	}

	reqs := fake.Requests()
	if len(reqs) != 3 {
		t.Fatalf("%d requests, want 3 pages", len(reqs))
	}
	for i, r := range reqs {
		if r.Path != "/v25.0/"+pageID+"/conversations" || r.Query.Get("limit") != "3" || r.Query.Get("platform") != "messenger" ||
			r.Query.Get("fields") != "id,updated_time,participants,message_count,unread_count,snippet" {
			t.Errorf("request %d = %+v", i, r)
		}
		if (r.Query.Get("after") != "") != (i > 0) {
			t.Errorf("request %d: after = %q", i, r.Query.Get("after"))
		}
		// The token travels in the header only, even though paging.next
		// carried it in its query.
		if r.TokenIn != "header" || r.Query.Has("access_token") {
			t.Errorf("request %d: token in %q, query %v", i, r.TokenIn, r.Query)
		}
	}
}

func TestConversationsEarlyBreakStopsFetching(t *testing.T) {
	fake, c, _ := setup(t, 7)
	n := 0
	for _, err := range c.Conversations(t.Context(), pageID, pageToken, 3) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 { // the whole first page, not one item more
			break
		}
	}
	if got := len(fake.Requests()); got != 1 {
		t.Errorf("%d requests after breaking on page 1, want 1", got)
	}
}

func TestMessages(t *testing.T) {
	fake, c, _ := setup(t, 0)
	fake.AddMessage(pageID, "psidA", "Jane", facebooktest.FakeMessage{ID: "m_1", Text: "hi", At: t0})
	fake.AddMessage(pageID, "psidA", "", facebooktest.FakeMessage{ID: "m_2", Text: "hello Jane", At: t0.Add(time.Minute), FromPage: true})
	fake.AddMessage(pageID, "psidA", "", facebooktest.FakeMessage{ID: "m_3", At: t0.Add(2 * time.Minute), Attachments: []facebooktest.FakeAttachment{
		{ID: "a1", MimeType: "image/jpeg", Name: "a.jpg", URL: "https://cdn.example/a.jpg"},
		{ID: "a2", MimeType: "video/mp4", Name: "b.mp4", URL: "https://cdn.example/b.mp4"},
		{ID: "a3", MimeType: "application/pdf", Name: "c.pdf", URL: "https://cdn.example/c.pdf"},
	}})
	msgs, err := collect(t, c.Messages(t.Context(), facebooktest.ConversationID(pageID, "psidA"), pageToken, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 3 || len(fake.Requests()) != 2 {
		t.Fatalf("%d messages in %d requests, want 3 in 2", len(msgs), len(fake.Requests()))
	}
	wantAtt := []facebook.Attachment{
		{ID: "a1", MimeType: "image/jpeg", Name: "a.jpg", URL: "https://cdn.example/a.jpg", Type: "image"},
		{ID: "a2", MimeType: "video/mp4", Name: "b.mp4", URL: "https://cdn.example/b.mp4", Type: "video"},
		{ID: "a3", MimeType: "application/pdf", Name: "c.pdf", URL: "https://cdn.example/c.pdf", Type: "file"},
	}
	if fmt.Sprint(msgs[0].Attachments) != fmt.Sprint(wantAtt) {
		t.Errorf("attachments = %+v", msgs[0].Attachments)
	}
	m := msgs[1]
	if m.ID != "m_2" || m.Text != "hello Jane" || !m.CreatedTime.Equal(t0.Add(time.Minute)) || m.From.ID != pageID ||
		len(m.To) != 1 || m.To[0].ID != "psidA" || m.To[0].Name != "Jane" {
		t.Errorf("message = %+v", m)
	}
	if msgs[2].ID != "m_1" || msgs[2].From.ID != "psidA" {
		t.Errorf("oldest = %+v", msgs[2])
	}
	if got := fake.Requests()[0].Query.Get("fields"); got != "id,created_time,from,to,message,attachments" {
		t.Errorf("fields = %q", got)
	}
}

func TestSubscribePage(t *testing.T) {
	fake, c, _ := setup(t, 0)
	if err := c.SubscribePage(t.Context(), pageID, pageToken, []string{"messages", "message_echoes"}); err != nil {
		t.Fatal(err)
	}
	if got := fake.Subscriptions(pageID); fmt.Sprint(got) != "[messages message_echoes]" {
		t.Errorf("subscriptions = %v", got)
	}
	r := fake.Requests()[0]
	if r.Method != http.MethodPost || r.Path != "/v25.0/"+pageID+"/subscribed_apps" || r.Form.Get("subscribed_fields") != "messages,message_echoes" {
		t.Errorf("request = %+v", r)
	}
	err := c.SubscribePage(t.Context(), pageID, pageToken, []string{"bogus"})
	if ge, ok := errors.AsType[*facebook.Error](err); !ok || ge.Code != 100 {
		t.Errorf("invalid field: err = %v", err)
	}
	if err := c.SubscribePage(t.Context(), pageID, pageToken, nil); err == nil {
		t.Error("no fields: want an error")
	}
}

func TestAppSecretProof(t *testing.T) {
	fake, _, _ := setup(t, 0)
	fake.RequireAppSecretProof(appSecret)
	tests := []struct {
		name, secret string
		ok           bool
	}{
		{"right secret", appSecret, true},
		{"wrong secret", "other", false},
		{"no secret", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := facebook.NewClient(facebook.Options{BaseURL: fake.URL, AppSecret: tt.secret})
			_, err := c.Page(t.Context(), pageID, pageToken)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v", err)
			}
			if !tt.ok {
				if ge, ok := errors.AsType[*facebook.Error](err); !ok || ge.Code != 100 || ge.Type != "GraphMethodException" {
					t.Errorf("err = %v, want code 100 GraphMethodException", err)
				}
			}
		})
	}
	// Independently computed: hex(HMAC-SHA256(key=app secret, msg=token)).
	reqs := fake.Requests()
	if got, want := reqs[0].Query.Get("appsecret_proof"), hmacHex(appSecret, pageToken); got != want {
		t.Errorf("appsecret_proof = %q, want %q", got, want)
	}
	if reqs[2].Query.Has("appsecret_proof") {
		t.Error("client without AppSecret sent appsecret_proof")
	}
}

func TestAppSecretProofOnEveryPage(t *testing.T) {
	fake, _, _ := setup(t, 5)
	fake.RequireAppSecretProof(appSecret)
	c := facebook.NewClient(facebook.Options{BaseURL: fake.URL, AppSecret: appSecret})
	convs, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 2))
	if err != nil || len(convs) != 5 {
		t.Fatalf("%d conversations, err %v", len(convs), err)
	}
}

func TestGraphErrors(t *testing.T) {
	tests := []struct {
		code, subcode int
		status        int
		is            error
		rateLimited   bool
	}{
		{190, 463, 0, facebook.ErrTokenInvalid, false},
		{190, 460, 401, facebook.ErrTokenInvalid, false},
		{10, 0, 0, facebook.ErrPermission, false},
		{200, 0, 403, facebook.ErrPermission, false},
		{299, 0, 0, facebook.ErrPermission, false},
		{100, 33, 0, nil, false},
		{2, 0, 0, nil, false},
		{4, 0, 0, facebook.ErrRateLimited, true},
		{17, 0, 0, facebook.ErrRateLimited, true},
		{32, 0, 0, facebook.ErrRateLimited, true},
		{613, 0, 0, facebook.ErrRateLimited, true},
		{80001, 0, 0, facebook.ErrRateLimited, true},
		{80006, 0, 0, facebook.ErrRateLimited, true},
	}
	sentinels := []error{facebook.ErrTokenInvalid, facebook.ErrPermission, facebook.ErrRateLimited}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.code), func(t *testing.T) {
			fake, c, _ := setup(t, 0)
			fake.FailNext("/"+pageID, tt.status, tt.code, tt.subcode, nil)
			_, err := c.Page(t.Context(), pageID, pageToken)
			ge, ok := errors.AsType[*facebook.Error](err)
			if !ok {
				t.Fatalf("err = %v, want *facebook.Error", err)
			}
			wantStatus := tt.status
			if wantStatus == 0 {
				wantStatus = 400
				if tt.code == 2 {
					wantStatus = 500
				}
			}
			if ge.Code != tt.code || ge.Subcode != tt.subcode || ge.HTTPStatus != wantStatus || ge.Message == "" ||
				ge.Type != "OAuthException" && tt.code != 100 || !strings.HasPrefix(ge.TraceID, "AFakeTrace") {
				t.Errorf("Error = %+v", ge)
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tt.is) {
					t.Errorf("errors.Is(err, %v) = %v", s, got)
				}
			}
			_, isRL := errors.AsType[*facebook.RateLimitError](err)
			if isRL != tt.rateLimited {
				t.Errorf("RateLimitError = %v, want %v", isRL, tt.rateLimited)
			}
			if blocked := !c.BlockedUntil(pageToken).IsZero(); blocked != tt.rateLimited {
				t.Errorf("blocked = %v after code %d", blocked, tt.code)
			}
		})
	}
}

func TestDeadTokenIsNotRetriedOrBlocked(t *testing.T) {
	fake, c, _ := setup(t, 3)
	fake.KillToken(pageToken, 463)
	_, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 1))
	if !errors.Is(err, facebook.ErrTokenInvalid) {
		t.Fatalf("err = %v, want ErrTokenInvalid", err)
	}
	if ge, _ := errors.AsType[*facebook.Error](err); ge == nil || ge.Subcode != 463 {
		t.Errorf("subcode: %v", err)
	}
	if n := len(fake.Requests()); n != 1 {
		t.Errorf("%d requests, want exactly 1 (no retry)", n)
	}
	if !c.BlockedUntil(pageToken).IsZero() {
		t.Error("a dead token must not block the client")
	}
}

func TestNonJSONErrorBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "<html>bad gateway</html>", http.StatusBadGateway)
	}))
	t.Cleanup(srv.Close)
	c := facebook.NewClient(facebook.Options{BaseURL: srv.URL})
	_, err := c.Page(t.Context(), pageID, pageToken)
	ge, ok := errors.AsType[*facebook.Error](err)
	if !ok || ge.HTTPStatus != http.StatusBadGateway || ge.Code != 0 {
		t.Errorf("err = %v", err)
	}
}

func TestContextCanceled(t *testing.T) {
	_, c, _ := setup(t, 1)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := c.Page(ctx, pageID, pageToken)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

func TestInvalidIDsAreRefusedLocally(t *testing.T) {
	fake, c, _ := setup(t, 0)
	for _, id := range []string{"", ".", "..", "../me", "1/conversations", "x?y"} {
		if _, err := c.Page(t.Context(), id, pageToken); err == nil {
			t.Errorf("id %q accepted", id)
		}
		if _, err := collect(t, c.Messages(t.Context(), id, pageToken, 0)); err == nil {
			t.Errorf("conversation id %q accepted", id)
		}
	}
	if _, err := c.Page(t.Context(), pageID, ""); err == nil {
		t.Error("empty token accepted")
	}
	if n := len(fake.Requests()); n != 0 {
		t.Errorf("%d requests sent for invalid input", n)
	}
}

func TestBadBaseURL(t *testing.T) {
	for _, base := range []string{"graph.facebook.com", "ftp://x", "http://user:pw@host", "://"} {
		c := facebook.NewClient(facebook.Options{BaseURL: base})
		if _, err := c.Page(t.Context(), pageID, pageToken); err == nil {
			t.Errorf("BaseURL %q accepted", base)
		}
	}
}

func TestResponseBodyIsLimited(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"id":"`))
		chunk := []byte(strings.Repeat("a", 1<<20))
		for range 11 {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		w.Write([]byte(`"}`))
	}))
	t.Cleanup(srv.Close)
	c := facebook.NewClient(facebook.Options{BaseURL: srv.URL})
	if _, err := c.Page(t.Context(), pageID, pageToken); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Errorf("err = %v, want a size error", err)
	}
}
