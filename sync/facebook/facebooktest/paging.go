package facebooktest

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// paginate answers one page of an edge whose items, in edge order, have
// the given keys: {"data":[...],"paging":{"cursors":{"before","after"},
// "next","previous"}}. next is absent on the last page, and, as on Graph,
// it is an absolute URL repeating the query and the access token.
func (s *Server) paginate(r *http.Request, token string, keys []string, render func(i int) map[string]any) (any, *graphError) {
	limit := s.pageSize
	if n, err := strconv.Atoi(r.Form.Get("limit")); err == nil && n > 0 {
		limit = n
	}
	start, end := 0, min(limit, len(keys))
	if a := r.Form.Get("after"); a != "" {
		i, ok := cursorIndex(keys, a)
		if !ok {
			e := badParam("(#100) The after cursor is not valid")
			return nil, &e
		}
		start = i + 1
		end = min(start+limit, len(keys))
	} else if b := r.Form.Get("before"); b != "" {
		i, ok := cursorIndex(keys, b)
		if !ok {
			e := badParam("(#100) The before cursor is not valid")
			return nil, &e
		}
		start, end = max(0, i-limit), i
	}
	data := make([]any, 0, max(0, end-start))
	for i := start; i < end; i++ {
		data = append(data, render(i))
	}
	out := map[string]any{"data": data}
	if start >= end {
		return out, nil
	}
	paging := map[string]any{"cursors": map[string]string{
		"before": cursor(keys[start]),
		"after":  cursor(keys[end-1]),
	}}
	if end < len(keys) {
		paging["next"] = pageURL(r, token, "after", cursor(keys[end-1]), limit)
	}
	if start > 0 {
		paging["previous"] = pageURL(r, token, "before", cursor(keys[start]), limit)
	}
	out["paging"] = paging
	return out, nil
}

// cursor names the item a page starts or ends at; opaque to clients.
func cursor(key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte("fbfake:" + key))
}

func cursorIndex(keys []string, c string) (int, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	key, ok := strings.CutPrefix(string(b), "fbfake:")
	if !ok {
		return 0, false
	}
	i := slices.Index(keys, key)
	return i, i >= 0
}

// pageURL builds a paging link back to this server from the request's own
// host, so it also works behind a client's custom base URL.
func pageURL(r *http.Request, token, param, cur string, limit int) string {
	q := cloneValues(r.URL.Query())
	if q == nil {
		q = url.Values{}
	}
	q.Del("after")
	q.Del("before")
	q.Set(param, cur)
	q.Set("limit", strconv.Itoa(limit))
	q.Set("access_token", token)
	u := url.URL{Scheme: "http", Host: r.Host, Path: r.URL.Path, RawQuery: q.Encode()}
	if r.TLS != nil {
		u.Scheme = "https"
	}
	return u.String()
}
