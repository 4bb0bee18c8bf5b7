package facebooktest

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// DefaultPageSize is the page size used when a request has no ?limit.
const DefaultPageSize = 25

// Server is a fake Graph API. Point a client's base URL at URL; the fake
// accepts any /vX.Y version prefix (and none).
type Server struct {
	URL string // base URL, e.g. http://127.0.0.1:41234, no trailing slash

	hs *httptest.Server
	tb owner

	mu          sync.Mutex
	pages       map[string]*page           // by page id
	tokens      map[string]string          // page token -> page id
	dead        map[string]int             // token -> 190 subcode
	convs       map[string]*conversation   // by conversation id
	order       map[string][]*conversation // by page id, as listed; no entry when stale
	pageSize    int
	latency     time.Duration // SetLatency
	failures    []failure
	throttles   map[string]*throttle // by page id (throttle.go)
	hidden      map[string]bool      // conversation ids whose customer's profile is refused (profile.go)
	requests    []Request
	proofSecret string
	headers     map[string]string // sent on every response
	seq         int
	traces      int
	login       loginState // Facebook Login, app and user-token state (oauth.go)
	send        sendState  // the Send API (send.go)
}

type page struct {
	id, name, category string
	subscribed         []string // nil: the app is not subscribed
	token              string   // latest token given to AddPage, listed by /me/accounts
}

type conversation struct {
	id, pageID, psid, customer string
	msgs                       []*message
	sorted                     []*message // msgs newest first; nil when stale
}

type message struct {
	seq int
	FakeMessage
}

// FakeMessage is a message added to the fake with AddMessage.
type FakeMessage struct {
	ID          string    // mid; "m_fake<n>" when empty. Re-adding an ID replaces that message.
	Text        string    // Graph field "message"
	At          time.Time // created_time; time.Now() when zero
	FromPage    bool      // sent by the Page (an echo) rather than the customer
	Attachments []FakeAttachment
	// Template is a template message's payload (as sent to the Send API),
	// nil for other messages.
	Template json.RawMessage
}

// FakeAttachment is a message attachment. URL is served as image_data.url
// for image/* types, video_data.url for video/*, and file_url otherwise.
type FakeAttachment struct {
	ID, MimeType, Name, URL string
}

// Request is one request the fake received. Secrets are redacted: the
// values of access_token, client_secret, code, fb_exchange_token,
// input_token and verify_token read "REDACTED" wherever they appeared.
type Request struct {
	Method string
	Path   string     // as received, version prefix included
	Query  url.Values // URL query
	Form   url.Values // form body parameters (POST, DELETE)
	// TokenIn says where the access token came from: "query" (URL or
	// form body), "header" (Authorization) or "" (none).
	TokenIn string
}

// NewServer starts a fake on 127.0.0.1, closed by tb.Cleanup.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	s := newServer(tb)
	tb.Cleanup(s.hs.Close)
	return s
}

// newServer starts a fake on 127.0.0.1 for o; the caller closes it.
func newServer(o owner) *Server {
	s := &Server{
		tb:       o,
		pages:    map[string]*page{},
		tokens:   map[string]string{},
		dead:     map[string]int{},
		convs:    map[string]*conversation{},
		order:    map[string][]*conversation{},
		pageSize: DefaultPageSize,
		headers:  map[string]string{"X-App-Usage": Usage{}.JSON()},
	}
	s.hs = httptest.NewServer(s)
	s.URL = s.hs.URL
	return s
}

// Client returns an *http.Client for the fake (see httptest.Server.Client).
func (s *Server) Client() *http.Client { return s.hs.Client() }

// AddPage adds (or renames) a Page and makes token a valid page token for
// it. Calling it again with another token adds that token too.
func (s *Server) AddPage(id, name, category, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pages[id]
	if p == nil {
		p = &page{id: id}
		s.pages[id] = p
	}
	p.name, p.category = name, category
	if token != "" {
		s.tokens[token] = id
		p.token = token
	}
}

// ConversationID is the stable Graph id the fake gives the conversation of
// a Page with a customer.
func ConversationID(pageID, psid string) string {
	h := fnv.New64a()
	h.Write([]byte(pageID + "\x00" + psid))
	return fmt.Sprintf("t_%d", h.Sum64())
}

