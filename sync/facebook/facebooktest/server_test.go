package facebooktest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

const (
	pageID = "1001"
	token  = "PAGE-TOKEN-1001"
)

var t0 = time.Date(2026, 5, 1, 10, 0, 0, 0, time.UTC)

type graphPage struct {
	Data   []map[string]any `json:"data"`
	Paging *struct {
		Cursors struct{ Before, After string } `json:"cursors"`
		Next    string                         `json:"next"`
	} `json:"paging"`
}

type graphErr struct {
	Error struct {
		Message string `json:"message"`
		Type    string `json:"type"`
		Code    int    `json:"code"`
		Subcode int    `json:"error_subcode"`
		Trace   string `json:"fbtrace_id"`
	} `json:"error"`
}

// get sends a GET with the token in the Authorization header (tok may be
// empty) and decodes the JSON answer into out.
func get(t *testing.T, rawURL, tok string, out any) *http.Response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return send(t, req, out)
}

func send(t *testing.T, req *http.Request, out any) *http.Response {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(body, out); err != nil {
		t.Fatalf("answer is not JSON: %v: %s", err, body)
	}
	return resp
}

func newFake(t *testing.T, conversations int) *facebooktest.Server {
	s := facebooktest.NewServer(t)
	s.AddPage(pageID, "Shop", "Shopping & retail", token)
	s.AddPage("2002", "Other shop", "Retail", "PAGE-TOKEN-2002")
	for i := range conversations {
		psid := fmt.Sprintf("psid%d", i)
		s.AddMessage(pageID, psid, fmt.Sprintf("Customer %d", i), facebooktest.FakeMessage{
			Text: fmt.Sprintf("hello %d", i), At: t0.Add(time.Duration(i) * time.Minute),
		})
	}
	return s
}

func TestConversationPagingFollowsGraphShape(t *testing.T) {
	s := newFake(t, 5)
	s.SetPageSize(2)
	first := s.URL + "/v25.0/" + pageID + "/conversations?platform=messenger&fields=id,updated_time,participants,snippet"

	var got []string
	var times []string
	next := first
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging never ends")
		}
		var p graphPage
		tok := token
		if pages > 0 {
			tok = "" // paging.next carries the token, as on Graph
		}
		if resp := get(t, next, tok, &p); resp.StatusCode != http.StatusOK {
			t.Fatalf("status %d", resp.StatusCode)
		}
		if p.Paging == nil || p.Paging.Cursors.Before == "" || p.Paging.Cursors.After == "" {
			t.Fatalf("page %d: paging.cursors missing: %+v", pages, p.Paging)
		}
		for _, c := range p.Data {
			got = append(got, c["snippet"].(string))
			times = append(times, c["updated_time"].(string))
			if _, ok := c["message_count"]; ok {
				t.Errorf("unrequested field message_count returned")
			}
			parts := c["participants"].(map[string]any)["data"].([]any)
			if len(parts) != 2 {
				t.Errorf("participants = %v", parts)
			}
		}
		next = p.Paging.Next
		if next != "" {
			u, err := url.Parse(next)
			if err != nil || !strings.HasPrefix(next, s.URL+"/v25.0/"+pageID+"/conversations?") {
				t.Fatalf("next %q is not an absolute URL back to the fake", next)
			}
			q := u.Query()
			if q.Get("limit") != "2" || q.Get("after") != p.Paging.Cursors.After || q.Get("access_token") != token || q.Get("platform") != "messenger" {
				t.Errorf("next query = %v", q)
			}
		}
	}
	want := []string{"hello 4", "hello 3", "hello 2", "hello 1", "hello 0"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("snippets = %v, want %v (newest first)", got, want)
	}
	if times[0] != "2026-05-01T10:04:00+0000" {
		t.Errorf("updated_time = %q, want Graph format", times[0])
	}
}

func TestLimitOverridesPageSize(t *testing.T) {
	s := newFake(t, 5)
	var p graphPage
	get(t, s.URL+"/v25.0/"+pageID+"/conversations?limit=4", token, &p)
	if len(p.Data) != 4 || p.Paging.Next == "" {
		t.Fatalf("limit=4: %d items, next %q", len(p.Data), p.Paging.Next)
	}
	var last graphPage
	get(t, p.Paging.Next, "", &last)
	if len(last.Data) != 1 || last.Paging.Next != "" {
		t.Fatalf("last page: %d items, next %q; want 1 item and no next", len(last.Data), last.Paging.Next)
	}
	if _, ok := last.Data[0]["updated_time"]; !ok {
		t.Errorf("default conversation fields lack updated_time: %v", last.Data[0])
	}
}

