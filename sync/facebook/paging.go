package facebook

import (
	"context"
	"encoding/json"
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

// Pages walks a Graph collection one page, one call, at a time, so that
// a caller can hand each page's items on before the next call is made.
// After an error the walk stays where it was: calling Next again retries
// the same page (after a rate-limit pause, say) instead of starting over.
// The cursors it follows live only as long as the walk: Meta does not
// promise they survive, so they are never handed out.
type Pages[T any] struct {
	c      *Client
	token  string
	next   *url.URL // the page Next reads; nil when the walk is over
	cur    *url.URL // the page Next read last
	err    error    // permanent: the walk cannot start
	decode func(body []byte) (items []T, next string, err error)
}

// newPages starts a walk at first; startErr, if any, is what every Next
// returns.
func newPages[W, T any](c *Client, first *url.URL, startErr error, token string, conv func(W) T) *Pages[T] {
	return &Pages[T]{c: c, token: token, next: first, err: startErr, decode: func(body []byte) ([]T, string, error) {
		var p pageOf[W]
		if err := json.Unmarshal(body, &p); err != nil {
			return nil, "", err
		}
		items := make([]T, len(p.Data))
		for i, w := range p.Data {
			items[i] = conv(w)
		}
		return items, p.Paging.Next, nil
	}}
}

// More reports whether Next has a page to read.
func (p *Pages[T]) More() bool { return p.err != nil || p.next != nil }

// Next reads the next page. It returns no items and no error once the
// walk is over.
func (p *Pages[T]) Next(ctx context.Context) ([]T, error) {
	if p.err != nil {
		return nil, p.err
	}
	if p.next == nil {
		return nil, nil
	}
	var raw json.RawMessage
	if err := p.c.do(ctx, http.MethodGet, p.next, p.token, nil, &raw); err != nil {
		return nil, err
	}
	items, next, err := p.decode(raw)
	if err != nil {
		return nil, fmt.Errorf("facebook: GET %s: decoding response: %w", p.next.Path, err)
	}
	p.cur = p.next
	p.next = nil
	if next == "" {
		return items, nil
	}
	u, err := p.c.nextURL(next)
	if err == nil && u.String() == p.cur.String() {
		err = errors.New("facebook: paging.next repeats the page just read")
	}
	if err != nil {
		p.err = err // reported by the following Next: these items are good
		return items, nil
	}
	p.next = u
	return items, nil
}

// reshape changes the query of the pages still to read; again makes the
// next Next read the page just read once more, with that query.
func (p *Pages[T]) reshape(set url.Values, again bool) {
	from := p.next
	if again && p.cur != nil {
		from = p.cur
	}
	if from == nil {
		return
	}
	u := *from
	q := u.Query()
	for k, v := range set {
		q[k] = v
	}
	u.RawQuery = q.Encode()
	p.next = &u
}

// paginate walks a Graph collection lazily: a page is fetched only when the
// caller's loop needs it, so breaking out stops all fetching. startErr lets
// callers hand over an endpoint error to be yielded like any other.
func paginate[W, T any](ctx context.Context, c *Client, first *url.URL, startErr error, token string, conv func(W) T) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		pages := newPages(c, first, startErr, token, conv)
		for pages.More() {
			items, err := pages.Next(ctx)
			if err != nil {
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
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