// AddMessage adds a message to the conversation between pageID and the
// customer psid, creating it if needed. The conversation's updated_time,
// snippet, message_count and unread_count follow from its messages. A
// non-empty customerName renames the customer. It fails the test if the
// page was not added; call it from the test goroutine.
func (s *Server) AddMessage(pageID, psid, customerName string, m FakeMessage) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.pages[pageID] == nil {
		s.tb.Fatalf("facebooktest: AddMessage: page %q not added", pageID)
	}
	id := ConversationID(pageID, psid)
	c := s.convs[id]
	if c == nil {
		c = &conversation{id: id, pageID: pageID, psid: psid}
		s.convs[id] = c
	}
	if customerName != "" {
		c.customer = customerName
	}
	s.seq++
	if m.ID == "" {
		m.ID = fmt.Sprintf("m_fake%d", s.seq)
	}
	if m.At.IsZero() {
		m.At = time.Now()
	}
	m.Attachments = slices.Clone(m.Attachments)
	msg := &message{seq: s.seq, FakeMessage: m}
	c.sorted = nil
	delete(s.order, pageID)
	if i := slices.IndexFunc(c.msgs, func(x *message) bool { return x.ID == m.ID }); i >= 0 {
		c.msgs[i] = msg
		return
	}
	c.msgs = append(c.msgs, msg)
}

// SetPageSize sets the page size used when a request has no ?limit.
func (s *Server) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n <= 0 {
		n = DefaultPageSize
	}
	s.pageSize = n
}

// SetLatency makes every later answer wait d (of real time) before it is
// computed, as a distant server would: for benchmarks of how a client
// hides latency. 0 turns it off.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.latency = d
}

// SetHeader sends header name with value on every later response, errors
// included; an empty value stops sending it. X-App-Usage is sent by default
// with zero usage. Build usage values with Usage.JSON and BusinessUsage.JSON.
func (s *Server) SetHeader(name, value string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if value == "" {
		delete(s.headers, name)
		return
	}
	s.headers[name] = value
}

// KillToken makes every later call with token fail with code 190 and the
// given subcode (458 app removed, 460 password changed, 463 expired, 467
// invalid), as Graph does for a dead token.
func (s *Server) KillToken(token string, subcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dead[token] = subcode
}

// RequireAppSecretProof makes the fake refuse calls whose appsecret_proof
// is missing or not hex(HMAC-SHA256(secret, token)), like an app with
// "Require App Secret" on. An empty secret turns the check off.
func (s *Server) RequireAppSecretProof(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.proofSecret = secret
}

// FailNext makes the next request whose path matches fail once with a
// Graph error of the given code and subcode. path is compared without the
// version prefix and query ("/123/conversations"); "" matches any request.
// status 0 picks the fake's default (400; 500 for codes 1 and 2). headers
// are added to that response, e.g. X-Business-Use-Case-Usage. Failures are
// queued and used in order; they apply before token checks.
func (s *Server) FailNext(path string, status int, code, subcode int, headers map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if path != "" {
		path = normalizePath(path)
	}
	s.failures = append(s.failures, failure{path: path, err: graphError{
		status: status, code: code, subcode: subcode, headers: headers,
	}})
}

type failure struct {
	path string
	err  graphError
}

// Requests returns the requests received so far, oldest first.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r
		out[i].Query = cloneValues(r.Query)
		out[i].Form = cloneValues(r.Form)
	}
	return out
}

// Subscriptions returns the webhook fields the app is subscribed to for a
// Page, nil when not subscribed.
func (s *Server) Subscriptions(pageID string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pages[pageID]; p != nil {
		return slices.Clone(p.subscribed)
	}
	return nil
}

// Unsubscribe drops a Page's subscription, as Meta does after an hour of
// failing webhook deliveries.
func (s *Server) Unsubscribe(pageID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p := s.pages[pageID]; p != nil {
		p.subscribed = nil
	}
}

var versionPrefix = regexp.MustCompile(`^/v\d+\.\d+(/|$)`)

// normalizePath strips the version prefix and trailing slashes.
func normalizePath(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = "/" + p
	}
	if loc := versionPrefix.FindStringIndex(p); loc != nil {
		p = "/" + p[loc[1]:]
	}
	if t := strings.TrimRight(p, "/"); t != "" {
		return t
	}
	return "/"
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = slices.Clone(vs)
	}
	return out
}

// secretParams are the parameters whose values Requests never shows.
var secretParams = []string{"access_token", "client_secret", "code", "fb_exchange_token", "input_token", "verify_token"}

// redacted copies v with the values of secretParams replaced.
func redacted(v url.Values) url.Values {
	out := cloneValues(v)
	for k := range out {
		if slices.Contains(secretParams, k) {
			for i := range out[k] {
				out[k][i] = "REDACTED"
			}
		}
	}
	return out
}

// response is an answer computed under the lock and written after it, so
// a slow client never holds up the fake.
type response struct {
	status int
	header http.Header
	body   any
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}
	if s.serveDialog(w, r) {
		return
	}
	r = s.verifyCallback(r)
	resp := s.handle(r)
	for k, vs := range resp.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	body, err := json.Marshal(resp.body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(resp.status)
	w.Write(body)
}
