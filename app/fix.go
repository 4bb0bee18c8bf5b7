package app

import (
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
)

// fixCommand is the command line that applies f, "" when there is none.
// The engine's errors carry their remedy as a value (see package fix); the
// command line is where it becomes a command, as the window makes it a
// button.
func fixCommand(f fix.Fix) string {
	switch f.Action {
	case fix.SignInFacebook:
		return "merchant-inbox connect facebook"
	case fix.ConnectShopify:
		shop := f.Shop
		if shop == "" {
			shop = "NAME"
		}
		return "merchant-inbox connect shopify --shop " + shop
	case fix.SetSecret:
		if f.Secret != "" {
			return "merchant-inbox secrets set " + string(f.Secret)
		}
	}
	return ""
}

// withFixCommand ends msg, a sentence explaining err, with the command
// that fixes err when err carries a fix.
func withFixCommand(msg string, err error) string {
	f, ok := fix.Of(err)
	cmd := fixCommand(f)
	if !ok || cmd == "" || strings.Contains(msg, cmd) {
		return msg
	}
	msg = strings.TrimRight(msg, " ")
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	return msg + " Run '" + cmd + "'."
}

// explain is the merchant's sentence for err, with the command that fixes
// it, or err's own text when it has no sentence.
func explain(err error) string {
	if msg := plainMessage(err); msg != "" {
		return msg
	}
	return err.Error()
}
