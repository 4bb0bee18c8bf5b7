package app

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// TestConnectFacebookOnThePublicCallback signs in with the redirect on the
// tunnel (the loopback stand-in for an ngrok static domain) rather than on
// localhost, as a Meta app in live mode requires.
func TestConnectFacebookOnThePublicCallback(t *testing.T) {
	h := newHarness(t)
	h.facebookApp("100")

	c := h.background("", "connect", "facebook", "--no-browser", "--port", "0", "--tunnel", "loopback")
	redirect := c.lineAfter("Redirect URI")
	consent := c.lineAfter("Open this URL in your browser to continue:")
	if !strings.HasPrefix(redirect, "http://127.0.0.1:") || !strings.HasSuffix(redirect, "/callback/facebook") {
		t.Fatalf("redirect URI %q: want the public endpoint's callback", redirect)
	}
	if !strings.Contains(consent, "redirect_uri="+url.QueryEscape(redirect)) {
		t.Fatalf("consent URL %q does not send the browser back to %s", consent, redirect)
	}
	h.fb.SetApp(connFBAppID, connFBAppSecret, redirect)
	back := h.authorize(consent, redirect, true)
	code, page := openCallback(t, back)
	if code != http.StatusOK || !strings.Contains(page, "Connected to Facebook") {
		t.Errorf("final page on the public callback: %d\n%s", code, page)
	}
	if r := c.wait(); r.code != ExitOK {
		t.Fatalf("connect: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if v, ok := h.keychainGet(secrets.PageToken("100")); !ok || v != connTokenOne {
		t.Errorf("page token after a sign-in on the public callback: %q %v", v, ok)
	}
}

func TestConnectNgrokNeedsADomainAndAnAuthtoken(t *testing.T) {
	h := newHarness(t)
	h.facebookApp("100")
	if r := h.run("", "connect", "facebook", "--tunnel", "ngrok"); r.code != ExitUsage || !strings.Contains(r.stderr, "needs --domain") {
		t.Errorf("--tunnel ngrok without --domain: exit %d %q", r.code, r.stderr)
	}
	if r := h.run("", "connect", "facebook", "--domain", "shop-inbox.ngrok.app"); r.code != ExitFailure || !strings.Contains(r.stderr, "no ngrok-authtoken") {
		t.Errorf("--domain without an authtoken: exit %d %q", r.code, r.stderr)
	}
}

// TestConnectInsideServeUsesServesTunnel: while serve runs, its tunnel holds
// the public domain, so connect (run by serve) puts the callback on serve's
// own endpoint; the sign-in completes there and serve restarts its engine
// with the new page.
func TestConnectInsideServeUsesServesTunnel(t *testing.T) {
	h := newHarness(t)
	h.facebookApp("100")
	srv := startServe(t, h, nil) // --tunnel loopback
	var public string
	eventually(t, "serve's tunnel up", func() bool {
		var running runningReport
		h.jsonOf(&running, "status", "--json")
		public = running.Running.PublicURL
		return public != ""
	})

	c := h.background("", "connect", "facebook", "--no-browser", "--port", "0", "--tunnel", "loopback")
	redirect := c.lineAfter("Redirect URI")
	consent := c.lineAfter("Open this URL in your browser to continue:")
	if redirect != public+"/callback/facebook" {
		t.Fatalf("redirect URI %q, want serve's endpoint %s/callback/facebook", redirect, public)
	}
	h.fb.SetApp(connFBAppID, connFBAppSecret, redirect)
	code, page := openCallback(t, h.authorize(consent, redirect, true))
	if code != http.StatusOK || !strings.Contains(page, "Connected to Facebook") {
		t.Errorf("final page on serve's endpoint: %d\n%s", code, page)
	}
	if r := c.wait(); r.code != ExitOK {
		t.Fatalf("connect inside serve: exit %d\n%s%s", r.code, r.stdout, r.stderr)
	}
	if v, ok := h.keychainGet(secrets.PageToken("100")); !ok || v != connTokenOne {
		t.Errorf("page token after a sign-in through serve: %q %v", v, ok)
	}
	eventually(t, "serve restarted its engine", func() bool { return strings.Contains(srv.errOut.String(), "restarting the engine") })
	// The sign-in is over: its routes are gone from serve's (new) endpoint.
	var again string
	eventually(t, "serve's tunnel up again", func() bool {
		var running runningReport
		h.jsonOf(&running, "status", "--json")
		again = running.Running.PublicURL
		return again != "" && again != public
	})
	if code, _ := get(t, again+"/callback/facebook"); code != http.StatusNotFound {
		t.Errorf("callback after the sign-in: %d, want 404", code)
	}
	srv.stop()
}
