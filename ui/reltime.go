package ui

import (
	"fmt"
	"time"
)

// The time formats of the window. One rule everywhere, so that a glance
// at the list and at the thread agree: the nearer a time, the finer it is
// told. Times are shown in now's location (the machine's local time).

// listTime is a conversation's last activity for the list: "now",
// "5 min", "14:03" earlier today, "Yesterday", "Tue" within the week,
// "12 Mar" this year, "12 Mar 2025" before.
func listTime(t, now time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(now.Location())
	d := now.Sub(t)
	switch {
	case d < time.Minute && d > -time.Minute: // a little clock skew is "now" too
		return "now"
	case d > 0 && d < time.Hour:
		return fmt.Sprintf("%d min", int(d/time.Minute))
	}
	return dayOrClock(t, now)
}

// dayOrClock is listTime past the first hour.
func dayOrClock(t, now time.Time) string {
	switch days := daysBetween(t, now); {
	case days == 0:
		return clock(t)
	case days == 1:
		return "Yesterday"
	case days > 1 && days < 7:
		return t.Format("Mon")
	case t.Year() == now.Year():
		return t.Format("2 Jan")
	default:
		return t.Format("2 Jan 2006")
	}
}

// daySeparator heads a day's messages in a thread: "Today", "Yesterday",
// "Tue 3 Dec", "Tue 3 Dec 2024".
func daySeparator(t, now time.Time) string {
	t = t.In(now.Location())
	switch days := daysBetween(t, now); {
	case days == 0:
		return "Today"
	case days == 1:
		return "Yesterday"
	case t.Year() == now.Year():
		return t.Format("Mon 2 Jan")
	default:
		return t.Format("Mon 2 Jan 2006")
	}
}

// momentAt says when something happened, to the minute, as briefly as the
// day allows: "10:42" today, "Yesterday 10:42", "Tue 10:42", "12 Mar
// 10:42", "12 Mar 2025"; "tomorrow 03:00" for the next sync. The status
// line and "Seen …" use it.
func momentAt(t, now time.Time) string {
	t = t.In(now.Location())
	switch days := daysBetween(t, now); {
	case days == 0:
		return clock(t)
	case days == 1:
		return "yesterday " + clock(t)
	case days == -1:
		return "tomorrow " + clock(t)
	case days > 1 && days < 7:
		return t.Format("Mon ") + clock(t)
	case t.Year() == now.Year():
		return t.Format("2 Jan ") + clock(t)
	default:
		return t.Format("2 Jan 2006")
	}
}

// clock is a time of day on the 24-hour clock, the bubbles' format.
func clock(t time.Time) string { return t.Format("15:04") }

// daysBetween counts calendar days from t to now in now's location
// (negative when t is on a later day). Counting dates, not 24-hour spans,
// keeps "Yesterday" right across midnight and DST changes.
func daysBetween(t, now time.Time) int {
	t = t.In(now.Location())
	a := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	b := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	return int(b.Sub(a) / (24 * time.Hour))
}
