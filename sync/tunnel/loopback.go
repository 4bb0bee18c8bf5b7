package tunnel

import (
	"cmp"
	"context"
	"fmt"
	"net"
)

// Loopback opens a plain TCP listener, by default on a free port of
// 127.0.0.1. Nothing outside the machine can reach it: it serves tests, and
// an app without an ngrok authtoken, which then relies on polling alone.
type Loopback struct {
	// Addr is the host:port to listen on; empty means "127.0.0.1:0", any
	// free port of the IPv4 loopback address.
	Addr string
}

// Open listens on l.Addr. The endpoint's URL is http://HOST:PORT with the
// port actually bound, and the listener closes when ctx ends, as every
// Endpoint does.
func (l Loopback) Open(ctx context.Context) (Endpoint, error) {
	addr := cmp.Or(l.Addr, "127.0.0.1:0")
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("tunnel: loopback listen on %s: %w", addr, err)
	}
	stop := context.AfterFunc(ctx, func() { _ = ln.Close() })
	return &loopbackEndpoint{Listener: ln, url: "http://" + ln.Addr().String(), stop: stop}, nil
}

type loopbackEndpoint struct {
	net.Listener
	url  string
	stop func() bool // unregisters the close-on-cancel hook
}

func (e *loopbackEndpoint) URL() string { return e.url }

func (e *loopbackEndpoint) Close() error {
	e.stop()
	return e.Listener.Close()
}
