package engine

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// lockedBuffer is a log sink the handler's goroutine writes while the test
// reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// jsonString writes s as a JSON string: NUL and control characters as
// \u escapes, as Meta would.
func jsonString(s string) string {
	b, err := json.Marshal(s)
	if err != nil {
		panic(err)
	}
	return string(b)
}

// TestWebhookEventWithAnUnusableIDIsDroppedNotTheDelivery: an event whose
// ids no store could key by (a NUL, a control character, absurd length,
// empty) costs only itself. The delivery is acknowledged with 200 (a 500
// would have Meta resend it for an hour and then unsubscribe the page),
// the good events beside it are stored, and each dropped one is logged
// with its page, kind and why, never its text.
func TestWebhookEventWithAnUnusableIDIsDroppedNotTheDelivery(t *testing.T) {
	const text = "my card number is 4111"
	long := strings.Repeat("8", facebook.MaxIDBytes+1)
	longest := strings.Repeat("9", facebook.MaxIDBytes) // usable: kept
	msg := func(psid, mid string) string {
		return fmt.Sprintf(`{"sender":{"id":%s},"recipient":{"id":"100"},"timestamp":%d,"message":{"mid":%s,"text":%s}}`, jsonString(psid), ms(0), jsonString(mid), jsonString(text))
	}
	bad := []struct{ item, kind, why string }{
		{msg("9001", "m_\x00nul"), "message", "mid contains a control character"},
		{msg("9001\x00", "m_a"), "message", "sender id contains a control character"},
		{msg("9001", "m_"+long), "message", "mid is longer than 512 bytes"},
		{msg(long, "m_b"), "message", "sender id is longer than 512 bytes"},
		{fmt.Sprintf(`{"sender":{"id":"9001"},"recipient":{"id":"100"},"timestamp":%d,"reaction":{"mid":"m_\u0000","action":"react","emoji":"x"}}`, ms(0)),
			"reaction", "reaction mid contains a control character"},
		{fmt.Sprintf(`{"sender":{"id":"100"},"recipient":{"id":"9001\n"},"timestamp":%d,"message":{"is_echo":true,"mid":"m_c","text":%s}}`, ms(0), jsonString(text)),
			"echo", "recipient id contains a control character"},
	}
	items := []string{msg("9001", "m_good")}
	for _, b := range bad {
		items = append(items, b.item)
	}
	// A postback without mid from the longest usable PSID: the id the
	// engine derives from it must still be one the store takes.
	items = append(items, fmt.Sprintf(`{"sender":{"id":%q},"recipient":{"id":"100"},"timestamp":%d,"postback":{"title":"Buy","payload":"BUY"}}`, longest, ms(0)))

	f := newFixture(t)
	f.addPage(t, "100", "Shop One")
	var logs lockedBuffer
	srv := httptest.NewServer(facebook.NewWebhookHandler(facebook.HandlerOptions{
		AppSecret: testAppSecret,
		Sink:      NewIngester(IngesterOptions{Store: f.st}),
		Logger:    slog.New(slog.NewTextHandler(&logs, nil)),
	}))
	t.Cleanup(srv.Close)
	ws := &webhookServer{url: srv.URL}

	if got := ws.post(t, envelope("100", items...), testAppSecret); got != http.StatusOK {
		t.Fatalf("status %d, want 200:\n%s", got, logs.String())
	}
	if _, err := f.st.Message(t.Context(), "m_good"); err != nil {
		t.Errorf("the good message beside the bad ones: %v", err)
	}
	if s := f.stats(t); s.Messages != 2 || s.Conversations != 2 {
		t.Errorf("stored %+v, want the good message and the postback in their two conversations", s)
	}
	for _, mid := range []string{"m_a", "m_b", "m_c"} {
		if _, err := f.st.Message(t.Context(), mid); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("message %s with an unusable id beside it: %v, want not stored", mid, err)
		}
	}
	log := logs.String()
	for _, b := range bad {
		want := fmt.Sprintf("page=100 kind=%s path=\"\" why=%q", b.kind, b.why)
		if !strings.Contains(log, want) {
			t.Errorf("log lacks %s:\n%s", want, log)
		}
	}
	if strings.Contains(log, text) || strings.Contains(log, long) {
		t.Errorf("the log carries message text or a bad id:\n%s", log)
	}
}
