package facebooktest

import (
	"fmt"
	"hash/fnv"
	"slices"
	"time"
)

// The fake also plays www.facebook.com: point both the Graph base URL and
// the Login dialog's web URL at Server.URL.

const (
	// CodeLifetime is how long an authorization code can be exchanged.
	CodeLifetime = 10 * time.Minute
	// ShortLivedTokenLifetime is the expires_in of a token from a code.
	ShortLivedTokenLifetime = 2 * time.Hour
	// LongLivedTokenLifetime is the expires_in of an fb_exchange_token
	// answer: 60 days.
	LongLivedTokenLifetime = 60 * 24 * time.Hour
	// DataAccessLifetime is how long after a login debug_token reports
	// data access lasting (data_access_expires_at).
	DataAccessLifetime = 90 * 24 * time.Hour

	fakeAppName = "Merchant Inbox (fake)"
)

// Consent says how the fake's consent page behaves.
type Consent int

const (
	// ConsentAllow, the default, renders Allow and Cancel and waits for a
	// human or a browser to click one (or for Authorize).
	ConsentAllow Consent = iota
	// ConsentAutoAllow makes the page's inline script click Allow on load,
	// for headless browser tests.
	ConsentAutoAllow
	// ConsentAutoDeny makes the page's inline script click Cancel on load.
	ConsentAutoDeny
)

// loginState is the fake's Facebook Login side, guarded by Server.mu.
type loginState struct {
	app        *fakeApp
	user       *fakeUser
	consent    Consent
	granted    []string // what the user grants; nil: everything requested
	now        func() time.Time
	verify     bool                  // POST /{app}/subscriptions verifies the callback
	tickets    map[string]*ticket    // consent pages awaiting a click
	codes      map[string]*authCode  // authorization codes
	userTokens map[string]*userGrant // user access tokens
	lastScopes []string              // scopes of the latest login, for page tokens
}

type fakeApp struct {
	id, secret string
	redirects  []string
	sub        *appSubscription
}

type appSubscription struct {
	callbackURL, verifyToken string
	fields                   []string
}

type fakeUser struct {
	id, name string
	pageIDs  []string
}

// ticket is one rendered consent page; its Allow or Cancel link works once.
type ticket struct {
	redirectURI, state string
	scopes             []string
	used               bool
}

type authCode struct {
	clientID, redirectURI, userID string
	scopes                        []string
	expires                       time.Time
	used                          bool
}

type userGrant struct {
	userID, appID   string
	scopes          []string
	issued, expires time.Time
}

func (l *loginState) clock() time.Time {
	if l.now != nil {
		return l.now()
	}
	return time.Now()
}

func (l *loginState) ensureMaps() {
	if l.tickets == nil {
		l.tickets = map[string]*ticket{}
		l.codes = map[string]*authCode{}
		l.userTokens = map[string]*userGrant{}
	}
}

// SetApp registers the Meta app: its ID, secret and Valid OAuth Redirect
// URIs, which the dialog and the code exchange compare byte for byte (as
// with Meta's strict mode). Calling it again replaces the app; for the
// same app ID the Page webhook subscription stays, as it does when a
// merchant edits the redirect URIs in Meta's dashboard.
func (s *Server) SetApp(appID, appSecret string, redirectURIs ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	app := &fakeApp{id: appID, secret: appSecret, redirects: slices.Clone(redirectURIs)}
	if old := s.login.app; old != nil && old.id == appID {
		app.sub = old.sub
	}
	s.login.app = app
}

// UserID is the stable id the fake gives the user added with AddUser(name).
func UserID(name string) string {
	h := fnv.New64a()
	h.Write([]byte("user\x00" + name))
	return fmt.Sprintf("%d", 100000000000000+h.Sum64()%900000000000000)
}

// AddUser sets the user who will "log in" on the dialog, managing the given
// Pages (added before with AddPage): /me/accounts lists them with their page
// tokens, in this order. No pageIDs models a merchant who selects no Page.
// It replaces any earlier user and fails the test if a Page was not added;
// call it from the test goroutine.
func (s *Server) AddUser(name string, pageIDs ...string) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range pageIDs {
		if s.pages[id] == nil {
			s.tb.Fatalf("facebooktest: AddUser: page %q not added", id)
		}
	}
	s.login.user = &fakeUser{id: UserID(name), name: name, pageIDs: slices.Clone(pageIDs)}
}

// SetConsent sets how later consent pages behave (default ConsentAllow).
func (s *Server) SetConsent(c Consent) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.consent = c
}

// GrantScopes sets what the user grants on Allow: the requested scopes that
// are in scopes (with no arguments, none of them). By default the user
// grants every requested scope. public_profile is always granted.
func (s *Server) GrantScopes(scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.granted = append([]string{}, scopes...)
}

// SetClock replaces the clock used for code and token lifetimes and for
// Throttle's blocks (default time.Now), so tests can let a code expire or
// a rate limit end without waiting.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.now = now
}

// VerifyCallbacks makes POST /{app-id}/subscriptions verify the callback as
// Meta does before accepting it: a GET callback_url?hub.mode=subscribe&
// hub.challenge=C&hub.verify_token=T that must answer 200 with body C
// within 5 s, else code 2200. Off by default. Use a plain-http callback (the
// fake does not trust test certificates).
func (s *Server) VerifyCallbacks(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.login.verify = on
}

// AppSubscription returns the app's Page webhook subscription as set with
// POST /{app-id}/subscriptions; all empty when there is none.
func (s *Server) AppSubscription() (callbackURL string, fields []string, verifyToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.login.app; a != nil && a.sub != nil {
		return a.sub.callbackURL, slices.Clone(a.sub.fields), a.sub.verifyToken
	}
	return "", nil, ""
}

// appID is the app id the fake reports: SetApp's, or a fixed one.
func (s *Server) appID() string {
	if s.login.app != nil {
		return s.login.app.id
	}
	return fakeAppID
}
