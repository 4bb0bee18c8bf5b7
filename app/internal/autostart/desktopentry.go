package autostart

import (
	"fmt"
	"strings"
)

// desktopEntry is the XDG autostart entry for l, per the Desktop Entry
// Specification (specifications.freedesktop.org/desktop-entry-spec). It
// says Version 1.0: every key it uses is from 1.0, and older validators and
// desktops refuse versions they do not know.
func (l Launcher) desktopEntry() []byte {
	var b strings.Builder
	line := func(k, v string) { fmt.Fprintf(&b, "%s=%s\n", k, escapeValue(v)) }
	b.WriteString("[Desktop Entry]\n")
	line("Type", "Application")
	line("Version", "1.0")
	line("Name", l.Name)
	if l.Comment != "" {
		line("Comment", l.Comment)
	}
	line("Exec", execLine(append([]string{l.Exec}, l.Args...)))
	if l.Icon != "" {
		line("Icon", l.Icon)
	}
	line("Terminal", "false")
	line("X-GNOME-Autostart-enabled", "true")
	return []byte(b.String())
}

// execLine quotes argv for an Exec key ("The Exec key" in the spec): an
// argument with a reserved character is put in double quotes, inside which
// '"', '`', '$' and '\' take a backslash; a literal '%' is written "%%",
// since '%' starts a field code. The result is a string value, which
// escapeValue then escapes once more (so a '\' in a path ends up as four).
func execLine(argv []string) string {
	const reserved = " \t\n\"'\\><~|&;$*?#()`"
	quoted := make([]string, len(argv))
	for i, a := range argv {
		a = strings.ReplaceAll(a, "%", "%%")
		if a != "" && !strings.ContainsAny(a, reserved) {
			quoted[i] = a
			continue
		}
		var q strings.Builder
		q.WriteByte('"')
		for _, r := range a {
			if strings.ContainsRune("\"`$\\", r) {
				q.WriteByte('\\')
			}
			q.WriteRune(r)
		}
		q.WriteByte('"')
		quoted[i] = q.String()
	}
	return strings.Join(quoted, " ")
}

// escapeValue applies the spec's escapes for string values ("Possible
// value types"): a backslash, and the control characters a value cannot
// hold literally.
func escapeValue(v string) string {
	return strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`).Replace(v)
}
