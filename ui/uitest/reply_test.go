package uitest

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// Send applies the messaging window from the customer's last message,
// as the engine does, and stores what it sends once.
func TestSendFollowsTheWindow(t *testing.T) {
	ctx := t.Context()
	now := t0
	tests := []struct {
		name       string
		wrote      time.Duration // how long ago the customer last wrote
		humanAgent bool
		sent       bool
	}{
		{"inside 24 h", time.Hour, false, true},
		{"after 24 h, plain", 30 * time.Hour, false, false},
		{"after 24 h, human agent", 30 * time.Hour, true, true},
		{"after 7 days, human agent", 8 * 24 * time.Hour, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := New(16)
			f.SetClock(func() time.Time { return now })
			f.AddMessage("A", incoming("p", "a", 1, now.Add(-tt.wrote)), false)
			f.AddMessage("", store.Message{ID: "out", PageID: "p", PSID: "a", Direction: store.Outgoing, CreatedAt: now.Add(-time.Minute), Text: "mine"}, false)
			ref := ui.ConversationRef{PageID: "p", PSID: "a"}
			m, err := f.Send(ctx, ui.SendRequest{Ref: ref, Text: "hello", HumanAgent: tt.humanAgent})
			if tt.sent != (err == nil) {
				t.Fatalf("Send: err %v, want sent %v", err, tt.sent)
			}
			msgs, _, _ := f.Messages(ctx, ref, "", 0)
			if !tt.sent {
				if !errors.Is(err, ErrWindowClosed) || len(msgs) != 2 {
					t.Errorf("refused send: err %v, %d messages stored", err, len(msgs))
				}
				return
			}
			if m.ID == "" || m.Direction != store.Outgoing || !m.CreatedAt.Equal(now) || msgs[len(msgs)-1].ID != m.ID {
				t.Errorf("sent %+v; stored last %+v", m, msgs[len(msgs)-1])
			}
			f.AddMessage("", m, true) // the echo
			if again, _, _ := f.Messages(ctx, ref, "", 0); len(again) != len(msgs) {
				t.Errorf("the echo added a message: %d, want %d", len(again), len(msgs))
			}
		})
	}
}

func TestSendRefusesBadTextAndFailsOnRequest(t *testing.T) {
	ctx := t.Context()
	f := New(16)
	f.SetClock(func() time.Time { return t0 })
	f.AddMessage("A", incoming("p", "a", 1, t0), false)
	ref := ui.ConversationRef{PageID: "p", PSID: "a"}
	for _, text := range []string{"", "  ", string(make([]rune, MaxText+1))} {
		if _, err := f.Send(ctx, ui.SendRequest{Ref: ref, Text: text}); err == nil {
			t.Errorf("text of %d characters sent", len([]rune(text)))
		}
	}
	cause := errors.New("Meta says the customer cannot be reached")
	f.FailSends(cause)
	if _, err := f.Send(ctx, ui.SendRequest{Ref: ref, Text: "hi"}); !errors.Is(err, cause) {
		t.Errorf("err %v, want the failure asked for", err)
	}
	f.FailSends(nil)
	p := SampleProducts(t0)[0]
	f.SetShop(SampleShop)
	m, err := f.Send(ctx, ui.SendRequest{Ref: ref, Product: &p})
	if err != nil || m.Card == nil || m.Card.Title != p.Title || m.Card.URL != p.URL || m.Card.Subtitle != "€89.00" {
		t.Errorf("card: %+v, %v", m.Card, err)
	}
}

func TestDraftsAndProducts(t *testing.T) {
	ctx := t.Context()
	f := Sample(t0)
	ref := ui.ConversationRef{PageID: PageLila, PSID: "ana"}
	d := ui.Draft{Text: "half a reply", Failed: []ui.FailedSend{{ID: "x", Reason: "no"}}}
	if err := f.SaveDraft(ctx, ref, d); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.Draft(ctx, ref); fmt.Sprint(got) != fmt.Sprint(d) {
		t.Errorf("draft = %+v, want %+v", got, d)
	}
	_ = f.SaveDraft(ctx, ref, ui.Draft{})
	if got, _ := f.Draft(ctx, ref); !got.IsZero() {
		t.Errorf("draft after saving a zero one = %+v", got)
	}

	for _, tt := range []struct{ q, want string }{
		{"linen", "[Linen Wrap Dress Linen Wrap Dress — Sand]"},
		{"lwd-sand", "[Linen Wrap Dress — Sand]"},
		{"ROASTERS", "[Ceramic Pour-Over Set Espresso Beans Single Origin 1 kg]"},
		{"sandals-2025", "[Summer Sandals 2025]"},
		{"zebra", "[]"},
	} {
		ps, err := f.Products(ctx, ui.ProductQuery{Text: tt.q, Limit: 10})
		var titles []string
		for _, p := range ps {
			titles = append(titles, p.Title)
		}
		if err != nil || fmt.Sprint(titles) != tt.want {
			t.Errorf("Products(%q) = %v, %v; want %s", tt.q, titles, err, tt.want)
		}
	}
	all, _ := f.Products(ctx, ui.ProductQuery{Limit: 100})
	if n := len(all); n != len(sampleCatalogue) || all[n-1].Status != "ARCHIVED" || all[n-2].Status != "DRAFT" {
		t.Errorf("all products: %d, the last two %s, %s; want active first", n, all[n-2].Status, all[n-1].Status)
	}
}
