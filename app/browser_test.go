package app

import (
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// browserLimit bounds a whole sign-in through the real browser: Chromium
// starting cold, the consent page, the callback, the DOM dump.
const browserLimit = 90 * time.Second

// headless is a $BROWSER that opens the URL in headless Chromium, lets the
// fake's consent page click through on its own, and dumps the DOM of the
// page the browser ends on: ours, if the sign-in came back.
type headless struct {
	script string // the $BROWSER value
	dom    string // written (renamed into place) once Chromium has exited
	log    string // Chromium's stderr
}

// newHeadless writes the $BROWSER script. Without Chromium the test fails
// under make test (MERCHANT_INBOX_TEST_KEYRING=require, which also installs
// it), and is skipped elsewhere.
func newHeadless(t *testing.T) *headless {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv(keyringEnv) == "require" {
			t.Fatalf("chromium is not installed (%v): scripts/deps.sh test installs it", err)
		}
		t.Skipf("chromium is not installed (%v); make test installs it", err)
	}
	if _, err := exec.LookPath("timeout"); err != nil {
		t.Fatalf("timeout (coreutils) not found: %v", err)
	}
	dir := t.TempDir()
	b := &headless{
		script: filepath.Join(dir, "browser.sh"),
		dom:    filepath.Join(dir, "dom.html"),
		log:    filepath.Join(dir, "chromium.log"),
	}
	// A fresh profile; no keychain (--password-store=basic, and no session
	// bus), so the browser cannot touch the test's Secret Service; timeout
	// makes sure it never outlives the test. The DOM is written to a
	// temporary name and renamed, so the test never reads half of it.
	script := `#!/bin/sh
d=` + shellQuote(dir) + `
timeout -k 5 ` + strconv.Itoa(int(browserLimit/time.Second)) + ` env -u DBUS_SESSION_BUS_ADDRESS ` + shellQuote(chromium) + ` \
	--headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--password-store=basic --user-data-dir="$d/profile" \
	--virtual-time-budget=10000 --dump-dom "$1" >"$d/dom.tmp" 2>"$d/chromium.log"
echo "chromium exit status $?" >>"$d/chromium.log"
mv "$d/dom.tmp" "$d/dom.html"
`
	if err := os.WriteFile(b.script, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			log, _ := os.ReadFile(b.log)
			t.Logf("chromium's log:\n%s", log)
		}
	})
	return b
}

