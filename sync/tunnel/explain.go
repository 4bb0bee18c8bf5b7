package tunnel

import (
	"errors"
	"net"

	"golang.ngrok.com/ngrok/v2"
)

// Explain says in one plain sentence why the endpoint is down, for the
// window's banner and the status line; the error itself, with ngrok's
// details, is for the log. An error it does not know is given as it is.
func Explain(err error) string {
	var (
		ngrokErr ngrok.Error
		dnsErr   *net.DNSError
		opErr    *net.OpError
	)
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrNoAuthtoken):
		return "no ngrok authtoken is set"
	case errors.Is(err, errBadDomain):
		return "the static domain is not a host name ngrok can serve"
	case errors.As(err, &ngrokErr):
		switch ngrokErr.Code() {
		case "ERR_NGROK_105", "ERR_NGROK_106", "ERR_NGROK_107":
			return "ngrok refused the authtoken: copy it again from the ngrok dashboard"
		}
		return "ngrok refused the connection (" + ngrokErr.Code() + ")"
	case errors.As(err, &dnsErr), errors.As(err, &opErr):
		return "ngrok cannot be reached: is this computer online?"
	}
	return err.Error()
}
