// Package authflow runs one browser sign-in: a short-lived callback server on
// 127.0.0.1, an unguessable one-time state, and the small page the browser
// ends on.
//
// A desktop app cannot receive an OAuth redirect the way a web service does,
// so it does what `gh auth login` does: it opens the system browser on the
// provider's consent page (OpenBrowser) with a redirect URI that points back
// at a server the app itself runs on the loopback interface (Listen, URL).
// The package knows nothing about Facebook or Shopify: each provider plugs a
// Callback into Expect that exchanges the code, and authflow takes care of
// the parts every provider shares and that are easy to get subtly wrong:
//
//   - The state is checked before any provider code runs, in constant time,
//     and is consumed by its first use, so the callback runs exactly once.
//   - A request with a wrong or missing state is refused but does not end
//     the flow: anyone can make the browser load a localhost URL, and a
//     forged request must not be able to abort the merchant's real sign-in.
//   - Every flow ends exactly once (completed, declined, failed, expired,
//     abandoned or closed), and a tab reloaded later gets a truthful page.
//   - The final page is self-contained, never echoes the code or state, and
//     explains failures in one plain sentence (UserMessage).
//
// A typical sign-in:
//
//	srv, err := authflow.Listen(authflow.Options{Addr: "127.0.0.1:8766", Logger: log})
//	if err != nil { ... }
//	defer srv.Close()
//	state, err := authflow.NewState()
//	if err != nil { ... }
//	redirect := srv.URL("/facebook/callback")
//	pending := srv.Expect("/facebook/callback", state, exchange) // exchange is a Callback
//	if err := authflow.OpenBrowser(ctx, dialogURL(redirect, state), os.Getenv); err != nil {
//		// Show the URL instead: the merchant can paste it into a browser.
//	}
//	outcome, err := pending.Wait(ctx)
package authflow
