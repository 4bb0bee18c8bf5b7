package tunnel

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"golang.ngrok.com/ngrok/v2"
)

// errBadDomain classifies an Ngrok.Domain that is not a host name.
var errBadDomain = errors.New("tunnel: bad ngrok domain")

// isConfigError reports whether err is a mistake in Ngrok's configuration,
// found before any network: retrying cannot fix it, so the Supervisor
// stops and says so instead of backing off forever.
func isConfigError(err error) bool {
	return errors.Is(err, ErrNoAuthtoken) || errors.Is(err, errBadDomain)
}

// agentConfig is what Open asks of ngrok, kept as plain data because ngrok's
// options are opaque functions: a test can read this without a network.
type agentConfig struct {
	authtoken  string
	serverAddr string // "" means ngrok's cloud
	url        string // endpoint URL; "" lets ngrok pick a random one
	logger     *slog.Logger
}

func (n Ngrok) config() (agentConfig, error) {
	if n.Authtoken == "" {
		return agentConfig{}, ErrNoAuthtoken
	}
	u, err := endpointURL(n.Domain)
	if err != nil {
		return agentConfig{}, err
	}
	return agentConfig{
		authtoken:  n.Authtoken,
		serverAddr: n.serverAddr,
		url:        u,
		logger:     n.logger(),
	}, nil
}

// endpointURL turns a static domain into the endpoint URL ngrok expects.
// It accepts what a merchant may paste from the dashboard, with or without
// "https://" and a trailing slash, and refuses anything else rather than
// let ngrok reject it on every reconnect.
func endpointURL(domain string) (string, error) {
	if domain == "" {
		return "", nil
	}
	host := strings.ToLower(strings.TrimSpace(domain))
	host = strings.TrimPrefix(host, "https://")
	host = strings.TrimSuffix(host, "/")
	if host == "" || strings.ContainsAny(host, "/:?#@ \t") {
		return "", fmt.Errorf("%w %q: want a host name such as shop-inbox.ngrok.app", errBadDomain, domain)
	}
	return "https://" + host, nil
}

// agentOptions builds the agent from c. onEvent receives the agent's events;
// it must not block.
func (c agentConfig) agentOptions(onEvent ngrok.EventHandler) []ngrok.AgentOption {
	opts := []ngrok.AgentOption{
		ngrok.WithAuthtoken(c.authtoken),
		ngrok.WithLogger(c.logger),
		ngrok.WithEventHandler(onEvent),
	}
	if c.serverAddr != "" {
		opts = append(opts, ngrok.WithAgentConnectURL(c.serverAddr))
	}
	return opts
}

// endpointOptions builds the endpoint from c. Pooling stays off: a second
// copy of the app on the same static domain must fail to come up, not
// receive half of the webhooks into another database.
func (c agentConfig) endpointOptions() []ngrok.EndpointOption {
	if c.url == "" {
		return nil
	}
	return []ngrok.EndpointOption{ngrok.WithURL(c.url)}
}
