package facebook

import (
	"context"
	"errors"
	"net"
	"net/url"
	"strings"

	"github.com/merchant-inbox/merchant-inbox/sync/fix"
	"github.com/merchant-inbox/merchant-inbox/sync/secrets"
)

// Sentinel errors for the Facebook Login flow and the app-token calls
// (SubscribeApp, DebugToken). They come wrapped in a *LoginError, whose
// UserMessage tells the merchant what to do.
var (
	// ErrBadAppSecret: Meta rejected the app credentials, almost always a
	// wrong app secret (Graph code 1 "Error validating client secret."),
	// sometimes a wrong app ID (code 101 "Error validating application.
	// Invalid application ID.") or, on app-token calls, an app access token
	// whose secret part is wrong (code 190).
	ErrBadAppSecret = errors.New("facebook: app secret (or app ID) rejected")
	// ErrRedirectMismatch: the redirect URI is not registered under Facebook
	// Login > Settings > Valid OAuth Redirect URIs, or the code exchange did
	// not send the exact URI the dialog used (code 100 subcode 36008; the
	// dialog itself shows "URL Blocked" and never redirects).
	ErrRedirectMismatch = errors.New("facebook: redirect URI not registered or not identical")
	// ErrCodeExpired: the authorization code was already used (100/36009),
	// has expired (100/36007) or is unusable; also a callback whose state is
	// not the one issued (an old browser tab). The remedy is to start again.
	ErrCodeExpired = errors.New("facebook: sign-in expired or already used")
	// ErrMissingPermission: the merchant did not grant every permission
	// Merchant Inbox needs, or selected no Page. LoginError.Scopes names the
	// missing permissions; it is empty when no Page came back.
	ErrMissingPermission = errors.New("facebook: permission not granted")
	// ErrLoginCanceled: the merchant pressed Cancel on the Facebook dialog
	// (the redirect carries error=access_denied, error_reason=user_denied).
	ErrLoginCanceled = errors.New("facebook: sign-in canceled")
	// ErrCallbackVerification: SubscribeApp failed because Meta could not
	// verify the webhook callback URL (code 2200: it was unreachable, or it
	// did not echo hub.challenge for the verify token).
	ErrCallbackVerification = errors.New("facebook: webhook callback verification failed")
)

// LoginError is a classified failure of the login flow or of an app-token
// call. errors.Is matches its Kind only: in particular a rejected app access
// token (code 190) is ErrBadAppSecret, never ErrTokenInvalid, because
// signing in again cannot fix it. errors.As still reaches the cause in Err
// (for example the Graph *Error with its fbtrace_id).
type LoginError struct {
	// Kind is one of ErrBadAppSecret, ErrRedirectMismatch, ErrCodeExpired,
	// ErrMissingPermission, ErrLoginCanceled, ErrCallbackVerification.
	Kind error
	// Err is the cause: usually the Graph *Error (wrapped with the method
	// and path), nil when the failure was found locally.
	Err error
	// Scopes lists the permissions not granted (ErrMissingPermission).
	Scopes []string
	// URL is the redirect URI (ErrRedirectMismatch) or the webhook callback
	// URL (ErrCallbackVerification) concerned, for the merchant's message.
	URL string
}

func (e *LoginError) Error() string {
	var b strings.Builder
	b.WriteString(e.Kind.Error())
	if len(e.Scopes) > 0 {
		b.WriteString(" (missing " + strings.Join(e.Scopes, ", ") + ")")
	}
	if e.URL != "" {
		b.WriteString(" (" + RedactURL(e.URL) + ")")
	}
	if e.Err != nil {
		b.WriteString(": " + strings.TrimPrefix(e.Err.Error(), "facebook: "))
	}
	return b.String()
}

// Unwrap returns Kind only, so that errors.Is never matches the sentinels
// the Graph cause would (see LoginError).
func (e *LoginError) Unwrap() error { return e.Kind }

// As lets errors.As reach the cause in Err.
func (e *LoginError) As(target any) bool { return e.Err != nil && errors.As(e.Err, target) }

