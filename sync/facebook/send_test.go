package facebook_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook"
	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
)

// sendSetup is setup with the fake's clock following the client's, one
// customer (psid0) who wrote at t0.
func sendSetup(t *testing.T, now time.Time) (*facebooktest.Server, *facebook.Client) {
	t.Helper()
	fake, _, _ := setup(t, 1)
	fake.SetClock(func() time.Time { return now })
	fake.RequireAppSecretProof(appSecret)
	c := facebook.NewClient(facebook.Options{BaseURL: fake.URL, AppSecret: appSecret, Now: func() time.Time { return now }})
	return fake, c
}

func TestSendText(t *testing.T) {
	fake, c := sendSetup(t, t0.Add(time.Hour))
	res, err := c.Send(context.Background(), pageID, pageToken, "psid0", facebook.Outgoing{Text: "Thanks, it ships today"})
	if err != nil {
		t.Fatal(err)
	}
	if res.RecipientID != "psid0" || res.MessageID == "" {
		t.Fatalf("result = %+v", res)
	}
	sent := fake.Sent()
	if len(sent) != 1 || sent[0].MessagingType != "RESPONSE" || sent[0].Tag != "" || sent[0].Text != "Thanks, it ships today" || sent[0].MessageID != res.MessageID {
		t.Fatalf("sent = %+v", sent)
	}
	reqs := fake.Requests()
	last := reqs[len(reqs)-1]
	if last.Method != "POST" || last.TokenIn != "header" || !strings.HasSuffix(last.Path, "/"+pageID+"/messages") {
		t.Errorf("request = %+v", last)
	}
	// The page's next read of the thread lists the reply, from the page.
	msgs, err := collect(t, c.Messages(context.Background(), facebooktest.ConversationID(pageID, "psid0"), pageToken, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 || msgs[0].ID != res.MessageID || msgs[0].From.ID != pageID || msgs[0].Text != "Thanks, it ships today" {
		t.Fatalf("messages after send = %+v", msgs)
	}
}

func TestSendWindow(t *testing.T) {
	tests := []struct {
		name       string
		after      time.Duration
		humanAgent bool
		revoked    bool
		wantErr    error // nil: sent
		wantType   string
	}{
		{"response inside 24h", 23 * time.Hour, false, false, nil, "RESPONSE"},
		{"response at 24h", 24 * time.Hour, false, false, facebook.ErrOutsideWindow, ""},
		{"human agent at 3 days", 72 * time.Hour, true, false, nil, "MESSAGE_TAG"},
		{"human agent at 7 days", 7 * 24 * time.Hour, true, false, facebook.ErrOutsideWindow, ""},
		{"human agent refused", 72 * time.Hour, true, true, facebook.ErrPermission, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, c := sendSetup(t, t0.Add(tt.after))
			fake.RevokeHumanAgent(tt.revoked)
			_, err := c.Send(context.Background(), pageID, pageToken, "psid0", facebook.Outgoing{Text: "hi", HumanAgent: tt.humanAgent})
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				if s := fake.Sent(); len(s) != 1 || s[0].MessagingType != tt.wantType || (tt.humanAgent && s[0].Tag != "HUMAN_AGENT") {
					t.Fatalf("sent = %+v", s)
				}
				return
			}
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if tt.revoked && errors.Is(err, facebook.ErrOutsideWindow) {
				t.Errorf("a refused permission reads as a closed window: %v", err)
			}
			if len(fake.Sent()) != 0 {
				t.Error("a refused message was stored")
			}
		})
	}
}

