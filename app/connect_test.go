package app

import (
	"context"
	"encoding/json"
	"errors"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/facebook/facebooktest"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify"
	"github.com/merchant-inbox/merchant-inbox/sync/shopify/shopifytest"
	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// What the connect tests put in the keychain and register with the fakes.
const (
	connFBAppID      = "730000000000001"
	connFBAppSecret  = "connect-test-app-secret-7"
	connUser         = "Jane Merchant"
	connTokenOne     = "EAAconnect-page-token-100"
	connTokenTwo     = "EAAconnect-page-token-200"
	connShopClientID = "connect-test-client-id"
	connShopSecret   = "shpss_connect_test_secret_7"
	connShopDomain   = "fake-shop.myshopify.com"
	// connLimit bounds every wait for a command, a line or a page.
	connLimit = 30 * time.Second
)

var redirectPattern = regexp.MustCompile(`^http://localhost:[0-9]+/callback/(facebook|shopify)$`)

// ---- commands running in the background ----

// bgCommand is a command line started with background.
type bgCommand struct {
	t           *testing.T
	out, errOut *syncBuffer
	cancel      context.CancelFunc
	finished    chan struct{}
	code        int // set before finished is closed
}

// background runs one command line in the background. The test's cleanup
// cancels it and waits for it, so it never outlives the test's keychain
// service and data directory.
func (h *harness) background(stdin string, args ...string) *bgCommand {
	h.t.Helper()
	ctx, cancel := context.WithCancel(h.t.Context())
	c := &bgCommand{t: h.t, out: &syncBuffer{}, errOut: &syncBuffer{}, cancel: cancel, finished: make(chan struct{})}
	go func() {
		defer close(c.finished)
		c.code = Run(ctx, Invocation{
			Args: args, Stdin: strings.NewReader(stdin), Stdout: c.out, Stderr: c.errOut, Getenv: h.getenv,
		})
	}()
	h.t.Cleanup(func() {
		cancel()
		select {
		case <-c.finished:
		case <-time.After(connLimit):
			h.t.Errorf("%v still running %s after it was cancelled", args, connLimit)
		}
	})
	return c
}

// wait waits for the command to end and returns what it did. A command
// that should fail at once but waits for a browser instead fails the test
// within connLimit rather than hanging it.
func (c *bgCommand) wait() result {
	c.t.Helper()
	select {
	case <-c.finished:
	case <-time.After(connLimit):
		c.t.Fatalf("command still running after %s\nstdout: %s\nstderr: %s", connLimit, c.out.String(), c.errOut.String())
	}
	return result{c.code, c.out.String(), c.errOut.String()}
}

// lineAfter waits until the command printed a line starting with header
// and the whole line after it, and returns that next line, trimmed.
func (c *bgCommand) lineAfter(header string) string {
	c.t.Helper()
	deadline := time.Now().Add(connLimit)
	for {
		lines := strings.Split(c.out.String(), "\n")
		// The last element is the unfinished line: never read it.
		for i := 0; i+2 < len(lines); i++ {
			if strings.HasPrefix(lines[i], header) {
				return strings.TrimSpace(lines[i+1])
			}
		}
		select {
		case <-c.finished:
			c.t.Fatalf("command ended (exit %d) without printing %q\nstdout: %s\nstderr: %s", c.code, header, c.out.String(), c.errOut.String())
		default:
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("no line after %q within %s in:\n%s", header, connLimit, c.out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// connectArgs is the command line `connect PROVIDER` with flags. The flags
// go before the provider: runConnect parses its flags with the flag
// package, which stops at the first argument that is not a flag, so
// `connect facebook --no-browser` (the order connectUsage shows) is
// refused as a usage error today.
func connectArgs(provider string, flags ...string) []string {
	return append(append([]string{"connect"}, flags...), provider)
}

// ---- keychain, store and output checks ----

// keychainSet stores a secret under the test's keychain service and removes
// it when the test ends.
func (h *harness) keychainSet(n secrets.Name, v string) {
	h.t.Helper()
	if err := secrets.New(h.service).Set(context.Background(), n, v); err != nil {
		h.t.Fatal(err)
	}
	h.keychainForget(n)
}

// keychainForget deletes n from the test's keychain service when the test ends
// (harness.cleanKeyring knows the Facebook names only).
func (h *harness) keychainForget(n secrets.Name) {
	h.t.Cleanup(func() { _ = secrets.New(h.service).Delete(context.Background(), n) })
}

// keychainGet reads n from the real keychain; ok is false when it is not there.
func (h *harness) keychainGet(n secrets.Name) (v string, ok bool) {
	h.t.Helper()
	v, err := secrets.New(h.service).Get(context.Background(), n)
	if errors.Is(err, secrets.ErrNotFound) {
		return "", false
	}
	if err != nil {
		h.t.Fatalf("read %s: %v", n, err)
	}
	return v, true
}

// statusJSON is `status --json`.
func (h *harness) statusJSON() statusReport {
	h.t.Helper()
	var st statusReport
	h.jsonOf(&st, "status", "--json")
	return st
}

func connectionOf(st statusReport, provider string) (store.Connection, bool) {
	i := slices.IndexFunc(st.Connections, func(c store.Connection) bool { return c.Provider == provider })
	if i < 0 {
		return store.Connection{}, false
	}
	return st.Connections[i], true
}

// failedWith checks that a command failed and said why in exactly one
// "merchant-inbox: ..." line holding every want, and returns that line.
func failedWith(t *testing.T, r result, want ...string) string {
	t.Helper()
	if r.code == ExitOK {
		t.Fatalf("exit 0, want a failure\nstdout: %s\nstderr: %s", r.stdout, r.stderr)
	}
	var lines []string
	for _, l := range strings.Split(r.stderr, "\n") {
		if strings.HasPrefix(l, "merchant-inbox: ") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("want exactly one error line on stderr, got:\n%s", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(lines[0], w) {
			t.Errorf("error %q does not say %q", lines[0], w)
		}
	}
	t.Logf("exit %d: %s", r.code, lines[0])
	return lines[0]
}

// openCallback opens the redirect a fake sent the browser to and returns the
// status of the page our callback server answered and its body, HTML
// entities decoded so that tests can look for plain sentences.
func openCallback(t *testing.T, back *url.URL) (int, string) {
	t.Helper()
	code, body := get(t, back.String())
	return code, html.UnescapeString(body)
}

// sameEndpoint reports whether back is redirect plus a query.
func sameEndpoint(back *url.URL, redirect string) bool {
	return back.Scheme+"://"+back.Host+back.Path == redirect
}

// holdProxy is a reverse proxy to a fake that holds every request whose path
// ends in path until release: it keeps a callback busy exchanging its code
// so that a second request with the same state arrives while the sign-in
// server still listens.
type holdProxy struct {
	URL     string
	entered chan struct{}
	release func()
}

func newHoldProxy(t *testing.T, target, path string) *holdProxy {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	open := make(chan struct{})
	var once sync.Once
	g := &holdProxy{entered: make(chan struct{}, 8), release: func() { once.Do(func() { close(open) }) }}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, path) {
			g.entered <- struct{}{}
			select {
			case <-open:
			case <-r.Context().Done():
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(func() { g.release(); srv.Close() })
	g.URL = srv.URL
	return g
}

// ---- Facebook ----

// facebookApp sets up the Meta app in the fake and the keychain: pages 100
// (Shop One) and 200 (Shop Two), the user managing pageIDs, calls signed
// with appsecret_proof. The redirect URI is registered once known (see
// startConnectFacebook).
func (h *harness) facebookApp(pageIDs ...string) {
	h.t.Helper()
	h.fb.AddPage("100", "Shop One", "Clothing store", connTokenOne)
	h.fb.AddPage("200", "Shop Two", "Shoe store", connTokenTwo)
	h.fb.AddUser(connUser, pageIDs...)
	h.fb.SetApp(connFBAppID, connFBAppSecret)
	h.fb.RequireAppSecretProof(connFBAppSecret)
	h.env[EnvFacebookWebURL] = h.fb.URL
	h.keychainSet(secrets.FacebookAppID, connFBAppID)
	h.keychainSet(secrets.FacebookAppSecret, connFBAppSecret)
}

// startConnectFacebook starts `connect facebook --no-browser --port 0` and
// reads the redirect URI and the consent URL it prints. With register the
// redirect URI is then registered with the fake Meta app, as the merchant
// does (only now is the port known).
func (h *harness) startConnectFacebook(stdin string, register bool, args ...string) (c *bgCommand, redirect, consent string) {
	h.t.Helper()
	c = h.background(stdin, connectArgs("facebook", append([]string{"--no-browser", "--port", "0"}, args...)...)...)
	redirect = c.lineAfter("Redirect URI")
	consent = c.lineAfter("Open this URL in your browser to continue:")
	if !redirectPattern.MatchString(redirect) || !strings.HasSuffix(redirect, "/callback/facebook") {
		h.t.Fatalf("redirect URI %q, want http://localhost:PORT/callback/facebook", redirect)
	}
	if !strings.HasPrefix(consent, h.fb.URL+"/") || !strings.Contains(consent, "redirect_uri="+url.QueryEscape(redirect)) {
		h.t.Fatalf("consent URL %q: want the fake's dialog with redirect_uri %s", consent, redirect)
	}
	if register {
		h.fb.SetApp(connFBAppID, connFBAppSecret, redirect)
	}
	return c, redirect, consent
}

// authorize clicks Allow (or Cancel) on the fake's consent page and checks
// that it sends the browser back to redirect.
func (h *harness) authorize(consent, redirect string, allow bool) *url.URL {
	h.t.Helper()
	back, err := h.fb.Authorize(consent, allow)
	if err != nil {
		h.t.Fatalf("consent page: %v", err)
	}
	if !sameEndpoint(back, redirect) {
		h.t.Fatalf("the dialog redirected to %s, want %s", back, redirect)
	}
	return back
}

// noFacebookToken checks that nothing of a failed Facebook sign-in was kept.
func (h *harness) noFacebookToken() {
	h.t.Helper()
	for _, id := range []string{"100", "200"} {
		if _, ok := h.keychainGet(secrets.PageToken(id)); ok {
			h.t.Errorf("the token of page %s is in the keychain after a failed sign-in", id)
		}
	}
	st := h.statusJSON()
	if len(st.Pages) != 0 {
		h.t.Errorf("pages %+v stored after a failed sign-in", st.Pages)
	}
	if c, ok := connectionOf(st, store.ProviderFacebook); ok {
		h.t.Errorf("connection %+v recorded after a failed sign-in", c)
	}
}

// exchanges counts the code exchanges the fake Graph API received.
func (h *harness) exchanges() int {
	n := 0
	for _, r := range h.fb.Requests() {
		if strings.HasSuffix(r.Path, "/oauth/access_token") && r.Query.Get("grant_type") != "fb_exchange_token" && r.Form.Get("grant_type") != "fb_exchange_token" {
			n++
		}
	}
	return n
}

// TestConnectFacebookChoosesAPage signs in with two pages granted and
// picks the second at the prompt: only its token reaches the keychain, the
// page and the connection reach the database, and the page is subscribed
// to the app's webhooks.
func TestConnectFacebookChoosesAPage(t *testing.T) {
	h := newHarness(t)
	h.facebookApp("100", "200")

	c, redirect, consent := h.startConnectFacebook("2\n", true)
	back := h.authorize(consent, redirect, true)
	if back.Query().Get("code") == "" || back.Query().Get("state") == "" {
		t.Fatalf("the dialog redirected with %s, want a code and the state", back.RawQuery)
	}
	code, page := openCallback(t, back)
	if code != http.StatusOK || !strings.Contains(page, "<h1>Connected to Facebook</h1>") || !strings.Contains(page, "Signed in as "+connUser) {
		t.Errorf("final page %d:\n%s", code, page)
	}
	r := c.wait()
	if r.code != ExitOK {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	for _, want := range []string{"1) Shop One (100)", "2) Shop Two (200)", "Connected to Facebook as " + connUser + "; syncing 1 page(s)"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
		}
	}

	if v, ok := h.keychainGet(secrets.PageToken("200")); !ok || v != connTokenTwo {
		t.Errorf("keychain token of page 200 = %q (present %v), want the page token from /me/accounts", v, ok)
	}
	if _, ok := h.keychainGet(secrets.PageToken("100")); ok {
		t.Error("the token of page 100, which was not chosen, is in the keychain")
	}
	st := h.statusJSON()
	if len(st.Pages) != 1 || st.Pages[0].ID != "200" || st.Pages[0].Name != "Shop Two" || st.Pages[0].Token != "set" || st.Pages[0].NeedsLogin {
		t.Errorf("status pages %+v, want only Shop Two (200) with its token set", st.Pages)
	}
	fbConn, ok := connectionOf(st, store.ProviderFacebook)
	if !ok || fbConn.Account != connUser || fbConn.Disconnected || fbConn.ConnectedAt.IsZero() || !slices.Contains(fbConn.Scopes, "pages_messaging") {
		t.Errorf("status connections %+v, want facebook connected as %s with pages_messaging", st.Connections, connUser)
	}
	if text := h.mustRun("", "status").stdout; !strings.Contains(text, "Facebook:  "+connUser+", connected") || !strings.Contains(text, "200  Shop Two") {
		t.Errorf("status does not show the connection and the page:\n%s", text)
	}
	if subs := h.fb.Subscriptions("200"); !slices.Contains(subs, "messages") {
		t.Errorf("page 200 subscribed to %v, want the messaging fields", subs)
	}
	if subs := h.fb.Subscriptions("100"); subs != nil {
		t.Errorf("page 100, not chosen, subscribed to %v", subs)
	}
	for _, secret := range []string{connTokenOne, connTokenTwo, connFBAppSecret, back.Query().Get("code")} {
		if strings.Contains(r.stdout+r.stderr+page, secret) {
			t.Errorf("a secret (%.8s…) appears in the output or the final page", secret)
		}
	}
}

// TestConnectFacebookRejections: every way the sign-in can go wrong ends
// with a non-zero exit, one clear error line, and nothing kept.
func TestConnectFacebookRejections(t *testing.T) {
	t.Run("consent denied", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		h.env[EnvLog] = "debug" // the provider's own words go to the log
		c, redirect, consent := h.startConnectFacebook("", true)
		back := h.authorize(consent, redirect, false)
		if back.Query().Get("error") != "access_denied" {
			t.Fatalf("Cancel redirected with %s, want error=access_denied", back.RawQuery)
		}
		if code, page := openCallback(t, back); code != http.StatusOK || !strings.Contains(page, "Not connected") || !strings.Contains(page, "You declined the request") {
			t.Errorf("final page %d:\n%s", code, page)
		}
		r := c.wait()
		failedWith(t, r, "You declined the request")
		if !strings.Contains(r.stderr, `level=DEBUG msg="command failed"`) || !strings.Contains(r.stderr, "user_denied") {
			t.Errorf("MERCHANT_INBOX_LOG=debug did not log the technical cause:\n%s", r.stderr)
		}
		h.noFacebookToken()
		if n := h.exchanges(); n != 0 {
			t.Errorf("%d code exchanges after a denial, want none", n)
		}
	})

	t.Run("wrong app secret", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		h.keychainSet(secrets.FacebookAppSecret, "not-the-app-secret")
		c, redirect, consent := h.startConnectFacebook("", true)
		code, page := openCallback(t, h.authorize(consent, redirect, true))
		if code != http.StatusOK || !strings.Contains(page, "Not connected") || !strings.Contains(page, "The Facebook app secret is wrong") {
			t.Errorf("final page %d:\n%s", code, page)
		}
		line := failedWith(t, c.wait(), "app secret")
		if strings.Contains(line, "not-the-app-secret") {
			t.Error("the error shows the app secret")
		}
		h.noFacebookToken()
	})

	t.Run("redirect URI not registered", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		c, redirect, consent := h.startConnectFacebook("", false)
		// The merchant skipped registering the redirect URI: Meta's dialog
		// shows "URL Blocked" and never comes back.
		if _, err := h.fb.Authorize(consent, true); err == nil || !strings.Contains(err.Error(), "URL Blocked") {
			t.Fatalf("consent page: %v, want URL Blocked", err)
		}
		// What the merchant reads says what to register, exactly.
		if want := "Redirect URI (register it with the provider exactly as shown):\n  " + redirect + "\n"; !strings.Contains(c.out.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, c.out.String())
		}
		// The sign-in waits for its 10-minute expiry: give up as the
		// merchant would, with Ctrl-C.
		select {
		case <-c.finished:
			t.Fatalf("connect ended before the browser came back: exit %d\n%s", c.code, c.errOut.String())
		case <-time.After(200 * time.Millisecond):
		}
		c.cancel()
		failedWith(t, c.wait(), "interrupted")
		h.noFacebookToken()
	})

	t.Run("missing permission", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		h.fb.GrantScopes("pages_show_list", "pages_manage_metadata", "pages_read_engagement")
		c, redirect, consent := h.startConnectFacebook("", true)
		code, page := openCallback(t, h.authorize(consent, redirect, true))
		if code != http.StatusOK || !strings.Contains(page, "Not connected") || !strings.Contains(page, "did not grant Merchant Inbox these permissions: pages_messaging") {
			t.Errorf("final page %d:\n%s", code, page)
		}
		failedWith(t, c.wait(), "did not grant Merchant Inbox these permissions: pages_messaging")
		h.noFacebookToken()
	})

	t.Run("no page selected", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp() // the merchant unticked every page
		c, redirect, consent := h.startConnectFacebook("", true)
		code, page := openCallback(t, h.authorize(consent, redirect, true))
		if code != http.StatusOK || !strings.Contains(page, "Facebook gave Merchant Inbox no Page") {
			t.Errorf("final page %d:\n%s", code, page)
		}
		failedWith(t, c.wait(), "Facebook gave Merchant Inbox no Page")
		h.noFacebookToken()
	})

	t.Run("forged state", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		c, redirect, consent := h.startConnectFacebook("", true)
		// Any web page can make the browser load a localhost URL: a
		// forged callback is refused and must not end the real sign-in.
		for _, q := range []string{"?code=AQforged&state=guessed", "?code=AQforged", "?error=access_denied&state=guessed"} {
			code, page := get(t, redirect+q)
			if code != http.StatusBadRequest || !strings.Contains(page, "not valid for this attempt") {
				t.Errorf("forged callback %s: %d\n%s", q, code, page)
			}
		}
		code, page := openCallback(t, h.authorize(consent, redirect, true))
		if code != http.StatusOK || !strings.Contains(page, "Connected to Facebook") {
			t.Errorf("real callback after forged ones: %d\n%s", code, page)
		}
		if r := c.wait(); r.code != ExitOK {
			t.Fatalf("connect after forged callbacks: exit %d\n%s", r.code, r.stderr)
		}
		if n := h.exchanges(); n != 1 {
			t.Errorf("%d code exchanges, want only the real one", n)
		}
		if v, _ := h.keychainGet(secrets.PageToken("100")); v != connTokenOne {
			t.Errorf("keychain token of page 100 = %q after the real sign-in", v)
		}
	})

	t.Run("replayed state", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		g := newHoldProxy(t, h.fb.URL, "/oauth/access_token")
		h.env[EnvGraphURL] = g.URL
		c, redirect, consent := h.startConnectFacebook("", true)
		back := h.authorize(consent, redirect, true)

		replayWhileExchanging(t, g, back, c)
		if n := h.exchanges(); n != 1 {
			t.Errorf("%d code exchanges, want one: the replay must not run the callback", n)
		}
	})

	t.Run("port in use", func(t *testing.T) {
		h := newHarness(t)
		h.facebookApp("100")
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		defer ln.Close()
		port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
		r := h.background("", connectArgs("facebook", "--no-browser", "--port", port)...).wait()
		failedWith(t, r, "Port "+port+", which Merchant Inbox uses for sign-in, is taken by another program")
		if strings.Contains(r.stdout, h.fb.URL) {
			t.Errorf("the consent URL was shown although nothing listens for the callback:\n%s", r.stdout)
		}
		h.noFacebookToken()
	})

	t.Run("keychain values missing", func(t *testing.T) {
		h := newHarness(t)
		h.env[EnvFacebookWebURL] = h.fb.URL
		r := h.background("", connectArgs("facebook", "--no-browser", "--port", "0")...).wait()
		failedWith(t, r, "facebook-app-id is not set", "merchant-inbox secrets set facebook-app-id")
		if r.code != ExitFailure || strings.Contains(r.stdout, "Redirect URI") {
			t.Errorf("exit %d, stdout %q: want exit 1 before any sign-in starts", r.code, r.stdout)
		}
		h.keychainSet(secrets.FacebookAppID, connFBAppID)
		failedWith(t, h.background("", connectArgs("facebook", "--no-browser", "--port", "0")...).wait(),
			"facebook-app-secret is not set", "merchant-inbox secrets set facebook-app-secret")
		h.noFacebookToken()
	})
}

