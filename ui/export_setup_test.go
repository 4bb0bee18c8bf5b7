package ui

// The harness's view of the setup and settings screens, the sign-in
// dialog and the banners. Call the methods that touch widgets inside UI.

import (
	"net/url"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

func (h *Harness) recordURL(u *url.URL) error {
	h.notes.Lock()
	defer h.notes.Unlock()
	h.urls = append(h.urls, u.String())
	return nil
}

// Opened returns the addresses given to the browser or file manager.
func (h *Harness) Opened() []string {
	h.notes.Lock()
	defer h.notes.Unlock()
	return slices.Clone(h.urls)
}

// Screen names what fills the window: "inbox", "setup" or "settings".
func (h *Harness) Screen() string {
	return [...]string{"inbox", "setup", "settings"}[h.App.view.shown]
}

// ShowScreen opens "setup" or "settings" as the menu does ("inbox" goes
// back).
func (h *Harness) ShowScreen(name string) {
	h.App.showScreen(map[string]screen{"inbox": screenInbox, "setup": screenSetup, "settings": screenSettings}[name])
}

// StepStates are the setup steps' chips, in order.
func (h *Harness) StepStates() []string {
	v := h.App.view.setup
	var out []string
	for _, s := range []*stepHeader{v.fbApp, v.fbPages, v.shopApp, v.shop.head, v.hooks} {
		out = append(out, s.chip.Text)
	}
	return out
}

// SetupTitle is the setup screen's heading.
func (h *Harness) SetupTitle() string { return h.App.view.setup.title.Text }

// KeychainWarning reports whether the setup screen says the keychain is
// locked.
func (h *Harness) KeychainWarning() bool { return h.App.view.setup.keychain.Visible() }

// SetupField is one of the setup screen's keychain fields.
type SetupField struct{ f *secretField }

// Field returns the field that stores s.
func (h *Harness) Field(s Secret) SetupField {
	for _, f := range h.App.view.setup.fields {
		if f.secret == s {
			return SetupField{f}
		}
	}
	h.T.Fatalf("no field for %s", s)
	return SetupField{}
}

// Type replaces the entry's text.
func (f SetupField) Type(s string) { f.f.entry.SetText(s) }

// Save presses Save.
func (f SetupField) Save() { test.Tap(f.f.save) }

// Replace and Remove press the saved field's buttons.
func (f SetupField) Replace() { tapIn(f.f.saved, "Replace") }
func (f SetupField) Remove()  { tapIn(f.f.saved, "Remove") }

// Saved reports whether the field shows "Saved" instead of an entry.
func (f SetupField) Saved() bool { return f.f.saved.Visible() && !f.f.edit.Visible() }

// Text is what the entry holds.
func (f SetupField) Text() string { return f.f.entry.Text }

// Reason is the sentence under the field, "" when none shows.
func (f SetupField) Reason() string {
	if !f.f.reason.Visible() {
		return ""
	}
	return f.f.reason.Text
}

// Redirects are the redirect URIs the setup screen shows.
func (h *Harness) Redirects() (facebook, shopify string) {
	v := h.App.view.setup
	return v.fbRedirect.text.Text, v.shopRedirect.text.Text
}

// CopyFacebookRedirect presses the Facebook redirect's Copy button.
func (h *Harness) CopyFacebookRedirect() { test.Tap(h.App.view.setup.fbRedirect.button) }

// Clipboard is what the app put on the clipboard.
func (h *Harness) Clipboard() string { return h.App.fa.Clipboard().Content() }

// TapLink presses the setup screen's link labelled label.
func (h *Harness) TapLink(label string) bool {
	var hit *widget.Hyperlink
	walk(h.App.view.setup.root, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Hyperlink); ok && hit == nil && strings.HasPrefix(l.Text, label) {
			hit = l
		}
	})
	if hit != nil {
		test.TapAt(hit, fyne.NewPos(hit.Size().Width/2, hit.Size().Height/2)) // on the text
	}
	return hit != nil
}

// ConnectFacebookButton is the Facebook step's button: its label and
// whether it can be pressed.
func (h *Harness) ConnectFacebookButton() (string, bool) {
	b := h.App.view.setup.connectFB
	return b.Text, !b.Disabled()
}

// ConnectFacebook presses it.
func (h *Harness) ConnectFacebook() { test.Tap(h.App.view.setup.connectFB) }

// ConnectShop types the shop's name and presses Connect Shopify.
func (h *Harness) ConnectShop(name string) {
	s := h.App.view.setup.shop
	s.entry.SetText(name)
	test.Tap(s.connect)
}

// ShopReason is the sentence under the shop's name, "" when none.
func (h *Harness) ShopReason() string {
	s := h.App.view.setup.shop
	if !s.reason.Visible() {
		return ""
	}
	return s.reason.Text
}

// SaveDomain types a static domain in the setup screen and saves it.
func (h *Harness) SaveDomain(d string) (reason string) {
	f := h.App.view.setup.domain
	f.entry.SetText(d)
	f.submit()
	if f.reason.Visible() {
		return f.reason.Text
	}
	return ""
}

// Disconnect presses a provider's Disconnect button.
func (h *Harness) Disconnect(p Provider) {
	if p == Facebook {
		test.Tap(h.App.view.setup.dropFB)
		return
	}
	h.App.view.setup.shop.onDisconnect()
}

// Confirm is the open confirmation's title and text, and presses one of
// its buttons when press is not "".
func (h *Harness) Confirm(press string) (title, text string, ok bool) {
	s := h.App.su.confirm
	if s == nil || !s.Visible() {
		return "", "", false
	}
	title, text = s.title.Text, sheetText(s)
	if press != "" {
		for _, b := range s.buttons {
			if b.Text == press {
				test.Tap(b)
			}
		}
	}
	return title, text, true
}

// Message is the open message sheet's title and text.
func (h *Harness) Message() (title, text string) {
	s := h.App.su.info
	if s == nil || !s.Visible() {
		return "", ""
	}
	return s.title.Text, sheetText(s)
}

func sheetText(s *sheet) string {
	var out string
	walk(s.pop.Content, func(o fyne.CanvasObject) {
		if l, ok := o.(*widget.Label); ok && l != s.title && out == "" {
			out = l.Text
		}
	})
	return out
}

// tapIn taps the first visible button labelled label under o.
func tapIn(o fyne.CanvasObject, label string) bool {
	var hit *widget.Button
	walk(o, func(c fyne.CanvasObject) {
		if b, ok := c.(*widget.Button); ok && hit == nil && b.Text == label && b.Visible() {
			hit = b
		}
	})
	if hit != nil {
		test.Tap(hit)
	}
	return hit != nil
}

// walk visits o and everything inside its visible containers.
func walk(o fyne.CanvasObject, f func(fyne.CanvasObject)) {
	if o == nil || !o.Visible() {
		return
	}
	f(o)
	if c, ok := o.(*fyne.Container); ok {
		for _, ch := range c.Objects {
			walk(ch, f)
		}
	}
	if s, ok := o.(*container.Scroll); ok {
		walk(s.Content, f)
	}
}