// UserMessage is a plain-language explanation with the fix, for the page the
// browser shows at the end of the login, a notification or the CLI. It
// holds no secret.
func (e *LoginError) UserMessage() string {
	switch e.Kind {
	case ErrBadAppSecret:
		if e.badAppID() {
			return "Facebook does not recognise the app ID: enter facebook-app-id again, copied from the Meta app dashboard " +
				"(App settings > Basic), then check facebook-app-secret too."
		}
		return "The Facebook app secret is wrong: enter facebook-app-secret again, copied from the Meta app dashboard (App settings > Basic)."
	case ErrRedirectMismatch:
		where := "the sign-in address Merchant Inbox uses"
		if e.URL != "" {
			where = "exactly " + e.URL
		}
		msg := "Facebook refused the sign-in return address. In your Meta app, add " + where +
			" under Facebook Login > Settings > Valid OAuth Redirect URIs, save, and start again."
		if isLoopbackHTTP(e.URL) {
			msg += " An http://localhost address works only while the Meta app is in development mode; otherwise use the HTTPS tunnel address."
		}
		return msg
	case ErrCodeExpired:
		return "The sign-in took too long or was already used: start again."
	case ErrMissingPermission:
		if len(e.Scopes) > 0 {
			return "Facebook did not grant Merchant Inbox these permissions: " + strings.Join(e.Scopes, ", ") +
				". Start again and allow all of them (use \"Edit access\" if some were switched off)."
		}
		return "Facebook gave Merchant Inbox no Page. Start again and select your Pages on the Facebook screen " +
			"(you must have full control of each Page)."
	case ErrLoginCanceled:
		return "The Facebook sign-in was cancelled. Start again and press Continue to connect your Pages."
	case ErrCallbackVerification:
		at := ""
		if e.URL != "" {
			at = " at " + RedactURL(e.URL)
		}
		return "Facebook could not reach Merchant Inbox" + at + " to verify its webhook. " +
			"Check the internet connection and that the tunnel is connected, then try again; messages are still fetched by polling meanwhile."
	}
	return "Facebook sign-in failed: start again."
}

// Fix is the remedy UserMessage describes, for a front end to offer as a
// command or a button: store the app credential Meta refused, or sign in
// again. A redirect URI to register or a callback Meta cannot reach is
// fixed outside the app, so those have none.
func (e *LoginError) Fix() fix.Fix {
	switch e.Kind {
	case ErrBadAppSecret:
		if e.badAppID() {
			return fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppID}
		}
		return fix.Fix{Action: fix.SetSecret, Secret: secrets.FacebookAppSecret}
	case ErrCodeExpired, ErrMissingPermission, ErrLoginCanceled:
		return fix.Fix{Action: fix.SignInFacebook}
	}
	return fix.Fix{}
}

// badAppID reports a rejected app ID (code 101) rather than secret.
func (e *LoginError) badAppID() bool {
	ge, ok := errors.AsType[*Error](e.Err)
	return ok && ge.Code == 101
}

// UserMessage explains any error from this package in plain language: a
// *LoginError's own message, or a fitting text for rate limits, dead tokens,
// timeouts and unreachable hosts. It never includes Meta's raw text.
func UserMessage(err error) string {
	if le, ok := errors.AsType[*LoginError](err); ok {
		return le.UserMessage()
	}
	var ne net.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrRateLimited):
		return "Facebook is limiting requests from this app for a while: wait a few minutes and try again."
	case errors.Is(err, ErrTokenInvalid):
		return "The Facebook sign-in is no longer valid (expired, revoked or password changed): connect Facebook again."
	case errors.Is(err, ErrPermission):
		return "Facebook refused this action for lack of a permission: connect Facebook again and allow every permission asked."
	case errors.Is(err, context.Canceled):
		return "The sign-in was interrupted: start again."
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "Facebook did not answer in time: check the internet connection and start again."
	case errors.As(err, &ne):
		return "Facebook could not be reached: check the internet connection and start again."
	}
	return "Facebook sign-in failed: start again. If it keeps failing, the log has the details."
}

