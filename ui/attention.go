package ui

import (
	"fmt"
	"strings"
)

// Attention banners sit over the list, one for each thing that needs the
// merchant, each with the button that fixes it. They never cover what is
// stored: a merchant whose keychain is locked still reads every
// conversation. attentions is a pure function of Status, like the tray's
// model, so each state is tested without a window.

// fixAction is what a banner's button does.
type fixAction int

const (
	fixNone        fixAction = iota
	fixSignIn                // run the Facebook sign-in again
	fixRestart               // start the engine again (keychain unlocked)
	fixSettings              // open the settings (the tunnel's domain, the address)
	fixConnectShop           // connect the shop again
	fixRetrySync             // sync now
	fixOpenSetup             // open the setup screen
)

// severity orders the banners and colours them.
type severity int

const (
	sevWarning severity = iota
	sevError
)

// attention is one banner.
type attention struct {
	Severity severity
	Title    string
	Body     string
	Action   string // the button's label, "" for none
	Fix      fixAction
}

// attentions lists what needs the merchant in s, the most blocking first:
// nothing syncs without the keychain or a running engine; a dead token
// stops a page; a shop uninstalled stops the products; a failed sync and
// a tunnel down only delay messages.
func attentions(s Status) []attention {
	var out []attention
	if s.Keychain != "" {
		out = append(out, attention{Severity: sevError,
			Title:  "Your keychain is locked or missing",
			Body:   "Merchant Inbox keeps its sign-ins in the system keychain and cannot sync until it opens (" + cutText(s.Keychain, 90) + "). Unlock it, then try again. Your conversations stay readable meanwhile.",
			Action: "Try again", Fix: fixRestart})
	} else if s.Stopped != "" {
		out = append(out, attention{Severity: sevError,
			Title:  "Syncing has stopped",
			Body:   cutText(s.Stopped, 160) + " Your conversations stay readable.",
			Action: "Try again", Fix: fixRestart})
	}
	if len(s.NeedsSignIn) > 0 {
		out = append(out, attention{Severity: sevError,
			Title:  signInWords(s.NeedsSignIn),
			Body:   "Facebook ended the sign-in of " + names(s.NeedsSignIn) + " (a password change, or access removed). Sign in again to receive its messages.",
			Action: "Sign in again", Fix: fixSignIn})
	}
	if s.ShopUninstalled != "" {
		out = append(out, attention{Severity: sevWarning,
			Title:  "Merchant Inbox was removed from " + s.ShopUninstalled,
			Body:   "The products you had stay here, but they no longer update. Connect the shop again to bring them back.",
			Action: "Connect again", Fix: fixConnectShop})
	}
	if a, ok := syncFailure(s); ok {
		out = append(out, a)
	}
	if s.Tunnel.State == TunnelDown && s.Keychain == "" && s.Stopped == "" {
		body := "New messages arrive with the next sync instead of at once."
		if s.Tunnel.Reason != "" {
			body = fullStop(cutText(s.Tunnel.Reason, 120)) + " " + body
		}
		out = append(out, attention{Severity: sevWarning,
			Title: "Webhooks off, polling only", Body: body,
			Action: "Open settings", Fix: fixSettings})
	}
	return out
}

// syncFailure is the banner of a failed sync: which page and why, or the
// sync's own reason when no page says. A page whose token died has its
// own banner already.
func syncFailure(s Status) (attention, bool) {
	if s.Sync.Running || s.Keychain != "" {
		return attention{}, false
	}
	var pages []PageError
	for _, e := range s.PageErrors {
		if !containsString(s.NeedsSignIn, e.Page) {
			pages = append(pages, e)
		}
	}
	a := attention{Severity: sevWarning, Action: "Retry", Fix: fixRetrySync}
	switch {
	case len(pages) == 1:
		a.Title = "Could not sync " + pages[0].Page
		a.Body = cutText(pages[0].Reason, 160)
	case len(pages) > 1:
		a.Title = fmt.Sprintf("Could not sync %d pages", len(pages))
		var b strings.Builder
		for i, e := range pages {
			if i > 0 {
				b.WriteString(" · ")
			}
			b.WriteString(e.Page + ": " + cutText(e.Reason, 60))
		}
		a.Body = b.String()
	case s.Sync.LastErr != "" && len(s.NeedsSignIn) == 0:
		a.Title = "The last sync failed"
		a.Body = cutText(s.Sync.LastErr, 160)
	default:
		return attention{}, false
	}
	return a, true
}

// names joins names for a sentence: "A", "A and B", "A, B and C".
func names(ns []string) string {
	switch len(ns) {
	case 0:
		return ""
	case 1:
		return ns[0]
	}
	return strings.Join(ns[:len(ns)-1], ", ") + " and " + ns[len(ns)-1]
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// fullStop ends s as a sentence, unless it already ends as one (a reason
// may come with its own full stop or question mark).
func fullStop(s string) string {
	if strings.HasSuffix(s, ".") || strings.HasSuffix(s, "?") || strings.HasSuffix(s, "!") || strings.HasSuffix(s, "…") {
		return s
	}
	return s + "."
}