// ---- Shopify ----

// shopifyApp starts a fake Shopify playing fake-shop and puts the app's
// client credentials in the keychain. The redirect URI is registered once
// known (see startConnectShopify).
func (h *harness) shopifyApp() *shopifytest.Server {
	h.t.Helper()
	shop := shopifytest.NewServer(h.t)
	shop.SetApp(connShopClientID, connShopSecret)
	shop.SetShop("Fake Shop", "fake.example", "EUR")
	h.env[EnvShopifyURL] = shop.URL
	h.keychainSet(secrets.ShopifyClientID, connShopClientID)
	h.keychainSet(secrets.ShopifyClientSecret, connShopSecret)
	h.keychainForget(secrets.ShopifyToken)
	return shop
}

// startConnectShopify starts `connect shopify --shop fake-shop --no-browser
// --port 0`, reads what it prints and registers the redirect URI with the
// fake app (exact match from then on).
func (h *harness) startConnectShopify(shop *shopifytest.Server) (c *bgCommand, redirect, consent string) {
	h.t.Helper()
	c = h.background("", connectArgs("shopify", "--shop", "fake-shop", "--no-browser", "--port", "0")...)
	redirect = c.lineAfter("Redirect URI")
	consent = c.lineAfter("Open this URL in your browser to continue:")
	if !redirectPattern.MatchString(redirect) || !strings.HasSuffix(redirect, "/callback/shopify") {
		h.t.Fatalf("redirect URI %q, want http://localhost:PORT/callback/shopify", redirect)
	}
	shop.SetApp(connShopClientID, connShopSecret, redirect)
	return c, redirect, consent
}