// shellQuote quotes s for sh.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// finalDOM waits for Chromium to exit and returns the DOM it dumped.
func (b *headless) finalDOM(t *testing.T) string {
	t.Helper()
	deadline := time.Now().Add(browserLimit)
	for {
		dom, err := os.ReadFile(b.dom)
		if err == nil {
			return string(dom)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Chromium did not dump its DOM within %s: %v", browserLimit, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitWithin is wait with another limit.
func (c *bgCommand) waitWithin(d time.Duration) result {
	c.t.Helper()
	select {
	case <-c.finished:
	case <-time.After(d):
		c.t.Fatalf("command still running after %s\nstdout: %s\nstderr: %s", d, c.out.String(), c.errOut.String())
	}
	return result{c.code, c.out.String(), c.errOut.String()}
}

// unusedPort returns a loopback port that was free a moment ago.
func unusedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
}

// checkOurPage checks that the browser ended on our success page.
func checkOurPage(t *testing.T, dom, title, message string) {
	t.Helper()
	for _, want := range []string{
		"<title>" + title + " · Merchant Inbox</title>",
		`<main class="ok">`,
		"<h1>" + title + "</h1>",
		message,
		"You can close this tab and return to Merchant Inbox.",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("the browser's final page lacks %q:\n%s", want, dom)
			return
		}
	}
}

// TestBrowserConnectFacebook signs in to Facebook in real headless
// Chromium: `connect facebook` opens $BROWSER on the Login dialog, whose
// script clicks Allow; Chromium follows Meta's redirect to our callback on
// localhost and ends on our page.
func TestBrowserConnectFacebook(t *testing.T) {
	b := newHeadless(t)
	h := newHarness(t)
	h.facebookApp("100")
	h.fb.SetConsent(facebooktest.ConsentAutoAllow)
	h.env["BROWSER"] = b.script

	began := time.Now()
	var r result
	var redirect string
	// The fake, like Meta, wants the exact redirect URI registered before
	// the dialog opens, and the browser opens as soon as connect listens:
	// pick the port first. Another program may take it meanwhile; then try
	// another.
	for attempt := 1; ; attempt++ {
		port := unusedPort(t)
		redirect = "http://localhost:" + port + "/callback/facebook"
		h.fb.SetApp(connFBAppID, connFBAppSecret, redirect)
		r = h.background("", connectArgs("facebook", "--port", port)...).waitWithin(browserLimit)
		if r.code == ExitOK || attempt == 3 || !strings.Contains(r.stderr, "already in use") {
			break
		}
	}
	if r.code != ExitOK {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	dom := b.finalDOM(t)
	t.Logf("sign-in through Chromium took %s", time.Since(began).Round(time.Millisecond))

	if !strings.Contains(r.stdout, "Opening your browser.") || !strings.Contains(r.stdout, "  "+redirect+"\n") || strings.Contains(r.stderr, "could not open a browser") {
		t.Errorf("connect did not open the browser on the sign-in:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
	checkOurPage(t, dom, "Connected to Facebook", "Signed in as "+connUser+". Pages found: Shop One.")
	// The browser, not a shortcut, went through the dialog and its Allow.
	var paths []string
	for _, req := range h.fb.Requests() {
		paths = append(paths, req.Path)
	}
	if !slices.Contains(paths, "/v25.0/dialog/oauth") || !slices.Contains(paths, "/v25.0/dialog/oauth/confirm") {
		t.Errorf("the fake saw %v: want the dialog and its Allow link loaded by the browser", paths)
	}
	if v, ok := h.keychainGet(secrets.PageToken("100")); !ok || v != connTokenOne {
		t.Errorf("keychain token of page 100 = %q (present %v), want the page token", v, ok)
	}
	st := h.statusJSON()
	if conn, ok := connectionOf(st, store.ProviderFacebook); !ok || conn.Account != connUser || conn.Disconnected {
		t.Errorf("status connections %+v", st.Connections)
	}
	if len(st.Pages) != 1 || st.Pages[0].ID != "100" || st.Pages[0].Token != "set" {
		t.Errorf("status pages %+v", st.Pages)
	}
	if strings.Contains(dom, connTokenOne) || strings.Contains(dom, "AQfake") {
		t.Error("the final page shows the code or a token")
	}
}

// TestBrowserConnectShopify installs the app in real headless Chromium:
// the consent page's script presses "Install app", Shopify redirects the
// browser to our callback, and Chromium ends on our page.
func TestBrowserConnectShopify(t *testing.T) {
	b := newHeadless(t)
	h := newHarness(t)
	shop := h.shopifyApp() // no redirect URI registered: the fake accepts any
	shop.SetConsent(shopifytest.ConsentAutoInstall)
	h.env["BROWSER"] = b.script

	began := time.Now()
	r := h.background("", connectArgs("shopify", "--shop", "fake-shop", "--port", "0")...).waitWithin(browserLimit)
	if r.code != ExitOK {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	dom := b.finalDOM(t)
	t.Logf("install through Chromium took %s", time.Since(began).Round(time.Millisecond))

	if !strings.Contains(r.stdout, "Opening your browser.") || strings.Contains(r.stderr, "could not open a browser") {
		t.Errorf("connect did not open the browser:\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
	checkOurPage(t, dom, "Connected to Shopify", "Merchant Inbox can now read the catalogue of "+connShopDomain+".")
	// The browser loaded the consent page and submitted its form, with the
	// redirect URI connect printed.
	_, printed, _ := strings.Cut(r.stdout, "Redirect URI (register it with the provider exactly as shown):\n")
	printed, _, _ = strings.Cut(strings.TrimSpace(printed), "\n")
	var shown, submitted bool
	for _, req := range shop.Requests() {
		switch {
		case req.Path == "/admin/oauth/authorize" && req.Method == "GET":
			shown = req.Query.Get("redirect_uri") == printed
		case req.Path == "/admin/oauth/authorize" && req.Method == "POST":
			submitted = req.Params.Get("redirect_uri") == printed
		}
	}
	if !redirectPattern.MatchString(printed) || !shown || !submitted {
		t.Errorf("consent page shown %v, submitted %v, with the printed redirect URI %q", shown, submitted, printed)
	}
	tok := h.storedShopifyToken()
	if tok.AccessToken != shop.Token(connShopDomain) || tok.RefreshToken == "" || tok.ExpiresAt.IsZero() {
		t.Errorf("shopify-token: the issued access token %v, refresh token %v, expiry %v; want an expiring offline token",
			tok.AccessToken == shop.Token(connShopDomain), tok.RefreshToken != "", tok.ExpiresAt)
	}
	st := h.statusJSON()
	if conn, ok := connectionOf(st, store.ProviderShopify); !ok || conn.Account != connShopDomain || conn.Disconnected {
		t.Errorf("status connections %+v", st.Connections)
	}
	if st.Shop == nil || st.Shop.Name != "Fake Shop" {
		t.Errorf("status shop %+v", st.Shop)
	}
	if strings.Contains(dom, tok.AccessToken) || strings.Contains(dom, tok.RefreshToken) {
		t.Error("the final page shows a token")
	}
}
