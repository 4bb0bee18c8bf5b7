package demo_test

import (
	"strings"
	"testing"
)

// Replies work against the sandbox, through the running engine: inside
// Messenger's 24-hour window the fake Send API takes one; a conversation
// closed for weeks refuses one, as Messenger does.
func TestSandboxTakesReplies(t *testing.T) {
	sb, a := startSynced(t)
	_, stop := a.serve(t)
	defer stop()

	const open, closed = "7310000000000001", "7310000000000026" // 4 minutes and 29 days old
	if err := a.run(t.Context(), "Oui, en 2 jours ouvrés 🙂", "reply", open); err != nil {
		t.Fatalf("reply inside the 24-hour window: %v", err)
	}
	sent := sb.Graph.Sent()
	if len(sent) != 1 || !strings.Contains(sent[0].Text, "2 jours") {
		t.Fatalf("the fake Send API got %+v, want the reply", sent)
	}
	if err := a.run(t.Context(), "Hola Pablo", "reply", closed); err == nil {
		t.Error("a reply 29 days after the customer's last message was sent")
	}
	if n := len(sb.Graph.Sent()); n != 1 {
		t.Errorf("the fake Send API got %d messages, want only the first reply", n)
	}
}
