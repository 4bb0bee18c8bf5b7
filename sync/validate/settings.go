package validate

import (
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// TimeOfDay checks a time of day written HH:MM on the 24-hour clock, such
// as the daily sync time.
func TimeOfDay(s string) error {
	_, _, err := ParseTimeOfDay(s)
	return err
}

// ParseTimeOfDay reads HH:MM (24-hour clock) into its hour and minute.
func ParseTimeOfDay(s string) (hour, minute int, err error) {
	t, err := time.Parse("15:04", s)
	if err != nil {
		return 0, 0, invalid("Enter the time as HH:MM on the 24-hour clock, such as 07:30 or 18:00.")
	}
	return t.Hour(), t.Minute(), nil
}

// ListenAddress checks the local address the webhook endpoints listen on:
// host:port on this computer only (127.0.0.1, ::1 or localhost), so that
// nothing on the local network reaches the sign-in callbacks.
func ListenAddress(s string) error {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return invalid("Enter an address and port, such as 127.0.0.1:8765.")
	}
	if !Loopback(host) {
		return invalid("Use an address on this computer only, such as 127.0.0.1:8765: others on the network must not reach it.")
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return invalid("The port is a number up to 65535, such as 8765 in 127.0.0.1:8765.")
	}
	return nil
}

// Loopback reports whether host names this computer only: localhost or a
// loopback IP address.
func Loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// The image cache budget, in megabytes. Below the minimum a few screens of
// pictures would not fit; above the maximum the app would keep more than a
// merchant expects a message app to keep.
const (
	MinImageCacheMB = 20
	MaxImageCacheMB = 10240
)

// ImageCacheMB checks the image cache size in megabytes.
func ImageCacheMB(mb int) error {
	if mb < MinImageCacheMB || mb > MaxImageCacheMB {
		return invalid(fmt.Sprintf("Choose a size from %d to %d MB.", MinImageCacheMB, MaxImageCacheMB))
	}
	return nil
}

// ParseImageCacheMB reads an image cache size typed as a whole number of
// megabytes ("500", or "500 MB") and checks it.
func ParseImageCacheMB(s string) (int, error) {
	s = strings.TrimSpace(s)
	s = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(s, "MB"), "mb"))
	mb, err := strconv.Atoi(s)
	if err != nil {
		return 0, invalid(fmt.Sprintf("Enter the size as a whole number of megabytes, from %d to %d.", MinImageCacheMB, MaxImageCacheMB))
	}
	return mb, ImageCacheMB(mb)
}
