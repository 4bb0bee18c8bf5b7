package demo

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// Posted is one message the sandbox delivered by webhook.
type Posted struct {
	PageID, PSID, Name, Text string
	At                       time.Time
}

// PostMessage plays Meta delivering a new message from a customer: it adds
// it to the fake Graph API (so a poll and a reply agree with the webhook)
// and POSTs the signed delivery to webhookURL, the app's
// /webhooks/facebook. The customer is one of the sample threads' or a new
// one; any answer but 200 is an error.
func (s *Sandbox) PostMessage(ctx context.Context, webhookURL string) (Posted, error) {
	p, n := s.nextLive()
	m := facebooktest.FakeMessage{ID: fmt.Sprintf("m_demo_live_%d_%d", p.At.UnixMilli(), n), Text: p.Text, At: p.At}
	s.Graph.AddMessage(p.PageID, p.PSID, p.Name, m)
	body, err := facebooktest.WebhookBody(p.PageID, p.PSID, m)
	if err != nil {
		return p, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, webhookURL, bytes.NewReader(body))
	if err != nil {
		return p, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", facebooktest.SignBody(body, appSecret))
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return p, fmt.Errorf("demo: deliver the webhook: %w", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return p, fmt.Errorf("demo: the app answered the webhook with HTTP %d", resp.StatusCode)
	}
	return p, nil
}

// nextLive picks who writes next and what: half the time a customer of
// one of the eight most recent threads, otherwise one of liveCustomers.
// n counts the messages.
func (s *Sandbox) nextLive() (p Posted, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent++
	p.At = s.now().Truncate(time.Millisecond)
	if s.live.IntN(2) == 0 {
		t := threads[s.live.IntN(8)]
		texts := followUps[t.psid]
		p.PageID, p.PSID, p.Name, p.Text = pages[t.page].id, t.psid, t.name, texts[s.live.IntN(len(texts))]
	} else {
		i := s.live.IntN(len(liveCustomers))
		c := liveCustomers[i]
		p.PageID, p.PSID, p.Name, p.Text = pages[i%len(pages)].id, c.psid, c.name, c.texts[s.live.IntN(len(c.texts))]
	}
	return p, s.sent
}

// Live posts a message every 5 to 20 seconds (drawn from the seed) until
// ctx ends. A failed delivery is logged and the next one tried: the app
// may be restarting its engine.
func (s *Sandbox) Live(ctx context.Context, webhookURL string) {
	for {
		s.mu.Lock()
		wait := 5*time.Second + time.Duration(s.live.Int64N(int64(15*time.Second)))
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		p, err := s.PostMessage(ctx, webhookURL)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Warn("demo: a customer's message was not delivered", "err", err)
			}
			continue
		}
		s.log.Info("demo: a customer wrote", "name", p.Name, "text", p.Text)
	}
}
