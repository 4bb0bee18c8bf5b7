package autostart

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

// parseDesktopEntry reads the [Desktop Entry] group's keys, undoing the
// string escapes (\s \n \t \r \\), as a desktop does: an independent
// reading of the spec, not the writer run backwards.
func parseDesktopEntry(data []byte) (map[string]string, error) {
	keys := map[string]string{}
	group := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			group = line[1 : len(line)-1]
			continue
		}
		if group != "Desktop Entry" {
			return nil, fmt.Errorf("key outside [Desktop Entry]: %q", line)
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			return nil, fmt.Errorf("not a key=value line: %q", line)
		}
		if _, dup := keys[k]; dup {
			return nil, fmt.Errorf("key %s twice", k)
		}
		var out strings.Builder
		for i := 0; i < len(v); i++ {
			if v[i] != '\\' {
				out.WriteByte(v[i])
				continue
			}
			if i++; i == len(v) {
				return nil, fmt.Errorf("%s ends in a lone backslash", k)
			}
			switch v[i] {
			case 's':
				out.WriteByte(' ')
			case 'n':
				out.WriteByte('\n')
			case 't':
				out.WriteByte('\t')
			case 'r':
				out.WriteByte('\r')
			case '\\':
				out.WriteByte('\\')
			default:
				return nil, fmt.Errorf("%s: unknown escape \\%c", k, v[i])
			}
		}
		keys[k] = out.String()
	}
	return keys, sc.Err()
}

// splitExec splits an (unescaped) Exec value into argv by the spec's
// quoting rules and undoes "%%".
func splitExec(s string) ([]string, error) {
	var (
		argv   []string
		cur    strings.Builder
		inArg  bool
		quoted bool
	)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\\':
			if i++; i == len(s) || !strings.ContainsRune("\"`$\\", rune(s[i])) {
				return nil, errors.New("bad escape inside quotes")
			}
			cur.WriteByte(s[i])
		case quoted && c == '"':
			quoted = false
		case quoted:
			cur.WriteByte(c)
		case c == '"':
			if inArg {
				return nil, errors.New("quote inside an unquoted argument")
			}
			quoted, inArg = true, true
		case c == ' ':
			if inArg {
				argv = append(argv, cur.String())
				cur.Reset()
				inArg = false
			}
		case strings.IndexByte("\t\n'\\><~|&;$*?#()`", c) >= 0:
			return nil, fmt.Errorf("reserved character %q outside quotes", c)
		default:
			cur.WriteByte(c)
			inArg = true
		}
	}
	if quoted {
		return nil, errors.New("unterminated quote")
	}
	if inArg {
		argv = append(argv, cur.String())
	}
	for i, a := range argv {
		if strings.Contains(strings.ReplaceAll(a, "%%", ""), "%") {
			return nil, fmt.Errorf("argument %q has a field code", a)
		}
		argv[i] = strings.ReplaceAll(a, "%%", "%")
	}
	return argv, nil
}

func TestExecLineRoundTrips(t *testing.T) {
	for _, argv := range [][]string{
		{"/usr/bin/merchant-inbox", "app", "--hidden"},
		{"/home/m/My Apps/merchant-inbox", "app"},
		{`/opt/"quoted"/$HOME/back\slash/100%/merchant-inbox`},
		{"/opt/a`b`/c'd'/e;f&g|h<i>j~k*l?m#n(o)/merchant-inbox", ""},
	} {
		line := execLine(argv)
		entry, err := parseDesktopEntry([]byte("[Desktop Entry]\nExec=" + escapeValue(line) + "\n"))
		if err != nil {
			t.Fatalf("%q: %v", argv, err)
		}
		got, err := splitExec(entry["Exec"])
		if err != nil || !slices.Equal(got, argv) {
			t.Errorf("execLine(%q) = %q, which runs %q, %v", argv, line, got, err)
		}
	}
}

// The LaunchAgent is a property list launchd reads: the program and its
// arguments, run at load.
func TestLaunchAgent(t *testing.T) {
	l := Launcher{Exec: "/Applications/Merchant Inbox.app/Contents/MacOS/merchant-inbox <&>", Args: []string{"app", "--hidden"}}
	var plist struct {
		XMLName xml.Name `xml:"plist"`
		Dict    struct {
			Inner []byte `xml:",innerxml"`
		} `xml:"dict"`
	}
	data := l.launchAgent()
	if err := xml.Unmarshal(data, &plist); err != nil {
		t.Fatalf("not XML: %v\n%s", err, data)
	}
	// A plist dict alternates <key> and a value element.
	dec := xml.NewDecoder(bytes.NewReader(plist.Dict.Inner))
	got := map[string]any{}
	var key string
	for {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "key":
			var k string
			dec.DecodeElement(&k, &se)
			key = k
		case "string":
			var s string
			dec.DecodeElement(&s, &se)
			got[key] = s
		case "array":
			var a struct {
				S []string `xml:"string"`
			}
			dec.DecodeElement(&a, &se)
			got[key] = a.S
		case "true":
			got[key] = true
		}
	}
	if got["Label"] != "com.merchantinbox.app" || got["RunAtLoad"] != true || got["ProcessType"] != "Interactive" {
		t.Errorf("plist keys %v", got)
	}
	if args, _ := got["ProgramArguments"].([]string); !slices.Equal(args, append([]string{l.Exec}, l.Args...)) {
		t.Errorf("ProgramArguments = %q", args)
	}
	if _, ok := got["KeepAlive"]; ok {
		t.Error("KeepAlive set: launchd would restart the app when the merchant quits it")
	}
}
