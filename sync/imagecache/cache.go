// Package imagecache keeps pictures fetched over HTTP in a folder of the
// data directory, so that a thread's photos and the catalogue's product
// images are downloaded once and shown from disk afterwards.
//
// The folder is bounded: when a new picture would take it over its
// budget, the pictures used least recently are removed. Use is recorded
// in each file's modification time, so the order survives a restart
// without an index file that could disagree with the folder.
package imagecache

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sync"
	"time"
)

// Defaults for Options.
const (
	DefaultBudget  = 200 << 20 // bytes on disk for the whole cache
	DefaultMaxItem = 10 << 20  // bytes for one picture
)

// Errors a Get may wrap, for errors.Is.
var (
	// ErrTooLarge: the picture is larger than Options.MaxItem.
	ErrTooLarge = errors.New("imagecache: image too large")
	// ErrNotImage: the server did not send a PNG, JPEG, GIF, WebP or
	// BMP picture (by its Content-Type and by its first bytes).
	ErrNotImage = errors.New("imagecache: not an image")
	// ErrBadURL: the address is not an http or https URL.
	ErrBadURL = errors.New("imagecache: not an http(s) URL")
	// ErrStatus: the server answered with a status other than 200.
	ErrStatus = errors.New("imagecache: unexpected HTTP status")
)

// Options configures a Cache.
type Options struct {
	// Client fetches the pictures; it should have a timeout. Nil is a
	// client with a 20-second timeout.
	Client *http.Client
	// Budget is the most the folder holds, in bytes; 0 is DefaultBudget.
	Budget int64
	// MaxItem is the largest picture fetched, in bytes; 0 is
	// DefaultMaxItem. It is capped at Budget.
	MaxItem int64
	// Now is the time source for use times; nil is time.Now.
	Now func() time.Time
}

// Cache is a folder of pictures keyed by URL. It is safe for concurrent
// use; two processes must not share a folder.
type Cache struct {
	dir     string
	client  *http.Client
	budget  int64
	maxItem int64
	now     func() time.Time

	mu       sync.Mutex
	idx      *index
	inflight map[string]*call
}

// call is one fetch that several Gets of the same URL wait for.
type call struct {
	done    chan struct{}
	data    []byte
	err     error
	waiters int
	cancel  context.CancelFunc
	// abandoned: every waiter left and the fetch was cancelled; a new
	// Get starts a fetch of its own rather than join this one.
	abandoned bool
}

// Open returns a Cache over dir, creating it, and reads what an earlier
// run left there. Files that are not the cache's own are left alone.
func Open(dir string, o Options) (*Cache, error) {
	if o.Client == nil {
		o.Client = &http.Client{Timeout: 20 * time.Second}
	}
	if o.Budget <= 0 {
		o.Budget = DefaultBudget
	}
	if o.MaxItem <= 0 {
		o.MaxItem = DefaultMaxItem
	}
	o.MaxItem = min(o.MaxItem, o.Budget)
	if o.Now == nil {
		o.Now = time.Now
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("imagecache: %w", err)
	}
	idx, err := scan(dir)
	if err != nil {
		return nil, err
	}
	c := &Cache{
		dir: dir, client: o.Client, budget: o.Budget, maxItem: o.MaxItem, now: o.Now,
		idx: idx, inflight: map[string]*call{},
	}
	c.mu.Lock()
	c.evictLocked("")
	c.mu.Unlock()
	return c, nil
}

// Size is the bytes the folder holds, and the number of pictures.
func (c *Cache) Size() (bytes int64, n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.idx.total, c.idx.order.Len()
}

// Get returns the picture at url: from the folder when it was fetched
// before, otherwise fetched now and kept. Concurrent Gets of one URL
// make one request. When ctx ends the Get returns at once; the request
// is abandoned only when no other Get waits for it.
func (c *Cache) Get(ctx context.Context, url string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	key := keyOf(url)
	if data, ok := c.read(key); ok {
		return data, nil
	}

	c.mu.Lock()
	cl := c.inflight[key]
	if cl == nil || cl.abandoned {
		fctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		cl = &call{done: make(chan struct{}), cancel: cancel}
		c.inflight[key] = cl
		go c.fill(fctx, key, url, cl)
	}
	cl.waiters++
	c.mu.Unlock()

	select {
	case <-cl.done:
		return cl.data, cl.err
	case <-ctx.Done():
		c.mu.Lock()
		cl.waiters--
		if cl.waiters == 0 {
			cl.abandoned = true
			cl.cancel()
		}
		c.mu.Unlock()
		return nil, ctx.Err()
	}
}

// fill fetches url, keeps it, and hands the result to the waiters.
func (c *Cache) fill(ctx context.Context, key, url string, cl *call) {
	defer cl.cancel()
	data, err := c.fetch(ctx, url)
	if err == nil {
		err = c.store(key, data)
	}
	c.mu.Lock()
	if c.inflight[key] == cl {
		delete(c.inflight, key)
	}
	c.mu.Unlock()
	cl.data, cl.err = data, err
	close(cl.done)
}

// keyOf names a URL's file: the hex SHA-256 of the URL, so that nothing
// of the URL (CDN links carry signatures) is written in a file name.
func keyOf(url string) string {
	sum := sha256.Sum256([]byte(url))
	return hex.EncodeToString(sum[:])
}
