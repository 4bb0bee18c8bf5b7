package replywindow

import (
	"testing"
	"time"
)

func TestWindowState(t *testing.T) {
	last := time.Date(2026, 12, 1, 14, 3, 0, 0, time.UTC)
	w := Of(last)
	tests := []struct {
		name       string
		w          Window
		now        time.Time
		state      State
		plain, tag bool
	}{
		{"never wrote", Window{}, last, Never, false, false},
		{"just now", w, last, Open, true, true},
		{"one second before 24h", w, last.Add(Standard - time.Second), Open, true, true},
		{"at 24h", w, last.Add(Standard), HumanAgentOnly, false, true},
		{"six days", w, last.Add(6 * 24 * time.Hour), HumanAgentOnly, false, true},
		{"at 7 days", w, last.Add(HumanAgent), Closed, false, false},
		{"a month", w, last.Add(30 * 24 * time.Hour), Closed, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.w.State(tt.now); got != tt.state {
				t.Errorf("State = %v, want %v", got, tt.state)
			}
			if got := tt.w.Allows(tt.now, false); got != tt.plain {
				t.Errorf("Allows(plain) = %v, want %v", got, tt.plain)
			}
			if got := tt.w.Allows(tt.now, true); got != tt.tag {
				t.Errorf("Allows(human agent) = %v, want %v", got, tt.tag)
			}
		})
	}
}

func TestWindowDeadlines(t *testing.T) {
	last := time.Date(2026, 12, 1, 14, 3, 0, 0, time.UTC)
	w := Of(last)
	if got, want := w.Ends(), last.Add(24*time.Hour); !got.Equal(want) {
		t.Errorf("Ends = %v, want %v", got, want)
	}
	if got, want := w.HumanAgentEnds(), time.Date(2026, 12, 8, 14, 3, 0, 0, time.UTC); !got.Equal(want) {
		t.Errorf("HumanAgentEnds = %v, want %v", got, want)
	}
	var never Window
	if !never.Ends().IsZero() || !never.HumanAgentEnds().IsZero() {
		t.Errorf("a window never opened has deadlines %v, %v", never.Ends(), never.HumanAgentEnds())
	}
}