func isLoopbackHTTP(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// classifyLogin wraps err in a *LoginError when it is a Graph answer the
// merchant can act on, and returns it unchanged otherwise (transport
// failures, rate limits, unknown codes). appToken says the call was
// authenticated with the app access token "{app-id}|{app-secret}".
//
// Sources (code+subcode first; message text only where Meta's texts were
// seen without a subcode in reports):
//   - 1 "Error validating client secret." (OAuthException): seen in
//     facebookarchive/php-graph-sdk#538. Code 1 is also Graph's generic
//     "An unknown error has occurred.", so the message must name the client
//     secret.
//   - 101 "Error validating application. Invalid application ID.": seen in
//     diowa/icare#5; "... Cannot get application info due to a system
//     error." (sns-sdks/python-facebook#271) is transient and not classified.
//   - 100/36008 "Error validating verification code. Please make sure your
//     redirect_uri is identical to the one you used in the OAuth dialog
//     request": the text is in many reports (scribejava#605, hoauth2#19,
//     older ones without a subcode); subcode 36008 itself is UNVERIFIED
//     from a primary source (one report: react-facebook-login#326).
//   - 191 "Invalid redirect_uri: Given URL is not allowed by the Application
//     configuration.": older dialog error (social-connect#72).
//   - 100/36009 "This authorization code has been used.": akeeba/sociallogin#102.
//   - 100/36007 "This authorization code has expired.": overtrue/socialite#198;
//     rizen/Facebook-Graph#33 shows the same text without a subcode.
//   - 100 "Invalid verification code format.": koala#606 (no subcode).
//   - 2200 "(#2200) Callback verification failed with the following
//     errors: HTTP Status Code = 404; ...": fbsamples/original-coast-clothing#84.
//   - 190 on an app-token call, e.g. "Invalid OAuth access token
//     signature." when the secret part is wrong: amachang/facebook-node-sdk#10
//     (UNVERIFIED that every wrong app token answers exactly this).
func classifyLogin(err error, appToken bool, redirectURI, callbackURL string) error {
	if err == nil || errors.Is(err, ErrRateLimited) {
		return err
	}
	ge, ok := errors.AsType[*Error](err)
	if !ok {
		return err
	}
	kind := loginKind(ge, appToken)
	if kind == nil {
		return err
	}
	le := &LoginError{Kind: kind, Err: err}
	switch kind {
	case ErrRedirectMismatch:
		le.URL = redirectURI
	case ErrCallbackVerification:
		le.URL = callbackURL
	}
	return le
}

func loginKind(e *Error, appToken bool) error {
	msg := strings.ToLower(e.Message)
	switch e.Code {
	case 1:
		if strings.Contains(msg, "client secret") {
			return ErrBadAppSecret
		}
	case 101:
		if !strings.Contains(msg, "system error") {
			return ErrBadAppSecret
		}
	case 190:
		if appToken {
			return ErrBadAppSecret
		}
	case 191:
		return ErrRedirectMismatch
	case 2200:
		return ErrCallbackVerification
	case 100:
		switch e.Subcode {
		case 36008:
			return ErrRedirectMismatch
		case 36007, 36009:
			return ErrCodeExpired
		case 0:
			switch {
			case strings.Contains(msg, "redirect_uri is identical"):
				return ErrRedirectMismatch
			case strings.Contains(msg, "authorization code has been used"),
				strings.Contains(msg, "authorization code has expired"),
				strings.Contains(msg, "invalid verification code format"):
				return ErrCodeExpired
			}
		}
	}
	return nil
}

// secretParams are the query parameters whose values are credentials.
var secretParams = []string{
	"access_token", "client_secret", "code", "fb_exchange_token", "input_token",
	"appsecret_proof", "verify_token", "hub.verify_token",
}

// RedactURL returns raw with the values of credential parameters
// (access_token, client_secret, code, fb_exchange_token, input_token,
// appsecret_proof, verify_token, hub.verify_token) and any user info
// replaced by "REDACTED", for logs and messages. Text that is not a URL
// comes back as a fixed placeholder rather than verbatim.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "[unparsable URL]"
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for _, k := range secretParams {
			if vs, ok := q[k]; ok {
				for i := range vs {
					vs[i] = "REDACTED"
				}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// missingScopesError is the ErrMissingPermission error for scopes.
func missingScopesError(scopes []string) error {
	return &LoginError{Kind: ErrMissingPermission, Scopes: scopes}
}
