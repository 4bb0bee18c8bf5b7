//go:build linux || darwin

package ownersock

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

func TestSamePeer(t *testing.T) {
	tests := []struct {
		peer, self uint32
		ok         bool
	}{
		{1000, 1000, true},
		{0, 0, true},        // serve run as root, its own commands
		{1001, 1000, false}, // another user
		{0, 1000, false},    // root: it need not go through serve
		{1000, 0, false},    // a user, to a serve run as root
	}
	for _, tt := range tests {
		err := samePeer(tt.peer, tt.self)
		if tt.ok != (err == nil) || (err != nil && !errors.Is(err, errOtherUser)) {
			t.Errorf("samePeer(%d, %d) = %v, want ok=%v", tt.peer, tt.self, err, tt.ok)
		}
	}
}

// unixPair returns both ends of a live connection on a socket in a
// temporary directory.
func unixPair(t *testing.T) (server, client *net.UnixConn) {
	t.Helper()
	ln, err := net.Listen("unix", filepath.Join(t.TempDir(), "s.sock"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	accepted := make(chan net.Conn, 1)
	go func() {
		c, _ := ln.Accept()
		accepted <- c
	}()
	c, err := net.Dial("unix", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	s := <-accepted
	if s == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { c.Close(); s.Close() })
	return s.(*net.UnixConn), c.(*net.UnixConn)
}

// TestPeerUIDOnALiveSocket: the kernel names this process's user at both
// ends of a real connection.
func TestPeerUIDOnALiveSocket(t *testing.T) {
	server, client := unixPair(t)
	for name, c := range map[string]*net.UnixConn{"server end": server, "client end": client} {
		uid, err := peerUID(c)
		if err != nil || uid != uint32(os.Getuid()) {
			t.Errorf("%s: peerUID = %d, %v; want %d", name, uid, err, os.Getuid())
		}
	}
}

// TestGuardPeersOnALiveSocket: a connection from the user the listener's
// process runs as is served; one from anybody else (played by a listener
// that believes it runs as another uid: a test cannot become another
// user) is closed
// before a byte is read, logged, and never handed to the server.
func TestGuardPeersOnALiveSocket(t *testing.T) {
	for _, tt := range []struct {
		name   string
		self   uint32
		served bool
	}{
		{"same user", uint32(os.Getuid()), true},
		{"another user", uint32(os.Getuid()) + 1, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			raw, err := net.Listen("unix", filepath.Join(t.TempDir(), "control.sock"))
			if err != nil {
				t.Fatal(err)
			}
			var logs lockedBuffer
			ln := &peerListener{Listener: raw, uid: tt.self, log: slog.New(slog.NewTextHandler(&logs, nil))}
			handed := make(chan net.Conn, 1)
			go func() {
				c, err := ln.Accept()
				if err != nil {
					close(handed)
					return
				}
				handed <- c
				io.Copy(c, c) // echo
				c.Close()
			}()

			c, err := net.Dial("unix", raw.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			c.SetDeadline(time.Now().Add(30 * time.Second))
			c.Write([]byte("ping"))
			got := make([]byte, 4)
			_, err = io.ReadFull(c, got)
			if tt.served {
				if err != nil || string(got) != "ping" {
					t.Fatalf("the user's own connection: %q, %v", got, err)
				}
				ln.Close()
				return
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !isReset(err) {
				t.Fatalf("another user's connection read %q, %v; want it closed", got, err)
			}
			ln.Close() // Accept gives up only now, and hands nothing over
			if c, ok := <-handed; ok {
				c.Close()
				t.Fatal("Accept handed another user's connection to the server")
			}
			if log := logs.String(); !strings.Contains(log, "connection refused") || !strings.Contains(log, "another user") {
				t.Errorf("log:\n%s", log)
			}
		})
	}
}

// isReset: the server closed with our "ping" unread.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// lockedBuffer is a bytes.Buffer the listener's goroutine writes to while
// the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}
