package app

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// fyneApp is the part of FyneApp.toml (Fyne v2.8.1's metadata format, as
// fyne.io/tools v1.7.4 reads it) that the package and the binary depend
// on.
type fyneApp struct {
	Website string
	Details struct {
		Icon, Name, ID, Version string
		Build                   int
	}
	LinuxAndBSD struct {
		GenericName, Comment string
		Categories, Keywords []string
	}
}

// The packaging inputs are complete and agree with the code: what `make
// package` needs, checked on every test run (make package-test builds and
// installs the package itself).
func TestFyneAppMetadata(t *testing.T) {
	root := filepath.Join("..")
	var meta fyneApp
	md, err := toml.DecodeFile(filepath.Join(root, "FyneApp.toml"), &meta)
	if err != nil {
		t.Fatalf("FyneApp.toml: %v", err)
	}
	if extra := md.Undecoded(); len(extra) != 0 {
		t.Errorf("FyneApp.toml has keys this test does not know (a typo?): %v", extra)
	}
	d := meta.Details
	if d.Name != "Merchant Inbox" {
		t.Errorf("Details.Name = %q", d.Name)
	}
	if d.ID != appID {
		t.Errorf("Details.ID = %q, want the app's Fyne ID %q", d.ID, appID)
	}
	// fyne package accepts up to x.y.z, digits and dots only.
	if !regexp.MustCompile(`^\d+\.\d+\.\d+$`).MatchString(d.Version) {
		t.Errorf("Details.Version = %q, want x.y.z", d.Version)
	}
	if d.Build < 1 {
		t.Errorf("Details.Build = %d, want at least 1", d.Build)
	}
	if l := meta.LinuxAndBSD; l.Comment == "" || len(l.Categories) == 0 || l.GenericName == "" {
		t.Errorf("LinuxAndBSD incomplete for the .desktop file: %+v", l)
	}

	data, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(d.Icon)))
	if err != nil {
		t.Fatalf("Details.Icon: %v", err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Details.Icon %s is not a PNG: %v", d.Icon, err)
	}
	// Square, and at least 256 pixels: what desktops and fyne package want.
	if cfg.Width != cfg.Height || cfg.Width < 256 {
		t.Errorf("icon is %d×%d, want square, at least 256×256", cfg.Width, cfg.Height)
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Errorf("icon does not decode: %v", err)
	}
}

// The Makefile links FyneApp.toml's Version into the binary by the name
// this package declares it under.
func TestMakefileLinksTheVersion(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "Makefile"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), "-X github.com/merchant-inbox/merchant-inbox/app.version=$(VERSION)") {
		t.Error("the Makefile does not link $(VERSION) into app.version")
	}
}
