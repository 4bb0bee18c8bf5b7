package ui_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/ui"
	"github.com/merchant-inbox/merchant-inbox/ui/uitest"
)

var (
	ana  = ui.ConversationRef{PageID: uitest.PageLila, PSID: "ana"}
	wang = ui.ConversationRef{PageID: uitest.PageCafe, PSID: "wangfang"}
)

// sample starts the window over the sample inbox.
func sample(t *testing.T, ho ui.HarnessOptions) (*uitest.Fake, *ui.Harness) {
	f := uitest.Sample(ui.TestNow)
	return f, ui.NewHarness(t, f, ho).Start().Loaded()
}

// lastLine is the thread's last line of text but for the delivery
// state ("-- Sent").
func lastLine(h *ui.Harness) string {
	text := strings.TrimSuffix(h.ThreadText(), "\n")
	if i := strings.LastIndex(text, "\n-- "); i >= 0 && !strings.Contains(text[i+1:], "\n") {
		text = text[:i]
	}
	return text[strings.LastIndex(text, "\n")+1:]
}

func TestEnterSendsShiftEnterBreaksTheLine(t *testing.T) {
	f, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	h.UI(func() {
		h.TypeReply("Yes, size M")
		h.PressEnter(true)
		h.TypeReply("in sage green")
		if got := h.Reply().Text; got != "Yes, size M\nin sage green" {
			t.Errorf("after Shift+Enter the box holds %q", got)
		}
		if len(f.Sends()) != 0 {
			t.Errorf("Shift+Enter sent %v", f.Sends())
		}
		h.PressEnter(false)
		if got := h.Reply().Text; got != "" {
			t.Errorf("after Enter the box holds %q, want it emptied", got)
		}
		h.PressEnter(false) // an empty box sends nothing
	})
	h.Eventually("the reply in the thread", func() bool {
		return strings.HasSuffix(h.ThreadText(), "> Yes, size M\nin sage green | 15:30\n-- Sent\n") && len(h.ThreadMessages()) == 51
	})
	if s := f.Sends(); len(s) != 1 || s[0].Text != "Yes, size M\nin sage green" || s[0].Ref != ana || s[0].HumanAgent {
		t.Errorf("sends = %+v", s)
	}
}

// A reply shows at once as "Sending…", then as the stored message with
// its time: one bubble, whether the send's answer or the store's copy
// comes first, and when the echo brings the same id again.
func TestSendingThenSent(t *testing.T) {
	for _, echoFirst := range []bool{false, true} {
		name := map[bool]string{false: "answer first", true: "stored first"}[echoFirst]
		t.Run(name, func(t *testing.T) {
			f, h := sample(t, ui.HarnessOptions{})
			openByName(t, h, "Ana Souza")
			if echoFirst {
				f.HoldReplies()
			} else {
				f.HoldSends()
			}
			h.UI(func() {
				h.TypeReply("On its way!")
				h.TapSend()
			})
			if !echoFirst {
				h.Eventually("Sending…", func() bool { return lastLine(h) == "> On its way! | Sending…" })
			} else {
				h.Eventually("the stored copy", func() bool { return len(h.ThreadMessages()) == 51 })
				h.UI(func() {
					if n := strings.Count(h.ThreadText(), "On its way!"); n != 1 || strings.Contains(h.ThreadText(), "Sending…") {
						t.Errorf("with the stored copy read first the thread shows the reply %d times:\n%s", n, h.ThreadText())
					}
				})
			}
			f.ReleaseSends()
			h.Eventually("the sent message", func() bool {
				ids := h.ThreadMessages()
				return lastLine(h) == "> On its way! | 15:30" && ids[len(ids)-1] == "m_sent_1"
			})
			reads := f.Reads("Messages")
			f.AddMessage("", store.Message{ID: "m_sent_1", PageID: ana.PageID, PSID: ana.PSID, Direction: store.Outgoing,
				CreatedAt: ui.TestNow, Text: "On its way!"}, true) // the echo
			h.Eventually("the echo read", func() bool { return f.Reads("Messages") > reads })
			h.UI(func() {
				if n := strings.Count(h.ThreadText(), "On its way!"); n != 1 {
					t.Errorf("the reply shows %d times after its echo:\n%s", n, h.ThreadText())
				}
			})
		})
	}
}

