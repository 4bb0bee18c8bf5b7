package ui

import (
	"testing"
	"time"
)

// The window line at fixed clocks. testNow is Thursday 10 December,
// 15:30 CET.
func TestWindowWords(t *testing.T) {
	ago := func(d time.Duration) time.Time { return testNow.Add(-d) }
	tests := []struct {
		name string
		last time.Time
		want string
	}{
		{"never wrote", time.Time{}, "Closed: the customer must write first"},
		{"just wrote", testNow, "You can reply for 24 h"},
		{"seconds ago", ago(30 * time.Second), "You can reply for 23 h 59 min"},
		{"rounded down", ago(18*time.Hour + 47*time.Minute + 30*time.Second), "You can reply for 5 h 12 min"},
		{"whole hours", ago(19 * time.Hour), "You can reply for 5 h"},
		{"minutes left", ago(23*time.Hour + 48*time.Minute), "You can reply for 12 min"},
		{"last minute", ago(24*time.Hour - 20*time.Second), "You can reply for less than a minute"},
		{"closed this instant", ago(24 * time.Hour), "Window closed just now; a human-agent reply is possible until Wed 15:30"},
		{"closed minutes ago", ago(24*time.Hour + 7*time.Minute), "Window closed 7 min ago; a human-agent reply is possible until Wed 15:23"},
		{"closed hours ago", ago(29*time.Hour + 10*time.Minute), "Window closed 5 h ago; a human-agent reply is possible until Wed 10:20"},
		{"closed a day ago", ago(49 * time.Hour), "Window closed 1 day ago; a human-agent reply is possible until Tue 14:30"},
		{"closed 2 days ago", time.Date(2026, 12, 7, 14, 3, 0, 0, testZone), "Window closed 2 days ago; a human-agent reply is possible until Mon 14:03"},
		{"ends tomorrow", time.Date(2026, 12, 4, 9, 0, 0, 0, testZone), "Window closed 5 days ago; a human-agent reply is possible until tomorrow 09:00"},
		{"ends today", time.Date(2026, 12, 3, 19, 45, 0, 0, testZone), "Window closed 5 days ago; a human-agent reply is possible until today 19:45"},
		{"in UTC, told local", time.Date(2026, 12, 8, 22, 15, 0, 0, time.UTC), "Window closed 16 h ago; a human-agent reply is possible until Tue 23:15"},
		{"seven days", ago(7 * 24 * time.Hour), "Closed: the customer must write first"},
		{"weeks", ago(40 * 24 * time.Hour), "Closed: the customer must write first"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := windowWords(tt.last, testNow); got != tt.want {
				t.Errorf("windowWords = %q\nwant          %q", got, tt.want)
			}
		})
	}
}
