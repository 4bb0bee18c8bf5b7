package app

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/merchant-inbox/merchant-inbox/app/internal/ownersock"
)

// bbolt lets one process hold the database, and a running serve holds it.
// So that every command still works meanwhile, serve answers a control
// socket in the data directory and runs the command itself, over its own
// open store (see host.go); the command line forwards it there
// (control_client.go).
// Whoever can connect to the socket runs commands as the merchant, so
// three things keep everyone else out: the data directory is made 0700
// before the socket is created in it (ensureDataDir), the socket is
// created owner-only with no moment at which others may connect and is
// 0600, and every connection's peer must be the user serve runs as
// (package ownersock says what each platform can check).
const (
	controlSocketFile = "control.sock"
	controlPath       = "/run"
	maxControlRequest = 64 << 10
)

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
	ln, err := e.openControlSocket()
	if err != nil {
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

// openControlSocket creates the socket in the private data directory,
// owner-only from the start, and admits only the user's own processes.
func (e *env) openControlSocket() (net.Listener, error) {
	if err := e.cfg.ensureDataDir(); err != nil {
		return nil, err
	}
	// A socket left by a serve that crashed is replaced: this process
	// holds the database lock, so no other serve is listening on it.
	return ownersock.Listen(e.cfg.controlSocketPath(), e.log)
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
