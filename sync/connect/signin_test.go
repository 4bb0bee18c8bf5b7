package connect_test

import (
	"errors"
	"net"
	"strings"
	"testing"

	"github.com/merchant-inbox/merchant-inbox/sync/authflow"
	"github.com/merchant-inbox/merchant-inbox/sync/connect"
)

// TestCallbackPort: the port the merchant registered is taken or not a
// port: the flow stops before showing anything to register or open.
func TestCallbackPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	taken := ln.Addr().(*net.TCPAddr).Port
	tests := []struct {
		name string
		port int
		want string
	}{
		{"taken", taken, "taken by another program"},
		{"negative", -2, "not 1 to 65535"},
		{"too large", 70000, "not 1 to 65535"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			p := newPrompter(t, f.registerFacebook)
			_, err := f.c.ConnectFacebook(t.Context(), connect.FacebookOptions{Port: tt.port}, p)
			if err == nil || !strings.Contains(authflow.UserMessage(err)+err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if tt.name == "taken" && !errors.Is(err, authflow.ErrPortInUse) {
				t.Errorf("err = %v, want ErrPortInUse", err)
			}
			if got := p.sequence(); got != "" {
				t.Errorf("the prompter was shown %q", got)
			}
			if len(f.browser.opened) != 0 {
				t.Error("the browser was opened")
			}
		})
	}
}
