package app

import (
	"context"
	"errors"
	"net/http"
	"sync"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// host is what a command run inside serve uses instead of opening the
// database itself, and how it asks serve to restart its engine.
type host struct {
	st      *store.Store
	polling chan struct{} // the poll token every engine generation shares
	reload  chan struct{} // cap 1: a pending restart request

	mu       sync.Mutex
	parts    *engineParts // the running engine's
	public   string       // the tunnel's URL while it is up
	callback http.Handler // a sign-in's callback routes while one waits
}

// setPublicURL records the tunnel's URL, "" while it is down.
func (h *host) setPublicURL(url string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.public = url
}

func (h *host) publicURL() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.public
}

// serveCallback puts a sign-in's callback routes on serve's own endpoint
// (see callbackRoute), which a second ngrok endpoint on the same domain
// could not be.
func (h *host) serveCallback(_ context.Context, cb http.Handler) (string, func(), error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case h.public == "":
		return "", nil, errors.New("serve's tunnel is not up (see 'merchant-inbox status'); the public callback needs it")
	case h.callback != nil:
		return "", nil, errors.New("another sign-in is waiting on serve's callback; finish it first")
	}
	h.callback = cb
	return h.public, func() {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.callback = nil
	}, nil
}

// callbackRoute serves /callback/ on serve's listeners: the waiting
// sign-in's routes, or 404 when none waits.
func (h *host) callbackRoute() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.mu.Lock()
		cb := h.callback
		h.mu.Unlock()
		if cb == nil {
			http.NotFound(w, r)
			return
		}
		cb.ServeHTTP(w, r)
	})
}

func newHost(st *store.Store) *host {
	return &host{st: st, polling: make(chan struct{}, 1), reload: make(chan struct{}, 1)}
}

func (h *host) setParts(p *engineParts) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.parts = p
}

func (h *host) engineParts() *engineParts {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.parts
}

// requestReload asks serve to reassemble its engine; requests made before
// it gets to it are one.
func (h *host) requestReload() {
	select {
	case h.reload <- struct{}{}:
	default:
	}
}

// openStore opens the database, or lends serve's when the command runs
// inside it. release closes what was opened here, and only that.
func (e *env) openStore() (st *store.Store, release func(), err error) {
	if e.host != nil {
		return e.host.st, func() {}, nil
	}
	st, err = e.cfg.openStore()
	if err != nil {
		return nil, nil, err
	}
	return st, func() { _ = st.Close() }, nil
}

// engine is the assembled engine over st: serve's own when the command
// runs inside it, so its poll waits for serve's and never overlaps it.
func (e *env) engine(ctx context.Context, st *store.Store) (*engineParts, error) {
	if e.host != nil {
		if p := e.host.engineParts(); p != nil {
			return p, nil
		}
	}
	return e.assemble(ctx, st)
}
