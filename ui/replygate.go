package ui

import (
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/replywindow"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// replyGate is what the reply box may do for the open conversation at a
// moment, and the line that says so. The send button, the Enter key,
// retries and "Send as card" all ask it, so they never disagree.
type replyGate struct {
	line  string // over the box: the window in words, or why it is shut
	tone  gateTone
	state replywindow.State
	// canType: the box takes text. It is off where no reply can go, so
	// that the merchant is not led to write one.
	canType bool
	// offerHumanAgent: the standard window closed, the human-agent one
	// is open: the box offers "Reply as human agent".
	offerHumanAgent bool
	// canSend: a reply may be sent now, as chosen (human agent or not).
	canSend bool
	// why is the reason sending is off, "" when it is on.
	why string
}

// gateTone colours the line: how much the merchant should notice it.
type gateTone int

const (
	toneOpen    gateTone = iota // plain
	toneWarning                 // human-agent only
	toneClosed                  // nothing can be sent
)

// gateFor decides the gate for conv on page at now; humanAgent is the
// merchant's choice of the human-agent tag.
func gateFor(conv store.Conversation, page store.Page, humanAgent bool, now time.Time) replyGate {
	w := replywindow.Of(conv.LastIncomingAt)
	g := replyGate{line: windowWords(conv.LastIncomingAt, now), state: w.State(now)}
	switch {
	case page.NeedsLogin:
		name := page.Name
		if name == "" {
			name = "this page"
		}
		g.line = "Sign in to " + name + " again to reply: " + connectCommand
		g.tone, g.why = toneClosed, "the page needs sign-in"
		return g
	case page.Disconnected:
		g.line = "This page is disconnected: connect it again to reply"
		g.tone, g.why = toneClosed, "the page is disconnected"
		return g
	}
	switch g.state {
	case replywindow.Open:
		g.canType, g.canSend = true, true
	case replywindow.HumanAgentOnly:
		g.tone, g.canType, g.offerHumanAgent = toneWarning, true, true
		g.canSend = humanAgent
		if !humanAgent {
			g.why = "the 24-hour window has closed: choose “Reply as human agent” to send"
		}
	default:
		g.tone, g.why = toneClosed, "the customer must write first"
	}
	return g
}
