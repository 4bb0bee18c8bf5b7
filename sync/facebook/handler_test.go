package facebook_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

const (
	verifyToken = "verify-me-please"
	secretText  = "my card number is 4111"
)

var hookBody = []byte(`{"object":"page","entry":[{"id":"1001","time":1458692752478,"messaging":[{"sender":{"id":"psid"},"recipient":{"id":"1001"},"timestamp":1458692752478,"message":{"mid":"m_1","text":"` + secretText + `"}}]}]}`)

// recordingSink records deliveries and the order of ingest vs. response.
type recordingSink struct {
	mu    sync.Mutex
	got   []*facebook.Webhook
	err   error
	trace *[]string
}

func (s *recordingSink) Ingest(ctx context.Context, wh *facebook.Webhook) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.trace != nil {
		*s.trace = append(*s.trace, "ingest")
	}
	if s.err != nil {
		return s.err
	}
	s.got = append(s.got, wh)
	return nil
}

func (s *recordingSink) calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// orderWriter notes when the response status is written.
type orderWriter struct {
	*httptest.ResponseRecorder
	trace *[]string
}

func (w orderWriter) WriteHeader(code int) {
	*w.trace = append(*w.trace, "status")
	w.ResponseRecorder.WriteHeader(code)
}

func (w orderWriter) Write(b []byte) (int, error) {
	*w.trace = append(*w.trace, "body")
	return w.ResponseRecorder.Write(b)
}

// WriteString shadows the recorder's, which io.WriteString would use.
func (w orderWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

func newHandler(t *testing.T, sink facebook.Sink, logs *bytes.Buffer) http.Handler {
	t.Helper()
	return facebook.NewWebhookHandler(facebook.HandlerOptions{
		AppSecret: appSecret, VerifyToken: verifyToken, Sink: sink, MaxBodyBytes: 4096,
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	})
}

func TestHandshake(t *testing.T) {
	tests := []struct {
		name  string
		query string
		code  int
		body  string
	}{
		{"ok", "hub.mode=subscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1158201444", 200, "1158201444"},
		{"bad token", "hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1", 403, ""},
		{"token prefix", "hub.mode=subscribe&hub.verify_token=verify&hub.challenge=1", 403, ""},
		{"no token", "hub.mode=subscribe&hub.challenge=1", 403, ""},
		{"bad mode", "hub.mode=unsubscribe&hub.verify_token=" + verifyToken + "&hub.challenge=1", 403, ""},
	}
	var logs bytes.Buffer
	h := newHandler(t, &recordingSink{}, &logs)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/webhooks/facebook?"+tt.query, nil))
			if rec.Code != tt.code {
				t.Fatalf("status %d, want %d", rec.Code, tt.code)
			}
			if tt.code == 200 {
				if rec.Body.String() != tt.body || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
					t.Errorf("body %q, content-type %q", rec.Body.String(), rec.Header().Get("Content-Type"))
				}
			}
		})
	}
	if strings.Contains(logs.String(), verifyToken) {
		t.Errorf("verify token logged: %s", logs.String())
	}

	// With no VerifyToken configured, an empty hub.verify_token must not match.
	h = facebook.NewWebhookHandler(facebook.HandlerOptions{AppSecret: appSecret, Sink: &recordingSink{}, Logger: slog.New(slog.DiscardHandler)})
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/?hub.mode=subscribe&hub.verify_token=&hub.challenge=1", nil))
	if rec.Code != 403 {
		t.Errorf("empty verify token accepted: %d", rec.Code)
	}
}

func post(h http.Handler, body []byte, sig string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, "/webhooks/facebook", bytes.NewReader(body))
	if sig != "" {
		req.Header.Set("X-Hub-Signature-256", sig)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestDeliveryIsAcknowledgedAfterIngest(t *testing.T) {
	var trace []string
	var logs bytes.Buffer
	sink := &recordingSink{trace: &trace}
	h := newHandler(t, sink, &logs)

	req := httptest.NewRequest(http.MethodPost, "/webhooks/facebook", bytes.NewReader(hookBody))
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody(hookBody, appSecret))
	w := orderWriter{httptest.NewRecorder(), &trace}
	h.ServeHTTP(w, req)

	if w.Code != 200 || w.Body.String() != "EVENT_RECEIVED" {
		t.Fatalf("status %d body %q", w.Code, w.Body.String())
	}
	if len(trace) < 2 || trace[0] != "ingest" || trace[1] != "body" && trace[1] != "status" {
		t.Errorf("order = %v, want ingest before any response", trace)
	}
	if sink.calls() != 1 || sink.got[0].Entries[0].Events[0].Message.MID != "m_1" {
		t.Errorf("sink got %+v", sink.got)
	}
	if strings.Contains(logs.String(), secretText) || strings.Contains(logs.String(), appSecret) {
		t.Errorf("logs leak message text or secret: %s", logs.String())
	}
}

