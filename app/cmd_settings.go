package app

import (
	"cmp"
	"context"
	"flag"
	"fmt"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

const settingsUsage = `settings [--json] [--notifications on|off] [--poll-at HH:MM] [--listen ADDR] [--tunnel on|off] [--domain NAME|none] [--image-cache MB|default] [--autostart on|off]

Shows the saved settings, or changes those named. The desktop app and serve
start with them when no flag says otherwise; a running app or serve applies a
change at once (its engine restarts, as after a connect). Notifications take
effect with the next message, the image cache size with the next picture the
window shows. Start at login (--autostart) is kept by the system, as a login
item its own settings list, not in the database.`

// settingsView is what settings prints: the saved value or, when none is
// saved, the default in force.
type settingsView struct {
	Notifications bool   `json:"notifications"`
	PollAt        string `json:"poll_at"`
	Listen        string `json:"listen"`
	Tunnel        bool   `json:"tunnel"`
	Domain        string `json:"domain,omitempty"`
	ImageCacheMB  int    `json:"image_cache_mb"`
	Autostart     bool   `json:"autostart"`
}

// onOff is a flag that takes "on" or "off" and remembers whether it was
// given.
type onOff struct {
	set, on bool
}

func (o *onOff) String() string {
	if o.on {
		return "on"
	}
	return "off"
}

func (o *onOff) Set(v string) error {
	switch v {
	case "on", "true", "yes":
		o.on = true
	case "off", "false", "no":
		o.on = false
	default:
		return fmt.Errorf("want on or off, not %q", v)
	}
	o.set = true
	return nil
}

func runSettings(ctx context.Context, e *env, args []string) error {
	var (
		asJSON                 bool
		notifications, tunnel  onOff
		autostart              onOff
		pollAt, listen, domain string
		imageCache             string
	)
	fs := e.flags("settings", settingsUsage)
	fs.BoolVar(&asJSON, "json", false, "print JSON")
	fs.Var(&notifications, "notifications", "desktop notifications for new messages: `on` or off")
	fs.StringVar(&pollAt, "poll-at", "", "local `time` of the daily sync, HH:MM")
	fs.StringVar(&listen, "listen", "", "local `address` of the webhook endpoints (a loopback host:port)")
	fs.Var(&tunnel, "tunnel", "open the ngrok tunnel when an authtoken is set: `on` or off")
	fs.StringVar(&domain, "domain", "", "ngrok static `domain`, or none")
	fs.Var(&autostart, "autostart", "start the app in the tray at login: `on` or off")
	fs.StringVar(&imageCache, "image-cache", "", fmt.Sprintf("most disk the pictures in threads take, in `MB` (%d to %d), or default (%d MB)", validate.MinImageCacheMB, validate.MaxImageCacheMB, defaultImageCacheMB))
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("settings: unexpected argument %q", fs.Arg(0))
	}
	// Validate everything before anything is written.
	if pollAt != "" {
		if err := validate.TimeOfDay(pollAt); err != nil {
			return usagef("settings: --poll-at: %v", err)
		}
	}
	if listen != "" {
		if err := validate.ListenAddress(listen); err != nil {
			return usagef("settings: --listen: %v", err)
		}
	}
	if domain != "" && domain != "none" {
		d, err := validate.NormalizeDomain(domain)
		if err != nil {
			return usagef("settings: --domain: %v", err)
		}
		domain = d
	}
	imageCacheMB := -1 // not given
	switch imageCache {
	case "":
	case "default":
		imageCacheMB = 0
	default:
		mb, err := validate.ParseImageCacheMB(imageCache)
		if err != nil {
			return usagef("settings: --image-cache: %v", err)
		}
		imageCacheMB = mb
	}
	// The login item first: if the system refuses it, nothing was written.
	if autostart.set {
		if err := setAutostart(e.Getenv, autostart.on); err != nil {
			return err
		}
	}
	st, release, err := e.openStore()
	if err != nil {
		return err
	}
	defer release()
	set, err := st.Settings(ctx)
	if err != nil {
		return err
	}
	changed := set
	if notifications.set {
		changed.NotificationsOff = !notifications.on
	}
	if tunnel.set {
		changed.NoTunnel = !tunnel.on
	}
	changed.PollAt = firstOf(pollAt, set.PollAt)
	changed.Listen = firstOf(listen, set.Listen)
	switch domain {
	case "":
	case "none":
		changed.NgrokDomain = ""
	default:
		changed.NgrokDomain = domain
	}
	if imageCacheMB >= 0 {
		changed.ImageCacheMB = imageCacheMB
	}
	var reload func()
	if e.host != nil {
		reload = e.host.requestReload
	}
	if err := putSettings(ctx, st, set, changed, reload); err != nil {
		return err
	}
	v := viewOf(changed)
	if v.Autostart, err = autostartEnabled(e.Getenv); err != nil {
		e.log.Warn("cannot tell whether the app starts at login; showing it off", "err", err)
	}
	if asJSON {
		return writeJSON(e.Stdout, v)
	}
	fmt.Fprintf(e.Stdout, "Notifications: %s\n", onOffWord(v.Notifications))
	fmt.Fprintf(e.Stdout, "Daily sync:    %s\n", v.PollAt)
	fmt.Fprintf(e.Stdout, "Listen:        %s\n", v.Listen)
	fmt.Fprintf(e.Stdout, "Tunnel:        %s\n", onOffWord(v.Tunnel))
	if v.Domain != "" {
		fmt.Fprintf(e.Stdout, "Domain:        %s\n", v.Domain)
	}
	fmt.Fprintf(e.Stdout, "Image cache:   %d MB\n", v.ImageCacheMB)
	fmt.Fprintf(e.Stdout, "Autostart:     %s\n", onOffWord(v.Autostart))
	return nil
}

// checkSettings checks a daily sync time and a listen address, each
// when given, as every front end must before it writes either.
func checkSettings(pollAt, listen string) error {
	if pollAt != "" {
		if err := validate.TimeOfDay(pollAt); err != nil {
			return err
		}
	}
	if listen != "" {
		if err := validate.ListenAddress(listen); err != nil {
			return err
		}
	}
	return nil
}

// putSettings stores changed when it differs from was, and then, when the
// engine is assembled from what changed, calls reload (nil: no engine
// runs here).
func putSettings(ctx context.Context, st *store.Store, was, changed store.Settings, reload func()) error {
	if changed == was {
		return nil
	}
	if err := st.PutSettings(ctx, changed); err != nil {
		return err
	}
	if reload != nil && engineSettingChanged(was, changed) {
		reload()
	}
	return nil
}

// engineSettingChanged reports whether a change needs the engine
// reassembled; notifications are read by the window at each message, the
// image cache size at each picture.
func engineSettingChanged(a, b store.Settings) bool {
	a.NotificationsOff, b.NotificationsOff = false, false
	a.ImageCacheMB, b.ImageCacheMB = 0, 0
	return a != b
}

func viewOf(s store.Settings) settingsView {
	return settingsView{
		Notifications: !s.NotificationsOff,
		PollAt:        firstOf(s.PollAt, defaultPollAt),
		Listen:        firstOf(s.Listen, defaultListen),
		Tunnel:        !s.NoTunnel,
		Domain:        s.NgrokDomain,
		ImageCacheMB:  cmp.Or(s.ImageCacheMB, defaultImageCacheMB),
	}
}

func onOffWord(on bool) string {
	if on {
		return "on"
	}
	return "off"
}

var _ flag.Value = (*onOff)(nil)
