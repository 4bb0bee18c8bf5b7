package app

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/sync/store"
)

// bbolt lets one process hold the database, and a running serve holds it.
// So that the merchant can still list conversations or sync now, serve
// answers a control socket in the data directory and runs those commands
// itself, over its own open store; the command line forwards them there.
// The socket lives in the private data directory (0700) and is 0600 itself:
// only the merchant's own processes reach it, as with the database file.
const (
	controlSocketFile = "control.sock"
	controlPath       = "/run"
	maxControlRequest = 64 << 10
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

// controlRequest is the first line of a forwarded command's request body;
// the rest of the body is the command's stdin, streamed.
type controlRequest struct {
	Args     []string `json:"args"`
	Terminal bool     `json:"terminal,omitempty"` // the caller's stdin is a terminal: prompt
}

// controlFrame is one line of the reply stream: output as the command
// writes it (so a sign-in URL shows before the command waits for the
// browser), then its exit code.
type controlFrame struct {
	Stdout string `json:"o,omitempty"`
	Stderr string `json:"e,omitempty"`
	Exit   *int   `json:"x,omitempty"`
}

func (c config) controlSocketPath() string { return filepath.Join(c.dataDir, controlSocketFile) }

// serveControl answers forwarded commands until stop is called. Commands
// run under ctx as well as their request, so stopping serve ends them.
func (e *env) serveControl(ctx context.Context, h *host) (stop func(), err error) {
	path := e.cfg.controlSocketPath()
	// A socket left by a serve that crashed: this process holds the
	// database lock, so no other serve is listening on it.
	_ = os.Remove(path)
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+controlPath, func(w http.ResponseWriter, r *http.Request) {
		e.runHosted(ctx, h, w, r)
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return func() {
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}, nil
}

// runHosted runs one forwarded command against serve's store and engine,
// streaming its output back as it comes.
func (e *env) runHosted(ctx context.Context, h *host, w http.ResponseWriter, r *http.Request) {
	body := bufio.NewReaderSize(r.Body, maxControlRequest)
	line, err := body.ReadSlice('\n') // ErrBufferFull past the limit
	var req controlRequest
	if (err != nil && err != io.EOF) || json.Unmarshal(line, &req) != nil || len(req.Args) == 0 {
		http.Error(w, "want {\"args\": [COMMAND, ...]} on the first line", http.StatusBadRequest)
		return
	}
	c, ok := lookupCommand(req.Args[0])
	if !ok || !c.hosted {
		http.Error(w, fmt.Sprintf("%q is not run by serve", req.Args[0]), http.StatusBadRequest)
		return
	}
	// The command reads its stdin from the request while it writes its
	// output to the response.
	_ = http.NewResponseController(w).EnableFullDuplex()
	runCtx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()

	w.Header().Set("Content-Type", "application/x-ndjson")
	fw := &frameWriter{w: w, rc: http.NewResponseController(w)}
	out, errOut := fw.stream(false), fw.stream(true)
	child := &env{
		Invocation: Invocation{Args: req.Args, Stdin: body, Stdout: out, Stderr: errOut, Getenv: e.Getenv},
		cfg:        e.cfg,
		log:        newLogger(errOut, e.Getenv(EnvLog)),
		host:       h,
		terminal:   req.Terminal,
	}
	code := child.fail(c.run(runCtx, child, req.Args[1:]))
	if code == ExitOK && c.reloads {
		h.requestReload()
	}
	fw.write(controlFrame{Exit: &code})
}

// frameWriter writes the reply stream; a command may write stdout and
// stderr from several goroutines.
type frameWriter struct {
	mu sync.Mutex
	w  io.Writer
	rc *http.ResponseController
}

func (f *frameWriter) write(fr controlFrame) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := json.NewEncoder(f.w).Encode(fr); err != nil {
		return err
	}
	return f.rc.Flush()
}

// stream is an io.Writer for stdout or stderr.
func (f *frameWriter) stream(stderr bool) io.Writer {
	return writerFunc(func(p []byte) (int, error) {
		fr := controlFrame{Stdout: string(p)}
		if stderr {
			fr = controlFrame{Stderr: string(p)}
		}
		if err := f.write(fr); err != nil {
			return 0, err
		}
		return len(p), nil
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// forward runs args inside a running serve. ok is false when no serve
// answers the control socket; the command then runs here.
func (e *env) forward(ctx context.Context, args []string) (code int, ok bool) {
	path := e.cfg.controlSocketPath()
	var d net.Dialer
	probe, err := d.DialContext(ctx, "unix", path)
	if err != nil {
		return 0, false
	}
	probe.Close()
	client := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		},
	}}
	defer client.CloseIdleConnections()
	code, err = e.postControl(ctx, client, args)
	if err != nil {
		return e.fail(fmt.Errorf("the running serve did not answer: %w", err)), true
	}
	return code, true
}

// postControl sends args, then stdin as it comes, and copies the reply
// stream to stdout and stderr until the exit code arrives.
func (e *env) postControl(ctx context.Context, client *http.Client, args []string) (int, error) {
	head, err := json.Marshal(controlRequest{Args: args, Terminal: isTerminal(e.Stdin)})
	if err != nil {
		return 0, err
	}
	// A terminal's stdin never ends; the copy is abandoned when the
	// command does (the process exits), as the command may never read it.
	body, pw := io.Pipe()
	go func() {
		if _, err := pw.Write(append(head, '\n')); err != nil {
			return
		}
		_, err := io.Copy(pw, e.Stdin)
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://serve"+controlPath, body)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	defer body.Close() // unblocks the copy when the reply ends first
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
		return 0, fmt.Errorf("control socket: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	dec := json.NewDecoder(resp.Body)
	for {
		var fr controlFrame
		if err := dec.Decode(&fr); err != nil {
			return 0, fmt.Errorf("control socket: the reply ended early: %w", err)
		}
		switch {
		case fr.Exit != nil:
			return *fr.Exit, nil
		case fr.Stderr != "":
			io.WriteString(e.Stderr, fr.Stderr)
		default:
			io.WriteString(e.Stdout, fr.Stdout)
		}
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