func TestDeliveryRejections(t *testing.T) {
	signed := facebooktest.SignBody(hookBody, appSecret)
	bad := []byte(`{"object":"page","entry":[`)
	big := bytes.Repeat([]byte(" "), 4097)
	tests := []struct {
		name string
		body []byte
		sig  string
		sink error
		code int
	}{
		{"missing signature", hookBody, "", nil, 403},
		{"wrong signature", hookBody, facebooktest.SignBody(hookBody, "other"), nil, 403},
		{"sha1 signature", hookBody, "sha1=" + strings.Repeat("0", 40), nil, 403},
		{"tampered body", append(bytes.Clone(hookBody[:len(hookBody)-1]), ' ', '}'), signed, nil, 403},
		{"malformed but signed", bad, facebooktest.SignBody(bad, appSecret), nil, 400},
		{"not a page object", []byte(`{"object":"user"}`), facebooktest.SignBody([]byte(`{"object":"user"}`), appSecret), nil, 400},
		{"oversize", big, facebooktest.SignBody(big, appSecret), nil, 413},
		{"sink fails", hookBody, signed, errors.New("disk full"), 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			sink := &recordingSink{err: tt.sink}
			rec := post(newHandler(t, sink, &logs), tt.body, tt.sig)
			if rec.Code != tt.code {
				t.Errorf("status %d, want %d", rec.Code, tt.code)
			}
			if tt.sink == nil && sink.calls() != 0 {
				t.Errorf("sink called %d times for a rejected delivery", sink.calls())
			}
			if strings.Contains(logs.String(), secretText) || strings.Contains(logs.String(), appSecret) {
				t.Errorf("logs leak: %s", logs.String())
			}
		})
	}
}

func TestBodyLimitWithoutContentLength(t *testing.T) {
	sink := &recordingSink{}
	h := newHandler(t, sink, new(bytes.Buffer))
	exact := append([]byte(`{"object":"page","entry":[]}`), bytes.Repeat([]byte(" "), 4096-28)...)
	for _, tt := range []struct {
		body []byte
		code int
	}{{exact, 200}, {append(bytes.Clone(exact), ' '), 413}} {
		req := httptest.NewRequest(http.MethodPost, "/", io.MultiReader(bytes.NewReader(tt.body))) // unknown length
		req.ContentLength = -1
		req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody(tt.body, appSecret))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != tt.code {
			t.Errorf("%d bytes: status %d, want %d", len(tt.body), rec.Code, tt.code)
		}
	}
}

func TestOtherMethods(t *testing.T) {
	h := newHandler(t, &recordingSink{}, new(bytes.Buffer))
	for _, m := range []string{http.MethodPut, http.MethodDelete, http.MethodPatch} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(m, "/", nil))
		if rec.Code != 405 || rec.Header().Get("Allow") == "" {
			t.Errorf("%s: status %d allow %q", m, rec.Code, rec.Header().Get("Allow"))
		}
	}
}

func TestHandlerOverRealHTTP(t *testing.T) {
	sink := &recordingSink{}
	srv := httptest.NewServer(newHandler(t, sink, new(bytes.Buffer)))
	t.Cleanup(srv.Close)
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL, bytes.NewReader(hookBody))
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody(hookBody, appSecret))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 || string(b) != "EVENT_RECEIVED" || sink.calls() != 1 {
		t.Errorf("status %d body %q calls %d", resp.StatusCode, b, sink.calls())
	}
}

func TestNewWebhookHandlerNeedsSecretAndSink(t *testing.T) {
	for name, o := range map[string]facebook.HandlerOptions{
		"no secret": {Sink: &recordingSink{}},
		"no sink":   {AppSecret: appSecret},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			facebook.NewWebhookHandler(o)
		}()
	}
}
