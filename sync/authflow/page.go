package authflow

import (
	"bytes"
	"html/template"
	"net/http"
	"strconv"
)

// page is what the browser ends on. Status describes the request (400 for a
// wrong state, 409 for a replay...); Title and Message describe the sign-in,
// so a valid callback whose sign-in failed still answers 200.
type page struct {
	Status  int
	OK      bool
	Title   string
	Message string
}

const titleFailed = "Not connected"

func failurePage(status int, message string) page {
	return page{Status: status, Title: titleFailed, Message: message}
}

// pageTemplate is self-contained (inline CSS, no scripts, images or fonts),
// so the strict Content-Security-Policy below holds and nothing on the page
// makes a request that could leak the URL, which carries the code.
var pageTemplate = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}} · Merchant Inbox</title>
<style>
body{margin:0;min-height:100vh;display:grid;place-items:center;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f4f4f5;color:#1f2024}
main{box-sizing:border-box;max-width:34rem;margin:1rem;padding:2rem;background:#fff;border-radius:12px;border-top:6px solid #c5280c;box-shadow:0 1px 4px rgba(0,0,0,.12)}
main.ok{border-top-color:#0a7d57}
h1{margin:0 0 .75rem;font-size:1.5rem}
p{margin:.5rem 0}
.hint{color:#5f6168}
@media (prefers-color-scheme:dark){body{background:#18181b;color:#e6e6e8}main{background:#26262a}.hint{color:#a4a4aa}}
</style>
</head>
<body>
<main{{if .OK}} class="ok"{{end}}>
<h1>{{.Title}}</h1>
<p>{{.Message}}</p>
<p class="hint">You can close this tab and return to Merchant Inbox.</p>
</main>
</body>
</html>
`))

// writePage renders into a buffer first so that a template failure cannot
// leave the merchant looking at half a page with a 200 status.
func writePage(w http.ResponseWriter, p page) {
	var buf bytes.Buffer
	if err := pageTemplate.Execute(&buf, p); err != nil {
		http.Error(w, "Merchant Inbox could not show this page.", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	setSecurityHeaders(h)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(p.Status)
	w.Write(buf.Bytes())
	// Put the page on the wire before the handler returns: Close drops
	// connections as soon as handlers are done.
	http.NewResponseController(w).Flush()
}

// setSecurityHeaders marks every answer. The URL of a callback holds a code
// and a state: no-store keeps the page out of caches and history restore,
// no-referrer keeps the URL from any link the merchant follows next, and
// the CSP allows nothing but the inline style.
func setSecurityHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
}