func TestMessagesNewestFirstWithAttachments(t *testing.T) {
	s := newFake(t, 0)
	s.AddMessage(pageID, "psidA", "Jane", facebooktest.FakeMessage{ID: "m_1", Text: "hi", At: t0})
	s.AddMessage(pageID, "psidA", "", facebooktest.FakeMessage{ID: "m_2", Text: "hello Jane", At: t0.Add(time.Minute), FromPage: true})
	s.AddMessage(pageID, "psidA", "", facebooktest.FakeMessage{ID: "m_3", At: t0.Add(2 * time.Minute), Attachments: []facebooktest.FakeAttachment{
		{MimeType: "image/jpeg", Name: "a.jpg", URL: "https://cdn.example/a.jpg"},
		{MimeType: "application/pdf", Name: "b.pdf", URL: "https://cdn.example/b.pdf"},
	}})
	conv := facebooktest.ConversationID(pageID, "psidA")

	var p graphPage
	get(t, s.URL+"/v25.0/"+conv+"/messages?fields=id,created_time,from,to,message,attachments", token, &p)
	var ids []string
	for _, m := range p.Data {
		ids = append(ids, m["id"].(string))
	}
	if fmt.Sprint(ids) != "[m_3 m_2 m_1]" {
		t.Fatalf("ids = %v, want newest first", ids)
	}
	m2 := p.Data[1]
	if m2["from"].(map[string]any)["id"] != pageID || m2["to"].(map[string]any)["data"].([]any)[0].(map[string]any)["id"] != "psidA" {
		t.Errorf("page message from/to = %v / %v", m2["from"], m2["to"])
	}
	if m2["created_time"] != "2026-05-01T10:01:00+0000" {
		t.Errorf("created_time = %v", m2["created_time"])
	}
	atts := p.Data[0]["attachments"].(map[string]any)["data"].([]any)
	img, file := atts[0].(map[string]any), atts[1].(map[string]any)
	if img["image_data"].(map[string]any)["url"] != "https://cdn.example/a.jpg" || file["file_url"] != "https://cdn.example/b.pdf" {
		t.Errorf("attachments = %v", atts)
	}

	var c map[string]any
	get(t, s.URL+"/v25.0/"+conv+"?fields=message_count,unread_count,snippet", token, &c)
	if c["message_count"] != float64(3) || c["unread_count"] != float64(1) {
		t.Errorf("conversation = %v", c)
	}
}

func TestErrorShapes(t *testing.T) {
	s := newFake(t, 1)
	s.KillToken("DEAD", 463)
	conv := facebooktest.ConversationID(pageID, "psid0")
	tests := []struct {
		name          string
		path, token   string
		status        int
		code, subcode int
		typ           string
	}{
		{"no token", "/v25.0/" + pageID, "", 400, 104, 0, "OAuthException"},
		{"unknown token", "/v25.0/" + pageID, "nope", 400, 190, 0, "OAuthException"},
		{"dead token", "/v25.0/" + pageID, "DEAD", 400, 190, 463, "OAuthException"},
		{"other page's token", "/v25.0/" + pageID + "/conversations", "PAGE-TOKEN-2002", 400, 100, 33, "GraphMethodException"},
		{"other page's conversation", "/v25.0/" + conv + "/messages", "PAGE-TOKEN-2002", 400, 100, 33, "GraphMethodException"},
		{"unknown field", "/v25.0/" + pageID + "?fields=id,bogus", token, 400, 100, 0, "OAuthException"},
		{"unknown edge", "/v25.0/" + pageID + "/bogus", token, 400, 100, 0, "OAuthException"},
		{"bad cursor", "/v25.0/" + pageID + "/conversations?after=zzz", token, 400, 100, 0, "OAuthException"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e graphErr
			resp := get(t, s.URL+tt.path, tt.token, &e)
			if resp.StatusCode != tt.status || e.Error.Code != tt.code || e.Error.Subcode != tt.subcode || e.Error.Type != tt.typ {
				t.Errorf("got HTTP %d %+v, want %d code %d/%d %s", resp.StatusCode, e.Error, tt.status, tt.code, tt.subcode, tt.typ)
			}
			if e.Error.Message == "" || e.Error.Trace == "" || resp.Header.Get("X-Fb-Trace-Id") != e.Error.Trace {
				t.Errorf("message/fbtrace_id missing: %+v", e.Error)
			}
			if tt.code == 190 && !strings.Contains(resp.Header.Get("WWW-Authenticate"), "invalid_token") {
				t.Errorf("WWW-Authenticate = %q", resp.Header.Get("WWW-Authenticate"))
			}
		})
	}
}

