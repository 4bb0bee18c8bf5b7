package app

import (
	"context"
	"fmt"
	"runtime/debug"
)

// version is the release, FyneApp.toml's Version, which the Makefile sets
// at link time:
//
//	go build -ldflags "-X github.com/merchant-inbox/merchant-inbox/app.version=0.1.0"
//
// It is written only by the linker. A binary built without the Makefile
// (go build, go install, go test) leaves it empty, and Version falls back
// to what the Go toolchain recorded.
var version string

const versionUsage = `version

Prints the version of Merchant Inbox (also: merchant-inbox --version).`

// Version is the version of this binary, for `version`, the window's
// settings and About: the release set at link time, else what the Go
// toolchain stamped from version control.
func Version() string {
	info, ok := debug.ReadBuildInfo()
	return versionOf(version, info, ok)
}

// versionOf prefers the release set at link time. Without one, the module
// version the toolchain derived from version control (a tag, or a
// pseudo-version naming the commit); without that, the commit itself
// ("devel 1a2b3c4d5e6f", "+dirty" for uncommitted changes); else "devel".
func versionOf(linked string, info *debug.BuildInfo, ok bool) string {
	if linked != "" {
		return linked
	}
	if !ok || info == nil {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return "devel"
	}
	return "devel " + rev[:min(len(rev), 12)] + dirty
}

func runVersion(_ context.Context, e *env, args []string) error {
	fs := e.flags("version", versionUsage)
	if err := parse(e, fs, args); err != nil {
		return err
	}
	if fs.NArg() != 0 {
		return usagef("version: unexpected argument %q", fs.Arg(0))
	}
	fmt.Fprintf(e.Stdout, "merchant-inbox %s\n", Version())
	return nil
}