// A failed send says why, with Retry and Delete; it is kept in the
// draft meanwhile, so a restart does not lose it.
func TestFailedSendRetryAndDelete(t *testing.T) {
	f, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	f.FailSends(errors.New("Meta could not reach this customer (code 551); try again later"))
	h.UI(func() {
		h.TypeReply("Are you there?")
		h.PressEnter(false)
	})
	want := "> Are you there? | Not sent\n!! Not sent: Meta could not reach this customer (code 551); try again later [Retry] [Delete]"
	h.Eventually("the failure", func() bool { return strings.HasSuffix(h.ThreadText(), want+"\n") })
	h.Eventually("the failure kept", func() bool {
		d, _ := f.Draft(t.Context(), ana)
		return len(d.Failed) == 1 && d.Failed[0].Request.Text == "Are you there?"
	})

	f.FailSends(nil)
	h.UI(func() { h.TapRetry(0) })
	h.Eventually("the retry sent", func() bool { return lastLine(h) == "> Are you there? | 15:30" })
	h.Eventually("the draft emptied", func() bool { d, _ := f.Draft(t.Context(), ana); return d.IsZero() })

	f.FailSends(errors.New("Rate limited by Meta until 15:45"))
	h.UI(func() {
		h.TypeReply("Hello?")
		h.PressEnter(false)
	})
	h.Eventually("the second failure", func() bool { return strings.Contains(h.ThreadText(), "!! Not sent: Rate limited") })
	h.UI(func() { h.TapDelete(0) })
	h.Eventually("deleted", func() bool {
		d, _ := f.Draft(t.Context(), ana)
		return !strings.Contains(h.ThreadText(), "Hello?") && d.IsZero()
	})
	if n := len(f.Sends()); n != 3 {
		t.Errorf("%d sends, want 3 (one each time the merchant asked, never on its own)", n)
	}
}

// Unsent text stays with its conversation across switches and restarts.
func TestDraftKeptAcrossConversations(t *testing.T) {
	f, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	h.UI(func() { h.TypeReply("Let me check the stock and") })
	openByName(t, h, "Jürgen Müller-Lüdenscheidt")
	h.UI(func() {
		if r := h.Reply(); r.Text != "" {
			t.Errorf("Jürgen's box holds %q", r.Text)
		}
	})
	h.Eventually("Ana's draft kept on leaving", func() bool {
		d, _ := f.Draft(t.Context(), ana)
		return d.Text == "Let me check the stock and"
	})
	openByName(t, h, "Zoë 🌸 Smith")
	h.Eventually("Zoë's stored draft", func() bool { return h.Reply().Text == "Hi Zoë! The blue one is back in stock" })
	openByName(t, h, "Ana Souza")
	h.UI(func() {
		if r := h.Reply(); r.Text != "Let me check the stock and" {
			t.Errorf("back in Ana's, the box holds %q", r.Text)
		}
	})

	h.Stop()
	h2 := ui.NewHarness(t, f, ui.HarnessOptions{}).Start().Loaded() // a restart
	openByName(t, h2, "Ana Souza")
	h2.Eventually("the draft after a restart", func() bool { return h2.Reply().Text == "Let me check the stock and" })
}

// The line over the box counts down from the app's clock.
func TestWindowCountsDown(t *testing.T) {
	_, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ana Souza")
	h.UI(func() {
		if r := h.Reply(); r.Line != "You can reply for 23 h 57 min" || !r.CanType || r.HumanAgentOpts {
			t.Errorf("Ana's box: %+v", r)
		}
	})
	h.Clock.Advance(5*time.Hour + 15*time.Minute)
	h.Eventually("the countdown", func() bool { return h.Reply().Line == "You can reply for 18 h 42 min" })
	h.Clock.Advance(19 * time.Hour)
	h.Eventually("the window closed", func() bool {
		r := h.Reply()
		return strings.HasPrefix(r.Line, "Window closed 18 min ago; a human-agent reply is possible until ") && r.HumanAgentOpts
	})
}

// After 24 hours a reply goes only as a human-agent reply, and only
// when the merchant chooses it.
func TestHumanAgentReplyIsChosen(t *testing.T) {
	f, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "王芳")
	h.UI(func() {
		r := h.Reply()
		if r.Line != "Window closed 3 h ago; a human-agent reply is possible until Wed 12:30" || !r.HumanAgentOpts || r.HumanAgent {
			t.Errorf("Wang's box: %+v", r)
		}
		h.TypeReply("Yes, in stock")
		if h.Reply().CanSend {
			t.Error("Send is enabled before a human-agent reply was chosen")
		}
		h.PressEnter(false)
		h.TapHumanAgent()
		if !h.Reply().CanSend {
			t.Error("Send is disabled after choosing a human-agent reply")
		}
		h.PressEnter(false)
	})
	h.Eventually("the human-agent reply", func() bool { return lastLine(h) == "> Yes, in stock | 15:30" })
	if s := f.Sends(); len(s) != 1 || !s[0].HumanAgent || s[0].Ref != wang {
		t.Errorf("sends = %+v, want one human-agent reply to Wang", s)
	}
}

func TestClosedAndSignInDisableTheBox(t *testing.T) {
	f, h := sample(t, ui.HarnessOptions{})
	openByName(t, h, "Ольга Петрова")
	h.UI(func() {
		if r := h.Reply(); r.Line != "Closed: the customer must write first" || r.CanType || r.CanSend {
			t.Errorf("Olga's box: %+v", r)
		}
	})
	openByName(t, h, "Ana Souza")
	f.SetStatus(ui.Status{Pages: 2, NeedsSignIn: []string{"Boutique Lila"}})
	h.Eventually("sign-in needed", func() bool {
		r := h.Reply()
		return r.Line == "Sign in to Boutique Lila again to reply: merchant-inbox connect facebook" && !r.CanType && !r.CanSend
	})
}
