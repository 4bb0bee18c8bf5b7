package tunnel

import (
	"errors"
	"fmt"
	"net"
	"testing"
)

// ngrokErr stands for an error ngrok's cloud returned, with its code.
type ngrokErr struct{ code string }

func (e ngrokErr) Error() string {
	return "authentication failed\n\nhttps://ngrok.com/docs/errors/" + e.code
}
func (e ngrokErr) Code() string { return e.code }

func TestExplain(t *testing.T) {
	dns := &net.DNSError{Err: "no such host", Name: "connect.ngrok-agent.com", IsNotFound: true}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"none", nil, ""},
		{"no authtoken", fmt.Errorf("tunnel: %w", ErrNoAuthtoken), "no ngrok authtoken is set"},
		{"bad domain", fmt.Errorf("tunnel: %w", errBadDomain), "the static domain is not a host name ngrok can serve"},
		{"authtoken refused", fmt.Errorf("tunnel: ngrok: %w", ngrokErr{"ERR_NGROK_107"}), "ngrok refused the authtoken: copy it again from the ngrok dashboard"},
		{"other refusal", fmt.Errorf("tunnel: ngrok: %w", ngrokErr{"ERR_NGROK_108"}), "ngrok refused the connection (ERR_NGROK_108)"},
		{"offline", fmt.Errorf("tunnel: ngrok: failed to dial: %w", &net.OpError{Op: "dial", Net: "tcp", Err: dns}), "ngrok cannot be reached: is this computer online?"},
		{"unknown", errors.New("tunnel: something else"), "tunnel: something else"},
	}
	for _, tt := range tests {
		if got := Explain(tt.err); got != tt.want {
			t.Errorf("%s: Explain = %q, want %q", tt.name, got, tt.want)
		}
	}
}