func TestFailNextIsUsedOnceWithHeaders(t *testing.T) {
	s := newFake(t, 1)
	buc := facebooktest.BusinessUsage{BusinessID: pageID, Type: "messenger", Usage: facebooktest.Usage{CallCount: 100}, RegainAccess: 7 * time.Minute}
	s.FailNext("/"+pageID+"/conversations", 0, 80006, 0, map[string]string{"X-Business-Use-Case-Usage": buc.JSON()})

	// Another path is not affected.
	var pg map[string]any
	if resp := get(t, s.URL+"/v25.0/"+pageID, token, &pg); resp.StatusCode != 200 {
		t.Fatalf("unrelated path failed: %d", resp.StatusCode)
	}
	var e graphErr
	resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations", token, &e)
	if resp.StatusCode != 400 || e.Error.Code != 80006 || !strings.HasPrefix(e.Error.Message, "(#80006)") {
		t.Fatalf("got %d %+v", resp.StatusCode, e.Error)
	}
	var hdr map[string][]map[string]any
	if err := json.Unmarshal([]byte(resp.Header.Get("X-Business-Use-Case-Usage")), &hdr); err != nil {
		t.Fatalf("BUC header: %v", err)
	}
	if got := hdr[pageID][0]["estimated_time_to_regain_access"]; got != float64(7) {
		t.Errorf("estimated_time_to_regain_access = %v, want 7", got)
	}
	if resp.Header.Get("X-App-Usage") == "" {
		t.Error("X-App-Usage missing")
	}
	var p graphPage
	if resp := get(t, s.URL+"/v25.0/"+pageID+"/conversations", token, &p); resp.StatusCode != 200 {
		t.Fatalf("failure was not consumed: %d", resp.StatusCode)
	}
}

func TestAppSecretProof(t *testing.T) {
	s := newFake(t, 0)
	s.RequireAppSecretProof("app-secret")
	// hex(HMAC-SHA256(key="app-secret", msg=token)), computed independently.
	proof := hmacHex("app-secret", token)
	tests := []struct {
		proof string
		ok    bool
	}{{"", false}, {"00" + proof[2:], false}, {proof, true}}
	for _, tt := range tests {
		var out map[string]any
		resp := get(t, s.URL+"/v25.0/"+pageID+"?appsecret_proof="+tt.proof, token, &out)
		if (resp.StatusCode == 200) != tt.ok {
			t.Errorf("proof %q: status %d %v", tt.proof, resp.StatusCode, out)
		}
	}
}

func TestSubscribedApps(t *testing.T) {
	s := newFake(t, 0)
	post := func(form url.Values) (*http.Response, map[string]any) {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, s.URL+"/v25.0/"+pageID+"/subscribed_apps", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Authorization", "Bearer "+token)
		var out map[string]any
		return send(t, req, &out), out
	}
	if resp, out := post(url.Values{"subscribed_fields": {"messages,message_echoes"}}); resp.StatusCode != 200 || out["success"] != true {
		t.Fatalf("subscribe: %d %v", resp.StatusCode, out)
	}
	if got := s.Subscriptions(pageID); fmt.Sprint(got) != "[messages message_echoes]" {
		t.Errorf("Subscriptions = %v", got)
	}
	var list graphPage
	get(t, s.URL+"/v25.0/"+pageID+"/subscribed_apps", token, &list)
	if len(list.Data) != 1 || fmt.Sprint(list.Data[0]["subscribed_fields"]) != "[messages message_echoes]" {
		t.Errorf("GET subscribed_apps = %v", list.Data)
	}
	if resp, _ := post(url.Values{"subscribed_fields": {"messages,callback_url"}}); resp.StatusCode != 400 {
		t.Errorf("invalid field accepted: %d", resp.StatusCode)
	}
	s.Unsubscribe(pageID)
	if got := s.Subscriptions(pageID); got != nil {
		t.Errorf("after Unsubscribe: %v", got)
	}
}

func TestRequestsAreRedacted(t *testing.T) {
	s := newFake(t, 0)
	var out map[string]any
	get(t, s.URL+"/v25.0/"+pageID+"?access_token="+token, "", &out)
	get(t, s.URL+"/v25.0/"+pageID, token, &out)
	reqs := s.Requests()
	if len(reqs) != 2 {
		t.Fatalf("%d requests logged", len(reqs))
	}
	if reqs[0].Query.Get("access_token") != "REDACTED" || reqs[0].TokenIn != "query" || reqs[1].TokenIn != "header" {
		t.Errorf("requests = %+v", reqs)
	}
	if strings.Contains(fmt.Sprint(reqs), token) {
		t.Errorf("token leaked into Requests(): %v", reqs)
	}
}

func TestConcurrentUse(t *testing.T) {
	s := newFake(t, 3)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			// No t.Fatal off the test goroutine: report with t.Error.
			req, _ := http.NewRequest(http.MethodGet, s.URL+"/v25.0/"+pageID+"/conversations?limit=1", nil)
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
			_ = s.Requests()
			s.SetHeader("X-Page-Usage", facebooktest.Usage{CallCount: i}.JSON())
		})
	}
	for i := range 8 {
		s.AddMessage(pageID, "busy", "Busy", facebooktest.FakeMessage{Text: fmt.Sprint(i)})
	}
	wg.Wait()
	if n := len(s.Requests()); n != 8 {
		t.Errorf("%d requests logged, want 8", n)
	}
}

func TestSignBody(t *testing.T) {
	// Well-known HMAC-SHA256 test value.
	got := facebooktest.SignBody([]byte("The quick brown fox jumps over the lazy dog"), "key")
	if want := "sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8"; got != want {
		t.Errorf("SignBody = %s, want %s", got, want)
	}
}