// installApp clicks "Install app" on the fake's consent page and checks that
// it sends the browser back to redirect.
func installApp(t *testing.T, shop *shopifytest.Server, consent, redirect string) *url.URL {
	t.Helper()
	back, err := shop.Install(t.Context(), consent)
	if err != nil {
		t.Fatalf("consent page: %v", err)
	}
	if !sameEndpoint(back, redirect) {
		t.Fatalf("Shopify redirected to %s, want %s", back, redirect)
	}
	return back
}

// storedShopifyToken decodes the shopify-token the keychain holds.
func (h *harness) storedShopifyToken() shopify.Token {
	h.t.Helper()
	v, ok := h.keychainGet(secrets.ShopifyToken)
	if !ok {
		h.t.Fatal("no shopify-token in the keychain")
	}
	var tok shopify.Token
	if err := json.Unmarshal([]byte(v), &tok); err != nil {
		h.t.Fatalf("shopify-token is not the JSON connect stores: %v", err)
	}
	return tok
}

// noShopifyToken checks that nothing of a failed Shopify sign-in was kept.
func (h *harness) noShopifyToken() {
	h.t.Helper()
	if _, ok := h.keychainGet(secrets.ShopifyToken); ok {
		h.t.Error("shopify-token is in the keychain after a failed sign-in")
	}
	st := h.statusJSON()
	if c, ok := connectionOf(st, store.ProviderShopify); ok {
		h.t.Errorf("connection %+v recorded after a failed sign-in", c)
	}
	if st.Shop != nil {
		h.t.Errorf("shop %+v recorded after a failed sign-in", st.Shop)
	}
}

