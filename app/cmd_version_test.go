package app

import (
	"bytes"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionOf(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified},
		}}
	}
	for _, tc := range []struct {
		name   string
		linked string
		info   *debug.BuildInfo
		ok     bool
		want   string
	}{
		{"set at link time", "0.1.0", vcs("1a2b3c4d5e6f7a8b9c0d", "true"), true, "0.1.0"},
		{"module version from a tag", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.2.0"}}, true, "v0.2.0"},
		{"pseudo-version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20260301120000-1a2b3c4d5e6f+dirty"}}, true, "v0.0.0-20260301120000-1a2b3c4d5e6f+dirty"},
		{"clean commit", "", vcs("1a2b3c4d5e6f7a8b9c0d", "false"), true, "devel 1a2b3c4d5e6f"},
		{"modified commit", "", vcs("1a2b3c4d5e6f7a8b9c0d", "true"), true, "devel 1a2b3c4d5e6f+dirty"},
		{"short revision", "", vcs("abc", "false"), true, "devel abc"},
		{"no version control", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, true, "devel"},
		{"no build info", "", nil, false, "devel"},
	} {
		if got := versionOf(tc.linked, tc.info, tc.ok); got != tc.want {
			t.Errorf("%s: versionOf = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestVersionCommand(t *testing.T) {
	want := "merchant-inbox " + Version() + "\n"
	if Version() == "" {
		t.Fatal("Version() is empty")
	}
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		var out, errOut bytes.Buffer
		code := Run(t.Context(), Invocation{Args: args, Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errOut})
		if code != ExitOK || out.String() != want {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want %q", args, code, out.String(), errOut.String(), want)
		}
	}
	var out, errOut bytes.Buffer
	if code := Run(t.Context(), Invocation{Args: []string{"version", "extra"}, Stdout: &out, Stderr: &errOut}); code != ExitUsage {
		t.Errorf("version extra: exit %d, want %d", code, ExitUsage)
	}
}
