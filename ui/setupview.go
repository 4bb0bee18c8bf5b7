package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Where the merchant gets each value.
const (
	metaAppsURL    = "https://developers.facebook.com/apps"
	shopifyDevURL  = "https://dev.shopify.com/dashboard"
	ngrokTokenURL  = "https://dashboard.ngrok.com/get-started/your-authtoken"
	ngrokDomainURL = "https://dashboard.ngrok.com/domains"
)

const introFirstRun = "Bring your Facebook pages' Messenger conversations and your Shopify products into one window. " +
	"Each value is saved as soon as you enter it, so you can stop and come back at any time."

// setupView is the setup screen: the first thing a new merchant sees, and
// the "Connections" screen later. Each step says where its values come
// from and where it stands; the steps can be done in any order and the
// screen can be left and resumed at any time, since every value is saved
// as soon as it is entered.
type setupView struct {
	root     *fyne.Container
	top      *fyne.Container // Back (not on a first run) and Settings
	back     *widget.Button
	title    *widget.Label
	intro    *widget.Label
	keychain *fyne.Container

	fbApp               *stepHeader
	fbRedirect          *copyRow
	fbID, fbSecret      *secretField
	fbPages             *stepHeader
	pageList            *fyne.Container
	connectFB, dropFB   *widget.Button
	fbHint              *widget.Label
	shopApp             *stepHeader
	shopRedirect        *copyRow
	shopID, shopSecret  *secretField
	shop                *shopStep
	hooks               *stepHeader
	ngrok, verify       *secretField
	domain              *valueField
	fields              []*secretField
	state               SetupState
	onConnectFB, onBack func()
	onSettings          func()
	onDisconnect        func(Provider)
	onSaveDomain        func(string, func(error))
	firstRun            bool
}

// setupActions are what the screen's buttons do; the App provides them.
type setupActions struct {
	open       func(url string)
	copy       func(text string)
	saveSecret func(Secret, string, func(error))
	remove     func(Secret, func(error))
}

func newSetupView(act setupActions, checks Checks) *setupView {
	v := &setupView{}
	v.title = widget.NewLabel("Set up Merchant Inbox")
	v.title.TextStyle.Bold = true
	v.title.SizeName = theme.SizeNameHeadingText
	v.intro = paragraph(introFirstRun)
	v.back = widget.NewButtonWithIcon("Back to conversations", theme.NavigateBackIcon(), func() { v.onBack() })
	v.back.Importance = widget.LowImportance
	settings := widget.NewButtonWithIcon("Settings", theme.SettingsIcon(), func() { v.onSettings() })
	settings.Importance = widget.LowImportance
	v.top = container.NewBorder(nil, nil, v.back, settings)

	v.keychain = container.NewStack()
	v.keychain.Hide()

	field := func(label, placeholder, hint string, s Secret, password bool, check Check) *secretField {
		f := newSecretField(label, placeholder, hint, s, password, check)
		f.onSave, f.onRemove = act.saveSecret, act.remove
		v.fields = append(v.fields, f)
		return f
	}

	// 1. The Facebook app.
	v.fbApp = newStepHeader("1", "Create your Facebook app",
		"Merchant Inbox reads your pages' messages through an app you create once, for free, at Meta for Developers.")
	v.fbRedirect = newCopyRow(act.copy)
	v.fbID = field("App ID", "e.g. 1234567890123456", "App settings › Basic › App ID", FacebookAppID, false, checks.secret(FacebookAppID))
	v.fbSecret = field("App secret", "Paste the app secret", "App settings › Basic › App secret (Show)", FacebookAppSecret, true, checks.secret(FacebookAppSecret))
	fbApp := v.fbApp.folding(container.NewVBox(
		container.NewHBox(linkButton("Open Meta for Developers", metaAppsURL, act.open)),
		paragraph("Add Facebook Login to the app and paste this address under Facebook Login › Settings › Valid OAuth Redirect URIs:"),
		v.fbRedirect.root, v.fbID.root, v.fbSecret.root))

	// 2. The pages.
	v.fbPages = newStepHeader("2", "Connect your Facebook pages",
		"Sign in with Facebook in your browser and choose the pages whose conversations you want here.")
	v.pageList = container.NewVBox()
	v.connectFB = widget.NewButtonWithIcon("Connect Facebook", theme.LoginIcon(), func() { v.onConnectFB() })
	v.connectFB.Importance = widget.HighImportance
	v.dropFB = widget.NewButton("Disconnect", func() { v.onDisconnect(Facebook) })
	v.fbHint = widget.NewLabel("Save the app ID and secret first.")
	v.fbHint.Importance = widget.MediumImportance
	fbPages := container.NewVBox(v.fbPages.root, v.pageList, container.NewHBox(v.connectFB, v.dropFB, v.fbHint))

	// 3. The Shopify app.
	v.shopApp = newStepHeader("3", "Create your Shopify app",
		"Optional: shows your products beside a conversation. Create an app in Shopify's Dev Dashboard and install it on your shop.")
	v.shopRedirect = newCopyRow(act.copy)
	v.shopID = field("Client ID", "Paste the client ID", "Your app › Settings › Client ID", ShopifyClientID, false, checks.secret(ShopifyClientID))
	v.shopSecret = field("Client secret", "Paste the client secret", "Your app › Settings › Secret", ShopifyClientSecret, true, checks.secret(ShopifyClientSecret))
	shopApp := v.shopApp.folding(container.NewVBox(
		container.NewHBox(linkButton("Open Shopify's Dev Dashboard", shopifyDevURL, act.open)),
		paragraph("Paste this address under your app's Allowed redirection URLs:"),
		v.shopRedirect.root, v.shopID.root, v.shopSecret.root))

	// 4. The shop.
	v.shop = newShopStep(checks.Shop)
	v.shop.onDisconnect = func() { v.onDisconnect(Shopify) }

	// 5. Webhooks.
	v.hooks = newStepHeader("5", "Receive messages instantly",
		"Optional: with a free ngrok account, new messages arrive within seconds. Without it they arrive with each sync.")
	v.ngrok = field("ngrok authtoken", "Paste your authtoken", "ngrok dashboard › Your Authtoken", NgrokAuthtoken, true, checks.secret(NgrokAuthtoken))
	v.domain = newValueField("Static domain", "e.g. lila-shop.ngrok-free.app",
		"Optional, but Meta needs a fixed address once your app is live: ngrok dashboard › Domains", checks.Domain)
	v.domain.onSave = func(s string, done func(error)) { v.onSaveDomain(s, done) }
	v.verify = field("Webhook verify token", "Any word you choose", "Type the same word in your Meta app's Webhooks settings", FacebookVerifyToken, true, checks.secret(FacebookVerifyToken))
	hooks := v.hooks.folding(container.NewVBox(
		container.NewHBox(linkButton("Get your authtoken", ngrokTokenURL, act.open), linkButton("Claim a free domain", ngrokDomainURL, act.open)),
		v.ngrok.root, v.domain.root, v.verify.root))

	column := container.NewVBox(v.title, v.intro, v.keychain,
		card(fbApp), card(fbPages), card(shopApp), card(v.shop.root), card(hooks))
	body := container.New(readingColumn{width: 720, minWidth: 460}, container.NewPadded(column))
	v.root = container.NewBorder(v.top, nil, nil, nil, container.NewVScroll(body))
	return v
}

