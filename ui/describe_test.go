package ui

import (
	"strings"
	"testing"
	"unicode"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

func TestRowSnippet(t *testing.T) {
	tests := []struct {
		name string
		c    Conversation
		want string
	}{
		{"incoming", conv("Is it in stock?", false), "Is it in stock?"},
		{"outgoing", conv("Yes, size M", true), "You: Yes, size M"},
		{"lines folded", conv("first line\n\nsecond\tline  ", false), "first line second line"},
		{"attachment", conv("[attachment]", false), "Sent an attachment"},
		{"own attachment", conv("[attachment]", true), "You: Sent an attachment"},
		{"empty", conv("", true), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := rowSnippet(tt.c); got != tt.want {
				t.Errorf("rowSnippet = %q, want %q", got, tt.want)
			}
		})
	}
}

func conv(snippet string, out bool) Conversation {
	return Conversation{Conversation: store.Conversation{Snippet: snippet}, LastOutgoing: out}
}

func TestMessageSummary(t *testing.T) {
	img := store.Attachment{Type: "image", URL: "https://x/a.jpg"}
	tests := []struct {
		name string
		m    store.Message
		want string
	}{
		{"text", store.Message{Text: "hello\nthere"}, "hello there"},
		{"postback", store.Message{Text: "Buy now", Postback: "BUY_1"}, "Tapped “Buy now”"},
		{"postback without title", store.Message{Postback: "BUY_1"}, "Tapped “BUY_1”"},
		{"photo", store.Message{Attachments: []store.Attachment{img}}, "Photo"},
		{"photos", store.Message{Attachments: []store.Attachment{img, img}}, "2 photos"},
		{"file", store.Message{Attachments: []store.Attachment{{Type: "file", Name: "invoice.pdf"}}}, "File: invoice.pdf"},
		{"mixed", store.Message{Attachments: []store.Attachment{img, {Type: "video"}}}, "2 attachments"},
		{"shared link", store.Message{Attachments: []store.Attachment{{Type: "fallback"}}}, "Link"},
		{"text wins over attachment", store.Message{Text: "see this", Attachments: []store.Attachment{img}}, "see this"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := messageSummary(tt.m); got != tt.want {
				t.Errorf("messageSummary = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCutText(t *testing.T) {
	long := "Hello! I would like to know whether the linen dress in the window comes in sage green, and if so, in which sizes please"
	got := cutText(long, 100)
	if !strings.HasSuffix(got, "…") {
		t.Fatalf("cutText = %q, want an ellipsis", got)
	}
	body := strings.TrimSuffix(got, "…")
	if len([]rune(body)) > 100 || !strings.HasPrefix(long, body) {
		t.Errorf("cutText = %q, want a prefix of at most 100 characters", got)
	}
	if next := rune(long[len(body)]); unicode.IsLetter(next) || unicode.IsDigit(next) {
		t.Errorf("cutText = %q, cut inside a word (next char %q)", got, next)
	}
	if got := cutText("short", 100); got != "short" {
		t.Errorf("cutText(short) = %q", got)
	}
	word := strings.Repeat("x", 150)
	if got := cutText(word, 100); got != strings.Repeat("x", 100)+"…" {
		t.Errorf("cutText of one long word = %q, want it cut at 100", got)
	}
	emoji := strings.Repeat("😊", 120)
	if got := cutText(emoji, 100); len([]rune(got)) != 101 {
		t.Errorf("cutText of emoji cut at %d runes, want 100 and the ellipsis", len([]rune(got)))
	}
}

func TestAround(t *testing.T) {
	long := "Hello, I have a question about the delivery of my last order, number 2291"
	tests := []struct{ s, q, want string }{
		{long, "number", "…order, number 2291"},
		{"Hello, question about order #2003", "order", "…about order #2003"},
		{long, "HELLO", long},
		{long, "", long},
		{long, "absent", long},
		{"a match in view", "match", "a match in view"},
	}
	for _, tt := range tests {
		if got := around(tt.s, tt.q); got != tt.want {
			t.Errorf("around(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}
