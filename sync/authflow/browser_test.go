package authflow

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

func TestOpenBrowserUsesBROWSER(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a shell script")
	}
	dir := t.TempDir()
	argsFile := filepath.Join(dir, "args")
	script := filepath.Join(dir, "browser")
	// Write to a temporary name and rename, so the test never reads a
	// half-written file.
	body := "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"$0.tmp\" && mv \"$0.tmp\" " + argsFile + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatal(err)
	}
	const target = "https://www.facebook.com/v25.0/dialog/oauth?client_id=123&state=abc&redirect_uri=http%3A%2F%2Flocalhost%3A8766%2Fcb"
	getenv := func(key string) string {
		if key == "BROWSER" {
			return script + "  --new-window"
		}
		return ""
	}
	if err := OpenBrowser(t.Context(), target, getenv); err != nil {
		t.Fatalf("OpenBrowser: %v", err)
	}

	var got []byte
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		var err error
		if got, err = os.ReadFile(argsFile); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("browser script did not run: %v", err)
		}
	}
	if want := "--new-window\n" + target + "\n"; string(got) != want {
		t.Errorf("browser got args %q, want %q", got, want)
	}
}

func TestOpenBrowserRefuses(t *testing.T) {
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	noBrowser := func(string) string { return "/nonexistent/browser" }
	tests := []struct {
		name   string
		ctx    context.Context
		target string
	}{
		{"file URL", t.Context(), "file:///etc/passwd"},
		{"custom scheme", t.Context(), "ms-settings:privacy"},
		{"no host", t.Context(), "https:///path"},
		{"cancelled context", cancelled, "https://example.com/"},
		{"missing browser", t.Context(), "https://example.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := OpenBrowser(tt.ctx, tt.target, noBrowser); err == nil {
				t.Error("OpenBrowser succeeded")
			}
		})
	}
}

func TestBrowserCommand(t *testing.T) {
	const u = "https://example.com/?a=1&b=2"
	tests := []struct {
		goos, env string
		want      []string
	}{
		{"linux", "", []string{"xdg-open", u}},
		{"freebsd", "", []string{"xdg-open", u}},
		{"darwin", "", []string{"open", u}},
		{"windows", "", []string{"rundll32", "url.dll,FileProtocolHandler", u}},
		{"linux", "  ", []string{"xdg-open", u}},
		{"linux", "firefox --private-window", []string{"firefox", "--private-window", u}},
		{"darwin", "w3m", []string{"w3m", u}},
	}
	for _, tt := range tests {
		t.Run(tt.goos+" "+tt.env, func(t *testing.T) {
			if got := browserCommand(tt.goos, tt.env, u); !slices.Equal(got, tt.want) {
				t.Errorf("browserCommand = %q, want %q", got, tt.want)
			}
		})
	}
}
