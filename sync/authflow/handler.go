package authflow

import (
	"errors"
	"log/slog"
	"net/http"
)

// serveHTTP answers every request with a page, never with the query it was
// given: the code and state stay out of the body.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if s.enter() {
		defer s.inflight.Done()
	}
	if !s.expects(r.URL.Path) {
		writePage(w, page{
			Status:  http.StatusNotFound,
			Title:   "Page not found",
			Message: "This address is not part of a Merchant Inbox sign-in.",
		})
		return
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodHead:
		// Link checkers and prefetchers send HEAD; it must not use up the
		// one-time state, so it gets headers and nothing else happens.
		writePage(w, page{Status: http.StatusOK, Title: "Merchant Inbox sign-in"})
		return
	default:
		w.Header().Set("Allow", "GET, HEAD")
		writePage(w, page{
			Status:  http.StatusMethodNotAllowed,
			Title:   "Not allowed",
			Message: "Sign-in links are opened, not submitted to.",
		})
		return
	}

	query := r.URL.Query()
	p, refused := s.claim(r.URL.Path, query.Get("state"))
	if p == nil {
		level := slog.LevelInfo // a reloaded tab, most likely
		if refused.Status == http.StatusBadRequest {
			level = slog.LevelWarn // a stale link at best, a forgery at worst
		}
		s.log.Log(r.Context(), level, "authflow: callback refused", "path", r.URL.Path,
			"status", refused.Status, "has_state", query.Has("state"), "remote", r.RemoteAddr)
		writePage(w, refused)
		return
	}
	writePage(w, p.complete(query))
}

func (s *Server) expects(path string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.flows[path]
	return ok
}

// claim finds the flow on path whose state matches and consumes it. When
// there is none to run it returns nil and the page explaining why. Only a
// waiting flow can be claimed, which is what makes the Callback run once.
func (s *Server) claim(path, state string) (*Pending, page) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.flows[path] {
		if !sameState(p.state, state) {
			continue
		}
		switch {
		case p.phase == waiting:
			p.phase, p.claimed = running, true
			p.timer.Stop() // the browser is back; the Callback's own deadlines apply now
			return p, page{}
		case p.claimed:
			return nil, failurePage(http.StatusConflict, msgAlreadyUsed)
		case errors.Is(p.err, ErrExpired):
			return nil, failurePage(http.StatusGone, msgExpired)
		default:
			return nil, failurePage(http.StatusGone, msgAbandoned)
		}
	}
	return nil, failurePage(http.StatusBadRequest, msgStateMismatch)
}
