package facebook_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
)

// failingTransport passes the first n requests to the real transport and
// fails the rest; it remembers every URL it saw.
type failingTransport struct {
	n    int
	urls []string
}

func (f *failingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	f.urls = append(f.urls, r.URL.String())
	if len(f.urls) > f.n {
		return nil, errors.New("connection reset by peer")
	}
	return http.DefaultTransport.RoundTrip(r)
}

func assertNoToken(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		t.Fatal("want an error")
	}
	if msg := err.Error(); strings.Contains(msg, pageToken) || strings.Contains(msg, "access_token") {
		t.Errorf("error text leaks the token: %s", msg)
	}
}

func TestTokenNotInTransportErrors(t *testing.T) {
	fake, _, _ := setup(t, 3)
	// Page 1 succeeds; following its paging.next (whose query carries the
	// token) fails in the transport, so net/http builds a *url.Error.
	tr := &failingTransport{n: 1}
	c := facebook.NewClient(facebook.Options{BaseURL: fake.URL, HTTPClient: &http.Client{Transport: tr}})
	_, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 1))
	assertNoToken(t, err)
	if !strings.Contains(err.Error(), "connection reset by peer") {
		t.Errorf("cause lost: %v", err)
	}
	for _, u := range tr.urls {
		if strings.Contains(u, pageToken) {
			t.Errorf("token sent in a URL: %s", u)
		}
	}

	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	c = facebook.NewClient(facebook.Options{BaseURL: dead.URL})
	_, err = c.Page(t.Context(), pageID, pageToken)
	assertNoToken(t, err)
}

func TestTokenNotInGraphErrors(t *testing.T) {
	fake, c, _ := setup(t, 1)
	fake.KillToken(pageToken, 467)
	_, err := c.Page(t.Context(), pageID, pageToken)
	assertNoToken(t, err)

	// Even a Graph message that quotes the token is scrubbed.
	echo := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": "Malformed access token " + tok, "type": "OAuthException", "code": 190, "fbtrace_id": "X",
		}})
	}))
	t.Cleanup(echo.Close)
	c = facebook.NewClient(facebook.Options{BaseURL: echo.URL})
	_, err = c.Page(t.Context(), pageID, pageToken)
	assertNoToken(t, err)
	if ge, ok := errors.AsType[*facebook.Error](err); !ok || !strings.Contains(ge.Message, "[REDACTED]") {
		t.Errorf("err = %v", err)
	}
}

// pagingServer answers every request with one conversation and the
// paging.next that next builds from its own URL.
func pagingServer(t *testing.T, next func(self string) string) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]any{
			"data":   []any{map[string]any{"id": "t_1", "updated_time": "2026-05-01T10:00:00+0000"}},
			"paging": map[string]any{"cursors": map[string]any{"before": "QVFIa", "after": "QVFIb"}, "next": next(srv.URL)},
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestForeignNextIsRefused(t *testing.T) {
	var foreignHits atomic.Int32
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		foreignHits.Add(1)
		w.Write([]byte(`{"data":[]}`))
	}))
	t.Cleanup(foreign.Close)

	tests := []struct {
		name string
		next func(self string) string
	}{
		{"other host", func(string) string {
			return foreign.URL + "/v25.0/1001/conversations?after=QVFIb&access_token=" + pageToken
		}},
		{"other scheme", func(self string) string {
			return strings.Replace(self, "http://", "https://", 1) + "/v25.0/1001/conversations?access_token=" + pageToken
		}},
		{"user info", func(self string) string {
			return strings.Replace(self, "http://", "http://"+pageToken+"@", 1) + "/v25.0/1001/conversations"
		}},
		{"relative", func(string) string { return "/v25.0/1001/conversations?access_token=" + pageToken }},
		{"malformed", func(string) string { return "http://[::1%zz/?access_token=" + pageToken }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := pagingServer(t, tt.next)
			c := facebook.NewClient(facebook.Options{BaseURL: srv.URL})
			convs, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 1))
			assertNoToken(t, err)
			if len(convs) != 1 {
				t.Errorf("page 1 not yielded before the error: %d items", len(convs))
			}
		})
	}
	if n := foreignHits.Load(); n != 0 {
		t.Errorf("foreign host received %d requests", n)
	}
}

func TestRepeatingNextStops(t *testing.T) {
	var hits atomic.Int32
	srv := pagingServer(t, func(self string) string {
		hits.Add(1)
		// Same page again, with the token Graph would add.
		return self + "/v25.0/1001/conversations?access_token=" + pageToken +
			"&fields=id%2Cupdated_time%2Cparticipants%2Cmessage_count%2Cunread_count%2Csnippet&limit=1&platform=messenger"
	})
	c := facebook.NewClient(facebook.Options{BaseURL: srv.URL})
	_, err := collect(t, c.Conversations(t.Context(), pageID, pageToken, 1))
	if err == nil || hits.Load() != 1 {
		t.Errorf("err = %v after %d requests; want an error after 1", err, hits.Load())
	}
	assertNoToken(t, err)
}
