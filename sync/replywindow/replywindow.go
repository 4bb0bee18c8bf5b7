// Package replywindow applies Messenger's messaging window: how long after
// a customer's last message a page may answer, and how.
//
// Meta allows a standard reply (messaging_type RESPONSE) for 24 hours after
// the customer's last message. An app granted the human-agent permission
// may answer for 7 days with the HUMAN_AGENT tag. After that the customer
// must write first. The engine refuses a send before calling Meta, the
// command line prints the deadline, and the window counts it down, all
// from this one rule over stored data.
package replywindow

import "time"

// Durations of the two windows, counted from the customer's last message.
const (
	Standard   = 24 * time.Hour
	HumanAgent = 7 * 24 * time.Hour
)

// State is what a reply may be at a given moment.
type State int

const (
	// Never: the customer has not written, so the page may not start the
	// conversation.
	Never State = iota
	// Open: a standard reply is allowed.
	Open
	// HumanAgentOnly: the standard window is closed; a reply tagged
	// HUMAN_AGENT is still allowed where Meta granted the permission.
	HumanAgentOnly
	// Closed: nothing may be sent until the customer writes again.
	Closed
)

func (s State) String() string {
	switch s {
	case Never:
		return "never"
	case Open:
		return "open"
	case HumanAgentOnly:
		return "human_agent"
	case Closed:
		return "closed"
	}
	return "unknown"
}

// Window is a conversation's messaging window, known from the time of the
// customer's last message (zero when they never wrote).
type Window struct {
	LastIncoming time.Time
}

// Of returns the window opened by a customer's message at lastIncoming.
func Of(lastIncoming time.Time) Window { return Window{LastIncoming: lastIncoming} }

// Ends is when a standard reply stops being allowed; zero for Never.
func (w Window) Ends() time.Time {
	if w.LastIncoming.IsZero() {
		return time.Time{}
	}
	return w.LastIncoming.Add(Standard)
}

// HumanAgentEnds is when a human-agent reply stops being allowed; zero for
// Never.
func (w Window) HumanAgentEnds() time.Time {
	if w.LastIncoming.IsZero() {
		return time.Time{}
	}
	return w.LastIncoming.Add(HumanAgent)
}

// State returns what a reply may be at now. A window ends at its deadline
// exactly: at Ends a standard reply is no longer allowed.
func (w Window) State(now time.Time) State {
	switch {
	case w.LastIncoming.IsZero():
		return Never
	case now.Before(w.Ends()):
		return Open
	case now.Before(w.HumanAgentEnds()):
		return HumanAgentOnly
	}
	return Closed
}

// Allows reports whether a reply may be sent at now, tagged HUMAN_AGENT or
// not. A tagged reply is allowed inside either window: Meta accepts the
// tag within 24 hours too.
func (w Window) Allows(now time.Time, humanAgent bool) bool {
	switch w.State(now) {
	case Open:
		return true
	case HumanAgentOnly:
		return humanAgent
	}
	return false
}