// set shows st.
func (v *setupView) set(st SetupState, firstRun bool) {
	v.state, v.firstRun = st, firstRun
	v.back.Hidden = firstRun
	if firstRun {
		v.title.SetText("Welcome to Merchant Inbox")
		v.intro.SetText(introFirstRun)
	} else {
		v.title.SetText("Connections")
		v.intro.SetText("Your Facebook pages, your shop, and the app credentials Merchant Inbox signs in with.")
	}
	v.setKeychain(st.Keychain)
	for _, f := range v.fields {
		f.setSaved(st.Saved[f.secret])
	}
	v.fbRedirect.set(st.FacebookRedirect)
	v.shopRedirect.set(st.ShopifyRedirect)

	v.fbApp.set(pick(st.FacebookReady(), stepDone, stepTodo))
	v.setPages(st)
	v.shopApp.set(pick(st.ShopifyReady(), stepDone, stepOptional))
	v.shop.set(st)
	v.hooks.set(pick(st.Saved[NgrokAuthtoken], stepDone, stepOptional))
	v.domain.set(st.Settings.Domain)
	v.root.Refresh()
}

func (v *setupView) setKeychain(reason string) {
	v.keychain.Hidden = reason == ""
	if reason == "" {
		return
	}
	a := attention{Severity: sevError, Title: "Your keychain is locked or missing",
		Body: "Merchant Inbox keeps every value you enter in your system's keychain, and cannot reach it (" + cutText(reason, 90) +
			"). Unlock it (or sign in to your desktop again), then come back here. Nothing is saved anywhere else."}
	bar := &attentionBar{onFix: func(fixAction) {}}
	v.keychain.Objects = []fyne.CanvasObject{bar.banner(a)}
}

func (v *setupView) setPages(st SetupState) {
	v.pageList.Objects = v.pageList.Objects[:0]
	connected, dead := 0, false
	for _, p := range st.Pages {
		v.pageList.Add(pageLine(p))
		if !p.Disconnected {
			connected++
			dead = dead || p.NeedsSignIn
		}
	}
	switch {
	case dead:
		v.fbPages.set(stepError)
		v.connectFB.SetText("Sign in again")
	case connected > 0:
		v.fbPages.set(stepDone)
		v.connectFB.SetText("Add or change pages")
	default:
		v.fbPages.set(stepTodo)
		v.connectFB.SetText("Connect Facebook")
	}
	v.connectFB.Importance = pick(connected > 0 && !dead, widget.MediumImportance, widget.HighImportance)
	ready := st.FacebookReady() && st.Keychain == ""
	v.connectFB.Disable()
	if ready {
		v.connectFB.Enable()
	}
	v.fbHint.Hidden = ready
	v.dropFB.Hidden = connected == 0
	v.pageList.Refresh()
}

// pageLine is a connected page and how it is.
func pageLine(p ConnectedPage) fyne.CanvasObject {
	var icon fyne.Resource = theme.NewSuccessThemedResource(theme.ConfirmIcon())
	state := widget.NewLabel("Syncing")
	state.Importance = widget.SuccessImportance
	switch {
	case p.Disconnected:
		icon = theme.NewDisabledResource(theme.CancelIcon())
		state.SetText("Disconnected: kept on this computer, not synced")
		state.Importance = widget.MediumImportance
	case p.NeedsSignIn:
		icon = theme.NewErrorThemedResource(theme.ErrorIcon())
		state.SetText("Needs sign-in")
		state.Importance = widget.DangerImportance
	}
	name := widget.NewLabel(firstNonEmpty(p.Name, p.ID))
	name.TextStyle.Bold = true
	return container.NewBorder(nil, nil, container.NewHBox(widget.NewIcon(icon), name), state)
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func pick[T any](cond bool, yes, no T) T {
	if cond {
		return yes
	}
	return no
}
