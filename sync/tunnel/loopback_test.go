package tunnel

import (
	"context"
	"errors"
	"net"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

func TestLoopbackServesHandlerAtItsURL(t *testing.T) {
	tests := []struct {
		name string
		addr string
	}{
		{"default address", ""},
		{"explicit free port", "127.0.0.1:0"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			ep, err := Loopback{Addr: tt.addr}.Open(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer ep.Close()

			if !regexp.MustCompile(`^http://127\.0\.0\.1:[1-9][0-9]*$`).MatchString(ep.URL()) {
				t.Fatalf("URL = %q, want http://127.0.0.1:PORT", ep.URL())
			}
			if want := "http://" + ep.Addr().String(); ep.URL() != want {
				t.Errorf("URL = %q, want the bound address %q", ep.URL(), want)
			}

			served := make(chan error, 1)
			go func() { served <- http.Serve(ep, hello) }()
			mustServe(t, ep.URL())

			// The endpoint ends with its context, as an ngrok one does.
			cancel()
			if err := receive(t, served, "Serve to return after ctx ended"); !errors.Is(err, net.ErrClosed) {
				t.Errorf("Serve = %v, want net.ErrClosed", err)
			}
		})
	}
}

func TestLoopbackPortInUse(t *testing.T) {
	ctx := context.Background()
	taken, err := Loopback{}.Open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()

	addr := taken.Addr().String()
	_, err = Loopback{Addr: addr}.Open(ctx)
	if err == nil {
		t.Fatalf("second Open on %s succeeded", addr)
	}
	if !strings.Contains(err.Error(), addr) {
		t.Errorf("error %q does not name the address", err)
	}
}
