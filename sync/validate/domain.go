package validate

import "strings"

// NgrokDomain checks an ngrok static domain: a host name such as
// shop-inbox.ngrok-free.app, or a custom domain pointed at ngrok. A paste
// from the dashboard with "https://" or a trailing slash is accepted (see
// NormalizeDomain).
func NgrokDomain(s string) error {
	_, err := NormalizeDomain(s)
	return err
}

// NormalizeDomain returns the host name of an ngrok static domain in lower
// case, without the "https://" and trailing slash a paste may carry.
func NormalizeDomain(s string) (string, error) {
	host := strings.ToLower(strings.TrimSpace(s))
	host = strings.TrimPrefix(host, "https://")
	host = strings.TrimSuffix(host, "/")
	switch {
	case host == "":
		return "", invalid("Enter the domain, such as shop-inbox.ngrok-free.app.")
	case strings.ContainsAny(host, "/:?#@"):
		return "", invalid("Enter only the domain, such as shop-inbox.ngrok-free.app, without http://, a path or a port.")
	case !hostname(host):
		return "", invalid("That is not a domain name: copy it from the Domains page of the ngrok dashboard, such as shop-inbox.ngrok-free.app.")
	}
	return host, nil
}

// hostname reports whether s (lower case) is a DNS host name of at least
// two labels (RFC 1123): letters, digits and inner hyphens, at most 63
// bytes a label and 253 in all, and not an IP address (its last label is
// not all digits).
func hostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	labels := strings.Split(s, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			c := l[i]
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return strings.Trim(labels[len(labels)-1], "0123456789") != ""
}