func TestSendErrors(t *testing.T) {
	ctx := context.Background()
	t.Run("unreachable", func(t *testing.T) {
		fake, c := sendSetup(t, t0.Add(time.Hour))
		fake.SetUnreachable(pageID, "psid0", true)
		_, err := c.Send(ctx, pageID, pageToken, "psid0", facebook.Outgoing{Text: "hi"})
		if !errors.Is(err, facebook.ErrUnreachable) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("dead token", func(t *testing.T) {
		fake, c := sendSetup(t, t0.Add(time.Hour))
		fake.KillToken(pageToken, 460)
		_, err := c.Send(ctx, pageID, pageToken, "psid0", facebook.Outgoing{Text: "hi"})
		if !errors.Is(err, facebook.ErrTokenInvalid) || strings.Contains(err.Error(), pageToken) {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("rate limited, then blocked without a call", func(t *testing.T) {
		fake, c := sendSetup(t, t0.Add(time.Hour))
		fake.Throttle(pageID, 80006, 10*time.Minute)
		_, err := c.Send(ctx, pageID, pageToken, "psid0", facebook.Outgoing{Text: "hi"})
		var rl *facebook.RateLimitError
		if !errors.As(err, &rl) || rl.RetryAfter < 10*time.Minute {
			t.Fatalf("err = %v", err)
		}
		n := len(fake.Requests())
		if _, err := c.Send(ctx, pageID, pageToken, "psid0", facebook.Outgoing{Text: "hi"}); !errors.Is(err, facebook.ErrRateLimited) {
			t.Fatalf("second send: %v", err)
		}
		if len(fake.Requests()) != n {
			t.Error("a send during the block reached Meta")
		}
	})
	t.Run("unknown recipient", func(t *testing.T) {
		_, c := sendSetup(t, t0.Add(time.Hour))
		_, err := c.Send(ctx, pageID, pageToken, "nobody", facebook.Outgoing{Text: "hi"})
		var gerr *facebook.Error
		if !errors.As(err, &gerr) || gerr.Code != 100 {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestSendTextLimits(t *testing.T) {
	// The fake checks the limits as Meta does; the client sends what it
	// is given, so this exercises the fake's side of the contract.
	tests := []struct {
		name string
		text string
		ok   bool
	}{
		{"2000 characters", strings.Repeat("é", 2000), true},
		{"2001 characters", strings.Repeat("a", 2001), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, c := sendSetup(t, t0.Add(time.Hour))
			_, err := c.Send(context.Background(), pageID, pageToken, "psid0", facebook.Outgoing{Text: tt.text})
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
		})
	}
	_, c := sendSetup(t, t0.Add(time.Hour))
	if _, err := c.Send(context.Background(), pageID, pageToken, "psid0", facebook.Outgoing{Text: "  "}); err == nil {
		t.Error("a blank text was sent")
	}
}

func TestSendCard(t *testing.T) {
	ctx := context.Background()
	card := &facebook.Card{
		Title: "Blue Mug", Subtitle: "EUR 12.50", ImageURL: "https://cdn.example/mug.jpg",
		URL: "https://shop.example/products/blue-mug",
	}
	fake, c := sendSetup(t, t0.Add(time.Hour))
	res, err := c.Send(ctx, pageID, pageToken, "psid0", facebook.Outgoing{Card: card})
	if err != nil {
		t.Fatal(err)
	}
	sent := fake.Sent()
	if len(sent) != 1 || sent[0].MessageID != res.MessageID {
		t.Fatalf("sent = %+v", sent)
	}
	var p struct {
		TemplateType string `json:"template_type"`
		Elements     []struct {
			Title, Subtitle string
			ImageURL        string `json:"image_url"`
			DefaultAction   struct {
				Type, URL string
			} `json:"default_action"`
			Buttons []struct{ Type, URL, Title string }
		}
	}
	if err := json.Unmarshal(sent[0].Template, &p); err != nil {
		t.Fatal(err)
	}
	el := p.Elements
	if p.TemplateType != "generic" || len(el) != 1 || el[0].Title != "Blue Mug" || el[0].Subtitle != "EUR 12.50" ||
		el[0].ImageURL != card.ImageURL || el[0].DefaultAction.URL != card.URL ||
		len(el[0].Buttons) != 1 || el[0].Buttons[0].Title != "View" || el[0].Buttons[0].URL != card.URL || el[0].Buttons[0].Type != "web_url" {
		t.Fatalf("template = %s", sent[0].Template)
	}

	// Meta's limits on a template.
	for _, bad := range []facebook.Card{
		{Title: strings.Repeat("t", 81), Subtitle: "x"},
		{Title: "Mug", Subtitle: strings.Repeat("s", 81)},
		{Title: "Mug"}, // nothing but a title
		{Title: "", Subtitle: "x"},
		{Title: "Mug", URL: "not a url"},
	} {
		if _, err := c.Send(ctx, pageID, pageToken, "psid0", facebook.Outgoing{Card: &bad}); err == nil {
			t.Errorf("card %+v was accepted", bad)
		}
	}
}
