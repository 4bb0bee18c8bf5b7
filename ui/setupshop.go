package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// shopStep asks for the shop's name, checks it as --shop is checked, and
// starts the Shopify sign-in; once connected it names the shop and offers
// to disconnect it.
type shopStep struct {
	root      *fyne.Container
	head      *stepHeader
	entry     *widget.Entry
	connect   *widget.Button
	reason    *widget.Label
	ask       *fyne.Container
	connected *fyne.Container
	shopName  *widget.Label
	note      *widget.Label
	check     Check

	onConnect    func(shop string)
	onDisconnect func()
}

func newShopStep(check Check) *shopStep {
	s := &shopStep{check: check}
	s.head = newStepHeader("4", "Connect your shop",
		"Sign in to your Shopify admin in the browser to let Merchant Inbox read your catalogue.")
	s.entry = widget.NewEntry()
	s.entry.SetPlaceHolder("your-store")
	s.entry.OnSubmitted = func(string) { s.submit() }
	s.entry.OnChanged = func(string) { s.reason.Hide() }
	suffix := widget.NewLabel(".myshopify.com")
	suffix.Importance = widget.MediumImportance
	s.connect = widget.NewButtonWithIcon("Connect Shopify", theme.LoginIcon(), s.submit)
	s.connect.Importance = widget.HighImportance
	s.reason = widget.NewLabel("")
	s.reason.Importance = widget.DangerImportance
	s.reason.Wrapping = fyne.TextWrapWord
	s.reason.Hide()
	name := widget.NewLabel("Shop name")
	name.TextStyle.Bold = true
	s.ask = container.New(&tightVBox{}, name,
		container.NewBorder(nil, nil, nil, container.NewHBox(suffix, s.connect), s.entry), s.reason)

	s.shopName = widget.NewLabel("")
	s.shopName.TextStyle.Bold = true
	drop := widget.NewButton("Disconnect", func() { s.onDisconnect() })
	s.connected = container.NewBorder(nil, nil,
		container.NewHBox(widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon())), s.shopName), drop)
	s.note = widget.NewLabel("")
	s.note.Importance = widget.DangerImportance
	s.note.Wrapping = fyne.TextWrapWord
	s.root = container.NewVBox(s.head.root, s.note, s.connected, s.ask)
	return s
}

// set shows the shop of st: connected, uninstalled (the reason, and the
// name to connect it again), or none yet.
func (s *shopStep) set(st SetupState) {
	switch {
	case st.Shop != "" && st.ShopNote == "":
		s.head.set(stepDone)
		s.shopName.SetText(st.Shop)
	case st.ShopNote != "":
		s.head.set(stepError)
		if s.entry.Text == "" {
			s.entry.SetText(strings.TrimSuffix(st.Shop, ".myshopify.com"))
		}
	default:
		s.head.set(pick(st.ShopifyReady(), stepTodo, stepOptional))
	}
	s.note.SetText("Shopify says: " + st.ShopNote + ". Connect the shop again to update your products.")
	s.note.Hidden = st.ShopNote == ""
	s.connected.Hidden = st.Shop == "" || st.ShopNote != ""
	s.ask.Hidden = !s.connected.Hidden
	ready := st.ShopifyReady() && st.Keychain == ""
	if ready {
		s.connect.Enable()
		s.entry.Enable()
	} else {
		s.connect.Disable()
		s.entry.Disable()
		s.fail("Save the Shopify app's client ID and secret first.")
	}
	if ready && s.reason.Text == "Save the Shopify app's client ID and secret first." {
		s.reason.Hide()
	}
	s.root.Refresh()
}

func (s *shopStep) fail(reason string) {
	s.reason.SetText(reason)
	s.reason.Show()
}

func (s *shopStep) submit() {
	shop := strings.TrimSpace(s.entry.Text)
	if shop == "" {
		s.fail("Type your shop's name: the part before .myshopify.com in your admin's address.")
		return
	}
	if !strings.Contains(shop, ".") {
		shop += ".myshopify.com"
	}
	if err := s.check.run(shop); err != nil {
		s.fail(sentence(err))
		return
	}
	s.onConnect(shop)
}

// valueField is a setting shown as it is (a domain): an entry whose Save
// checks the text and stores it, the reason under it when it fails.
type valueField struct {
	root   *fyne.Container
	entry  *widget.Entry
	save   *widget.Button
	reason *widget.Label
	saved  string
	check  Check
	onSave func(string, func(error))
}

func newValueField(label, placeholder, hint string, check Check) *valueField {
	f := &valueField{check: check, entry: widget.NewEntry()}
	name := widget.NewLabel(label)
	name.TextStyle.Bold = true
	f.entry.SetPlaceHolder(placeholder)
	f.entry.OnChanged = func(t string) {
		f.reason.Hide()
		f.save.Disable()
		if t != f.saved {
			f.save.Enable()
		}
	}
	f.entry.OnSubmitted = func(string) { f.submit() }
	f.save = widget.NewButton("Save", f.submit)
	f.save.Disable()
	f.reason = widget.NewLabel("")
	f.reason.Importance = widget.DangerImportance
	f.reason.Wrapping = fyne.TextWrapWord
	f.reason.Hide()
	h := widget.NewLabel(hint)
	h.Wrapping = fyne.TextWrapWord
	h.SizeName = theme.SizeNameCaptionText
	f.root = container.New(&tightVBox{}, name, container.NewBorder(nil, nil, nil, f.save, f.entry), f.reason, h)
	return f
}

// set shows the saved value unless the merchant is editing it.
func (f *valueField) set(v string) {
	if f.entry.Text == f.saved {
		f.saved = v
		f.entry.SetText(v)
	}
	f.saved = v
	f.entry.OnChanged(f.entry.Text)
}

func (f *valueField) submit() {
	v := strings.TrimSpace(f.entry.Text)
	if v != "" {
		if err := f.check.run(v); err != nil {
			f.reason.SetText(sentence(err))
			f.reason.Show()
			return
		}
	}
	f.save.Disable()
	f.onSave(v, func(err error) {
		if err != nil {
			f.reason.SetText("Not saved: " + sentence(err))
			f.reason.Show()
			f.save.Enable()
			return
		}
		f.saved = v
		f.entry.SetText(v)
	})
}
