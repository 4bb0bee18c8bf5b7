package authflow

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// OpenBrowser opens target, an http or https URL, in the merchant's
// browser: $BROWSER when getenv returns it (split with strings.Fields, the
// URL appended as the last argument), else the platform's opener (xdg-open,
// open, or url.dll on Windows). getenv is usually os.Getenv; nil means
// os.Getenv.
//
// It starts the process and returns without waiting for it, since a
// browser may run for hours; a goroutine reaps it. ctx is only checked
// before starting: the process deliberately outlives it, because killing
// the merchant's browser when the sign-in ends would be absurd. A nil error
// means the opener started, not that a tab appeared, so the app should also
// show the URL for the merchant to open by hand. The URL carries client ids
// and the state, never a secret, so it may appear in the process list.
func OpenBrowser(ctx context.Context, target string, getenv func(string) string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	// The opener hands its argument to the desktop, which would just as
	// happily run a file:// or custom-scheme URL.
	if u, err := url.Parse(target); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("authflow: open browser: not an http(s) URL")
	}
	if getenv == nil {
		getenv = os.Getenv
	}
	argv := browserCommand(runtime.GOOS, getenv("BROWSER"), target)
	cmd := exec.Command(argv[0], argv[1:]...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("authflow: open browser with %s: %w", argv[0], err)
	}
	// Reap the process. Its exit status says nothing reliable about the tab:
	// openers exit 0 once they hand over, browsers when the merchant quits.
	go func() { _ = cmd.Wait() }()
	return nil
}

// browserCommand returns the argv that opens target.
func browserCommand(goos, browserEnv, target string) []string {
	if fields := strings.Fields(browserEnv); len(fields) > 0 {
		return append(fields, target)
	}
	switch goos {
	case "darwin":
		return []string{"open", target}
	case "windows":
		// rundll32 hands the URL to the default handler without going
		// through cmd.exe, whose parser would split it at every &.
		return []string{"rundll32", "url.dll,FileProtocolHandler", target}
	default: // linux and the BSDs
		return []string{"xdg-open", target}
	}
}
