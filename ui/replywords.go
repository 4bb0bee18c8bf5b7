package ui

import (
	"fmt"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/replywindow"
)

// The messaging window in words, for the line over the reply box. It is
// worded from the app's clock and re-worded every minute, so it counts
// down; "5 h 12 min" is what is left, rounded down, never up: a merchant
// told there is a minute left must have it.

// windowWords says what the window allows at now for a customer who last
// wrote at lastIncoming (zero: never).
func windowWords(lastIncoming, now time.Time) string {
	w := replywindow.Of(lastIncoming)
	switch w.State(now) {
	case replywindow.Open:
		return "You can reply for " + timeLeft(w.Ends().Sub(now))
	case replywindow.HumanAgentOnly:
		return "Window closed " + timeAgo(now.Sub(w.Ends())) +
			"; a human-agent reply is possible until " + deadline(w.HumanAgentEnds(), now)
	}
	return "Closed: the customer must write first"
}

// timeLeft is a duration left: "5 h 12 min", "5 h", "12 min".
func timeLeft(d time.Duration) string {
	h, m := int(d/time.Hour), int(d%time.Hour/time.Minute)
	switch {
	case h > 0 && m > 0:
		return fmt.Sprintf("%d h %d min", h, m)
	case h > 0:
		return fmt.Sprintf("%d h", h)
	case m > 0:
		return fmt.Sprintf("%d min", m)
	}
	return "less than a minute"
}

// timeAgo is how long ago something happened, in its largest unit.
func timeAgo(d time.Duration) string {
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d/time.Minute))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h ago", int(d/time.Hour))
	}
	return plural(int(d/(24*time.Hour)), "day") + " ago"
}

// deadline is a moment within the next week: "today 14:03", "tomorrow
// 14:03", "Fri 14:03", in now's zone.
func deadline(t, now time.Time) string {
	t = t.In(now.Location())
	switch daysBetween(now, t) {
	case 0:
		return "today " + clock(t)
	case 1:
		return "tomorrow " + clock(t)
	}
	return t.Format("Mon ") + clock(t)
}
