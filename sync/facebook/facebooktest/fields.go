package facebooktest

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// fieldSpec is one entry of ?fields: a field, or an edge with modifiers
// and fields of its own, as in "messages.limit(10){id,message}".
type fieldSpec struct {
	name  string
	limit int    // .limit(N); 0 when absent
	sub   string // the text inside {...}; "" when absent
}

// parseFields splits ?fields at nesting depth zero. The one modifier the
// fake knows is limit(N); others are refused rather than ignored, so a
// client cannot rely on one the fake does not honour.
func parseFields(raw string) ([]fieldSpec, *graphError) {
	var specs []fieldSpec
	depth, start := 0, 0
	for i := 0; i <= len(raw); i++ {
		if i < len(raw) {
			switch raw[i] {
			case '{', '(':
				depth++
				continue
			case '}', ')':
				if depth--; depth < 0 {
					e := badParam("(#100) Syntax error in fields: unbalanced %q", raw[i])
					return nil, &e
				}
				continue
			case ',':
				if depth > 0 {
					continue
				}
			default:
				continue
			}
		}
		if depth != 0 {
			e := badParam("(#100) Syntax error in fields: unbalanced brackets")
			return nil, &e
		}
		if f := strings.TrimSpace(raw[start:i]); f != "" {
			spec, gerr := parseField(f)
			if gerr != nil {
				return nil, gerr
			}
			specs = append(specs, spec)
		}
		start = i + 1
	}
	return specs, nil
}

func parseField(f string) (fieldSpec, *graphError) {
	var spec fieldSpec
	if open := strings.IndexByte(f, '{'); open >= 0 {
		if !strings.HasSuffix(f, "}") {
			e := badParam("(#100) Syntax error in fields: %q", f)
			return spec, &e
		}
		spec.sub = f[open+1 : len(f)-1]
		f = f[:open]
	}
	name, mods, _ := strings.Cut(f, ".")
	spec.name = strings.TrimSpace(name)
	for mods != "" {
		var mod string
		mod, mods, _ = strings.Cut(mods, ".")
		arg, ok := strings.CutPrefix(mod, "limit(")
		n, err := strconv.Atoi(strings.TrimSuffix(arg, ")"))
		if !ok || !strings.HasSuffix(arg, ")") || err != nil || n <= 0 {
			e := badParam("(#100) facebooktest: field modifier %q is not implemented (only limit(N))", mod)
			return spec, &e
		}
		spec.limit = n
	}
	return spec, nil
}

// nestedMessages is the spec of a "messages" field in the request's
// ?fields, if any.
func nestedMessages(r *http.Request) (fieldSpec, bool) {
	specs, _ := parseFields(r.Form.Get("fields")) // fieldsOf has refused bad ones
	for _, f := range specs {
		if f.name == "messages" {
			return f, true
		}
	}
	return fieldSpec{}, false
}

// messagesEdge renders a conversation's messages as Graph nests an edge
// in its parent: the newest limit of them as {"data":[...],"paging":
// {"cursors":{"before","after"},"next"}}, where next is an absolute URL of
// the edge itself (/{conversation-id}/messages) that repeats the nested
// fields, the limit and the access token, so it pages on as the edge's
// own paging does.
func (s *Server) messagesEdge(r *http.Request, token string, c *conversation, spec fieldSpec) (map[string]any, *graphError) {
	fields := messageNode.defaults
	if spec.sub != "" {
		specs, gerr := parseFields(spec.sub)
		if gerr != nil {
			return nil, gerr
		}
		fields = fields[:0:0]
		for _, f := range specs {
			if !slices.Contains(messageNode.known, f.name) || f.limit > 0 || f.sub != "" {
				e := nonexistingField(f.name, messageNode.name)
				return nil, &e
			}
			fields = append(fields, f.name)
		}
	}
	limit := spec.limit
	if limit <= 0 {
		limit = s.pageSize
	}
	msgs := c.newestFirst()
	end := min(limit, len(msgs))
	data := make([]any, end)
	for i, m := range msgs[:end] {
		data[i] = pick(s.messageObject(c, m), fields)
	}
	out := map[string]any{"data": data}
	if end == 0 {
		return out, nil
	}
	paging := map[string]any{"cursors": map[string]string{
		"before": cursor(msgs[0].ID), "after": cursor(msgs[end-1].ID),
	}}
	if end < len(msgs) {
		q := url.Values{
			"fields":       {strings.Join(fields, ",")},
			"limit":        {strconv.Itoa(limit)},
			"after":        {cursor(msgs[end-1].ID)},
			"access_token": {token},
		}
		prefix := strings.TrimSuffix(versionPrefix.FindString(r.URL.Path), "/")
		u := url.URL{Scheme: "http", Host: r.Host, Path: prefix + "/" + c.id + "/messages", RawQuery: q.Encode()}
		if r.TLS != nil {
			u.Scheme = "https"
		}
		paging["next"] = u.String()
	}
	out["paging"] = paging
	return out, nil
}
