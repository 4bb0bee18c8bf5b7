package ui

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// Messages in words. A row, a notification and a search hit all say the
// same thing about a message, so the wording lives here once.

// storeAttachmentSnippet is what the store writes as a conversation's
// snippet when its newest message has only attachments.
const storeAttachmentSnippet = "[attachment]"

// rowSnippet is the second line of a conversation row: the newest message
// on one line, "You: " first when the merchant wrote it.
func rowSnippet(c Conversation) string {
	s := oneLine(c.Snippet)
	if s == storeAttachmentSnippet {
		s = "Sent an attachment"
	}
	if c.LastOutgoing && s != "" {
		s = "You: " + s
	}
	return s
}

// messageSummary says what a message is when there is room for one line:
// its text, the button the customer tapped, or what was attached.
func messageSummary(m store.Message) string {
	switch {
	case m.Postback != "":
		return postbackWords(m)
	case m.Text != "":
		return oneLine(m.Text)
	case len(m.Attachments) > 0:
		return attachmentWords(m.Attachments)
	}
	return ""
}

// postbackWords is a tapped button: Tapped “Buy now”.
func postbackWords(m store.Message) string {
	title := m.Text
	if title == "" {
		title = m.Postback
	}
	return "Tapped “" + oneLine(title) + "”"
}

// reactionWords is a customer's reaction under the message it answers.
func reactionWords(emoji string) string { return emoji + " reacted" }

// attachmentWords names attachments the way a person would: "Photo",
// "2 photos", "Video", "File: invoice.pdf", "3 attachments".
func attachmentWords(as []store.Attachment) string {
	if len(as) == 0 {
		return ""
	}
	kind := as[0].Type
	for _, a := range as[1:] {
		if a.Type != kind {
			return plural(len(as), "attachment")
		}
	}
	if len(as) > 1 {
		return plural(len(as), attachmentNoun(kind))
	}
	a := as[0]
	noun := attachmentNoun(kind)
	if a.Name != "" && kind != "image" {
		return capitalize(noun) + ": " + oneLine(a.Name)
	}
	return capitalize(noun)
}

func attachmentNoun(kind string) string {
	switch kind {
	case "image":
		return "photo"
	case "video", "audio", "file", "sticker", "location":
		return kind
	case "fallback", "template":
		return "link"
	}
	return "attachment"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// oneLine folds line breaks and runs of spaces into single spaces, so a
// message written over several lines reads as one in a row.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\n\r\t") && !strings.Contains(s, "  ") {
		return strings.TrimSpace(s)
	}
	return strings.Join(strings.Fields(s), " ")
}

// cutText shortens s to at most max runes on a word boundary, with an
// ellipsis, for a notification body. A single word longer than that is
// cut inside the word.
func cutText(s string, max int) string {
	s = oneLine(s)
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	cut := r[:max]
	if i := lastSpace(cut); i > max/2 {
		cut = cut[:i]
	}
	return strings.TrimRightFunc(string(cut), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && r != ')' && r != '"'
	}) + "…"
}

func lastSpace(r []rune) int {
	for i := len(r) - 1; i >= 0; i-- {
		if unicode.IsSpace(r[i]) {
			return i
		}
	}
	return -1
}

// around keeps the part of s where query first matches in view: a row
// shows the start of a line, and a search hit deep in a long message
// would be cut off. The text before the match is shortened to a few
// words behind an ellipsis.
func around(s, query string) string {
	const lead = 12 // characters kept before the match
	q := strings.TrimSpace(query)
	if q == "" {
		return s
	}
	lower := strings.ToLower(s)
	if len(lower) != len(s) { // a case change altered byte offsets
		return s
	}
	i := strings.Index(lower, strings.ToLower(q))
	if i < 0 {
		return s
	}
	before := []rune(s[:i])
	if len(before)+len([]rune(q)) <= 20 { // in view already
		return s
	}
	cut := max(len(before)-lead, 0)
	for j := cut; j < len(before); j++ { // start at a word
		if unicode.IsSpace(before[j]) {
			cut = j + 1
			break
		}
	}
	return "…" + string(before[cut:]) + s[i:]
}

// receiptWords is the delivery state of the merchant's last message:
// "Seen 10:41", "Delivered", or "Sent".
func receiptWords(m store.Message, c store.Conversation, now time.Time) string {
	switch {
	case !c.ReadAt.IsZero() && !c.ReadAt.Before(m.CreatedAt):
		return "Seen " + momentAt(c.ReadAt, now)
	case !c.DeliveredAt.IsZero() && !c.DeliveredAt.Before(m.CreatedAt):
		return "Delivered"
	}
	return "Sent"
}

// displayName is the customer's name, or a stand-in until the profile is
// known (a webhook carries only the PSID).
func displayName(c store.Conversation) string {
	if c.CustomerName != "" {
		return oneLine(c.CustomerName)
	}
	return "Messenger customer"
}
