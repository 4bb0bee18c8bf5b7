package app

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
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
// database itself.
type host struct {
	st    *store.Store
	parts *engineParts
}

// controlRequest is one forwarded command line. Hosted commands read no
// stdin, so there is none to send.
type controlRequest struct {
	Args []string `json:"args"`
}

// controlReply is what the command printed and its exit code.
type controlReply struct {
	Stdout string `json:"stdout"`
	Stderr string `json:"stderr"`
	Exit   int    `json:"exit"`
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

// runHosted runs one forwarded command against serve's store and engine.
func (e *env) runHosted(ctx context.Context, h *host, w http.ResponseWriter, r *http.Request) {
	var req controlRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxControlRequest)).Decode(&req); err != nil || len(req.Args) == 0 {
		http.Error(w, "want {\"args\": [COMMAND, ...]}", http.StatusBadRequest)
		return
	}
	c, ok := lookupCommand(req.Args[0])
	if !ok || !c.hosted {
		http.Error(w, fmt.Sprintf("%q is not run by serve", req.Args[0]), http.StatusBadRequest)
		return
	}
	runCtx, cancel := context.WithCancel(r.Context())
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()

	var out, errOut bytes.Buffer
	child := &env{
		Invocation: Invocation{Args: req.Args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut, Getenv: e.Getenv},
		cfg:        e.cfg,
		log:        newLogger(&errOut, e.Getenv(EnvLog)),
		host:       h,
	}
	code := child.fail(c.run(runCtx, child, req.Args[1:]))
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(controlReply{Stdout: out.String(), Stderr: errOut.String(), Exit: code})
}

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
	reply, err := postControl(ctx, client, args)
	if err != nil {
		return e.fail(fmt.Errorf("the running serve did not answer: %w", err)), true
	}
	e.log.Debug("ran inside the running serve", "command", args[0])
	fmt.Fprint(e.Stdout, reply.Stdout)
	fmt.Fprint(e.Stderr, reply.Stderr)
	return reply.Exit, true
}

func postControl(ctx context.Context, client *http.Client, args []string) (controlReply, error) {
	body, err := json.Marshal(controlRequest{Args: args})
	if err != nil {
		return controlReply{}, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://serve"+controlPath, bytes.NewReader(body))
	if err != nil {
		return controlReply{}, err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return controlReply{}, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return controlReply{}, fmt.Errorf("control socket: HTTP %d", resp.StatusCode)
	}
	var reply controlReply
	if err := json.NewDecoder(resp.Body).Decode(&reply); err != nil {
		return controlReply{}, fmt.Errorf("control socket: %w", err)
	}
	return reply, nil
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
		return e.host.parts, nil
	}
	return e.assemble(ctx, st)
}
