package autostart

import (
	"bytes"
	"encoding/xml"
)

// launchAgent is the LaunchAgent property list for l (launchd.plist(5)):
// launchd starts ProgramArguments at each login (RunAtLoad) as an app the
// merchant uses (ProcessType Interactive), and does not restart it when the
// merchant quits it (no KeepAlive).
func (l Launcher) launchAgent() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">` + "\n")
	b.WriteString("<plist version=\"1.0\">\n<dict>\n")
	str := func(s string) {
		b.WriteString("<string>")
		xml.EscapeText(&b, []byte(s)) // never fails on a bytes.Buffer
		b.WriteString("</string>")
	}
	b.WriteString("\t<key>Label</key>")
	str(launchdLabel)
	b.WriteString("\n\t<key>ProgramArguments</key>\n\t<array>\n")
	for _, a := range append([]string{l.Exec}, l.Args...) {
		b.WriteString("\t\t")
		str(a)
		b.WriteString("\n")
	}
	b.WriteString("\t</array>\n\t<key>RunAtLoad</key><true/>\n\t<key>ProcessType</key>")
	str("Interactive")
	b.WriteString("\n</dict>\n</plist>\n")
	return b.Bytes()
}
