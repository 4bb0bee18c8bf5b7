//go:build unix && !darwin

package autostart

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// toolsEnv set to "require" (make test) fails the tests that need
// desktop-file-validate when it is missing, instead of skipping them.
const toolsEnv = "MERCHANT_INBOX_TEST_TOOLS"

// testLauncher has a program path with every character the Exec key's
// quoting has to deal with, and a private XDG_CONFIG_HOME.
func testLauncher(t *testing.T) (Launcher, string) {
	t.Helper()
	config := t.TempDir()
	bin := filepath.Join(t.TempDir(), `My "Apps" $HOME 100% back\slash`, "merchant-inbox")
	env := map[string]string{"XDG_CONFIG_HOME": config, "HOME": t.TempDir()}
	return Launcher{
		Exec:    bin,
		Args:    []string{"app", "--hidden"},
		Name:    "Merchant Inbox",
		Comment: "Messages from your Facebook page and Shopify store",
		Icon:    "merchant-inbox",
		Getenv:  func(k string) string { return env[k] },
	}, filepath.Join(config, "autostart", "merchant-inbox.desktop")
}

func TestEnableWritesAValidEntryAndDisableRemovesIt(t *testing.T) {
	l, path := testLauncher(t)
	if on, err := l.Enabled(); on || err != nil {
		t.Fatalf("Enabled before Enable = %v, %v; want false", on, err)
	}
	if err := l.Enable(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no entry at %s: %v", path, err)
	}
	entry, err := parseDesktopEntry(data)
	if err != nil {
		t.Fatalf("the entry does not parse: %v\n%s", err, data)
	}
	for k, want := range map[string]string{
		"Type":                      "Application",
		"Name":                      "Merchant Inbox",
		"Comment":                   l.Comment,
		"Icon":                      "merchant-inbox",
		"Terminal":                  "false",
		"X-GNOME-Autostart-enabled": "true",
	} {
		if got := entry[k]; got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	argv, err := splitExec(entry["Exec"])
	if err != nil {
		t.Fatalf("Exec %q: %v", entry["Exec"], err)
	}
	if want := []string{l.Exec, "app", "--hidden"}; !slices.Equal(argv, want) {
		t.Errorf("Exec %q runs %q, want %q", entry["Exec"], argv, want)
	}
	if on, err := l.Enabled(); !on || err != nil {
		t.Errorf("Enabled after Enable = %v, %v; want true", on, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("entry mode %v, %v; want 0644", fi.Mode(), err)
	}
	if err := l.Enable(); err != nil { // again: replaced, still one file
		t.Fatal(err)
	}
	if des, _ := os.ReadDir(filepath.Dir(path)); len(des) != 1 {
		t.Errorf("autostart folder holds %d files after enabling twice, want 1", len(des))
	}

	if err := l.Disable(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("entry still there after Disable: %v", err)
	}
	if on, err := l.Enabled(); on || err != nil {
		t.Errorf("Enabled after Disable = %v, %v; want false", on, err)
	}
	if err := l.Disable(); err != nil {
		t.Errorf("Disable when already off: %v", err)
	}
}

// desktop-file-validate, the reference checker, accepts the entry.
func TestEntryPassesDesktopFileValidate(t *testing.T) {
	tool, err := exec.LookPath("desktop-file-validate")
	if err != nil {
		if os.Getenv(toolsEnv) == "require" {
			t.Fatalf("desktop-file-validate is not installed (Debian package desktop-file-utils): %v", err)
		}
		t.Skip("desktop-file-validate is not installed (Debian package desktop-file-utils); make test installs it")
	}
	l, path := testLauncher(t)
	if err := l.Enable(); err != nil {
		t.Fatal(err)
	}
	out, err := exec.CommandContext(t.Context(), tool, path).CombinedOutput()
	if err != nil || len(out) != 0 {
		data, _ := os.ReadFile(path)
		t.Errorf("desktop-file-validate: %v\n%s\nentry:\n%s", err, out, data)
	}
}

// The desktop's own switch (Hidden, or GNOME's
// X-GNOME-Autostart-enabled=false) turns the app's start off too.
func TestEnabledHonoursTheDesktopsSwitch(t *testing.T) {
	for _, extra := range []string{"Hidden=true\n", "X-GNOME-Autostart-enabled=false\n"} {
		l, path := testLauncher(t)
		if err := l.Enable(); err != nil {
			t.Fatal(err)
		}
		f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Fatal(err)
		}
		f.WriteString(extra)
		f.Close()
		if on, err := l.Enabled(); on || err != nil {
			t.Errorf("with %q: Enabled = %v, %v; want false", extra, on, err)
		}
	}
}

func TestEntryPath(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
		err  error
	}{
		{"XDG_CONFIG_HOME", map[string]string{"XDG_CONFIG_HOME": "/cfg", "HOME": "/home/m"}, "/cfg/autostart/merchant-inbox.desktop", nil},
		{"unset: HOME/.config", map[string]string{"HOME": "/home/m"}, "/home/m/.config/autostart/merchant-inbox.desktop", nil},
		{"relative XDG_CONFIG_HOME is ignored", map[string]string{"XDG_CONFIG_HOME": "cfg", "HOME": "/home/m"}, "/home/m/.config/autostart/merchant-inbox.desktop", nil},
		{"no home", map[string]string{}, "", ErrNoHome},
	} {
		l := Launcher{Getenv: func(k string) string { return tc.env[k] }}
		got, err := l.entryPath()
		if got != tc.want || !errors.Is(err, tc.err) {
			t.Errorf("%s: entryPath = %q, %v; want %q, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

func TestEnableRefusesARelativeProgram(t *testing.T) {
	l, path := testLauncher(t)
	l.Exec = "merchant-inbox"
	if err := l.Enable(); err == nil {
		t.Fatal("Enable with a relative program path succeeded")
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("an entry was written: %v", err)
	}
}
