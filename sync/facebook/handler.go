package facebook

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"io"
	"log/slog"
	"net/http"
)

// DefaultMaxBodyBytes bounds a webhook body when HandlerOptions.MaxBodyBytes
// is zero. Messenger deliveries are a few kilobytes even when batched.
const DefaultMaxBodyBytes = 1 << 20

// Sink receives verified, parsed deliveries. Ingest must durably commit the
// delivery before returning nil: the handler then acknowledges it, and Meta
// never sends it again. Returning an error makes Meta retry later.
type Sink interface {
	Ingest(ctx context.Context, wh *Webhook) error
}

// HandlerOptions configures NewWebhookHandler.
type HandlerOptions struct {
	AppSecret    string       // verifies X-Hub-Signature-256; required
	VerifyToken  string       // answers the subscription handshake; empty refuses every handshake
	Sink         Sink         // required
	MaxBodyBytes int64        // default DefaultMaxBodyBytes
	Logger       *slog.Logger // default slog.Default()
}

// NewWebhookHandler returns the http.Handler for the Messenger webhook
// callback, to be mounted on any listener (tunnel or loopback):
//
//   - GET is the subscription handshake: 200 with hub.challenge when
//     hub.mode is "subscribe" and hub.verify_token matches, else 403.
//   - POST is a delivery: 413 when larger than MaxBodyBytes, 403 unless
//     the signature matches the raw body (nothing is parsed or stored), 400
//     when the envelope is malformed, 500 when the Sink fails (Meta
//     retries), and 200 "EVENT_RECEIVED" only after the Sink committed it.
//     An entry or event that does not decode, or whose ids could not be
//     stored (empty, a control character or NUL, absurdly long), is logged
//     and skipped rather than refused: Meta would re-send it unchanged for
//     an hour and then unsubscribe the page (see ParseWebhook).
//   - Anything else is 405.
//
// Logs carry counts, statuses, page ids and event kinds only, never message
// text or secrets.
// It panics when AppSecret or Sink is missing: that is a wiring bug, and a
// handler that cannot verify or store must not start acknowledging.
func NewWebhookHandler(o HandlerOptions) http.Handler {
	if o.AppSecret == "" || o.Sink == nil {
		panic("facebook: NewWebhookHandler needs an AppSecret and a Sink")
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	h := &webhookHandler{opt: o, log: o.Logger.With("component", "facebook-webhook")}
	if o.VerifyToken != "" {
		h.verifyDigest = sha256.Sum256([]byte(o.VerifyToken))
		h.handshakeOn = true
	}
	return h
}

type webhookHandler struct {
	opt HandlerOptions
	log *slog.Logger
	// verifyDigest is the verify token's SHA-256: comparing digests in
	// constant time leaks neither the token's bytes nor its length.
	verifyDigest [sha256.Size]byte
	handshakeOn  bool
}

func (h *webhookHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet:
		h.handshake(w, r)
	case http.MethodPost:
		h.deliver(w, r)
	default:
		w.Header().Set("Allow", "GET, POST")
		http.Error(w, http.StatusText(http.StatusMethodNotAllowed), http.StatusMethodNotAllowed)
	}
}

func (h *webhookHandler) handshake(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	got := sha256.Sum256([]byte(q.Get("hub.verify_token")))
	tokenOK := subtle.ConstantTimeCompare(got[:], h.verifyDigest[:]) == 1
	if !h.handshakeOn || !tokenOK || q.Get("hub.mode") != "subscribe" {
		h.log.WarnContext(r.Context(), "webhook handshake refused", "mode", q.Get("hub.mode"), "remote", r.RemoteAddr)
		http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
		return
	}
	h.log.InfoContext(r.Context(), "webhook handshake accepted")
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	// The challenge is echoed verbatim: forbid sniffing it as HTML.
	w.Header().Set("X-Content-Type-Options", "nosniff")
	io.WriteString(w, q.Get("hub.challenge"))
}

func (h *webhookHandler) deliver(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	limit := h.opt.MaxBodyBytes
	if r.ContentLength > limit {
		h.reject(ctx, w, http.StatusRequestEntityTooLarge, "webhook body too large", "bytes", r.ContentLength)
		return
	}
	// Read one byte more than allowed to tell "exactly at the limit" from
	// "over it" without trusting Content-Length.
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		h.reject(ctx, w, http.StatusBadRequest, "reading webhook body failed", "err", err)
		return
	}
	if int64(len(body)) > limit {
		h.reject(ctx, w, http.StatusRequestEntityTooLarge, "webhook body too large", "limit", limit)
		return
	}
	if err := VerifySignature(body, r.Header.Get("X-Hub-Signature-256"), h.opt.AppSecret); err != nil {
		h.reject(ctx, w, http.StatusForbidden, "webhook signature rejected", "err", err, "remote", r.RemoteAddr)
		return
	}
	wh, err := ParseWebhook(body)
	if err != nil {
		h.reject(ctx, w, http.StatusBadRequest, "webhook body malformed", "err", err)
		return
	}
	for _, s := range wh.Skipped {
		h.log.WarnContext(ctx, "webhook item skipped", "page", s.PageID, "kind", s.Kind, "path", s.Path, "why", s.Reason)
	}
	if err := h.opt.Sink.Ingest(ctx, wh); err != nil {
		// Not acknowledged: Meta will deliver it again.
		h.log.ErrorContext(ctx, "webhook not stored", "entries", len(wh.Entries), "err", err)
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	h.log.DebugContext(ctx, "webhook stored", "entries", len(wh.Entries), "events", countEvents(wh), "skipped", len(wh.Skipped))
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "EVENT_RECEIVED")
}

func (h *webhookHandler) reject(ctx context.Context, w http.ResponseWriter, status int, msg string, args ...any) {
	h.log.WarnContext(ctx, msg, append(args, "status", status)...)
	http.Error(w, http.StatusText(status), status)
}

func countEvents(wh *Webhook) int {
	n := 0
	for _, e := range wh.Entries {
		n += len(e.Events) + len(e.Changes)
	}
	return n
}
