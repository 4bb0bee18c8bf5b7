package facebook

import (
	"fmt"
	"unicode"
	"unicode/utf8"
)

// MaxIDBytes bounds the ids a webhook event may carry: Meta's page ids and
// PSIDs are numbers of a few dozen digits and its message ids well under
// 200 bytes. The bound is far above those and far below what a store can
// key by (the app's keeps ids up to 1 KiB), with room for ids derived from
// them, such as a postback's "pb_<psid>_<time>".
const MaxIDBytes = 512

// idProblem says why id cannot name a page, a customer or a message, or
// returns "". Meta never sends such an id; one that arrives anyway must
// cost only its own event, never the delivery: refusing a delivery makes
// Meta re-send it, byte for byte, for an hour and then unsubscribe the
// page. Control characters are refused along with NUL: an id ends up in
// keys, logs and terminals.
func idProblem(id string) string {
	switch {
	case id == "":
		return "is empty"
	case len(id) > MaxIDBytes:
		return fmt.Sprintf("is longer than %d bytes", MaxIDBytes)
	case !utf8.ValidString(id):
		return "is not UTF-8"
	}
	for _, r := range id {
		if unicode.IsControl(r) {
			return "contains a control character"
		}
	}
	return ""
}

// idProblem checks every id the event will be stored under: sender and
// recipient (one is the page, the other the customer) and the message id
// of a message, an echo or a reaction. A postback may lack its mid (older
// ones do), but one it has must be usable. It returns "" when all are.
func (ev Event) idProblem() string {
	check := func(what, id string) string {
		if why := idProblem(id); why != "" {
			return what + " " + why
		}
		return ""
	}
	if why := check("sender id", ev.SenderID); why != "" {
		return why
	}
	if why := check("recipient id", ev.RecipientID); why != "" {
		return why
	}
	switch {
	case ev.Message != nil:
		return check("mid", ev.Message.MID)
	case ev.Reaction != nil:
		return check("reaction mid", ev.Reaction.MID)
	case ev.Postback != nil && ev.Postback.MID != "":
		return check("postback mid", ev.Postback.MID)
	}
	return ""
}
