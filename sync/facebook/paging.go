package facebook

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// pageOf is one page of a Graph collection. Only paging.next matters: the
// cursors are embedded in it and are not worth persisting.
type pageOf[W any] struct {
	Data   []W `json:"data"`
	Paging struct {
		Next string `json:"next"`
	} `json:"paging"`
}

// paginate walks a Graph collection lazily: a page is fetched only when the
// caller's loop needs it, so breaking out stops all fetching. startErr lets
// callers hand over an endpoint error to be yielded like any other.
func paginate[W, T any](ctx context.Context, c *Client, first *url.URL, startErr error, token string, conv func(W) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if startErr != nil {
			yield(zero, startErr)
			return
		}
		for u := first; u != nil; {
			var p pageOf[W]
			if err := c.do(ctx, http.MethodGet, u, token, nil, &p); err != nil {
				yield(zero, err)
				return
			}
			for _, w := range p.Data {
				if !yield(conv(w), nil) {
					return
				}
			}
			if p.Paging.Next == "" {
				return
			}
			next, err := c.nextURL(p.Paging.Next)
			if err == nil && next.String() == u.String() {
				err = errors.New("facebook: paging.next repeats the page just read")
			}
			if err != nil {
				yield(zero, err)
				return
			}
			u = next
		}
	}
}

// nextURL vets a paging.next URL before following it. Graph puts the access
// token (and appsecret_proof) in these URLs, so the raw text never appears
// in an error, both are stripped (the Client re-sends its own in the
// header), and only the BaseURL's scheme and host are accepted: a next link
// elsewhere would otherwise receive the token.
func (c *Client) nextURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse errors quote the whole URL, token included: drop them.
		return nil, errors.New("facebook: paging.next is not a valid URL")
	}
	if !strings.EqualFold(u.Scheme, c.base.Scheme) || !strings.EqualFold(u.Host, c.base.Host) {
		return nil, fmt.Errorf("facebook: refusing paging.next on %s://%s: not the Graph host", u.Scheme, u.Host)
	}
	if u.User != nil {
		return nil, errors.New("facebook: refusing paging.next with user info")
	}
	q := u.Query()
	q.Del("access_token")
	q.Del("appsecret_proof")
	u.RawQuery = q.Encode()
	u.Fragment = ""
	return u, nil
}
