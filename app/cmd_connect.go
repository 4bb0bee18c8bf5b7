package app

import (
	"context"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/connect"
	"github.com/merchant-inbox/merchant-inbox/sync/tunnel"
	"github.com/merchant-inbox/merchant-inbox/sync/validate"
)

const connectUsage = `connect facebook [--no-browser] [--port N] [--domain NAME] [--page ID]...
       connect shopify --shop NAME [--no-browser] [--port N] [--domain NAME] [--client-credentials]

Connects an account the way desktop apps do: your browser opens on the
provider's consent page and comes back to Merchant Inbox on
http://localhost:PORT/callback/<provider>, which you register once with your
Meta app (Facebook Login > Valid OAuth Redirect URIs) or Shopify app
(Allowed redirection URLs). App credentials come from 'secrets set':
facebook-app-id and facebook-app-secret, or shopify-client-id and
shopify-client-secret. With --domain, the redirect arrives over HTTPS on
your ngrok static domain instead (https://NAME/callback/<provider>), which
Meta requires once the app is in live mode.`

type connectOptions struct {
	noBrowser bool
	port      int
	// public, when set, also serves the callback on a public endpoint (the
	// ngrok static domain) and uses that as the redirect URI: Meta accepts
	// plain-http localhost redirects only for apps in development mode.
	public            connect.CallbackHost
	domain            string
	tunnel            string
	pages             pageList
	shop              string
	clientCredentials bool
}

// pageList collects repeated --page flags.
type pageList []string

func (p *pageList) String() string     { return strings.Join(*p, ",") }
func (p *pageList) Set(v string) error { *p = append(*p, v); return nil }

func runConnect(ctx context.Context, e *env, args []string) error {
	var o connectOptions
	fs := e.flags("connect", connectUsage)
	fs.BoolVar(&o.noBrowser, "no-browser", false, "print the consent URL instead of opening the browser")
	fs.IntVar(&o.port, "port", DefaultCallbackPort, "callback `port` on localhost (0: any free port)")
	fs.StringVar(&o.domain, "domain", "", "receive the redirect on this ngrok static `domain` over HTTPS (needs ngrok-authtoken; for Meta apps in live mode)")
	fs.StringVar(&o.tunnel, "tunnel", "", "`kind` of public callback: ngrok (with --domain), or loopback (a second local port standing in for it; for tests)")
	fs.Var(&o.pages, "page", "facebook: sync this page `ID` (repeat for several; default: ask when there are several)")
	fs.StringVar(&o.shop, "shop", "", "shopify: the shop, `NAME` or NAME.myshopify.com")
	fs.BoolVar(&o.clientCredentials, "client-credentials", false, "shopify: use the client-credentials grant (apps owned by your own organisation; no browser)")
	provider, args := providerFirst(args)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if provider == "" && fs.NArg() == 1 {
		provider = fs.Arg(0) // the flags-first order works too
	} else if provider == "" || fs.NArg() != 0 {
		return usagef("connect: want 'facebook' or 'shopify'")
	}
	if o.port < 0 || o.port > 65535 {
		return usagef("connect: --port must be 0 to 65535")
	}
	if o.domain != "" {
		d, err := validate.NormalizeDomain(o.domain)
		if err != nil {
			return usagef("connect: --domain: %v", err)
		}
		o.domain = d
	}
	switch {
	case e.host != nil && (o.tunnel != "" || o.domain != ""):
		// Run inside serve: its tunnel holds the domain, so the callback
		// goes on serve's own endpoint.
		if pub := e.host.publicURL(); o.domain != "" && pub != "" && !strings.EqualFold(strings.TrimPrefix(pub, "https://"), o.domain) {
			return usagef("connect: serve's tunnel is at %s, not %s: use that domain, or stop serve", pub, o.domain)
		}
		o.public = hostCallback{e.host}
	case o.tunnel == "loopback":
		o.public = connect.TunnelCallback{Opener: tunnel.Loopback{Addr: "127.0.0.1:0"}}
	case o.tunnel == "" && o.domain == "":
	case o.tunnel == "ngrok" || o.tunnel == "":
		if o.domain == "" {
			return usagef("connect: --tunnel ngrok needs --domain: the redirect URI must be registered, so it cannot change")
		}
		opener, err := e.opener(ctx, serveOptions{tunnel: "ngrok", domain: o.domain})
		if err != nil {
			return err
		}
		o.public = connect.TunnelCallback{Opener: opener}
	default:
		return usagef("connect: --tunnel must be ngrok or loopback")
	}
	switch provider {
	case "facebook":
		if o.shop != "" || o.clientCredentials {
			return usagef("connect facebook: --shop and --client-credentials are for shopify")
		}
		return connectFacebook(ctx, e, o)
	case "shopify":
		if len(o.pages) > 0 {
			return usagef("connect shopify: --page is for facebook")
		}
		return connectShopify(ctx, e, o)
	}
	return usagef("connect: unknown provider %q: want facebook or shopify", provider)
}

// callbackPort is --port as connect takes it: 0 on the command line means
// any free port.
func (o connectOptions) callbackPort() int {
	if o.port == 0 {
		return connect.AnyPort
	}
	return o.port
}

// providerFirst splits "facebook --no-browser ..." into the provider and
// its flags: the usage line names the provider first, and the flag package
// stops at the first argument that is not a flag.
func providerFirst(args []string) (string, []string) {
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		return args[0], args[1:]
	}
	return "", args
}
