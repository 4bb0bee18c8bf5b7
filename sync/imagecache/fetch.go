package imagecache

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// fetch downloads one picture. Error texts name the host, never the
// whole URL: CDN links carry signatures.
func (c *Cache) fetch(ctx context.Context, rawURL string) ([]byte, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, ErrBadURL
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, ErrBadURL
	}
	req.Header.Set("Accept", "image/png, image/jpeg, image/gif, image/webp, image/*;q=0.8")
	resp, err := c.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text holds the URL
		}
		return nil, fmt.Errorf("imagecache: fetching from %s: %w", u.Host, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w from %s: %s", ErrStatus, u.Host, resp.Status)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(strings.ToLower(ct), "image/") {
		return nil, fmt.Errorf("%w: %s sent %q", ErrNotImage, u.Host, ct)
	}
	if resp.ContentLength > c.maxItem {
		return nil, fmt.Errorf("%w: %d bytes from %s, the limit is %d", ErrTooLarge, resp.ContentLength, u.Host, c.maxItem)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, c.maxItem+1))
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("imagecache: reading from %s: %w", u.Host, err)
	}
	if int64(len(data)) > c.maxItem {
		return nil, fmt.Errorf("%w: more than %d bytes from %s", ErrTooLarge, c.maxItem, u.Host)
	}
	// The header is the server's word; the first bytes are the file's.
	// SVG (a document, not a picture) sniffs as text and is refused.
	if sniffed := http.DetectContentType(data); !strings.HasPrefix(sniffed, "image/") || sniffed == "image/svg+xml" {
		return nil, fmt.Errorf("%w: %s sent %s", ErrNotImage, u.Host, sniffed)
	}
	return data, nil
}
