package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
	"github.com/merchant-inbox/merchant-inbox/ui"
)

// The sign-ins, the disconnections and the settings of the window: the
// engine runs the same connector the commands do, then reassembles itself.

func (d *desktopSetup) ConnectFacebook(ctx context.Context, p ui.Prompter) error {
	_, err := d.eng.ConnectFacebook(ctx, connect.FacebookOptions{Port: d.port}, windowPrompter{p})
	return err
}

func (d *desktopSetup) ConnectShopify(ctx context.Context, shop string, p ui.Prompter) error {
	if err := validate.ShopName(shop); err != nil {
		return err
	}
	_, err := d.eng.ConnectShopify(ctx, connect.ShopifyOptions{Shop: shop, Port: d.port}, windowPrompter{p})
	return err
}

func (d *desktopSetup) Disconnect(ctx context.Context, p ui.Provider) (string, error) {
	provider := string(p)
	if provider != store.ProviderFacebook && provider != store.ProviderShopify {
		return "", fmt.Errorf("disconnect: unknown provider %q", provider)
	}
	res, err := d.eng.Disconnect(ctx, provider)
	if err != nil {
		return "", err
	}
	return disconnectedWords(res), nil
}

// disconnectedWords is the outcome of a disconnection for the window: what
// stays, and what went wrong at the provider without stopping it.
func disconnectedWords(res connect.DisconnectResult) string {
	var b strings.Builder
	if res.Provider == store.ProviderFacebook {
		fmt.Fprintf(&b, "Facebook is disconnected. Kept on this computer, no longer synced: %s, %s and %s.",
			count(res.Kept.Pages, "page"), count(res.Kept.Conversations, "conversation"), count(res.Kept.Messages, "message"))
	} else {
		fmt.Fprintf(&b, "Your shop is disconnected. Kept on this computer, no longer updated: %s.", count(res.Kept.Products, "product"))
	}
	for _, p := range res.Problems {
		if m := plainMessage(p); m != "" {
			b.WriteString(" " + m)
		}
	}
	return b.String()
}

func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func (d *desktopSetup) SaveSettings(ctx context.Context, u ui.Settings) error {
	for _, c := range []struct {
		check ui.Check
		value string
	}{{d.checks.Domain, u.Domain}} {
		if c.check != nil && c.value != "" {
			if err := c.check(c.value); err != nil {
				return err
			}
		}
	}
	if err := checkSettings(u.PollAt, u.Listen); err != nil {
		return err
	}
	if u.ImageCacheMB != 0 {
		if err := validate.ImageCacheMB(u.ImageCacheMB); err != nil {
			return err
		}
	}
	was, err := d.st.Settings(ctx)
	if err != nil {
		return err
	}
	changed := was
	changed.NotificationsOff = !u.Notifications
	changed.NoTunnel = !u.Tunnel
	changed.NgrokDomain = strings.TrimSpace(u.Domain)
	changed.PollAt = keepDefault(u.PollAt, was.PollAt, defaultPollAt)
	changed.Listen = keepDefault(u.Listen, was.Listen, defaultListen)
	if u.ImageCacheMB != 0 && (was.ImageCacheMB != 0 || u.ImageCacheMB != defaultImageCacheMB) {
		changed.ImageCacheMB = u.ImageCacheMB // the default stays unstored, as for the fields above
	}
	if err := putSettings(ctx, d.st, was, changed, d.reload); err != nil {
		return err
	}
	if d.startAtLogin != nil {
		if on, err := d.startAtLogin.Enabled(); err == nil && on != u.StartAtLogin {
			if err := d.startAtLogin.SetEnabled(u.StartAtLogin); err != nil {
				return err
			}
		}
	}
	return nil
}

// keepDefault is the value to store for a field the window shows filled
// with its default: nothing, while the merchant keeps the default, so a
// later default applies to them too.
func keepDefault(v, was, def string) string {
	v = strings.TrimSpace(v)
	if v == "" || (was == "" && v == def) {
		return was
	}
	return v
}

// uiSettings is the stored settings as the window shows them: the defaults
// in force where nothing is saved.
func uiSettings(s store.Settings) ui.Settings {
	v := viewOf(s)
	return ui.Settings{Notifications: v.Notifications, PollAt: v.PollAt, Listen: v.Listen, Tunnel: v.Tunnel, Domain: v.Domain,
		ImageCacheMB: v.ImageCacheMB}
}

// windowPrompter is the window's ui.Prompter as the connector's Prompter.
type windowPrompter struct{ p ui.Prompter }

func (w windowPrompter) RedirectURI(uri string) { w.p.RedirectURI(uri) }

func (w windowPrompter) ConsentURL(url string, browserErr error) {
	w.p.ConsentURL(url, browserErr == nil)
}

func (w windowPrompter) Waiting() { w.p.Waiting() }

func (w windowPrompter) ChoosePages(ctx context.Context, pages []connect.Page) ([]string, error) {
	offer := make([]ui.ConnectPage, len(pages))
	for i, p := range pages {
		offer[i] = ui.ConnectPage{ID: p.ID, Name: p.Name, Category: p.Category}
	}
	return w.p.ChoosePages(ctx, offer)
}

func (w windowPrompter) Notice(msg string) { w.p.Notice(msg) }

func (w windowPrompter) Done(msg string) { w.p.Done(msg) }

var (
	_ ui.Setup         = (*desktopSetup)(nil)
	_ connect.Prompter = windowPrompter{}
)

// windowChecks are the window's field checks: the same validators the
// commands use, so a value the window accepts is one `secrets set` or
// `settings` would accept too.
func windowChecks() ui.Checks {
	return ui.Checks{
		Shop:      validate.ShopName,
		Domain:    validate.NgrokDomain,
		TimeOfDay: validate.TimeOfDay,
		Listen:    validate.ListenAddress,
		Secret:    func(s ui.Secret, v string) error { return validate.Secret(secrets.Name(s), v) },
	}
}
