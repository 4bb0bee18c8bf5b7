package app

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// TestMessagesDefaultLimit: a long thread stops at the default with a
// hint on stderr (stdout stays parseable); an explicit --limit, or a
// thread that fits, prints no hint.
func TestMessagesDefaultLimit(t *testing.T) {
	h := newHarness(t)
	st, err := store.Open(filepath.Join(h.env[EnvDataDir], dbFileName), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	var ch store.Changes
	for i := range defaultMessagesLimit + 5 {
		ch.Messages = append(ch.Messages, store.Message{ID: fmt.Sprintf("m_%03d", i), PageID: "100", PSID: "9001",
			Direction: store.Incoming, CreatedAt: base.Add(time.Duration(i) * time.Minute), Text: fmt.Sprintf("message %03d", i)})
	}
	ch.Messages = append(ch.Messages, store.Message{ID: "m_short", PageID: "100", PSID: "9002", CreatedAt: base, Text: "only one"})
	if _, err := st.Apply(t.Context(), ch); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		args        []string
		count       int
		first, last string
		hint        bool
	}{
		{[]string{"9001"}, defaultMessagesLimit, "m_005", "m_204", true},
		{[]string{"--limit", "3", "9001"}, 3, "m_202", "m_204", false},
		{[]string{"--limit", "0", "9001"}, defaultMessagesLimit + 5, "m_000", "m_204", false},
		{[]string{"--limit", "205", "9001"}, defaultMessagesLimit + 5, "m_000", "m_204", false},
		{[]string{"9002"}, 1, "m_short", "m_short", false},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			for _, asJSON := range []bool{false, true} {
				args := append([]string{"messages"}, tc.args...)
				if asJSON {
					args = append([]string{"messages", "--json"}, tc.args...)
				}
				r := h.mustRun("", args...)
				hinted := strings.Contains(r.stderr, "--limit 0 shows all")
				if hinted != tc.hint {
					t.Errorf("%v: stderr %q, want hint %v", args, r.stderr, tc.hint)
				}
				if !asJSON {
					lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
					if len(lines) != tc.count+1 { // + the heading
						t.Errorf("%v: %d lines, want heading + %d", args, len(lines), tc.count)
					}
					continue
				}
				var out messagesOutput
				h.jsonOf(&out, args...)
				if n := len(out.Messages); n != tc.count || out.Messages[0].ID != tc.first || out.Messages[n-1].ID != tc.last {
					t.Errorf("%v: %d messages from %s to %s, want %d from %s to %s", args, n, out.Messages[0].ID, out.Messages[n-1].ID, tc.count, tc.first, tc.last)
				}
			}
		})
	}
}
