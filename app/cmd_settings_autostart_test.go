package app

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// settings --autostart writes the system's login item (on Linux the XDG
// autostart entry) and removes it; the database is not where it lives.
func TestSettingsAutostart(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the login item checked here is the XDG one")
	}
	h := newHarness(t)
	config := t.TempDir()
	h.env["XDG_CONFIG_HOME"] = config
	entry := filepath.Join(config, "autostart", "merchant-inbox.desktop")
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}

	var v settingsView
	h.jsonOf(&v, "settings", "--json")
	if v.Autostart {
		t.Fatal("autostart on before it was turned on")
	}
	h.jsonOf(&v, "settings", "--json", "--autostart", "on")
	if !v.Autostart {
		t.Error("settings --autostart on: the view says off")
	}
	data, err := os.ReadFile(entry)
	if err != nil {
		t.Fatalf("no autostart entry: %v", err)
	}
	if !strings.Contains(string(data), "\nExec="+exe+" app --hidden\n") {
		t.Errorf("the entry does not start this program in the tray:\n%s", data)
	}
	if r := h.mustRun("", "settings"); !strings.Contains(r.stdout, "Autostart:     on") {
		t.Errorf("settings:\n%s", r.stdout)
	}

	h.jsonOf(&v, "settings", "--json", "--autostart", "off")
	if v.Autostart {
		t.Error("settings --autostart off: the view says on")
	}
	if _, err := os.Stat(entry); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the entry is still there after --autostart off: %v", err)
	}
	if r := h.run("", "settings", "--autostart", "maybe"); r.code != ExitUsage {
		t.Errorf("--autostart maybe: exit %d, want %d", r.code, ExitUsage)
	}
}