// codeExchanged reports whether the fake's token endpoint was called.
func codeExchanged(shop *shopifytest.Server) bool {
	return slices.ContainsFunc(shop.Requests(), func(r shopifytest.Request) bool {
		return r.Path == "/admin/oauth/access_token"
	})
}

// TestConnectShopify installs the app through the consent page: an
// expiring offline token with its refresh token lands in the keychain, the
// connection and the shop's details in the database.
func TestConnectShopify(t *testing.T) {
	h := newHarness(t)
	shop := h.shopifyApp()

	c, redirect, consent := h.startConnectShopify(shop)
	q, _ := url.ParseQuery(strings.SplitN(consent, "?", 2)[1])
	if !strings.HasPrefix(consent, shop.URL+"/admin/oauth/authorize?") || q.Get("client_id") != connShopClientID || q.Get("scope") != "read_products" || q.Get("redirect_uri") != redirect {
		t.Fatalf("consent URL %q", consent)
	}
	back := installApp(t, shop, consent, redirect)
	code, page := openCallback(t, back)
	if code != http.StatusOK || !strings.Contains(page, "<h1>Connected to Shopify</h1>") || !strings.Contains(page, connShopDomain) {
		t.Errorf("final page %d:\n%s", code, page)
	}
	r := c.wait()
	if r.code != ExitOK {
		t.Fatalf("connect: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if want := "Connected to Shopify: Fake Shop (" + connShopDomain + ")"; !strings.Contains(r.stdout, want) {
		t.Errorf("stdout lacks %q:\n%s", want, r.stdout)
	}

	tok := h.storedShopifyToken()
	if tok.AccessToken == "" || tok.AccessToken != shop.Token(connShopDomain) {
		t.Error("shopify-token does not hold the access token the shop issued")
	}
	if tok.RefreshToken == "" || tok.Scope != "read_products" {
		t.Errorf("shopify-token has scope %q, refresh token %v: want an expiring offline token with read_products", tok.Scope, tok.RefreshToken != "")
	}
	if left := time.Until(tok.ExpiresAt); left < 50*time.Minute || left > time.Hour+time.Minute {
		t.Errorf("access token expires in %s, want about an hour", left)
	}
	if left := time.Until(tok.RefreshExpiresAt); left < 89*24*time.Hour {
		t.Errorf("refresh token expires in %s, want about 90 days", left)
	}

	st := h.statusJSON()
	conn, ok := connectionOf(st, store.ProviderShopify)
	if !ok || conn.Account != connShopDomain || conn.Disconnected || !slices.Equal(conn.Scopes, []string{"read_products"}) {
		t.Errorf("status connections %+v, want shopify connected to %s with read_products", st.Connections, connShopDomain)
	}
	if st.Shop == nil || st.Shop.Domain != connShopDomain || st.Shop.Name != "Fake Shop" || st.Shop.PrimaryDomain != "fake.example" || st.Shop.Currency != "EUR" {
		t.Errorf("status shop %+v", st.Shop)
	}
	if st.Keychain["shopify-token"] != "set" {
		t.Errorf("status keychain %v: want shopify-token set", st.Keychain)
	}
	if text := h.mustRun("", "status").stdout; !regexp.MustCompile(`Shopify: +`+regexp.QuoteMeta(connShopDomain)+`, connected`).MatchString(text) || !strings.Contains(text, "Fake Shop ("+connShopDomain+"), EUR") {
		t.Errorf("status does not show the connection and the shop:\n%s", text)
	}
	for _, secret := range []string{tok.AccessToken, tok.RefreshToken, connShopSecret, back.Query().Get("code")} {
		if strings.Contains(r.stdout+r.stderr+page, secret) {
			t.Errorf("a secret (%.8s…) appears in the output or the final page", secret)
		}
	}
}

// TestConnectShopifyClientCredentials gets a token with the client
// credentials grant: no browser, no callback server.
func TestConnectShopifyClientCredentials(t *testing.T) {
	h := newHarness(t)
	shop := h.shopifyApp()
	r := h.background("", connectArgs("shopify", "--shop", connShopDomain, "--client-credentials")...).wait()
	if r.code != ExitOK {
		t.Fatalf("connect --client-credentials: exit %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout, "Redirect URI") || strings.Contains(r.stdout, "browser") {
		t.Errorf("client credentials started a browser sign-in:\n%s", r.stdout)
	}
	if !strings.Contains(r.stdout, "Connected to Shopify: Fake Shop ("+connShopDomain+")") {
		t.Errorf("stdout:\n%s", r.stdout)
	}
	tok := h.storedShopifyToken()
	if tok.AccessToken == "" || tok.AccessToken != shop.Token(connShopDomain) || tok.RefreshToken != "" || tok.Scope != "read_products" {
		t.Errorf("shopify-token: access token from the shop %v, refresh token %v, scope %q; want the issued token, no refresh token, read_products",
			tok.AccessToken == shop.Token(connShopDomain), tok.RefreshToken != "", tok.Scope)
	}
	if left := time.Until(tok.ExpiresAt); left < 23*time.Hour || left > 24*time.Hour {
		t.Errorf("client-credentials token expires in %s, want about 24 hours", left)
	}
	st := h.statusJSON()
	if conn, ok := connectionOf(st, store.ProviderShopify); !ok || conn.Account != connShopDomain || conn.Disconnected {
		t.Errorf("status connections %+v", st.Connections)
	}
	if st.Shop == nil || st.Shop.Name != "Fake Shop" {
		t.Errorf("status shop %+v", st.Shop)
	}
	if slices.ContainsFunc(shop.Requests(), func(r shopifytest.Request) bool { return r.Path == "/admin/oauth/authorize" }) {
		t.Error("client credentials opened the consent page")
	}
}

// TestConnectShopifyRejections: a callback that is not exactly what
// Shopify sends for this sign-in is refused before its code is exchanged,
// and a token without the catalogue scope is not kept.
func TestConnectShopifyRejections(t *testing.T) {
	// tampered fails the sign-in with a callback rewritten by change; the
	// final page and the command's error both say want.
	tampered := func(t *testing.T, change func(q url.Values), want string) {
		t.Helper()
		h := newHarness(t)
		shop := h.shopifyApp()
		c, redirect, consent := h.startConnectShopify(shop)
		back := installApp(t, shop, consent, redirect)
		q := back.Query()
		change(q)
		back.RawQuery = q.Encode()
		code, body := openCallback(t, back)
		if code != http.StatusOK || !strings.Contains(body, "Not connected") || !strings.Contains(body, want) {
			t.Errorf("final page %d, want %q:\n%s", code, want, body)
		}
		failedWith(t, c.wait(), want)
		if codeExchanged(shop) {
			t.Error("the code of a refused callback was exchanged")
		}
		h.noShopifyToken()
	}
	resign := func(q url.Values) { q.Set("hmac", shopifytest.SignQuery(q, connShopSecret)) }

	t.Run("bad HMAC", func(t *testing.T) {
		tampered(t, func(q url.Values) { q.Set("code", q.Get("code")+"0") },
			"failed its signature check")
	})
	t.Run("HMAC with another secret", func(t *testing.T) {
		tampered(t, func(q url.Values) { q.Set("hmac", shopifytest.SignQuery(q, "guessed-secret")) },
			"failed its signature check")
	})
	for _, evil := range []string{"evil.myshopify.com", "evil.com"} {
		t.Run("foreign shop "+evil, func(t *testing.T) {
			// Signed with the real secret: only the shop check can refuse it.
			tampered(t, func(q url.Values) { q.Set("shop", evil); resign(q) },
				"different store than fake-shop.myshopify.com")
		})
	}
	for _, skew := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		t.Run("timestamp "+skew.String()+" away", func(t *testing.T) {
			ts := strconv.FormatInt(time.Now().Add(skew).Unix(), 10)
			tampered(t, func(q url.Values) { q.Set("timestamp", ts); resign(q) },
				"took too long or this computer's clock is wrong")
		})
	}

	t.Run("stale callback from the fake clock", func(t *testing.T) {
		h := newHarness(t)
		shop := h.shopifyApp()
		// The shop's clock says the merchant approved 5 minutes ago: the
		// callback it signs is older than CallbackMaxAge.
		shop.SetClock(func() time.Time { return time.Now().Add(-5 * time.Minute) })
		c, redirect, consent := h.startConnectShopify(shop)
		code, body := openCallback(t, installApp(t, shop, consent, redirect))
		if code != http.StatusOK || !strings.Contains(body, "Not connected") {
			t.Errorf("final page %d:\n%s", code, body)
		}
		failedWith(t, c.wait(), "took too long or this computer's clock is wrong")
		h.noShopifyToken()
	})

	t.Run("replayed state", func(t *testing.T) {
		h := newHarness(t)
		shop := h.shopifyApp()
		g := newHoldProxy(t, shop.URL, "/admin/oauth/access_token")
		h.env[EnvShopifyURL] = g.URL
		c, redirect, consent := h.startConnectShopify(shop)
		back := installApp(t, shop, consent, redirect)
		replayWhileExchanging(t, g, back, c)
		n := 0
		for _, r := range shop.Requests() {
			if r.Path == "/admin/oauth/access_token" {
				n++
			}
		}
		if n != 1 {
			t.Errorf("%d code exchanges, want one: the replay must not run the callback", n)
		}
	})

	t.Run("catalogue scope not granted", func(t *testing.T) {
		h := newHarness(t)
		shop := h.shopifyApp()
		shop.GrantScopes("read_orders") // the merchant edited the scopes down
		c, redirect, consent := h.startConnectShopify(shop)
		code, body := openCallback(t, installApp(t, shop, consent, redirect))
		const want = "The store did not grant Merchant Inbox read_products"
		if code != http.StatusOK || !strings.Contains(body, "Not connected") || !strings.Contains(body, want) {
			t.Errorf("final page %d, want it to say the store is not connected:\n%s", code, body)
		}
		failedWith(t, c.wait(), want)
		h.noShopifyToken()
	})

	t.Run("catalogue scope not granted to client credentials", func(t *testing.T) {
		h := newHarness(t)
		shop := h.shopifyApp()
		shop.GrantScopes("read_orders")
		failedWith(t, h.background("", connectArgs("shopify", "--shop", "fake-shop", "--client-credentials")...).wait(), "did not grant Merchant Inbox read_products")
		h.noShopifyToken()
	})

	t.Run("keychain values missing", func(t *testing.T) {
		h := newHarness(t)
		h.keychainForget(secrets.ShopifyToken)
		r := h.background("", connectArgs("shopify", "--shop", "fake-shop", "--no-browser", "--port", "0")...).wait()
		failedWith(t, r, "shopify-client-id is not set", "merchant-inbox secrets set shopify-client-id")
		h.keychainSet(secrets.ShopifyClientID, connShopClientID)
		failedWith(t, h.background("", connectArgs("shopify", "--shop", "fake-shop", "--client-credentials")...).wait(),
			"shopify-client-secret is not set", "merchant-inbox secrets set shopify-client-secret")
		h.noShopifyToken()
	})
}

// ---- disconnect ----

// TestDisconnectFacebook removes the page tokens and keeps the synced
// data and the app credentials.
func TestDisconnectFacebook(t *testing.T) {
	h := newHarness(t)
	h.facebookApp("100")
	h.fb.AddMessage("100", "9001", "Jane", facebooktest.FakeMessage{ID: "m_d1", Text: "still in stock?", At: time.Now().Add(-time.Hour)})
	c, redirect, consent := h.startConnectFacebook("", true)
	openCallback(t, h.authorize(consent, redirect, true))
	if r := c.wait(); r.code != ExitOK {
		t.Fatalf("connect: exit %d\n%s", r.code, r.stderr)
	}
	h.mustRun("", "sync")

	r := h.mustRun("", "disconnect", "facebook")
	for _, want := range []string{
		"Disconnected facebook: removed 1 token(s) from the keychain.",
		"Kept in " + h.env[EnvDataDir] + "/inbox.db: 1 pages, 1 conversations, 1 messages (no longer synced).",
		"Delete " + h.env[EnvDataDir] + " to erase them.",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("disconnect output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, ok := h.keychainGet(secrets.PageToken("100")); ok {
		t.Error("the page token is still in the keychain")
	}
	for _, n := range []secrets.Name{secrets.FacebookAppID, secrets.FacebookAppSecret} {
		if _, ok := h.keychainGet(n); !ok {
			t.Errorf("disconnect removed %s, an app credential", n)
		}
	}
	st := h.statusJSON()
	conn, ok := connectionOf(st, store.ProviderFacebook)
	if !ok || !conn.Disconnected || conn.DisconnectedAt.IsZero() || conn.Note != "disconnected by you" || conn.Account != connUser {
		t.Errorf("connection after disconnect: %+v", conn)
	}
	if len(st.Pages) != 1 || st.Pages[0].Token != "missing" || st.Stats.Messages != 1 {
		t.Errorf("after disconnect: pages %+v, stats %+v; want the page and its messages kept, its token missing", st.Pages, st.Stats)
	}
	if text := h.mustRun("", "status").stdout; !strings.Contains(text, "disconnected") {
		t.Errorf("status does not show the disconnection:\n%s", text)
	}
	var out messagesOutput
	h.jsonOf(&out, "messages", "--json", "9001")
	if len(out.Messages) != 1 || out.Messages[0].Text != "still in stock?" {
		t.Errorf("messages after disconnect: %+v", out.Messages)
	}
	// Again: nothing left to remove, still fine.
	if r := h.mustRun("", "disconnect", "facebook"); !strings.Contains(r.stdout, "removed 0 token(s)") {
		t.Errorf("second disconnect:\n%s", r.stdout)
	}
}

// TestDisconnectShopify removes the shop's token and keeps the catalogue,
// the shop's details and the app credentials.
func TestDisconnectShopify(t *testing.T) {
	h := newHarness(t)
	shop := h.shopifyApp()
	shop.AddProduct(shopifytest.FakeProduct{Title: "Blue T-Shirt"})
	if r := h.background("", connectArgs("shopify", "--shop", "fake-shop", "--client-credentials")...).wait(); r.code != ExitOK {
		t.Fatalf("connect --client-credentials: exit %d\n%s", r.code, r.stderr)
	}
	h.mustRun("", "sync")

	r := h.mustRun("", "disconnect", "shopify")
	for _, want := range []string{
		"Disconnected shopify: removed 1 token(s) from the keychain.",
		"Kept in " + h.env[EnvDataDir] + "/inbox.db: the shop's details and 1 products (no longer synced).",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("disconnect output lacks %q:\n%s", want, r.stdout)
		}
	}
	if _, ok := h.keychainGet(secrets.ShopifyToken); ok {
		t.Error("shopify-token is still in the keychain")
	}
	for _, n := range []secrets.Name{secrets.ShopifyClientID, secrets.ShopifyClientSecret} {
		if _, ok := h.keychainGet(n); !ok {
			t.Errorf("disconnect removed %s, an app credential", n)
		}
	}
	st := h.statusJSON()
	if conn, ok := connectionOf(st, store.ProviderShopify); !ok || !conn.Disconnected || conn.Account != connShopDomain {
		t.Errorf("connection after disconnect: %+v", conn)
	}
	if st.Shop == nil || st.Shop.Name != "Fake Shop" || st.Stats.Products != 1 {
		t.Errorf("after disconnect: shop %+v, stats %+v; want both kept", st.Shop, st.Stats)
	}
	var products []store.Product
	h.jsonOf(&products, "products", "--json")
	if len(products) != 1 || products[0].Title != "Blue T-Shirt" {
		t.Errorf("products after disconnect: %+v", products)
	}
	// A later sync must not try the removed token.
	if r := h.run("", "sync"); strings.Contains(r.stdout+r.stderr, "products read") {
		t.Errorf("sync after disconnect still polled the shop:\n%s%s", r.stdout, r.stderr)
	}
}

// replayWhileExchanging opens the callback once and, while that first
// callback is held in its code exchange, opens it again: the replay must get
// "already used" (409), the first must finish with 200 and connect succeed.
func replayWhileExchanging(t *testing.T, g *holdProxy, back *url.URL, c *bgCommand) {
	t.Helper()
	first := make(chan string, 1)
	go func() {
		resp, err := http.Get(back.String())
		if err != nil {
			first <- err.Error()
			return
		}
		resp.Body.Close()
		first <- resp.Status
	}()
	select {
	case <-g.entered: // the first callback is exchanging the code
	case <-time.After(connLimit):
		t.Fatal("the callback never exchanged its code")
	}
	code, page := openCallback(t, back)
	if code != http.StatusConflict || !strings.Contains(page, "already used") {
		t.Errorf("replayed callback: %d\n%s", code, page)
	}
	g.release()
	if s := <-first; s != "200 OK" {
		t.Errorf("first callback: %s", s)
	}
	if r := c.wait(); r.code != ExitOK {
		t.Fatalf("connect: exit %d\n%s", r.code, r.stderr)
	}
}
